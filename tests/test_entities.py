"""The verifier's names rule and the news's translated names: "Security Council" is «مجلس الأمن» (fast: no model)."""

from __future__ import annotations

import pytest

from assistant.answer.grounding import Verifier
from assistant.text.entities import entity_words_found
from assistant.text.questions import latin_name_phrases, phrase_found


def _names_found(claim: str, source: str) -> bool:
    return all(phrase_found(p, source) for p in latin_name_phrases(claim))


# Right English sentences over the Arabic sentence they translate: all but two (the UN envoy: "UN" is too short
# to check; IAEA) were rejected as "names not in the cited passage" before the table, as a transliteration's
# skeleton cannot see a translation.
RIGHT = [
    ("The United States sent 26 soldiers.", "أرسلت الولايات المتحدة 26 جندياً."),
    ("The UN Security Council met on Monday.", "اجتمع مجلس الأمن الدولي يوم الاثنين."),
    ("The United Nations warned of famine in Yemen.", "حذّرت الأمم المتحدة من مجاعة في اليمن."),
    ("The UN envoy arrived in Sanaa.", "وصل المبعوث الأممي إلى صنعاء."),
    ("NATO allies met in Brussels.", "اجتمع حلفاء حلف شمال الأطلسي في بروكسل."),
    ("Hezbollah fired rockets at the Golan Heights.", "أطلق حزب الله صواريخ على مرتفعات الجولان."),
    ("The Houthis attacked ships in the Red Sea.", "هاجم الحوثيون سفناً في البحر الأحمر."),
    ("The White House said it would send weapons.", "قال البيت الأبيض إنه سيرسل أسلحة."),
    ("The Islamic State claimed the attack.", "تبنى تنظيم الدولة الإسلامية الهجوم."),
    ("The Prime Minister resigned on Sunday.", "استقال رئيس الوزراء يوم الأحد."),
    ("Israel struck the Gaza Strip.", "قصفت إسرائيل قطاع غزة."),
    ("The Revolutionary Guard seized a tanker in the Strait of Hormuz.", "احتجز الحرس الثوري ناقلة في مضيق هرمز."),
    ("The Foreign Ministry summoned the ambassador.", "استدعت وزارة الخارجية السفير."),
    ("Al-Qaeda claimed the attack.", "تبنى تنظيم القاعدة الهجوم."),
    ("The International Monetary Fund lent Egypt 3 billion dollars.", "أقرض صندوق النقد الدولي مصر 3 مليارات دولار."),
    ("The IAEA inspectors left Iran.", "غادر مفتشو الوكالة الدولية للطاقة الذرية إيران."),
    ("The talks in Cairo failed.", "فشلت المحادثات في القاهرة."),
    ("Jerusalem's old city was closed.", "أُغلقت البلدة القديمة في القدس."),
    ("Saudi Arabia hosted the Gulf summit.", "استضافت السعودية قمة الخليج."),
]


@pytest.mark.parametrize(("claim", "source"), RIGHT)
def test_a_translated_name_is_found_in_its_arabic_form(claim, source):
    assert _names_found(claim, source), claim
    assert Verifier().check(claim, source) is None  # and the whole rule set keeps the sentence


# The same kind of sentence naming another entity of the table than the source does: still rejected.
WRONG = [
    ("The Security Council met on Monday.", "اجتمع مجلس الوزراء يوم الاثنين."),
    ("The Houthis attacked ships in the Red Sea.", "هاجم الحوثيون سفناً في البحر الأسود."),
    ("Hezbollah fired rockets.", "أطلقت حركة حماس صواريخ."),
    ("Settlers attacked villages in the West Bank.", "هاجم مستوطنون قرى في قطاع غزة."),
    ("The talks in Cairo failed.", "فشلت المحادثات في الرياض."),
    ("The Defence Minister resigned.", "استقال وزير الخارجية."),
    ("The United Nations warned of famine.", "حذر الاتحاد الأوروبي من مجاعة."),
]


@pytest.mark.parametrize(("claim", "source"), WRONG)
def test_another_translated_name_than_the_source_gives_is_still_rejected(claim, source):
    assert not _names_found(claim, source), claim
    why = Verifier().check(claim, source)
    assert why is not None and why.code == "names", (claim, why)


def test_which_words_an_arabic_form_covers():
    src = "قال الأمين العام لحلف الأطلسي إن مجلس الأمن سيجتمع."
    assert entity_words_found("NATO Secretary-General", src) == {"NATO", "Secretary-General"}
    assert entity_words_found("The Security Council's decision", src) == {"Security", "Council"}
    # the longest form first: "Gulf Cooperation Council" is not "the Gulf" plus a council
    assert entity_words_found("Gulf Cooperation Council", "اجتمع مجلس التعاون الخليجي.") == {
        "Gulf",
        "Cooperation",
        "Council",
    }
    assert entity_words_found("Gulf Cooperation Council", "تصاعد التوتر في الخليج.") == {"Gulf"}
    # a capital-letter form is matched in capitals only; an English source is left to the rule as it was
    assert entity_words_found("Who", "منظمة الصحة العالمية") == set()
    assert entity_words_found("WHO", "منظمة الصحة العالمية") == {"WHO"}
    assert entity_words_found("Security Council", "The Security Council met.") == set()
    assert phrase_found("Security Council", "The Security Council met.")


def test_prefixes_on_the_first_word_of_an_arabic_form():
    assert entity_words_found("White House", "وقالت مصادر بالبيت الأبيض") == {"White", "House"}
    assert entity_words_found("Security Council", "دعا لمجلس الأمن") == {"Security", "Council"}
    assert entity_words_found("Jerusalem", "وصل إلى القدس والخليل") == {"Jerusalem"}
    assert entity_words_found("Houthis", "وأعلن الحوثيين") == {"Houthis"}
    # the article alone is no name: «الأمن» without «مجلس» is not the Security Council
    assert entity_words_found("Security Council", "عززت قوات الأمن انتشارها") == set()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Al-Qaeda", "هبطت الطائرة في قاعدة حميميم الجوية"),  # «قاعدة»: a base
        ("Al-Qaeda", "انسحبت القوات من القاعدة العسكرية"),  # only «تنظيم القاعدة» is the group
        ("West Bank", "سيطرت القوات على الضفة الشرقية لنهر الفرات"),  # a river's bank
        ("Mediterranean", "بلغ النمو في المتوسط 3%"),  # on average
        ("Gulf", "هاجم القراصنة سفينة في خليج عدن"),  # the Gulf of Aden, not the Gulf
    ],
)
def test_words_that_only_look_like_a_form_are_not_it(name, text):
    assert entity_words_found(name, text) == set()


def test_parties_by_their_arabic_names():
    assert phrase_found("Labor Party", "حزب العمال هو الأقوى في ضواحي ملبورن")
    assert phrase_found("Republicans", "قال الجمهوريون في الكونغرس")
    assert not phrase_found("Republicans", "قال قائد الحرس الجمهوري")  # the Republican Guard is no party


def test_every_arabic_form_is_written_as_the_text_is_read():
    """A form not in ``arabic.normalize``'s spelling (ة for ه, أ for ا) could never match: each is checked."""
    from assistant.text.arabic import tokenize
    from assistant.text.entities import _ENTITIES

    for english, arabic in _ENTITIES:
        for form in arabic.split("|"):
            assert " ".join(tokenize(form)) == form, (english, form)
