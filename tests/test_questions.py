"""Question types, answer cues and names across scripts: the scorer's pure features, both languages."""

import pytest

from assistant.answer.grounding import neutralize_markers, parse_claims
from assistant.text.names import name_found
from assistant.text.questions import (
    answer_cues,
    latin_names,
    question_type,
    script_pair,
    type_match,
)


@pytest.mark.parametrize(
    "question, qtype",
    [
        ("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", "count"),
        ("ما عدد الدول التي التزمت بإرسال جنود؟", "count"),
        ("How many countries committed troops?", "count"),
        ("ما نسبة تأييد البولنديين لانضمام أوكرانيا إلى الاتحاد الأوروبي؟", "percent"),
        ("What percentage of Poles support Ukraine joining the EU?", "percent"),
        ("متى عقد اجتماع تحالف الراغبين؟", "date"),
        ("في أي عام وقعت مذكرة بودابست؟", "date"),
        ("When did the coalition meet in Paris?", "date"),
        ("من هو الأمين العام لحلف الناتو؟", "person"),
        ("Who is the secretary general of NATO?", "person"),
        ("أين عقدت قمة الدفاع؟", "place"),
        ("Where was the defence summit held?", "place"),
        ("ما هي الركائز الثلاث التي يرتكز عليها السيناريو؟", "list"),
        ("What are the three pillars of the scenario?", "list"),
        ("لماذا يتجنب ترامب المواجهة مع روسيا؟", "reason"),
        ("Why does Trump avoid a confrontation with Russia?", "reason"),
        ("هل استبعدت بولندا إرسال قوات برية؟", "yesno"),
        ("Did Poland rule out sending ground troops?", "yesno"),
        ("ما موقف ميرز من إرسال القوات؟", "other"),
    ],
)
def test_question_types_in_both_languages(question, qtype):
    assert question_type(question) == qtype


def test_answer_cues_of_arabic_sentences():
    lst = answer_cues("فإنه يرتكز دائمًا على ثلاث ركائز: جيش أوكراني قوي، ودعم أوروبي كبير، وآلية دعم أمريكية")
    assert lst["list"] and lst["number"]
    pct = answer_cues("أيد 51% من البولنديين انضمام أوكرانيا إلى الاتحاد الأوروبي")
    assert pct["percent"] and pct["number"] and not pct["date"]
    assert answer_cues("بلغت نسبة التأييد إحدى وخمسين بالمئة")["percent"]
    date = answer_cues("تجلى هذا في الرابع من سبتمبر بعد مداولات التحالف")
    assert date["date"] and not date["list"]
    assert answer_cues("تراجع ترامب بسبب المخاطر الاقتصادية")["reason"]
    plain = answer_cues("يبقى موقف الرئيس الأمريكي غامضا")
    assert not any(plain.values())


def test_type_match_only_for_types_that_want_a_cue():
    cues = answer_cues("التزمت 26 دولة على الأقل بإرسال جنود")
    assert type_match("count", cues) == (1.0, 0.0)
    assert type_match("percent", cues) == (0.0, 1.0)
    assert type_match("person", cues) == (0.0, 0.0)


def test_latin_names_across_scripts():
    assert latin_names("Did Macron say that Poland and NATO agreed?") == ["Macron", "Poland", "NATO"]
    for en, ar in [
        ("Macron", "قال ماكرون إن"),
        ("Panthers", "دفاع البانثرز"),
        ("Stockholm", "في ستوكهولم"),
        ("Tesla", "نيكولا تسلا"),
        ("Merz", "المستشار ميرز"),
    ]:
        assert name_found(en, ar), (en, ar)
    assert not name_found("Macron", "مركز الدراسات")
    # transliterations that need more than the consonant skeleton
    for en, ar in [
        ("Obama", "قال أوباما"),
        ("Kenya", "في كينيا"),
        ("Charles", "الأمير تشارلز"),
        ("Angeles", "لوس أنجلوس"),
        ("Edinburgh", "جامعة إدنبرة"),
        ("Milanovic", "الاقتصادي ميلانوفيتش"),
        ("African", "القارة الأفريقية"),
    ]:
        assert name_found(en, ar), (en, ar)
    # a two-consonant name must be a whole word's skeleton, and not a short function word's
    assert not name_found("Kenya", "كان هناك اتفاق")
    assert not name_found("Obama", "فتح الباب")
    assert name_found("Reuters", "according to Reuters")


