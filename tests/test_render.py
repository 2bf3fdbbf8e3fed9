from assistant.records import (
    Answer,
    Chunk,
    Citation,
    Dropped,
    Finding,
    FindingCitation,
    Findings,
    Hit,
)
from assistant.web.app import is_loopback, parse_auth, safe_name
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
        (Finding(EVIL, (FindingCitation(2, EVIL, 0, 5),), (Hit(1, 0.9, Chunk(1, "d", 0, 0, 5, EVIL), EVIL, "s"),)),),
        paragraphs=("a", EVIL),
    )
    out = findings_html(f)
    assert "<script>" not in out and 'href="#para-2"' in out and 'id="para-2"' in out
    assert 'dir="rtl"' in out


def test_upload_names_cannot_escape():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("/abs/path/تقرير.txt") == "تقرير.txt"
    assert safe_name("a\x00b.txt") == "ab.txt"
    assert safe_name("..") == "upload"
    assert "/" not in safe_name("..\\..\\win.txt")


def test_binding_rules():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert parse_auth("ana:secret,bob:pw") == [("ana", "secret"), ("bob", "pw")]


def test_refuses_public_bind_without_login(monkeypatch, tmp_path):
    import pytest

    from assistant.errors import ConfigError
    from assistant.web.app import serve

    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    with pytest.raises(ConfigError, match="refusing to listen on 0.0.0.0 without a login"):
        serve(data_dir=tmp_path, host="0.0.0.0", port=1, block=False)


def test_samples_only_on_first_run(fake_assistant):
    from assistant.web.app import ensure_samples

    a = fake_assistant()
    ensure_samples(a)
    docs = a.documents()
    assert len(docs) == 4 and any(d["language"] == "en" for d in docs)
    for d in docs:
        a.remove(d["doc_id"])
    ensure_samples(a)  # the user emptied the library on purpose: do not refill it
    assert a.documents() == []
