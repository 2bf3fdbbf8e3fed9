"""Clean text → chunks: a paragraph each (its heading kept), long paragraphs split by sentence.

Offsets are exact: ``doc.text[chunk.start:chunk.end] == chunk.text`` always holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from assistant.records import Chunk, Document
from assistant.text.arabic import split_sentences
from assistant.text.words import word_count

TokenCounter = Callable[[str], int]


def chunk_id(doc_id: str, start: int, end: int) -> int:
    """A 53-bit id from the content hash: exact in JSON for JavaScript clients, int64 for FAISS."""
    digest = hashlib.sha256(f"{doc_id}:{start}:{end}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << 53) - 1)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    while pos < len(text):
        nxt = text.find("\n\n", pos)
        end = len(text) if nxt < 0 else nxt
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
        pos = end + 2 if nxt >= 0 else len(text)
    return spans


def chunk_document(
    doc: Document, max_tokens: int = 320, count: TokenCounter = word_count, min_tokens: int = 24
) -> list[Chunk]:
    """Split a document into retrieval passages of at most ``max_tokens``."""
    text = doc.text
    heading_starts = {s.start for s in doc.sections}
    pieces: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None  # a heading or short paragraph waiting to be merged
    for a, b in paragraph_spans(text):
        merged = False
        if pending is not None:
            if count(text[pending[0] : b]) <= max_tokens:
                a, merged = pending[0], True
            else:
                pieces.append(pending)
            pending = None
        n = count(text[a:b])
        if n > max_tokens:
            pieces.extend(_split_long(text, a, b, max_tokens, count))
        elif not merged and (a in heading_starts or n < min_tokens):
            pending = (a, b)  # a heading or a very short paragraph joins the next paragraph
        else:
            pieces.append((a, b))
    if pending is not None:
        if pieces and count(text[pieces[-1][0] : pending[1]]) <= max_tokens:
            pieces[-1] = (pieces[-1][0], pending[1])
        else:
            pieces.append(pending)
    chunks = []
    for ordinal, (a, b) in enumerate(pieces):
        chunks.append(
            Chunk(
                chunk_id=chunk_id(doc.doc_id, a, b),
                doc_id=doc.doc_id,
                ordinal=ordinal,
                start=a,
                end=b,
                text=text[a:b],
                heading=_heading_at(doc, a),
                page=doc.page_at(a),
            )
        )
    return chunks


def _split_long(text: str, a: int, b: int, max_tokens: int, count: TokenCounter) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in split_sentences(text, a, b):
        if count(text[s:e]) > max_tokens:  # one enormous sentence: cut by words
            if cur:
                out.append(cur)
                cur = None
            out.extend(_split_words(text, s, e, max_tokens, count))
            continue
        if cur and count(text[cur[0] : e]) <= max_tokens:
            cur = (cur[0], e)
        else:
            if cur:
                out.append(cur)
            cur = (s, e)
    if cur:
        out.append(cur)
    return out


def _split_words(text: str, a: int, b: int, max_tokens: int, count: TokenCounter) -> list[tuple[int, int]]:
    """Cut a span with no usable sentence ends at word boundaries, each piece ≤ max_tokens.

    Binary search over word boundaries inside a bounded window keeps this O(n log n) even for a
    multi-megabyte line without spaces or punctuation.
    """
    out: list[tuple[int, int]] = []
    window = max_tokens * 12  # no subword token is longer than this many characters on average
    start = a
    while start < b:
        while start < b and text[start].isspace():
            start += 1
        if start >= b:
            break
        limit = min(b, start + window)
        if count(text[start:limit]) <= max_tokens:
            if limit == b:
                out.append((start, b))
                break
        cuts = [i for i in range(start + 1, limit) if text[i].isspace() and not text[i - 1].isspace()]
        cuts.append(limit)
        lo, hi, best = 0, len(cuts) - 1, -1
        while lo <= hi:
            mid = (lo + hi) // 2
            if count(text[start : cuts[mid]]) <= max_tokens:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best < 0:  # one "word" over the limit: cut it by characters
            end = start + 1
            lo2, hi2 = start + 1, limit
            while lo2 <= hi2:
                mid = (lo2 + hi2) // 2
                if count(text[start:mid]) <= max_tokens:
                    end, lo2 = mid, mid + 1
                else:
                    hi2 = mid - 1
        else:
            end = cuts[best]
        out.append((start, end))
        start = end
    return [(x, y) for x, y in ((x, _rstrip(text, x, y)) for x, y in out) if y > x]


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b


def _heading_at(doc: Document, offset: int) -> str:
    heading = ""
    for s in doc.sections:
        if s.start <= offset:
            heading = s.heading
        else:
            break
    return heading
