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


def _chat_turn(a, chat, question):  # noqa: ANN001, ANN202 - one question sent and answered: the last page
    from assistant.web import chat as web_chat

    web_chat.on_send(chat, question, 5, "hybrid", "extractive")
    return list(web_chat.on_answer(a, chat))[-1]


def test_the_chat_follows_up_and_shows_what_it_answered(fake_assistant, tmp_path):
    from assistant.web.chat import Chat

    a = _ukraine_archive(fake_assistant, tmp_path)
    chat = Chat()
    html = _chat_turn(a, chat, GERMANY)
    assert chat.turns[0][2] == GERMANY and "أُجيب بوصفه" not in html
    html = _chat_turn(a, chat, "وماذا عن فرنسا؟")
    assert chat.turns[1][2] == "ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟"
    assert "أُجيب بوصفه: «ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟»" in html
    # a follow-up of a follow-up starts from the question answered, not the words typed
    _chat_turn(a, chat, "وماذا عن بولندا؟")
    assert chat.turns[2][2] == "ما موقف بولندا من إرسال قوات برية إلى أوكرانيا؟"


def test_a_question_sent_while_an_answer_is_coming_waits_and_is_answered_after_it(fake_assistant, tmp_path):
    """Enter pressed while the model still drafts: the question is shown at once as waiting, the box is emptied
    for the next one, and it is answered after the answer before it — as its follow-up."""
    from assistant.web.chat import Chat, on_answer, on_send

    a = _ukraine_archive(fake_assistant, tmp_path)
    chat = Chat()
    on_send(chat, GERMANY, 5, "hybrid", "extractive")
    pages = on_answer(a, chat)
    while "أعلنت ألمانيا" not in next(pages):  # Germany's quote shown, its answer not yet final
        pass
    box, page = on_send(chat, "وماذا عن فرنسا؟", 5, "hybrid", "extractive")
    assert box == "" and page.count('class="msg user"') == 2 and "ينتظر اكتمال الإجابة السابقة" in page
    assert page.count('aria-busy="true"') == 2  # the answer coming and the question waiting
    *_, last = pages
    assert [t[0] for t in chat.turns] == [GERMANY, "وماذا عن فرنسا؟"] and not chat.waiting
    assert chat.turns[1][2] == "ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟"
    assert "aria-busy" not in last and "ينتظر" not in last and "قالت فرنسا" in last


def test_a_new_chat_drops_what_the_answer_under_way_would_write(fake_assistant, tmp_path):
    from assistant.web.chat import Chat, on_answer, on_new_chat, on_send

    a = _ukraine_archive(fake_assistant, tmp_path)
    chat = Chat()
    on_send(chat, GERMANY, 5, "hybrid", "extractive")
    on_send(chat, "وماذا عن فرنسا؟", 5, "hybrid", "extractive")
    pages = on_answer(a, chat)
    next(pages), next(pages)  # the page, then Germany's question being answered
    assert on_new_chat(chat) == chat.html() and 'class="empty"' in chat.html()
    rest = list(pages)
    assert chat.turns == [] and not chat.waiting and chat.live is None
    assert all('class="empty"' in p for p in rest)  # nothing of the old chat comes back


def test_each_tab_gets_its_own_chat():
    import copy

    from assistant.web.chat import Chat

    first = Chat()
    first.send(GERMANY, 5, "hybrid", "extractive")
    tab = copy.deepcopy(first)  # what Gradio does with a state's first value for each new tab
    tab.send("وماذا عن فرنسا؟", 5, "hybrid", "extractive")
    assert [w[0] for w in first.waiting] == [GERMANY]
    assert [w[0] for w in tab.waiting] == [GERMANY, "وماذا عن فرنسا؟"]


def test_the_api_takes_the_earlier_question(fake_assistant, tmp_path):
    from assistant.web.handlers import Api

    a = _ukraine_archive(fake_assistant, tmp_path)
    got = Api(a).ask_after("And what about France?", "Will Germany send ground troops?", mode="extractive")
    assert got["question"] == "Will France send ground troops?"
    assert Api(a).ask("And what about France?", mode="extractive")["question"] == "And what about France?"
