"""Checksums of a generation's files, recorded in the manifest at commit and verified when it is opened.

The manifest is the commit point, so the checksums it holds are those of exactly the files that
generation committed: a file damaged afterwards, truncated, emptied, or replaced by another
generation's copy no longer matches, and the store refuses to serve it. CRC32 (zlib) runs at
~3 GB/s here: every byte is checked at every open (``python -m eval.open_cost`` measures the cost).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

CHUNK = 8 << 20


def crc32_file(path: Path) -> int:
    crc = 0
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            crc = zlib.crc32(block, crc)
    return crc


def crc32_ids(ids: Iterable[int]) -> int:
    """A checksum of a set of chunk ids (order-free: sorted first)."""
    import numpy as np

    arr = np.sort(np.fromiter((int(i) for i in ids), np.int64))
    return zlib.crc32(arr.tobytes())


def seal_files(root: Path, files: Iterable[Path]) -> dict[str, list[int]]:
    """``{path relative to root: [size, crc32]}`` for each file."""
    out = {}
    for f in sorted(files):
        out[f.relative_to(root).as_posix()] = [f.stat().st_size, crc32_file(f)]
    return out


def file_problems(root: Path, seal: dict[str, list[int]]) -> list[str]:
    """What differs between the files under root and their recorded sizes and checksums."""
    problems = []
    for rel, (size, crc) in sorted(seal.items()):
        path = root / rel
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            problems.append(f"{rel} is missing")
            continue
        if actual != size:
            problems.append(f"{rel} has {actual} bytes, {size} were committed (truncated or replaced)")
        elif crc32_file(path) != crc:
            problems.append(f"{rel} does not match its committed checksum (damaged or replaced)")
    return problems
