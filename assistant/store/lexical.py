"""BM25 over our Arabic analyser's tokens (normalised, stop-worded, Light10-stemmed), via bm25s.

Tokens are computed once at ingest and stored with the chunk records, so a commit rebuilds the
BM25 arrays from stored tokens without re-analysing any text.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class BM25Index:
    def __init__(self, retriever: object | None, chunk_ids: np.ndarray, vocab: dict[str, int]) -> None:
        self._retriever = retriever
        self.chunk_ids = chunk_ids
        self.vocab = vocab

    @classmethod
    def build(cls, chunk_ids: Sequence[int], token_lists: Sequence[Sequence[str]]) -> BM25Index:
        import bm25s
        from bm25s.tokenization import Tokenized

        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in toks] for toks in token_lists]
        if not ids:
            return cls(None, np.zeros(0, np.int64), {})
        if not vocab:  # every chunk empty after analysis: keep a placeholder term
            vocab[""] = 0
        retriever = bm25s.BM25(k1=1.5, b=0.75)
        retriever.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
        return cls(retriever, np.asarray(chunk_ids, np.int64), vocab)

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.save(tmp / "chunk_ids.npy", self.chunk_ids)
        if self._retriever is not None:
            self._retriever.save(str(tmp / "bm25"))
        (tmp / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False))
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        chunk_ids = np.load(folder / "chunk_ids.npy")
        vocab = json.loads((folder / "vocab.json").read_text())
        retriever = bm25s.BM25.load(str(folder / "bm25"), mmap=False) if (folder / "bm25").exists() else None
        return cls(retriever, chunk_ids, vocab)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def doc_freqs(self, tokens: Sequence[str]) -> list[int]:
        """How many chunks hold each token (0 for a token the corpus does not know)."""
        if self._retriever is None:
            return [0 for _ in tokens]
        indptr = self._retriever.scores["indptr"]  # CSC by term: a term's column holds its documents
        return [int(indptr[i + 1] - indptr[i]) if (i := self.vocab.get(t)) is not None else 0 for t in tokens]

    def coverage(self, tokens: Sequence[str]) -> float:
        """Share of query tokens the corpus knows (0 when the query has none)."""
        if not tokens:
            return 0.0
        return sum(1 for t in tokens if t in self.vocab) / len(tokens)

    def search(self, tokens: Sequence[str], k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best k (chunk id, BM25 score) with a positive score; ``allowed``: only these chunk ids."""
        if self._retriever is None or not len(self.chunk_ids):
            return []
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids:
            return []
        scores = np.asarray(self._retriever.get_scores(ids), dtype=np.float32)
        if allowed is not None:
            scores = np.where(np.isin(self.chunk_ids, allowed), scores, 0.0).astype(np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.chunk_ids[i]), float(scores[i])) for i in top if scores[i] > 0]
