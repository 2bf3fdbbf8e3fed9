"""Hostile inputs built on the fly: archives, bombs, names, links, planted text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

ARTICLE = (
    "تقرير عن الأمن البحري\n\n"
    "تصاعدت هجمات الحوثيين على السفن التجارية في البحر الأحمر خلال العام الماضي، ما رفع أسعار الشحن "
    "والتأمين على السفن المتجهة إلى قناة السويس بنسبة كبيرة وفق تقديرات شركات الملاحة الدولية.\n\n"
    "وتدرس الدول الأوروبية إرسال سفن حربية إضافية لحماية خطوط التجارة، بينما تحذر شركات الشحن من أن "
    "تحويل المسارات حول رأس الرجاء الصالح يضيف نحو عشرة أيام إلى كل رحلة.\n"
)


def make_docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    import docx

    d = docx.Document()
    if title:
        d.add_heading(title, level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


def zeros_zip(path: Path, members: dict[str, int], inner: dict[str, bytes] | None = None) -> Path:
    """A zip whose members are runs of zeros of the given sizes (streamed: no big buffer here)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, size in members.items():
            with z.open(name, "w", force_zip64=True) as fh:
                block = b"\0" * (1 << 20)
                left = size
                while left > 0:
                    fh.write(block[: min(left, len(block))])
                    left -= len(block)
        for name, data in (inner or {}).items():
            z.writestr(name, data)
    return path


def nested_zip(depth: int, width: int = 4) -> bytes:
    """A zip of zips of zips (42.zip-like), each level holding ``width`` copies of the one below."""
    data = b"\0" * 1000
    for level in range(depth):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(width):
                z.writestr(f"level{level}-{i}.zip" if level else f"data-{i}.txt", data)
        data = buf.getvalue()
    return data


@pytest.fixture
def web_app(fake_assistant):
    from assistant.web import app as web

    return web, fake_assistant()
