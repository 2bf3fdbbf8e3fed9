import codecs
import shutil
import zipfile
from pathlib import Path

import pytest

from assistant.errors import LoadError
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders import load_file
from assistant.text.arabic import normalize
from tests.conftest import FIXTURES

ARTICLE = "العنوان: تحالف الراغبين\n\nأكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.\n\nحصلت روسيا على 1.1 مليار يورو.\n"  # noqa: E501


@pytest.mark.parametrize(
    "encoding,bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("utf-16-le", b""), ("cp1256", b"")]
)
def test_same_article_in_each_encoding_gives_identical_clean_text(tmp_path, encoding, bom):
    ref = clean(load_file(_write(tmp_path / "ref.txt", ARTICLE.encode("utf-8"))), "x").text
    f = _write(tmp_path / f"a-{encoding}.txt", bom + ARTICLE.encode(encoding))
    loaded = load_file(f)
    assert clean(loaded, "x").text == ref
    assert "26 دولة" in ref


def test_cp1256_detected_not_guessed(tmp_path):
    loaded = load_file(_write(tmp_path / "old.txt", ARTICLE.encode("cp1256")))
    assert loaded.encoding == "cp1256"


def test_empty_file(tmp_path):
    with pytest.raises(LoadError, match="empty file"):
        load_file(_write(tmp_path / "empty.txt", b""))


def test_whitespace_only(tmp_path):
    with pytest.raises(LoadError, match="no text"):
        load_file(_write(tmp_path / "blank.txt", b"  \n\n \t"))


def test_binary_file(tmp_path):
    with pytest.raises(LoadError, match="binary file"):
        load_file(_write(tmp_path / "data.txt", bytes(range(256)) * 20))


def test_unsupported_extension(tmp_path):
    with pytest.raises(LoadError, match="unsupported file type '.xyz'"):
        load_file(_write(tmp_path / "a.xyz", b"hello"))


def test_size_limit_refuses_without_reading(tmp_path):
    f = _write(tmp_path / "big.txt", b"a" * 2_000_001)
    with pytest.raises(LoadError, match="over the 1 MB limit"):
        load_file(f, max_bytes=1_000_000)


def test_markdown_headings(tmp_path):
    md = "# عنوان المقال\n\nفقرة **أولى** مع [رابط](http://x).\n\n## القسم الثاني\n\n- بند في قائمة\n"
    loaded = load_file(_write(tmp_path / "a.md", md.encode()))
    assert loaded.title == "عنوان المقال"
    assert "القسم الثاني" in loaded.headings
    assert "فقرة أولى مع رابط." in loaded.text
    assert "**" not in loaded.text and "](" not in loaded.text


def test_html_main_text_and_metadata(tmp_path):
    body = "".join(
        f"<p>هذه الفقرة رقم {i} من نص المقال عن الأمن الأوروبي وضمانات أوكرانيا والتحالف.</p>" for i in range(8)
    )
    html = (
        f"<html><head><title>تحالف الراغبين</title><meta name='author' content='مركز الدراسات'>"
        f"<meta property='article:published_time' content='2025-09-05'></head><body>"
        f"<nav><a href='/'>الرئيسية</a> <a href='/x'>اتصل بنا</a></nav><article><h1>تحالف الراغبين</h1>"
        f"<h2>الخلاف الأوروبي</h2>{body}</article><footer>جميع الحقوق محفوظة</footer></body></html>"
    )
    loaded = load_file(_write(tmp_path / "page.html", html.encode()))
    doc = clean(loaded, "page.html")
    assert doc.title == "تحالف الراغبين"
    assert doc.date == "2025-09-05"
    assert "هذه الفقرة رقم 3" in doc.text
    assert "اتصل بنا" not in doc.text
    assert "الخلاف الأوروبي" in [s.heading for s in doc.sections]


def test_docx_paragraphs_and_headings(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("تقرير أمني", level=1)
    d.add_paragraph("أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية في أوكرانيا بعد الحرب.")
    d.add_heading("النتائج", level=2)
    d.add_paragraph("يواجه الاتحاد الأوروبي فجوة استراتيجية واضحة في تسليح أوكرانيا وتأمين التدفقات المالية.")
    f = tmp_path / "r.docx"
    d.save(str(f))
    doc = clean(load_file(f), str(f))
    assert doc.title == "تقرير أمني"
    assert "26 دولة" in doc.text
    assert "النتائج" in [s.heading for s in doc.sections]


def test_arabic_pdf_matches_source_after_normalisation():
    from tests.fixtures.make_fixtures import ARABIC_PAGES

    loaded = load_file(FIXTURES / "arabic.pdf")
    doc = clean(loaded, "arabic.pdf")
    expected = " ".join(line for page in ARABIC_PAGES for line in page)
    assert " ".join(normalize(doc.text).split()) == " ".join(normalize(expected).split())
    # page numbers survive onto the document
    assert doc.page_at(doc.text.index("1.1 مليار")) == 2
    assert doc.page_at(0) == 1


def test_english_pdf_pages_and_wrapped_lines():
    doc = clean(load_file(FIXTURES / "english.pdf"), "english.pdf")
    assert "role of the United States" in doc.text  # wrapped line re-joined
    assert doc.page_at(doc.text.index("Page 3.")) == 3


@pytest.mark.parametrize(
    "name,message",
    [
        ("truncated.pdf", "corrupt or truncated PDF"),
        ("encrypted.pdf", "encrypted PDF"),
        ("image-only.pdf", "no text layer: scanned or image-only PDF, OCR not supported"),
    ],
)
def test_bad_pdfs_get_specific_errors(tmp_path, name, message):
    f = tmp_path / name
    shutil.copy(FIXTURES / name, f)
    with pytest.raises(LoadError, match=message) as info:
        load_file(f)
    assert str(f) in str(info.value)


def test_zip_is_refused_with_hint(tmp_path):
    f = tmp_path / "batch.txt"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(LoadError, match="zip archive"):
        load_file(f)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
