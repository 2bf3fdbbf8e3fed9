"""PDF with pypdf: text per page (page numbers kept), Arabic presentation forms and order repaired."""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from assistant.errors import LoadError
from assistant.ingest.loaders.base import Loaded
from assistant.text.arabic import arabic_ratio, is_arabic_char

logging.getLogger("pypdf").setLevel(
    logging.CRITICAL
)  # pypdf logs handled issues as errors ("Advanced encoding …"); our LoadError reports real failures once, clearly


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
                raise LoadError.known(name, "pdf: encrypted")
        pages = list(reader.pages)
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError, AttributeError) as exc:
        raise LoadError.known(name, "pdf: corrupt", detail=f"{type(exc).__name__}: {exc}") from exc
    texts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for number, page in enumerate(pages, start=1):
        try:
            raw = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many types on damaged content streams
            raise LoadError.known(name, "pdf: corrupt page", page=number, detail=type(exc).__name__) from exc
        text = _paragraphs(repair_arabic(raw))
        offsets.append((pos, number))
        texts.append(text)
        pos += len(text) + 2
    body = "\n\n".join(texts)
    if len(re.sub(r"\s", "", body)) < 20:
        raise LoadError.known(name, "pdf: no text layer")
    try:  # a damaged info dictionary costs the metadata, not the text
        meta = reader.metadata or {}
        title = (meta.get("/Title") or None) if hasattr(meta, "get") else None
        author = (meta.get("/Author") or None) if hasattr(meta, "get") else None
    except Exception:  # pypdf raises many types on damaged objects
        title = author = None
    return Loaded(
        text=body,
        fmt="pdf",
        title=str(title) if title else None,
        author=str(author) if author else None,
        pages=offsets,
        scraped=False,
    )


_END = re.compile(r"[.!?؟:؛\"”»)]\s*$")


def _paragraphs(page_text: str) -> str:
    """Join lines wrapped by the layout; a line ending a sentence ends its paragraph."""
    paras: list[str] = []
    cur: list[str] = []
    for line in (ln.strip() for ln in page_text.split("\n")):
        if not line:
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        cur.append(line)
        if _END.search(line):
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return "\n\n".join(paras)


def repair_arabic(text: str) -> str:
    """Map presentation forms to base letters and undo visual order when detected.

    Two kinds of visual order occur: (1) whole lines reversed character by character (detected
    from presentation forms: a word that starts with a final form and ends with an initial
    form); (2) runs placed left to right, each Arabic run itself in logical order (PDF writers
    that shape text): a line then starts with its sentence-final punctuation and digits stick
    to words ("جنود.26"). Both are repaired line by line.
    """
    lines = text.split("\n")
    reversed_votes = sum(_looks_reversed(line) for line in lines)
    forward_votes = sum(_looks_forward(line) for line in lines)
    flip = reversed_votes > forward_votes
    lines = [_unreverse(ln) if flip and any(is_arabic_char(c) for c in ln) else ln for ln in lines]
    lines = [unicodedata.normalize("NFKC", ln) for ln in lines]
    rtl = [ln for ln in lines if _rtl_line(ln)]
    visual_runs = sum(1 for ln in rtl if _LEADING_END.match(ln))
    logical = sum(1 for ln in rtl if _TRAILING_END.search(ln))
    if visual_runs and visual_runs >= logical:
        lines = [_reorder_runs(ln) if _rtl_line(ln) else ln for ln in lines]
    return "\n".join(lines)


_LEADING_END = re.compile(r"^\s*[.!?؟،؛:]+\s*[\u0600-\u06ff]")
_TRAILING_END = re.compile(r"[\u0600-\u06ff\s][.!?؟]\s*$")
_LTR = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/%+-]*[0-9A-Za-z%]|[0-9A-Za-z]")


def _rtl_line(line: str) -> bool:
    return arabic_ratio(line) > 0.5


def _reorder_runs(line: str) -> str:
    """Runs laid out left to right → logical order for a right-to-left line."""
    runs: list[str] = []
    pos = 0
    for m in _LTR.finditer(line):
        if m.start() > pos:
            runs.extend(_split_leading_neutrals(line[pos : m.start()]))
        runs.append(m.group(0))
        pos = m.end()
    if pos < len(line):
        runs.extend(_split_leading_neutrals(line[pos:]))
    out = " ".join(r.strip() for r in reversed(runs) if r.strip())
    return re.sub(r"\s+([.!?؟،؛:])", r"\1", out)


def _split_leading_neutrals(segment: str) -> list[str]:
    m = re.match(r"^([\s.!?؟،؛:]*)(.*)$", segment, re.S)
    assert m is not None
    return [p for p in (m.group(1), m.group(2)) if p.strip()]


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
