"""DOCX with python-docx: paragraphs, with Heading styles as section headings."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import LoadError
from assistant.ingest.loaders.base import Loaded


def load_docx(path: Path) -> Loaded:
    from assistant.ingest.archives import DOCX_LIMITS, open_checked

    open_checked(path, DOCX_LIMITS).close()  # a DOCX bomb is refused before python-docx reads it
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise LoadError.known(str(path), "docx: unreadable", detail=type(exc).__name__) from exc
    lines, headings, title = [], set(), None
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith("heading") or style == "title":
            headings.add(text)
            if title is None:
                title = text
        lines.extend([text, ""])
    if not lines:
        raise LoadError.known(str(path), "docx: no text")
    props = document.core_properties
    return Loaded(
        text="\n".join(lines),
        fmt="docx",
        title=props.title or title,
        author=props.author or None,
        date=props.created.date().isoformat() if props.created else None,
        headings=headings,
        scraped=False,
    )
