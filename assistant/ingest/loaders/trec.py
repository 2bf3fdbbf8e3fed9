"""TREC-style pseudo-XML articles (<DOC><DOCNO>…<TITLE>…<TIME>…<TEXT>…</DOC>), e.g. news corpora."""

from __future__ import annotations

import html
import re
from pathlib import Path

from assistant.errors import LoadError
from assistant.ingest.loaders.base import Loaded

_FIELD = re.compile(r"<(DOCNO|URL|TITLE|TIME|DATE|AUTHOR|ABSTRACT|TEXT)>(.*?)</\1>", re.S | re.I)


def looks_like_trec(text: str) -> bool:
    return text.lstrip()[:5].upper() == "<DOC>"


def load_trec(path: Path, text: str, encoding: str) -> Loaded:
    fields = {k.upper(): html.unescape(v.strip()) for k, v in _FIELD.findall(text)}
    body_parts = [fields.get("ABSTRACT", ""), fields.get("TEXT", "")]
    body = "\n\n".join(p for p in body_parts if p)
    if not body.strip():
        raise LoadError.known(str(path), "trec: no text")
    from assistant.ingest.cleaning import parse_date

    when = fields.get("TIME") or fields.get("DATE") or ""
    return Loaded(
        text=body,
        fmt="trec",
        encoding=encoding,
        title=fields.get("TITLE") or None,
        date=parse_date(when) if when else None,
        author=fields.get("AUTHOR") or None,
        url=fields.get("URL") or None,
        scraped=False,
    )
