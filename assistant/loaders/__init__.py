"""Loaders: one module per format. ``load_file(path)`` returns a ``Loaded`` or raises LoadError."""
from __future__ import annotations

from pathlib import Path

from ..errors import LoadError
from .base import Loaded

SUPPORTED = {
    ".txt": "text", ".text": "text", "": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


def load_file(path: Path, max_bytes: int | None = None) -> Loaded:
    """Read one file into text and metadata, choosing the loader by extension and content."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(str(path), "not a file", "check the path")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(str(path), "empty file (0 bytes)", "nothing to index; re-export or re-scrape it")
    if max_bytes is not None and size > max_bytes:
        raise LoadError(
            str(path),
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit",
            "raise ASSISTANT_MAX_FILE_MB or split the file",
        )
    kind = SUPPORTED.get(path.suffix.lower())
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04") and kind != "docx":
        raise LoadError(str(path), "a zip archive, not an article", "unzip it and ingest the folder")
    if kind is None:
        raise LoadError(
            str(path),
            f"unsupported file type '{path.suffix}'",
            "supported: .txt .md .html .htm .pdf .docx",
        )
    if kind == "pdf":
        from .pdf import load_pdf
        return load_pdf(path)
    if kind == "docx":
        from .docx import load_docx
        return load_docx(path)
    from .text import read_text
    text, encoding = read_text(path)
    from .trec import load_trec, looks_like_trec

    if kind == "text" and looks_like_trec(text):
        return load_trec(path, text, encoding)
    if kind == "html" or (kind == "text" and _looks_like_html(text)):
        from .html import load_html
        return load_html(path, text, encoding)
    if kind == "markdown":
        from .markdown import load_markdown
        return load_markdown(path, text, encoding)
    return Loaded(text=text, fmt="text", encoding=encoding)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


__all__ = ["Loaded", "load_file", "SUPPORTED"]
