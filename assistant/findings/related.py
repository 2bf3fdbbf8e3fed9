"""Earlier coverage of a finding: passages of other articles in the archive on the same story.

The two passages of other documents nearest to the finding (``Retriever.related``) count when their cosine
reaches ``min_score`` and, in the finding's own language, when they hold at least ``min_shared`` of the
finding's IDF-weighted terms: a cosine alone let every passage of the region's news through (on 138 hand-labelled
pairs from ANT news, all were at or above 0.84 and 36 % related; eval/README.md, "Related coverage"). Across
languages, where no words are shared and cosines run lower, the cosine alone decides, at ``min_score_across`` (the
rule before for every pair; not measured). Each is shown by its sentence closest to the finding, never a heading.
"""

from __future__ import annotations

import numpy as np

from assistant.models.embedder import Embedder, sane_vectors
from assistant.records import Hit, Related
from assistant.retrieval import Retriever
from assistant.text.arabic import detect_language, split_sentences

NEAREST = 2  # passages asked for, each of another document (what the hand labels measured)


def shared_terms(retriever: Retriever, finding: str, passage: str) -> float:
    """The share of the finding's IDF weight (over the index) that the passage's own terms carry."""
    return _share(retriever, _weights(retriever, finding), passage)


def _weights(retriever: Retriever, finding: str) -> dict[str, float]:
    return retriever.idf(sorted(set(retriever.analyze(finding))))


def _share(retriever: Retriever, weights: dict[str, float], passage: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    have = set(retriever.analyze(passage))
    return sum(w for t, w in weights.items() if t in have) / total


def related_coverage(
    retriever: Retriever,
    finding: str,
    exclude_doc: str,
    min_score: float,
    min_shared: float,
    embedder: Embedder | None = None,
    min_score_across: float | None = None,
) -> tuple[Related, ...]:
    """Earlier coverage of ``finding`` in other documents than ``exclude_doc``, nearest first (at most two).
    ``embedder``: the retriever's own, to embed the finding once for the search and the quotes."""
    lang = detect_language(finding)
    across = min_score if min_score_across is None else min_score_across
    weights = _weights(retriever, finding)
    qvec = (
        None
        if embedder is None
        else sane_vectors(embedder.embed_queries([finding]), 1, embedder.dim, embedder.model_id)[0]
    )
    out = []
    for hit in retriever.related(finding, NEAREST, min(min_score, across), exclude_doc, qvec):
        if detect_language(hit.chunk.text) != lang:
            if hit.score < across:
                continue
        elif hit.score < min_score or _share(retriever, weights, hit.chunk.text) < min_shared:
            continue
        out.append(_quoted(hit, retriever, weights, embedder, qvec))
    return tuple(out)


def _quoted(
    hit: Hit, retriever: Retriever, weights: dict[str, float], embedder: Embedder | None, qvec: np.ndarray | None
) -> Related:
    """The passage's sentence closest to the finding: in meaning with an embedder, else by shared terms."""
    text = hit.chunk.text
    spans = [
        (a, b) for a, b in split_sentences(text) if len(text[a:b].split()) >= 3 and not hit.chunk.is_heading(text[a:b])
    ] or [(0, len(text))]
    if len(spans) == 1:
        best = 0
    elif embedder is not None and qvec is not None:
        best = int(np.argmax(embedder.embed_passages([text[a:b] for a, b in spans]) @ qvec))
    else:
        best = max(range(len(spans)), key=lambda i: _share(retriever, weights, text[spans[i][0] : spans[i][1]]))
    a, b = spans[best]
    return Related(hit, text[a:b], hit.chunk.start + a, hit.chunk.start + b)
