"""Dense, BM25 and hybrid retrieval. Fusion is weighted reciprocal-rank fusion (pure function).

Hybrid is script-aware: BM25's weight is the share of the query's analysed terms that occur in the
corpus vocabulary. An English question over Arabic articles shares almost no terms with them, so
BM25 (noise there, FACTS.md: cross-lingual R@5 .947 → .459 with plain fusion) barely counts. On top
of that share, a tuned factor per query kind (script, length) and the RRF constant come from
``assistant/data/fusion.json`` (``eval/tune_fusion.py``, tuned on ARCD and the training part of XQuAD),
per embedder: a stronger dense model earns more weight against BM25.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.config import RETRIEVERS
from assistant.errors import ConfigError
from assistant.models.embedder import Embedder, sane_vectors
from assistant.records import Hit
from assistant.resources import DATA, load_json
from assistant.store import Index
from assistant.store.base import DocFilter


def rrf_fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float], k: int = 60) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion: score(d) = Σ w_i / (k + rank_i(d)), ranks from 1."""
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        if w <= 0:
            continue
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def score_fuse(
    dense: Sequence[tuple[int, float]], lexical: Sequence[tuple[int, float]], share: float
) -> list[tuple[int, float]]:
    """Convex combination of min-max normalised scores: (1 − share)·dense + share·BM25, a passage missing
    from one list counting 0 there. Scales differ (cosines, BM25 of any IDF formula); ranks within
    each list and the gaps between them are what count."""

    def norm(pairs: Sequence[tuple[int, float]]) -> dict[int, float]:
        if not pairs:
            return {}
        lo, hi = min(s for _, s in pairs), max(s for _, s in pairs)
        return {c: 1.0 if hi == lo else (s - lo) / (hi - lo) for c, s in pairs}

    share = min(1.0, max(0.0, share))
    scores = {c: (1.0 - share) * s for c, s in norm(dense).items()}
    if share > 0:
        for c, s in norm(lexical).items():
            scores[c] = scores.get(c, 0.0) + share * s
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


FUSION_FILE = DATA / "fusion.json"  # written by eval/tune_fusion.py; read through resources
SCORE_DEPTH = 100  # candidates per retriever for score fusion: eval/tune_fusion.py's depth


@dataclass(frozen=True)
class Fusion:
    """How hybrid search fuses its two rankings: ``method`` "rrf" (weighted reciprocal ranks, constant
    ``k``) or "scores" (:func:`score_fuse`), and BM25's weight factor per query kind ("ar-short",
    "ar-long", "other") — times the query's coverage, its RRF weight or its share of the scores."""

    k: int = 60
    bm25_factor: dict[str, float] = field(default_factory=dict)
    long_query: int = 6  # analysed terms from which a query counts as long
    method: str = "rrf"
    # For a query of the "other" kind (English over Arabic: no BM25), the dense passages re-ordered by
    # cosine + names for each that names all the query's names and numbers (0: not re-ordered)
    names: float = 0.0

    def kind(self, tokens: Sequence[str], coverage: float) -> str:
        if coverage < 0.5:  # mostly words the archive does not know: another script or language
            return "other"
        return "ar-long" if len(tokens) >= self.long_query else "ar-short"

    def bm25_weight(self, tokens: Sequence[str], coverage: float) -> float:
        return coverage * self.bm25_factor.get(self.kind(tokens, coverage), 1.0)


@lru_cache(maxsize=8)
def fusion_for(embedder_id: str) -> Fusion:
    """The tuned fusion for an embedder (plain coverage-weighted RRF if none was tuned for it)."""
    spec = load_json("fusion.json").get("embedders", {}).get(embedder_id)
    if spec:
        return Fusion(
            int(spec["k"]),
            dict(spec["bm25_factor"]),
            int(spec.get("long_query", 6)),
            str(spec.get("method", "rrf")),
            float(spec.get("names", 0.0)),
        )
    return Fusion()


def check_retriever(name: str) -> str:
    if name not in RETRIEVERS:
        choices = ", ".join(RETRIEVERS)
        english = f"unknown retriever '{name}'; choose {choices}"
        raise ConfigError.said("request: retriever", english, name=str(name)[:20], choices=choices)
    return name


