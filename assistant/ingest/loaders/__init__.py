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
        raise LoadError(
            str(path),
            f"took longer than {seconds:.0f} s to read (damaged or adversarial file)",
            "check the file; re-export it if it is a real article",
        )

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
        raise LoadError(
            str(path),
            f"holds {len(loaded.text) / 1e6:.1f} million characters of text, more than an "
            f"article ({max_chars / 1e6:.0f} million at most)",
            "split it into its articles",
        )
    if looks_like_markup(loaded.text):
        raise LoadError(str(path), "looks like markup or data (XML, code), not an article", "ingest the article itself")
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
