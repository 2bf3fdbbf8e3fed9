from pathlib import Path

from assistant.ingest.cleaning import clean, parse_date
from assistant.ingest.loaders import load_file

CLUTTER = [
    "الإشتراك في نشرتنا الإخبارية المجانية",
    "تابعنا على تويتر",
    "تابعنا على فيسبوك",
    "آخر المشاركات التلفزيونية",
    "استطلاع رأي",
    "هل المركز مصدر موثوق في البحث ؟",
    "جاري التحميل ... جاري التحميل ...",
    "eu fr",
    "رابط مختصر.. https://www.europarabct.com/?p=108788",
]
TITLE = "الأمن الدولي ـ “تحالف الراغبين”، هل يسير نحو فشل المفاوضات أم الاستقلال الأمني؟"


def _body_paragraphs(path: Path) -> list[str]:
    """Every line of the article body: between the repeated title and the short link."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
    start = [i for i, ln in enumerate(lines) if ln == TITLE][1] + 1
    end = next(i for i, ln in enumerate(lines) if ln.startswith("رابط مختصر"))
    return lines[start:end]


def test_seed_article_keeps_every_body_paragraph_and_no_clutter(seed_path):
    doc = clean(load_file(seed_path), str(seed_path))
    paragraphs = doc.text.split("\n\n")
    body = _body_paragraphs(seed_path)
    assert len(body) > 50
    assert paragraphs == body  # nothing lost, nothing added, order kept
    for line in CLUTTER:
        assert line not in paragraphs
        assert line not in doc.text


def test_seed_article_metadata(seed_path):
    doc = clean(load_file(seed_path), str(seed_path))
    assert doc.title == TITLE
    assert doc.date == "2025-09-05"
    assert doc.url == "https://www.europarabct.com/?p=108788"
    assert doc.author and doc.author.startswith("خاص ـ المركز الأوروبي")
    assert doc.language == "ar"
    headings = [s.heading for s in doc.sections]
    assert "ترامب يريد إبقاء خياراته مفتوحة" in headings
    assert "النتائج" in headings
    assert "الناتو، لماذا نهتم بما تفكر به روسيا بشأن أوكرانيا؟" in headings


def test_parse_date_variants():
    assert parse_date("سبتمبر 05, 2025") == "2025-09-05"
    assert parse_date("5 أيلول 2025") == "2025-09-05"
    assert parse_date("September 5, 2025") == "2025-09-05"
    assert parse_date("2025-09-05T10:00") == "2025-09-05"
    assert parse_date("نشر في 12 كانون الثاني 2024") == "2024-01-12"
    assert parse_date("no date here") is None


def test_doc_id_is_content_hash(seed_path, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed_path.read_bytes())
    a = clean(load_file(seed_path), str(seed_path))
    b = clean(load_file(copy), str(copy))
    assert a.doc_id == b.doc_id
