"""Dense, BM25 and hybrid retrieval. Fusion is weighted reciprocal-rank fusion (pure function).

Hybrid is script-aware: BM25's weight is the share of the query's analysed terms that occur in the
corpus vocabulary. An English question over Arabic articles shares almost no terms with them, so
BM25 (noise there, FACTS.md: cross-lingual R@5 .947 → .459 with plain fusion) barely counts.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .config import RETRIEVERS
from .errors import ConfigError
from .models.embedder import Embedder
from .records import Hit
from .store import Index
from .store.base import DocFilter


def rrf_fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float], k: int = 60) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion: score(d) = Σ w_i / (k + rank_i(d)), ranks from 1."""
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        if w <= 0:
            continue
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def check_retriever(name: str) -> str:
    if name not in RETRIEVERS:
        raise ConfigError(f"unknown retriever '{name}'; choose {', '.join(RETRIEVERS)}")
    return name


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, rrf_k: int = 60, candidates: int = 50) -> None:
        self.index = index
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.candidates = candidates

    def dense(self, query: str, k: int, qvec: np.ndarray | None = None,
              docs: DocFilter | None = None) -> list[tuple[int, float]]:
        vec = self.embedder.embed_queries([query])[0] if qvec is None else qvec
        return self.index.dense_search(vec, k, docs)

    def bm25(self, query: str, k: int, tokens: list[str] | None = None,
             docs: DocFilter | None = None) -> list[tuple[int, float]]:
        return self.index.bm25_search(self.index.analyze(query) if tokens is None else tokens, k, docs)

    def is_empty(self) -> bool:
        """True when the index holds no chunk at all (nothing could have been found)."""
        return self.index.counts()[1] == 0

    def related(self, text: str, k: int, min_score: float, exclude_doc: str) -> list[Hit]:
        """The nearest passages of other documents (one per document), if at least ``min_score``."""
        hits: list[Hit] = []
        ranked = self.dense(text, 60)
        records = self.index.chunks_by_id(cid for cid, _ in ranked)
        for cid, score in ranked:
            if cid not in records or score < min_score:
                continue
            chunk, row = records[cid]
            if chunk.doc_id == exclude_doc or any(h.chunk.doc_id == chunk.doc_id for h in hits):
                continue
            hits.append(Hit(len(hits) + 1, score, chunk, row["title"], row["source"], row["date"]))
            if len(hits) == k:
                break
        return hits

    def bm25_weight(self, query: str) -> float:
        return self.index.bm25_coverage(self.index.analyze(query))

    def ranked(self, query: str, k: int, retriever: str = "hybrid", qvec: np.ndarray | None = None,
               doc_ids: Sequence[str] | None = None) -> list[tuple[int, float]]:
        """(chunk_id, score) best first. ``qvec``: the query's embedding, if already computed;
        ``doc_ids``: search only these documents."""
        check_retriever(retriever)
        if not query.strip():
            return []
        docs = self.index.doc_filter(doc_ids)
        if retriever == "dense":
            return self.dense(query, k, qvec, docs)
        if retriever == "bm25":
            return self.bm25(query, k, docs=docs)
        n = max(k, self.candidates)
        dense = self.dense(query, n, qvec, docs)
        tokens = self.index.analyze(query)
        w_b = self.index.bm25_coverage(tokens)
        lexical = self.bm25(query, n, tokens, docs) if w_b > 0 else []
        fused = rrf_fuse([[c for c, _ in dense], [c for c, _ in lexical]], [1.0, w_b], self.rrf_k)
        return fused[:k]

    def search(self, query: str, k: int = 5, retriever: str = "hybrid", qvec: np.ndarray | None = None,
               doc_ids: Sequence[str] | None = None) -> list[Hit]:
        ranked = self.ranked(query, k, retriever, qvec, doc_ids)
        records = self.index.chunks_by_id(c for c, _ in ranked)
        hits = []
        for cid, score in ranked:
            if cid not in records:  # removed since the generation we searched
                continue
            chunk, row = records[cid]
            hits.append(Hit(rank=len(hits) + 1, score=score, chunk=chunk, title=row["title"],
                            source=row["source"], date=row["date"]))
        return hits