def test_countries_and_peoples_are_translated_not_transliterated():
    from assistant.text.questions import nation_found, phrase_found

    for en, ar in [
        ("Poles", "أيد 51% من البولنديين"),
        ("Polish", "قالت الحكومة البولندية"),
        ("Poland", "بولندا"),
        ("Russians", "قال الروس"),
        ("French", "الرئيس الفرنسي"),
        ("Germans", "الألمان"),
        ("German", "المستشار الألماني"),
        ("Egyptian", "الجيش المصري"),
        ("Saudi", "السعودية"),
        ("Chinese", "الصينيون"),
        ("British", "البريطانيين"),
        ("Turkish", "الخارجية التركية"),
        ("Kurdish", "القوات الكردية"),
        ("Iranians", "والإيرانيين"),
        ("European", "للاتحاد الأوروبي"),
        ("Syrians", "اللاجئين السوريين"),
        ("Korea", "بين الكوريتين"),
    ]:
        assert nation_found(en, ar), (en, ar)
        assert phrase_found(en, ar), (en, ar)  # the verifier's test
    # the stem must end the word or take a nisba ending: a bank is not Egypt, focus is not Turkey
    for en, ar in [
        ("Egypt", "المصرف المركزي"),
        ("Turkish", "التركيز على الأمن"),
        ("Arabic", "عربات القطار"),
        ("Poles", "روسيا"),
        ("Indian", "الهندسة"),
        ("Qatar", "القطران"),
    ]:
        assert nation_found(en, ar) is False, (en, ar)
    assert nation_found("Macron", "ماكرون") is None  # not a country: the transliteration test decides
    assert not name_found("Poles", "البولنديين")  # the scorer's test is the skeleton's alone
    # The verifier keeps a right English answer about the Poles and still drops one about the French.
    from assistant.answer.grounding import Verifier

    src = "أظهر استطلاع أن 51% من البولنديين أيدوا انضمام أوكرانيا إلى الاتحاد الأوروبي."
    assert Verifier().check("51% of Poles supported Ukraine joining the EU.", src) is None
    assert "names not in the cited passage: French" in Verifier().check("51% of French supported Ukraine.", src)


def test_name_phrases_group_capitalised_runs():
    from assistant.text.questions import latin_name_phrases

    text = "The Royal Society of Edinburgh said on Monday that Obama met Trump in Los Angeles."
    assert latin_name_phrases(text) == ["The Royal Society of Edinburgh", "Obama", "Trump", "Los Angeles"]


def test_a_name_phrase_needs_its_names_but_not_its_translated_words():
    from assistant.text.questions import phrase_found

    src = "درس العلماء أحافير سجيل بورجس، ووصفت الجمعية الملكية في إدنبرة نتائجهم، ولعب فريق لوس أنجلوس كليبرز."
    assert phrase_found("Royal Society of Edinburgh", src)  # Royal and Society are translated
    assert phrase_found("Los Angeles Clippers", src)
    assert not phrase_found("Burgess Lilongwe", src)  # a swapped name next to a found one
    assert not phrase_found("Los Angeles Honiara", src)
    assert not phrase_found("Royal Society", src)  # no name of the phrase is found


def test_the_verifier_reads_looser_transliterations_than_the_scorer():
    from assistant.text.names import name_spelled
    from assistant.text.questions import claim_names, phrase_found

    # spellings the skeleton alone misses (the verifier's test; the scorer keeps name_found as trained)
    for en, ar in [
        ("Johnson", "مركز جونسون للفضاء"),  # a vowel's silent h
        ("Wilhelm", "كارل فيلهلم شيل"),  # a German initial w
        ("Nicholas", "مساعده نيكولاس"),  # a Greek ch
        ("Washington", "في واشنطن"),  # ng before a consonant
        ("Lavoisier", "أنطوان لافوازييه"),  # a French silent final r
        ("Carnot", "كفاءة كارنو"),  # … and t
        ("Maizière", "لوثار دي ميزيير"),  # accents
        ("XIV", "لويس الرابع عشر"),  # a Roman numeral is a number, not a name
    ]:
        assert name_spelled(en, ar), (en, ar)
    assert not name_found("Johnson", "مركز جونسون للفضاء")
    assert not name_spelled("John", "جون كالفن")  # looser spellings of two consonants are not tried
    assert not name_spelled("Macron", "مركز الدراسات")
    assert not name_spelled("Obama", "فتح الباب")
    assert not name_spelled("Manning", "قال بايتون")
    # names are not cut at an accented letter; sentence-initial connectives and adverbs are not names
    assert claim_names("Lothar de Maizière met Piñera") == ["Lothar", "Maizière", "Piñera"]
    assert claim_names("Despite this, Gradually and Typically") == []
    src = "قال رئيس الوزراء البريطاني إن البرلمان الاسكتلندي صوّت، وهاجر الهوغونوت من إنجلترا."
    # titles alone are no evidence, but their Arabic form is (text.entities: «رئيس الوزراء» is "Prime Minister")
    assert phrase_found("Prime Minister", "قال الرئيس ماكرون") is False
    assert phrase_found("Prime Minister", "قال رئيس الوزراء ماكرون")
    assert phrase_found("British Prime Minister", src)  # a found name with its translated title words
    assert phrase_found("Scottish Parliament", src)
    assert phrase_found("England", src)
    assert not phrase_found("Ireland", src)
    # «بالإنجليزية» ("in English") is no claim about England: the country rule does not count it
    from assistant.text.countries import countries_named

    assert countries_named("مرض السيدا بالإنجليزية هو مرض يصيب الجهاز المناعي في فرنسا") == {"france"}


def test_script_pairs():
    assert script_pair("كم دولة؟", "التزمت 26 دولة") == "ar-ar"
    assert script_pair("How many countries?", "التزمت 26 دولة") == "en-ar"
    assert script_pair("How many countries?", "26 countries committed") == "en-en"


def test_planted_markers_are_neutralised_in_quotes():
    quote = "قال التقرير [1] إن 26 دولة [99] التزمت 【2】 بإرسال جنود [١]."
    shown = neutralize_markers(quote) + " [1]"
    claims = parse_claims(shown)
    assert [c.cited for c in claims] == [(1,)]  # only our own marker is a citation
    assert "(99)" in shown and "[99]" not in shown and "【" not in shown
