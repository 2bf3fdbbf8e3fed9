from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Loaded:
    """What a loader extracted: text with paragraphs on their own lines, and metadata it knew."""

    text: str
    fmt: str
    encoding: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    headings: set[str] = field(default_factory=set)  # lines known to be headings
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page number)
    scraped: bool = True  # plain text from a scraper: run clutter removal
