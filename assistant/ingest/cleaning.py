"""From loaded text to a clean Document: clutter lines out, metadata and headings in.

Scraped pages carry site furniture (menus, newsletter, social and poll lines) above and below the
article. We drop (1) lines matching known clutter patterns, (2) lines learned as boilerplate
because they repeat across many documents of the same source, (3) the header zone above the
article's title and the footer zone from the short-link line on. Body paragraphs are never dropped
by the length-based rules: only short lines are candidates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from assistant.ingest.loaders.base import Loaded
from assistant.records import Document, Section
from assistant.text.arabic import detect_language, normalize
from assistant.text.words import strip_controls

_CLUTTER = [
    re.compile(p)
    for p in (
        r"^(تابعنا|تابعونا) (على|عبر)",
        r"^(الاشتراك|اشترك|اشتركوا) (في|فى) (نشرتنا|النشره)",
        r"^جاري التحميل",
        r"^استطلاع راي$",
        r"^اخر المشاركات التلفزيونيه$",
        r"^(شارك|شاركوا|مشاركه) (على|عبر|هذا|المقال)",
        r"^(اقرا|اقرأ) (ايضا|المزيد)",
        r"^(follow us|subscribe|share (this|on)|read more|loading\.\.\.|sign up)",
        r"^(facebook|twitter|whatsapp|telegram|linkedin|instagram|youtube|x)$",
        r"^(?:[a-z]{2}\s+){1,4}[a-z]{2}$",  # language switchers such as "eu fr"
    )
]
_SHORT_LINK = re.compile(r"^(رابط مختصر|الرابط المختصر|short ?link)[.:\s]*", re.I)
_URL = re.compile(r"https?://\S+")

_MONTHS = {
    # Gulf/Egyptian names (normalised: أ→ا, ى→ي, ة→ه)
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يوليو": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Levantine names
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(rf"(?P<m>{_MONTH_ALT})\s+(?P<d>\d{{1,2}})\s*[,،]?\s*(?P<y>\d{{4}})"),
    re.compile(rf"(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH_ALT})\s*[,،]?\s*(?P<y>\d{{4}})"),
    re.compile(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{4})"),
]


def parse_date(line: str) -> str | None:
    """ISO date from a line such as 'سبتمبر 05, 2025', '5 September 2025' or '2025-09-05'."""
    s = normalize(line)
    for pat in _DATE_PATTERNS:
        m = pat.search(s)
        if not m:
            continue
        month = _MONTHS.get(m.group("m")) if "m" in pat.groupindex else int(m.group("mo"))
        day, year = int(m.group("d")), int(m.group("y"))
        if month and 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def line_key(line: str) -> str:
    """The form in which lines are compared for boilerplate."""
    return " ".join(normalize(line).split())


def is_clutter(line: str) -> bool:
    key = line_key(line)
    return any(p.search(key) for p in _CLUTTER)


def _words(line: str) -> int:
    return len(line.split())


def _is_heading_shape(line: str, next_line: str | None) -> bool:
    s = line.strip()
    if not s or _words(s) > 14 or len(s) > 120 or s[-1] in ".!:،,؛;":
        return False
    return next_line is not None and _words(next_line) >= 2 * _words(s) and _words(next_line) >= 12


def clean(loaded: Loaded, source: str, boilerplate: Iterable[str] = ()) -> Document:
    """Build the Document: clean text (paragraphs separated by blank lines), metadata, sections."""
    known = set(boilerplate)
    lines = [ln.strip() for ln in loaded.text.split("\n")]
    title, date, author, url = loaded.title, loaded.date, loaded.author, loaded.url
    if loaded.scraped:
        lines, meta = _strip_scraped(lines, known)
        title = title or meta.get("title")
        date = date or meta.get("date")
        author = author or meta.get("author")
        url = url or meta.get("url")
    paragraphs = [ln for ln in lines if ln]
    if not title and paragraphs:
        first = paragraphs[0]
        title = first if _words(first) <= 20 else " ".join(first.split()[:12]) + " …"
    if date and len(date) > 10:
        date = date[:10]
    # Assemble clean text; record paragraph offsets for sections and PDF pages.
    parts: list[str] = []
    sections: list[Section] = []
    pos = 0
    page_map: list[tuple[int, int]] = []
    src_pos = _source_positions(loaded, paragraphs) if loaded.pages else []
    current: tuple[str, int] | None = None
    for i, para in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if para in loaded.headings or (loaded.scraped and _is_heading_shape(para, nxt)):
            if current:
                sections.append(Section(current[0], current[1], max(current[1], pos - 2)))
            current = (para, pos)
        if src_pos:
            page = _page_for(loaded.pages, src_pos[i])
            if not page_map or page_map[-1][1] != page:
                page_map.append((pos, page))
        parts.append(para)
        pos += len(para) + 2
    text = "\n\n".join(parts)
    if current:
        sections.append(Section(current[0], current[1], len(text)))
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Document(
        # Bidi and control characters in a title could reorder what a listing shows: removed.
        doc_id=doc_id,
        title=strip_controls(title or Path(source).name),
        text=text,
        source=source,
        language=detect_language(text),
        date=date,
        url=url,
        author=author and strip_controls(author),
        fmt=loaded.fmt,
        sections=tuple(sections),
        pages=tuple(page_map),
    )


def _strip_scraped(lines: list[str], known: set[str]) -> tuple[list[str], dict[str, str]]:
    meta: dict[str, str] = {}
    keep = [True] * len(lines)
    nonempty = [i for i, ln in enumerate(lines) if ln]
    # Short link line: its URL is the source URL, and it starts the footer.
    footer_from = len(lines)
    for i in nonempty:
        if _SHORT_LINK.match(lines[i]):
            m = _URL.search(lines[i])
            if m:
                meta["url"] = m.group(0)
            footer_from = i
            break
    # Title: the first line that appears twice near the top (scrapers repeat it), else none.
    head = [i for i in nonempty if i < footer_from][:40]
    title_idx = None
    seen: dict[str, int] = {}
    for i in head:
        k = line_key(lines[i])
        if k in seen and 3 <= _words(lines[i]) <= 30:
            meta["title"] = lines[i]
            title_idx = i  # body starts after the repeated title
            first_title = seen[k]
            for j in range(first_title + 1, i):
                if not lines[j]:
                    continue
                d = parse_date(lines[j]) if _words(lines[j]) <= 6 else None
                if d and "date" not in meta:
                    meta["date"] = d
                elif not is_clutter(lines[j]) and _words(lines[j]) <= 20 and "author" not in meta:
                    meta["author"] = lines[j]
            break
        seen[k] = i
    # The poll question right after a poll heading is clutter too.
    poll_q: set[int] = set()
    for a, b in zip(nonempty, nonempty[1:]):
        if line_key(lines[a]) == "استطلاع راي":
            poll_q.add(b)
    for i, line in enumerate(lines):
        if not line:
            continue
        drop = (
            (title_idx is not None and i <= title_idx)
            or i >= footer_from
            or i in poll_q
            or (_words(line) <= 15 and (is_clutter(line) or line_key(line) in known))
        )
        if drop:
            keep[i] = False
    return [ln for ln, k in zip(lines, keep) if k], meta


def _source_positions(loaded: Loaded, paragraphs: list[str]) -> list[int]:
    """Offset in loaded.text of each kept paragraph (for page numbers)."""
    out, pos = [], 0
    for para in paragraphs:
        found = loaded.text.find(para, pos)
        if found < 0:
            found = pos
        out.append(found)
        pos = found + len(para)
    return out


def _page_for(pages: list[tuple[int, int]], offset: int) -> int:
    page = pages[0][1]
    for start, number in pages:
        if start <= offset:
            page = number
        else:
            break
    return page
