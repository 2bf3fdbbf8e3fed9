"""Words and names as the doors show them: safe to print on one line, and counted before a tokenizer is at hand."""

from __future__ import annotations

import re

_INVISIBLE = {*range(0, 32), 127, 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def printable(text: str) -> str:
    """Text safe to print on one line: control and bidi-control characters shown as \\uXXXX escapes."""
    return "".join(f"\\u{ord(c):04x}" if ord(c) in _INVISIBLE else c for c in text)


def strip_controls(text: str) -> str:
    """Text to store as a title: control and bidi-control characters removed (newlines become spaces)."""
    return " ".join("".join(c if ord(c) not in _INVISIBLE else " " for c in text).split())


def word_count(text: str) -> int:
    """Fallback token counter: ~1.6 subword tokens per word for Arabic under XLM-R's vocabulary,
    and at least one token per 4 characters (long unbroken strings)."""
    return int(max(len(text.split()) * 1.6, len(text) / 4)) + 2


_SAFE_NAME = re.compile(r"[^\w\u0600-\u06FF .()\-]+")


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload folder (no separators, no NUL, no dot-dot)."""
    base = name.replace("\\", "/").split("/")[-1].replace("\x00", "")
    base = _SAFE_NAME.sub("_", base).strip(" .")
    return base or "upload"
