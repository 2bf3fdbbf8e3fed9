"""PDF with pypdf: text per page (page numbers kept), Arabic presentation forms and order repaired."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..arabic import is_arabic_char
from ..errors import LoadError
from .base import Loaded

_NO_TEXT = ("no text layer: scanned or image-only PDF, OCR not supported",
            "run OCR on it first (e.g. ocrmypdf) and ingest the result")


def load_pdf(path: Path) -> Loaded:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    name = str(path)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise LoadError(name, "encrypted PDF (password protected)",
                                "remove the password and ingest it again")
        pages = list(reader.pages)
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError, AttributeError) as exc:
        raise LoadError(name, f"corrupt or truncated PDF ({type(exc).__name__}: {exc})",
                        "re-export or re-download the file") from exc
    texts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for number, page in enumerate(pages, start=1):
        try:
            raw = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many types on damaged content streams
            raise LoadError(name, f"corrupt PDF: page {number} cannot be read ({type(exc).__name__})",
                            "re-export or re-download the file") from exc
        text = repair_arabic(raw).strip()
        offsets.append((pos, number))
        texts.append(text)
        pos += len(text) + 2
    body = "\n\n".join(texts)
    if len(re.sub(r"\s", "", body)) < 20:
        raise LoadError(name, *_NO_TEXT)
    meta = reader.metadata or {}
    title = (meta.get("/Title") or None) if hasattr(meta, "get") else None
    author = (meta.get("/Author") or None) if hasattr(meta, "get") else None
    return Loaded(text=body, fmt="pdf", title=str(title) if title else None,
                  author=str(author) if author else None, pages=offsets, scraped=False)


def repair_arabic(text: str) -> str:
    """Map presentation forms to base letters and undo visual (reversed) order when detected."""
    lines = text.split("\n")
    reversed_votes = sum(_looks_reversed(line) for line in lines)
    forward_votes = sum(_looks_forward(line) for line in lines)
    flip = reversed_votes > forward_votes
    out = []
    for line in lines:
        if flip and any(is_arabic_char(c) for c in line):
            line = _unreverse(line)
        out.append(unicodedata.normalize("NFKC", line))
    return "\n".join(out)


# Presentation forms tell a letter's position in its word: a word whose first letter is in
# final form and last letter in initial form was written right-to-left in visual order.
def _form(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name.startswith("ARABIC LETTER") or not (0xFE70 <= ord(ch) <= 0xFEFF):
        return ""
    for form in ("INITIAL", "FINAL", "MEDIAL", "ISOLATED"):
        if name.endswith(form + " FORM"):
            return form
    return ""


def _looks_reversed(line: str) -> int:
    return sum(1 for w in line.split() if len(w) > 1 and _form(w[0]) == "FINAL" and _form(w[-1]) == "INITIAL")


def _looks_forward(line: str) -> int:
    return sum(1 for w in line.split() if len(w) > 1 and _form(w[0]) == "INITIAL" and _form(w[-1]) == "FINAL")


_LTR_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/%-]*")


def _unreverse(line: str) -> str:
    rev = line[::-1]
    # Digits and Latin words were reversed with the line; turn them back.
    return _LTR_RUN.sub(lambda m: m.group(0)[::-1], rev)
