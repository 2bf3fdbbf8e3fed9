"""HTML: main text and metadata with trafilatura (headings and paragraph breaks kept)."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import LoadError
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.loaders.markdown import markdown_to_text


def load_html(path: Path, html: str, encoding: str | None) -> Loaded:
    import trafilatura

    md = trafilatura.extract(
        html,
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=False,
    )
    if not md or not md.strip():
        raise LoadError.known(str(path), "html: no text")
    meta = trafilatura.extract_metadata(html)
    body, headings, md_title = markdown_to_text(md)
    title = (getattr(meta, "title", None) if meta else None) or md_title
    return Loaded(
        text=body,
        fmt="html",
        encoding=encoding,
        title=title,
        date=getattr(meta, "date", None) if meta else None,
        author=getattr(meta, "author", None) if meta else None,
        url=getattr(meta, "url", None) if meta else None,
        headings=headings,
        scraped=False,
    )
