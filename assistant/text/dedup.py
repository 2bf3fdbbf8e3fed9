"""Near-duplicate detection: MinHash signatures over word 5-shingles of the clean text, with LSH bands.

The same article re-scraped with other clutter cleans to almost the same text; its estimated
Jaccard similarity to the stored version is then near 1, while two different articles share few
5-word shingles. Pure functions; the index stores signatures and band keys.
"""

from __future__ import annotations

import hashlib

import numpy as np

from assistant.text.arabic import tokenize

N_PERM = 64
BANDS = 16
ROWS = N_PERM // BANDS
SHINGLE = 5
NEAR_DUP = 0.8  # estimated Jaccard at or above which two documents are the same article

_rng = np.random.default_rng(20251129)
_A = (_rng.integers(1, 2**63, N_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 2**63, N_PERM, dtype=np.uint64)


def shingles(text: str, k: int = SHINGLE) -> np.ndarray:
    toks = tokenize(text)
    if len(toks) < k:
        grams = [" ".join(toks)] if toks else []
    else:
        grams = [" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)]
    return np.array(
        [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in set(grams)],
        dtype=np.uint64,
    )


def signature(text: str) -> np.ndarray:
    """64 minimum hash values (multiply-shift hashing of the shingle hashes)."""
    x = shingles(text)
    if x.size == 0:
        return np.full(N_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        h = (_A[:, None] * x[None, :] + _B[:, None]) >> np.uint64(32)
    return h.min(axis=1).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def band_keys(sig: np.ndarray) -> list[str]:
    return [
        f"{i}:" + hashlib.blake2b(sig[i * ROWS : (i + 1) * ROWS].tobytes(), digest_size=8).hexdigest()
        for i in range(BANDS)
    ]
