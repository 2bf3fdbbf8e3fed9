"""Markdown: headings become section headings; inline markup is dropped."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.ingest.loaders.base import Loaded

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
]


def markdown_to_text(md: str) -> tuple[str, set[str], str | None]:
    lines, headings, title = [], set(), None
    for raw in md.splitlines():
        m = _HEADING.match(raw)
        if m:
            line = _inline(m.group(2))
            if line:
                headings.add(line)
                if title is None and len(m.group(1)) == 1:
                    title = line
                lines.extend(["", line, ""])
            continue
        line = re.sub(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+", "", raw)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        if re.fullmatch(r"\s*([-*_]\s*){3,}", line):
            continue
        lines.append(_inline(line))
    return "\n".join(lines), headings, title


def _inline(s: str) -> str:
    for pat, rep in _INLINE:
        s = pat.sub(rep, s)
    return s.strip()


def load_markdown(path: Path, text: str, encoding: str) -> Loaded:
    body, headings, title = markdown_to_text(text)
    return Loaded(text=body, fmt="markdown", encoding=encoding, title=title, headings=headings, scraped=False)