class Retriever:
    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        rrf_k: int | None = None,
        candidates: int = 50,
        fusion: Fusion | None = None,
    ) -> None:
        """``rrf_k``: the fusion constant, when set (None: the tuned one)."""
        from dataclasses import replace

        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.fusion = fusion or fusion_for(embedder.model_id)
        if rrf_k is not None:
            self.fusion = replace(self.fusion, k=rrf_k)

    def dense(
        self, query: str, k: int, qvec: np.ndarray | None = None, docs: DocFilter | None = None
    ) -> list[tuple[int, float]]:
        if qvec is None:
            qvec = sane_vectors(self.embedder.embed_queries([query]), 1, self.embedder.dim, self.embedder.model_id)[0]
        return self.index.dense_search(qvec, k, docs)

    def bm25(
        self, query: str, k: int, tokens: list[str] | None = None, docs: DocFilter | None = None
    ) -> list[tuple[int, float]]:
        return self.index.bm25_search(self.index.analyze(query) if tokens is None else tokens, k, docs)

    def analyze(self, text: str) -> list[str]:
        """Analysed terms (normalised, stop-worded, stemmed) with the index's own analyser."""
        return self.index.analyze(text)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each analysed term in the index (chunks as documents)."""
        terms = list(dict.fromkeys(terms))
        if not terms:
            return {}
        dfs, n = self.index.doc_freqs(terms)
        return {t: float(np.log(1.0 + (n - df + 0.5) / (df + 0.5))) for t, df in zip(terms, dfs)}

    def rarity(self, word: str) -> float:
        """How rare a word is in the index: the highest IDF of its analysed terms (0 for none)."""
        return max(self.idf(self.analyze(word)).values(), default=0.0)

    def known(self, terms: Sequence[str]) -> set[str]:
        """The terms that occur somewhere in the index."""
        terms = list(dict.fromkeys(terms))
        return {t for t, df in zip(terms, self.index.doc_freqs(terms)[0]) if df > 0} if terms else set()

    def chunk_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        return self.index.chunk_vectors(ids)

    def is_empty(self) -> bool:
        """True when the index holds no chunk at all (nothing could have been found)."""
        return self.index.counts()[1] == 0

    def related(
        self, text: str, k: int, min_score: float, exclude_doc: str, qvec: np.ndarray | None = None
    ) -> list[Hit]:
        """The nearest passages of other documents (one per document), if at least ``min_score``; ``qvec``: the
        text's embedding, if already computed."""
        hits: list[Hit] = []
        ranked = self.dense(text, 60, qvec)
        records = self.index.chunks_by_id(cid for cid, _ in ranked)
        for cid, score in ranked:
            if cid not in records or score < min_score:
                continue
            chunk, row = records[cid]
            if chunk.doc_id == exclude_doc or any(h.chunk.doc_id == chunk.doc_id for h in hits):
                continue
            hits.append(Hit(len(hits) + 1, score, chunk, row.title, row.source, row.date))
            if len(hits) == k:
                break
        return hits

    def bm25_weight(self, query: str) -> float:
        return self.index.bm25_coverage(self.index.analyze(query))

    def ranked(
        self,
        query: str,
        k: int,
        retriever: str = "hybrid",
        qvec: np.ndarray | None = None,
        doc_ids: Sequence[str] | None = None,
        names: bool = True,
    ) -> list[tuple[int, float]]:
        """(chunk_id, score) best first. ``qvec``: the query's embedding, if already computed;
        ``doc_ids``: search only these documents; ``names``: lift an English question's passages that name
        all its names (``by_names``; the answer step does not: its abstention was fitted without it)."""
        check_retriever(retriever)
        if not query.strip():
            return []
        docs = self.index.doc_filter(doc_ids)
        if retriever == "dense":
            return self.dense(query, k, qvec, docs)
        if retriever == "bm25":
            return self.bm25(query, k, docs=docs)
        n = max(k, self.candidates)
        if self.fusion.method == "scores":  # min-max depends on the list's depth: use the depth it was tuned at
            n = max(n, SCORE_DEPTH)
        dense = self.dense(query, n, qvec, docs)
        tokens = self.index.analyze(query)
        coverage = self.index.bm25_coverage(tokens)
        if names and self.fusion.names > 0 and self.fusion.kind(tokens, coverage) == "other":
            dense = self.by_names(query, dense)
        w_b = self.fusion.bm25_weight(tokens, coverage)
        lexical = self.bm25(query, n, tokens, docs) if w_b > 0 else []
        if self.fusion.method == "scores":
            return score_fuse(dense, lexical, w_b)[:k]
        fused = rrf_fuse([[c for c, _ in dense], [c for c, _ in lexical]], [1.0, w_b], self.fusion.k)
        return fused[:k]

    def by_names(self, query: str, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The dense passages re-ordered by cosine + ``fusion.names`` for each that (or whose document's title)
        names every one of the query's names and numbers: an English question's "Fresno" and "Poles" in an
        Arabic passage's «فريسنو» and «البولنديين» (``text.crossing``; eval/studies/english_names.py)."""
        from assistant.text.crossing import all_named, question_names

        names = question_names(query)
        if not names or not ranked:
            return ranked
        records = self.index.chunks_by_id(c for c, _ in ranked)
        w = self.fusion.names
        scored = [
            (c, s + w * all_named(names, records[c][0].text, records[c][1].title) if c in records else s)
            for c, s in ranked
        ]
        return sorted(scored, key=lambda cs: -cs[1])

    def search(
        self,
        query: str,
        k: int = 5,
        retriever: str = "hybrid",
        qvec: np.ndarray | None = None,
        doc_ids: Sequence[str] | None = None,
        names: bool = True,
    ) -> list[Hit]:
        ranked = self.ranked(query, k, retriever, qvec, doc_ids, names)
        records = self.index.chunks_by_id(c for c, _ in ranked)
        hits: list[Hit] = []
        for cid, score in ranked:
            if cid not in records:  # removed since the generation we searched
                continue
            chunk, row = records[cid]
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    score=score,
                    chunk=chunk,
                    title=row.title,
                    source=row.source,
                    date=row.date,
                )
            )
        return hits
