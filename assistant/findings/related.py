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

from assistant.models.embedder import Embedder
from assistant.records import Hit, Related
from assistant.retrieval import Retriever
from assistant.text.arabic import detect_language, normalize, split_sentences

NEAREST = 2  # passages asked for, each of another document (what the hand labels measured)


def shared_terms(retriever: Retriever, finding: str, passage: str) -> float:
    """The share of the finding's IDF weight (over the index) that the passage's own terms carry."""
    idf = retriever.idf(sorted(set(retriever.analyze(finding))))
    total = sum(idf.values())
    if total <= 0:
        return 0.0
    have = set(retriever.analyze(passage))
    return sum(w for t, w in idf.items() if t in have) / total


def related_coverage(
    retriever: Retriever,
    finding: str,
    exclude_doc: str,
    min_score: float,
    min_shared: float,
    embedder: Embedder | None = None,
    min_score_across: float | None = None,
) -> tuple[Related, ...]:
    """Earlier coverage of ``finding`` in other documents than ``exclude_doc``, nearest first (at most two)."""
    lang = detect_language(finding)
    across = min_score if min_score_across is None else min_score_across
    out = []
    for hit in retriever.related(finding, NEAREST, min(min_score, across), exclude_doc):
        if detect_language(hit.chunk.text) != lang:
            if hit.score < across:
                continue
        elif hit.score < min_score or shared_terms(retriever, finding, hit.chunk.text) < min_shared:
            continue
        out.append(_quoted(hit, finding, retriever, embedder))
    return tuple(out)


def _quoted(hit: Hit, finding: str, retriever: Retriever, embedder: Embedder | None) -> Related:
    """The passage's sentence closest to the finding: in meaning with an embedder, else by shared terms."""
    text, heading = hit.chunk.text, normalize(hit.chunk.heading.strip())
    spans = [
        (a, b)
        for a, b in split_sentences(text)
        if len(text[a:b].split()) >= 3 and not (heading and normalize(text[a:b].strip()) == heading)
    ] or [(0, len(text))]
    if len(spans) == 1:
        best = 0
    elif embedder is not None:
        cos = embedder.embed_passages([text[a:b] for a, b in spans]) @ embedder.embed_queries([finding])[0]
        best = int(np.argmax(cos))
    else:
        best = max(range(len(spans)), key=lambda i: shared_terms(retriever, finding, text[spans[i][0] : spans[i][1]]))
    a, b = spans[best]
    return Related(hit, text[a:b], hit.chunk.start + a, hit.chunk.start + b)
