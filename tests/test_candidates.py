"""Which sentences of a passage may be quoted as an answer: a heading kept in the passage never is."""

from __future__ import annotations

from assistant.answer.scoring import candidates
from assistant.records import Chunk, Hit

OIL = (
    "أزمة النفط عام 1973\n\n"
    "في 6 تشرين الأول/أكتوبر 1973، قامت سوريا ومصر بشن هجوم مفاجئ على إسرائيل. "
    "أدى ذلك التجدد في القتال إلى الضغط الاقتصادي الأساسي على أسعار النفط."
)


def _hit(text: str, heading: str = "", title: str = "t") -> Hit:
    return Hit(1, 1.0, Chunk(1, "d", 0, 0, len(text), text, heading), title, "s")


def test_the_heading_line_of_a_passage_is_not_a_candidate():
    texts = [c.text for c in candidates("ما سبب أزمة النفط عام 1973؟", [_hit(OIL, heading="أزمة النفط عام 1973")])]
    assert "أزمة النفط عام 1973" not in texts
    assert len(texts) == 2 and texts[1].startswith("أدى ذلك")


def test_a_heading_in_another_spelling_is_not_a_candidate_either():
    text = "الإسلاموية في العالم العربي\n\nالإسلاموية مفهوم مثير للجدل يفرض دورًا سياسيًا للإسلام."
    texts = [c.text for c in candidates("ما هي الإسلاموية؟", [_hit(text, heading="الإسلامويّة في العالمِ العربي")])]
    assert texts == ["الإسلاموية مفهوم مثير للجدل يفرض دورًا سياسيًا للإسلام."]


def test_a_title_taken_from_a_first_sentence_is_still_a_candidate():
    text = "The committee met in Geneva on Monday to agree."  # a plain text file's first line is its title
    assert [c.text for c in candidates("Where did the committee meet?", [_hit(text, title=text)])] == [text]


def test_a_sentence_that_only_contains_the_heading_stays():
    text = "أزمة النفط عام 1973 بدأت بحظر عربي على الصادرات."
    texts = [c.text for c in candidates("متى بدأت أزمة النفط؟", [_hit(text, heading="أزمة النفط عام 1973")])]
    assert texts == [text]


def test_a_markdown_article_is_answered_from_its_body_not_its_heading(fake_assistant, tmp_path):
    f = tmp_path / "oil.md"
    f.write_text("# أزمة النفط عام 1973\n\n" + OIL.split("\n\n", 1)[1] + "\n", encoding="utf-8")
    a = fake_assistant()
    a.ingest([f])
    ans = a.ask("ما سبب أزمة النفط عام 1973؟", mode="extractive")
    assert not ans.abstained
    assert all(c.quote.strip() != "أزمة النفط عام 1973" for c in ans.citations)
    assert ans.citations[0].heading == "أزمة النفط عام 1973"  # the heading is still known, beside the quote
