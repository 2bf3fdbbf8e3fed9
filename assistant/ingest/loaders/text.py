"""Plain text with encoding detection: UTF-8 (BOM or not), UTF-16, Windows-1256."""

from __future__ import annotations

import codecs
from pathlib import Path

from assistant.errors import LoadError
from assistant.text.arabic import arabic_ratio


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes to text and name the encoding; raise LoadError rather than guess wrong."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", name), "utf-16"
    sample = data[:4096]
    enc16 = _utf16_without_bom(sample)
    if enc16:
        try:
            text = data.decode(enc16)
        except UnicodeDecodeError:
            text = ""
        if text and _printable_share(text) > 0.95:
            return text, enc16
        raise LoadError.known(name, "binary")
    if b"\x00" in sample:
        raise LoadError.known(name, "binary")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1256 is the legacy Arabic code page; accept it only when the result reads as Arabic.
    try:
        text = data.decode("cp1256")
        if arabic_ratio(text) > 0.6 and _printable_share(text) > 0.97:
            return text, "cp1256"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _printable_share(str(best)) > 0.97:
        return str(best), best.encoding
    raise LoadError.known(name, "unknown encoding")


def _utf16_without_bom(sample: bytes) -> str | None:
    """Latin and Arabic text in UTF-16 has high bytes of 0x00 or 0x06 almost everywhere."""
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    high_le, high_be = sample[1::2], sample[0::2]
    for enc, high in (("utf-16-le", high_le), ("utf-16-be", high_be)):
        share = sum(1 for b in high if b in (0x00, 0x06)) / len(high)
        if share > 0.9 and high.count(0) > 0:
            return enc
    return None


def read_text(path: Path) -> tuple[str, str]:
    text, enc = decode_bytes(path.read_bytes(), str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError.known(str(path), "whitespace only")
    return text, enc


def _strict(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise LoadError.known(name, "bad encoding", encoding=enc, detail=exc.reason, byte=exc.start) from exc


def _printable_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    ok = sum(1 for c in sample if c.isprintable() or c in "\n\t\r")
    return ok / len(sample)
