"""Uploads and archives through the web app's Library handler (fast: built on the fly, hash embedder)."""

from __future__ import annotations

import zipfile

import pytest

from tests.hostile.conftest import ARTICLE, make_docx, nested_zip, zeros_zip


def _uploads(a):
    root = a.settings.data_dir / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_docx_upload_is_a_document_not_an_archive(web_app, tmp_path):
    web, a = web_app
    docx = make_docx(tmp_path / "تقرير.docx", ARTICLE.split("\n\n")[1:], title="تقرير عن الأمن البحري")
    msg, rows = web.on_ingest(a, [str(docx)])
    assert msg.startswith("أُضيف **1**") and "**1** added" in msg and "**0** failed" in msg
    assert len(rows) == 1 and rows[0][1] == "تقرير عن الأمن البحري"
    assert not any("<?xml" in d["title"] for d in a.documents())
    assert [p.name for p in _uploads(a)] == ["تقرير.docx"]  # kept: it was added


def test_two_files_of_one_name_in_two_folders_are_both_kept(web_app, tmp_path):
    web, a = web_app
    z = tmp_path / "archive.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("2024/report.txt", ARTICLE)
        f.writestr("2025/report.txt", ARTICLE.replace("الحوثيين", "القراصنة").replace("عشرة أيام", "أسبوعين"))
    msg, rows = web.on_ingest(a, [str(z)])
    assert msg.startswith("أُضيف **2**") and "**2** added" in msg and len(rows) == 2
    assert {p.parent.name for p in _uploads(a)} == {"2024", "2025"}


def test_every_member_is_reported_and_failed_ones_are_not_kept(web_app, tmp_path):
    web, a = web_app
    z = tmp_path / "mixed.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("good.txt", ARTICLE)
        f.writestr("empty.txt", b"")
        f.writestr("word/document.txt", "<?xml version='1.0'?><root>" + "<w:t>x</w:t>" * 200 + "</root>")
        f.writestr("photo.jpg", b"\xff\xd8\xff" + b"\0" * 100)
    msg, _ = web.on_ingest(a, [str(z)])
    assert msg.startswith("أُضيف **1**") and "**1** added" in msg and "**3** failed" in msg
    plain = msg.replace("\\", "")
    # each named, with why in Arabic and then in English (read in the isolated reader process, sent back whole)
    for member, arabic, english in [
        ("empty.txt", "ملف فارغ (0 بايت) (لا شيء للفهرسة؛ أعد تصديره أو جمعه من الموقع)", "empty file"),
        ("word/document.txt", "يبدو ترميزاً أو بيانات", "looks like markup"),
        ("photo.jpg", "نوع ملف غير مدعوم '.jpg'", "unsupported file type"),
    ]:
        line = next(x for x in plain.splitlines() if f"mixed.zip/{member}: " in x)
        assert f"mixed.zip/{member}: {arabic}" in line and f" · {english}" in line, line
    assert [p.name for p in _uploads(a)] == ["good.txt"]  # only what was added stays
    assert all("<" not in d["title"] for d in a.documents())


@pytest.mark.parametrize("kind", ["member too large", "total too large", "ratio", "too many members"])
def test_zip_bombs_are_refused_before_unpacking_and_leave_nothing(web_app, tmp_path, kind):
    web, a = web_app
    z = tmp_path / "bomb.zip"
    if kind == "member too large":
        zeros_zip(z, {"big.txt": 120_000_000})
    elif kind == "total too large":
        zeros_zip(z, {f"part{i}.txt": 90_000_000 for i in range(6)})
    elif kind == "ratio":
        zeros_zip(z, {"dense.txt": 5_000_000})
    else:
        with zipfile.ZipFile(z, "w") as f:
            for i in range(5_100):
                f.writestr(f"f{i}.txt", "x")
    msg, rows = web.on_ingest(a, [str(z)])
    assert "**0** added" in msg and "**1** failed" in msg and "bomb.zip" in msg
    assert any(w in msg for w in ("over the", "more than", "compressed")), msg
    assert rows == [] and _uploads(a) == []


def test_nested_archives_are_not_opened(web_app, tmp_path):
    web, a = web_app
    z = tmp_path / "nested.zip"
    z.write_bytes(nested_zip(5))
    msg, rows = web.on_ingest(a, [str(z)])
    assert "**0** added" in msg and "**4** failed" in msg and "a zip archive, not an article" in msg
    assert rows == [] and _uploads(a) == []


def test_a_docx_bomb_is_refused_before_it_is_parsed(tmp_path, fake_assistant):
    from assistant.errors import LoadError
    from assistant.ingest.loaders import load_file

    bomb = zeros_zip(
        tmp_path / "bomb.docx", {"word/document.xml": 40_000_000}, inner={"[Content_Types].xml": b"<Types/>"}
    )
    with pytest.raises(LoadError, match="bomb.docx: member 'word/document.xml' unpacks to 40 MB"):
        load_file(bomb)


def test_a_beir_zip_bomb_is_refused_and_its_folder_removed(web_app, tmp_path):
    import tempfile
    from pathlib import Path

    import gradio as gr

    web, a = web_app
    before = set(Path(tempfile.gettempdir()).glob("assistant-eval-upload-*"))
    bomb = zeros_zip(tmp_path / "beir.zip", {"corpus.jsonl": 450_000_000, "queries.jsonl": 100_000_000})
    with pytest.raises(gr.Error, match="beir.zip: member 'corpus.jsonl' unpacks to 450 MB, over the 100 MB limit"):
        web.on_eval(a, "", str(bomb), ["bm25"])
    assert set(Path(tempfile.gettempdir()).glob("assistant-eval-upload-*")) == before


def test_a_huge_text_is_refused_not_embedded(fake_assistant, tmp_path):
    import random

    words = [f"كلمة{i}" for i in range(5000)] + ARTICLE.split()
    rng = random.Random(1)
    big = tmp_path / "big.docx"
    make_docx(big, [" ".join(rng.choice(words) for _ in range(300)) for _ in range(1000)])
    a = fake_assistant()
    rep = a.ingest([big])
    assert rep.added == 0 and "million characters of text" in rep.failed[0]["error"]
