"""A chat's follow-up about another country («وماذا عن فرنسا؟») written out from the question before it."""

from __future__ import annotations

import pytest

from assistant.text.followup import follow_up

GERMANY = "ما موقف ألمانيا من إرسال قوات برية إلى أوكرانيا؟"
SWEDEN = "كم بلغت نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في السويد؟"
# an archive about Ukraine: it names Ukraine everywhere, the other countries seldom
IDF = {"ألمانيا": 3.1, "أوكرانيا": 0.2, "السويد": 4.0, "وأوكرانيا": 0.2}


def rarity(word: str) -> float:
    return IDF.get(word, 2.0)


@pytest.mark.parametrize(
    "question, previous, asked",
    [
        ("وماذا عن فرنسا؟", "هل ترسل ألمانيا قوات؟", "هل ترسل فرنسا قوات؟"),
        ("ماذا عن فرنسا", "هل ترسل ألمانيا قوات؟", "هل ترسل فرنسا قوات؟"),
        ("وبالنسبة لفرنسا؟", "هل ترسل ألمانيا قوات؟", "هل ترسل فرنسا قوات؟"),
        ("وبالنسبة للصين؟", "ما موقف ألمانيا من الحرب؟", "ما موقف الصين من الحرب؟"),
        ("وماذا عن فرنسا؟", "ما عدد القوات بألمانيا؟", "ما عدد القوات بفرنسا؟"),  # its prefix kept
        ("وماذا عن فرنسا؟", "هل يدعم الجيش الألماني ألمانيا؟", "هل يدعم الجيش الألماني فرنسا؟"),  # adjectives stay
        ("وماذا عن الولايات المتحدة؟", "هل ترسل ألمانيا قوات؟", "هل ترسل الولايات المتحدة قوات؟"),
        ("And what about Italy?", "What did Poland say about troops?", "What did Italy say about troops?"),
        ("what about the United States?", "Will Germany send troops?", "Will the United States send troops?"),
        # several countries: the one the archive names least is the one asked about
        ("وماذا عن فرنسا؟", GERMANY, "ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟"),
        ("وماذا عن بولندا؟", SWEDEN, "كم بلغت نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في بولندا؟"),
    ],
)
def test_a_follow_up_about_another_country_asks_the_earlier_question_about_it(question, previous, asked):
    assert follow_up(question, previous, rarity) == asked


@pytest.mark.parametrize(
    "question, previous",
    [
        ("وماذا عن فرنسا؟", None),  # nothing asked before
        ("وماذا عن ألمانيا؟", "هل ترسل ألمانيا قوات؟"),  # the same country
        ("وماذا عن ماكرون؟", "هل ترسل ألمانيا قوات؟"),  # not a country
        ("وماذا عن فرنسا؟", "كم عدد القوات؟"),  # the earlier question names none
        ("وماذا عن الدعم العسكري الفرنسي لأوكرانيا؟", GERMANY),  # a question of its own
        ("ما موقف فرنسا؟", "هل ترسل ألمانيا قوات؟"),  # a question of its own
        ("وماذا عن الصين؟", "كم بلغت الصادرات بين بولندا والهند؟"),  # two countries, neither rarer
    ],
)
def test_anything_else_is_answered_as_asked(question, previous):
    assert follow_up(question, previous, rarity) is None


def test_without_the_archive_several_countries_are_not_guessed_between():
    assert follow_up("وماذا عن فرنسا؟", GERMANY) is None
    assert follow_up("وماذا عن فرنسا؟", "هل ترسل ألمانيا قوات؟") == "هل ترسل فرنسا قوات؟"


def _ukraine_archive(fake_assistant, tmp_path):  # noqa: ANN001, ANN202
    a = fake_assistant()
    texts = {
        "a.txt": "أوكرانيا\n\nأعلنت ألمانيا أنها لن ترسل قوات برية إلى أوكرانيا.\n",
        "b.txt": "أوكرانيا\n\nقالت فرنسا إنها مستعدة لإرسال قوات إلى أوكرانيا بعد وقف إطلاق النار.\n",
        "c.txt": "أوكرانيا\n\nتواصل أوكرانيا الدفاع عن مدنها الشرقية.\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    a.ingest([tmp_path / n for n in texts])
    return a


def test_the_facade_answers_the_written_out_question(fake_assistant, tmp_path):
    a = _ukraine_archive(fake_assistant, tmp_path)
    ans = a.ask("وماذا عن فرنسا؟", previous=GERMANY, mode="extractive")
    assert ans.question == "ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟"  # Germany is the archive's rarer
    assert a.ask("وماذا عن فرنسا؟", mode="extractive").question == "وماذا عن فرنسا؟"  # no earlier question


def test_the_chat_follows_up_and_shows_what_it_answered(fake_assistant, tmp_path):
    from assistant.web import handlers

    a = _ukraine_archive(fake_assistant, tmp_path)
    *_, (html, history, _) = handlers.on_ask(a, GERMANY, [], 5, "hybrid", "extractive")
    assert len(history[0]) == 3 and history[0][2] == GERMANY and "أُجيب بوصفه" not in html
    *_, (html, history, _) = handlers.on_ask(a, "وماذا عن فرنسا؟", history, 5, "hybrid", "extractive")
    assert history[1][2] == "ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟"
    assert "أُجيب بوصفه: «ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟»" in html
    # a follow-up of a follow-up starts from the question answered, not the words typed
    *_, (html, history, _) = handlers.on_ask(a, "وماذا عن بولندا؟", history, 5, "hybrid", "extractive")
    assert history[2][2] == "ما موقف بولندا من إرسال قوات برية إلى أوكرانيا؟"
    # a turn kept before follow-ups were written out (question, answer) still serves as the earlier one
    *_, (html, history, _) = handlers.on_ask(a, "وماذا عن فرنسا؟", [(GERMANY, "<p>…</p>")], 5, "hybrid", "extractive")
    assert history[-1][2].startswith("ما موقف فرنسا")


def test_the_api_takes_the_earlier_question(fake_assistant, tmp_path):
    from assistant.web.handlers import Api

    a = _ukraine_archive(fake_assistant, tmp_path)
    got = Api(a).ask_after("And what about France?", "Will Germany send ground troops?", mode="extractive")
    assert got["question"] == "Will France send ground troops?"
    assert Api(a).ask("And what about France?", mode="extractive")["question"] == "And what about France?"
