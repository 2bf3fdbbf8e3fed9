from assistant.records import (
    Answer,
    Chunk,
    Citation,
    Dropped,
    Finding,
    FindingCitation,
    Findings,
    Hit,
    Related,
)
from assistant.web.render import answer_html, findings_html, source_card

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _cit(quote=EVIL, title=EVIL):
    return Citation(
        n=1,
        doc_id="d",
        title=title,
        source="s",
        chunk_id=1,
        quote=quote,
        start=10,
        end=10 + len(quote),
        heading=EVIL,
        date="2025-09-05",
    )


def test_document_text_is_escaped_everywhere():
    ans = Answer("q", f"{EVIL} [1]", "extractive", False, (_cit(),), (Dropped(EVIL, EVIL),))
    out = answer_html(ans, 1)
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert 'href="#src-1-1"' in out


def test_source_card_highlights_the_exact_span():
    passage = "قبل الاقتباس. " + "26 دولة التزمت" + " بعده."
    c = Citation(1, "d", "t", "s", 1, "26 دولة التزمت", 100 + passage.index("26"), 100 + passage.index("26") + 14)
    out = source_card(c, 1, passage, 100)
    assert "<mark>26 دولة التزمت</mark>" in out and "قبل الاقتباس." in out


def test_findings_html_escapes_and_links_paragraphs():
    f = Findings(
        "t",
        "ar",
        (
            Finding(
                EVIL,
                (FindingCitation(2, EVIL, 0, 5),),
                (Related(Hit(1, 0.9, Chunk(1, "d", 0, 0, 5, EVIL), EVIL, "s"), EVIL, 0, 5),),
            ),
        ),
        paragraphs=("a", EVIL),
    )
    out = findings_html(f)
    assert "<script>" not in out and 'href="#para-2"' in out and 'id="para-2"' in out
    assert 'dir="rtl"' in out
