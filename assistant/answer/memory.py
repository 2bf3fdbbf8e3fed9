"""Sentence vectors kept between questions.

Embedding the candidate sentences is, with the reader, most of an extractive answer's time (~40 % on two
cores: eval/README.md, "Sentence vectors kept between questions"). A chat's questions return to the same
passages, so the vectors of the sentences embedded for one question are kept, by text, for the next, up
to ``Settings.sentence_memory`` sentences per embedder (least recently used out). A sentence's vector
depends only on its text and the embedder, so an answer is the one it would be without the memory (held out,
all 2,068 XQuAD answers identical with and without it).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np


class SentenceVectors:
    """Sentence vectors by text, at most ``size`` of them (0: no bound — one question's own), safe to share
    between the threads that make quotes side by side."""

    def __init__(self, size: int = 0) -> None:
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, text: object) -> bool:
        return text in self._vectors

    def vectors(self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """One row per text: those kept, the others embedded (once each, in one call) and kept."""
        with self._lock:
            known = {t: self._vectors[t] for t in dict.fromkeys(texts) if t in self._vectors}
            for t in known:
                self._vectors.move_to_end(t)
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            made = [row.copy() for row in np.asarray(embed(new))]  # a row alone: no batch kept alive through it
            known.update(zip(new, made))
            with self._lock:
                for t, v in zip(new, made):
                    self._vectors[t] = v
                while self.size and len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def kept_vectors(embedder: object, size: int) -> SentenceVectors:
    """The vectors kept for this embedder between questions (``size`` sentences), or, with ``size`` 0 or an
    embedder that cannot be referred to weakly, a new memory for one question."""
    if size <= 0:
        return SentenceVectors()
    with _KEPT_LOCK:
        try:
            memory = _KEPT.get(embedder)
            if memory is None or memory.size != size:
                memory = _KEPT[embedder] = SentenceVectors(size)
        except TypeError:  # not weakly referable: keep nothing between questions
            return SentenceVectors()
    return memory
