"""Loaders: one module per format. ``load_file(path)`` returns a ``Loaded`` or raises LoadError."""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.config import Settings
from assistant.errors import LoadError
from assistant.ingest.loaders.base import Loaded

LOAD_SECONDS = Settings.model_fields["load_seconds"].default  # one default, in config.Settings


@contextmanager
def time_limit(seconds: float | None, path: Path) -> Iterator[None]:
    """Raise LoadError if the block runs longer than ``seconds`` (main thread only: SIGALRM)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):  # noqa: ANN001, ARG001
        raise LoadError.known(str(path), "too slow", seconds=f"{seconds:.0f}")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


SUPPORTED = {
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


MAX_TEXT_CHARS = 2_000_000  # ~300,000 words: more than any article; a bigger text is refused, not embedded


def load_file(
    path: Path,
    max_bytes: int | None = None,
    seconds: float | None = LOAD_SECONDS,
    max_chars: int | None = MAX_TEXT_CHARS,
) -> Loaded:
    """Read one file into text and metadata, choosing the loader by extension and content."""
    path = Path(path)
    with time_limit(seconds, path):
        loaded = _load(path, max_bytes)
    if max_chars is not None and len(loaded.text) > max_chars:
        raise LoadError.known(
            str(path), "too much text", millions=f"{len(loaded.text) / 1e6:.1f}", most=f"{max_chars / 1e6:.0f}"
        )
    if looks_like_markup(loaded.text):
        raise LoadError.known(str(path), "markup")
    return loaded


def looks_like_markup(text: str) -> bool:
    """Text that is mostly tags (an XML part, a config file) rather than prose."""
    head = text[:20000]
    if head.lstrip().startswith("<?xml"):
        return True
    tagged = sum(len(m) for m in re.findall(r"<[^<>]{1,300}>", head))
    letters = sum(1 for c in head if c.isalpha())
    return len(head) > 200 and (tagged > 0.3 * len(head) or letters < 0.2 * len(head))


def _load(path: Path, max_bytes: int | None) -> Loaded:
    if not path.is_file():
        raise LoadError.known(str(path), "not a file")
    size = path.stat().st_size
    if size == 0:
        raise LoadError.known(str(path), "empty")
    if max_bytes is not None and size > max_bytes:
        raise LoadError.known(str(path), "too large", mb=f"{size / 1e6:.1f}", most=f"{max_bytes / 1e6:.0f}")
    kind = SUPPORTED.get(path.suffix.lower())
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04") and kind != "docx":
        raise LoadError.known(str(path), "zip, not an article")
    if kind is None:
        raise LoadError.known(str(path), "unsupported type", suffix=path.suffix)
    if kind == "pdf":
        from assistant.ingest.loaders.pdf import load_pdf

        return load_pdf(path)
    if kind == "docx":
        from assistant.ingest.loaders.docx import load_docx

        return load_docx(path)
    from assistant.ingest.loaders.text import read_text

    text, encoding = read_text(path)
    from assistant.ingest.loaders.trec import load_trec, looks_like_trec

    if kind == "text" and looks_like_trec(text):
        return load_trec(path, text, encoding)
    if kind == "html" or (kind == "text" and _looks_like_html(text)):
        from assistant.ingest.loaders.html import load_html

        return load_html(path, text, encoding)
    if kind == "markdown":
        from assistant.ingest.loaders.markdown import load_markdown

        return load_markdown(path, text, encoding)
    return Loaded(text=text, fmt="text", encoding=encoding)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


__all__ = ["Loaded", "load_file", "SUPPORTED"]
