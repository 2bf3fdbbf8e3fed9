"""Pure functions for citations: parse markers, verify statements against passages, find quotes.

A statement is shown as supported only if it cites a passage that was given AND that passage
supports it: enough of its content words occur in the passage, and every number it states (and
every Latin-script name) occurs there too.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .arabic import analyze, normalize, numbers_in, split_sentences
from .records import Dropped

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# [1], [1, 2], [1،2], 【1】, ［1］ — with ASCII or Arabic-Indic digits.
_MARKER = re.compile(r"[\[【［]\s*([0-9٠-٩۰-۹]+(?:\s*[,،;؛-]\s*[0-9٠-٩۰-۹]+)*)\s*[\]】］]")
_STRAY = re.compile(r"[\[\]【】［］]")
_LATIN_NAME = re.compile(r"\b[A-Z][a-zA-Z]{2,}\b")

MIN_OVERLAP = 0.6  # share of a sentence's content stems that must occur in the cited passage
# Sentences that address the assistant rather than state facts: never accepted as support.
_INSTRUCTION = re.compile(
    r"(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above)\s+(instructions|prompts?)"
    r"|\b(system|assistant)\s*:|you are now|new instructions|"
    r"(تجاهل|انس|أهمل|اهمل)\s+(كل\s+|جميع\s+)?(التعليمات|الأوامر|الاوامر)|تعليمات\s+النظام|أنت الآن|انت الان",
    re.IGNORECASE)


def is_instruction(text: str) -> bool:
    """True for text that tries to instruct the model (prompt injection), in Arabic or English."""
    return bool(_INSTRUCTION.search(text))


@dataclass(frozen=True)
class Claim:
    text: str  # the sentence without its markers
    cited: tuple[int, ...]  # passage numbers as written, valid or not


def parse_claims(answer: str) -> list[Claim]:
    """Split a generated answer into sentences, each with the passage numbers it cites."""
    claims: list[Claim] = []
    # Markers often follow the full stop ("… 26 دولة. [1]"): attach them to the sentence before.
    text = re.sub(r"([.!?؟؛])\s*((?:" + _MARKER.pattern + r"\s*)+)",
                  lambda m: f" {m.group(2).strip()}{m.group(1)} ", answer)
    for a, b in split_sentences(text):
        raw = text[a:b]
        nums: list[int] = []
        for m in _MARKER.finditer(raw):
            for part in re.split(r"[,،;؛-]", m.group(1)):
                part = part.strip().translate(_DIGITS)
                if part.isdigit():
                    nums.append(int(part))
        clean = _STRAY.sub("", _MARKER.sub("", raw))
        clean = re.sub(r"\s+([.!?؟،,؛])", r"\1", re.sub(r"\s{2,}", " ", clean)).strip()
        if clean and any(ch.isalnum() for ch in clean):
            claims.append(Claim(clean, tuple(dict.fromkeys(nums))))
    return claims


def content_overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's content stems that occur in the passage."""
    s = set(analyze(sentence))
    if not s:
        return 0.0
    return len(s & set(analyze(passage))) / len(s)


def unsupported_numbers(sentence: str, passage: str) -> set[str]:
    return numbers_in(sentence) - numbers_in(passage)


def unsupported_names(sentence: str, passage: str) -> set[str]:
    p = normalize(passage)
    return {n for n in _LATIN_NAME.findall(sentence) if n.lower() not in p}


def verify(sentence: str, passage: str, min_overlap: float = MIN_OVERLAP) -> str | None:
    """None when the passage supports the sentence, else the reason it does not."""
    passage = " ".join(passage[a:b] for a, b in split_sentences(passage) if not is_instruction(passage[a:b]))
    if not passage:
        return "the cited passage holds only instructions, not statements"
    nums = unsupported_numbers(sentence, passage)
    if nums:
        return f"numbers not in the cited passage: {', '.join(sorted(nums))}"
    names = unsupported_names(sentence, passage)
    if names:
        return f"names not in the cited passage: {', '.join(sorted(names))}"
    ov = content_overlap(sentence, passage)
    if ov < min_overlap:
        return f"too little of it is in the cited passage (overlap {ov:.2f} < {min_overlap})"
    return None


def best_quote(sentence: str, passage: str) -> tuple[int, int]:
    """Span (in passage) of the passage sentence that best supports the given sentence."""
    spans = split_sentences(passage) or [(0, len(passage))]
    target = set(analyze(sentence))
    nums = numbers_in(sentence)

    def score(span: tuple[int, int]) -> tuple[float, int]:
        piece = passage[span[0]:span[1]]
        words = set(analyze(piece))
        ov = len(target & words) / (len(target) or 1)
        return (ov + 0.5 * len(nums & numbers_in(piece)) / (len(nums) or 1), -(span[1] - span[0]))

    return max(spans, key=score)


@dataclass(frozen=True)
class Support:
    """Source n supports a claim; (start, end) is the best quote's span in that source's text."""

    n: int
    start: int
    end: int


def verify_claims(claims: Sequence[Claim], sources: Mapping[int, str], noun: str = "passage",
                  mark: Callable[[int], str] = lambda n: f"[{n}]",
                  check: Callable[[str, str], str | None] = verify,
                  ) -> tuple[list[tuple[Claim, list[Support]]], list[Dropped]]:
    """Keep the claims that cite a given source which supports them; say why the others went.

    ``sources``: number → text of what the model was given (passages of an answer, paragraphs of an
    article). Shared by answers and findings, so both drop the same things for the same reasons.
    """
    kept: list[tuple[Claim, list[Support]]] = []
    dropped: list[Dropped] = []
    for claim in claims:
        if not claim.cited:
            dropped.append(Dropped(claim.text, f"cites no {noun}"))
            continue
        valid = [n for n in claim.cited if n in sources]
        if not valid:
            dropped.append(Dropped(claim.text, f"cites {noun}s that were not given: {list(claim.cited)}"))
            continue
        supports: list[Support] = []
        reasons = []
        for n in valid:
            why = check(claim.text, sources[n])
            if why is None:
                supports.append(Support(n, *best_quote(claim.text, sources[n])))
            else:
                reasons.append(f"{mark(n)} {why}")
        if supports:
            kept.append((claim, supports))
        else:
            dropped.append(Dropped(claim.text, "; ".join(reasons)))
    return kept, dropped
