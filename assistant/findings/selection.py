"""Which sentences of an article carry its findings: a learned sentence scorer, redundancy control, and a
length that follows the article — plus the two baselines any selector must beat (Lead-N, TextRank).

Articles that lead with their main idea (news, encyclopaedic: EASC) get the policy chosen on the
tuning half of EASC by ``eval/train_findings_selector.py`` (``assistant/data/findings_selector.json``):
of a logistic regression over position, centrality (e5 and TF-IDF), title, length, numbers and cues,
the same refined by coordinate ascent, and "lead-clean" (the first sentences that say something new),
the one that generalised best inside the tuning half. Analysis articles — organised under section
headings, like the think tank's own — build to their conclusion, so position is ignored there and
centrality decides. Sentences are taken by MMR on the embeddings (relevance against redundancy) and
shown in article order.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.prompts import CONCLUSION_CUES
from assistant.resources import DATA, load_json
from assistant.text.arabic import analyze, normalize, numbers_in, split_sentences
from assistant.text.planted import is_planted

MODEL_FILE = DATA / "findings_selector.json"  # written by eval/train_findings_selector.py
FEATURES = (
    "pos",
    "first_in_article",
    "first_in_para",
    "para_pos",
    "tfidf_cent",
    "emb_cent",
    "emb_title",
    "log_len",
    "has_number",
    "cue",
)
POSITION = ("pos", "first_in_article", "first_in_para", "para_pos")
# The old selector's priors, kept: a paragraph's first sentence states its point (+0.1), conclusion cues.
ANALYSIS_WEIGHTS = {"emb_cent": 1.0, "tfidf_cent": 1.0, "cue": 0.1, "first_in_para": 0.1, "short": 1.0}
MIN_WORDS = 4


@dataclass
class Sentence:
    para_number: int
    start: int  # offsets in the document's clean text
    end: int
    text: str
    index: int  # among the article's candidate sentences
    x: dict[str, float] = field(default_factory=dict)
    vec: np.ndarray | None = None
    score: float = 0.0


def sentences_of(text: str, paragraphs: Sequence[tuple[int, int, int]]) -> list[Sentence]:
    """Candidate sentences (≥ MIN_WORDS words) of (paragraph number, start, end) spans, in article order."""
    out: list[Sentence] = []
    for number, a, b in paragraphs:
        for s, e in split_sentences(text, a, b):
            if len(text[s:e].split()) >= MIN_WORDS and not is_planted(text[s:e]):  # never a finding
                out.append(Sentence(number, s, e, text[s:e], len(out)))
    return out


def _tfidf(docs: list[list[str]]) -> list[dict[str, float]]:
    df = Counter(t for terms in docs for t in set(terms))
    n = len(docs)
    vecs = []
    for terms in docs:
        v = {t: (1 + math.log(c)) * math.log((n + 1) / (df[t] + 0.5)) for t, c in Counter(terms).items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({t: x / norm for t, x in v.items()})
    return vecs


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def features(sents: list[Sentence], title: str, embed: Callable[[Sequence[str]], np.ndarray] | None) -> None:
    """Fill every sentence's features (and its embedding, when an embedder is given)."""
    if not sents:
        return
    n = len(sents)
    paras = sorted({s.para_number for s in sents})
    para_rank = {p: i for i, p in enumerate(paras)}
    first_of_para: set[int] = set()
    seen: set[int] = set()
    for s in sents:
        if s.para_number not in seen:
            first_of_para.add(s.index)
            seen.add(s.para_number)
    tf = _tfidf([analyze(s.text) for s in sents])
    centroid: dict[str, float] = {}
    for v in tf:
        for t, w in v.items():
            centroid[t] = centroid.get(t, 0.0) + w
    norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
    centroid = {t: w / norm for t, w in centroid.items()}
    emb_cent = np.zeros(n)
    emb_title = np.zeros(n)
    if embed is not None:
        vecs = embed([s.text for s in sents] + ([title] if title else []))
        sv = vecs[:n]
        mean = sv.mean(0)
        mean = mean / (np.linalg.norm(mean) or 1.0)
        emb_cent = sv @ mean
        if title:
            emb_title = sv @ vecs[n]
        for s, v in zip(sents, sv):
            s.vec = v
    cues = [normalize(c) for c in CONCLUSION_CUES]
    for i, s in enumerate(sents):
        low = " " + normalize(s.text) + " "
        s.x = {
            "pos": 1.0 - i / max(n - 1, 1),
            "first_in_article": float(i == 0),
            "first_in_para": float(s.index in first_of_para),
            "para_pos": 1.0 - para_rank[s.para_number] / max(len(paras) - 1, 1),
            "tfidf_cent": _cos(tf[i], centroid),
            "emb_cent": float(emb_cent[i]),
            "emb_title": float(emb_title[i]),
            "log_len": math.log(1 + len(s.text.split())),
            "has_number": float(bool(numbers_in(s.text))),
            "cue": float(any(f" {c} " in low for c in cues)),
        }


class Selector:
    def __init__(self, spec: dict) -> None:
        self.spec = spec

    @classmethod
    def load(cls, path: Path | None = None) -> Selector:
        """The shipped model, or the one in ``path``."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")) if path else load_json(MODEL_FILE.name))

    def score(self, sents: list[Sentence], position_neutral: bool = False) -> None:
        if position_neutral:
            self._score_analysis(sents)
            return
        m = self.spec["model"]
        names = tuple(self.spec["features"])
        mean, scale, coef = np.array(m["mean"]), np.array(m["scale"]), np.array(m["coef"])
        for s in sents:
            v = np.array([s.x[f] for f in names])
            if position_neutral:  # an analysis article: where a sentence stands says little
                for i, f in enumerate(names):
                    if f in POSITION:
                        v[i] = mean[i]
            s.score = float(((v - mean) / scale) @ coef + m["intercept"])

    def _score_analysis(self, sents: list[Sentence]) -> None:
        """An analysis article: what the article as a whole keeps returning to (e5 and TF-IDF centrality)
        and conclusion cues decide; captions and fragments (< 8 words) do not count. Set a priori, not
        tuned: EASC holds no analysis article, and the seed article is the test of it."""
        w = {**ANALYSIS_WEIGHTS, **self.spec.get("analysis_weights", {})}
        for s in sents:
            short = len(s.text.split()) < 8
            s.score = (
                w["emb_cent"] * s.x["emb_cent"]
                + w["tfidf_cent"] * s.x["tfidf_cent"]
                + w["cue"] * s.x["cue"]
                + w["first_in_para"] * s.x["first_in_para"]
                - (w["short"] if short else 0.0)
            )

    def length(self, n_sentences: int, cap: int) -> int:
        """How many sentences to take: a share of the article, at least one, at most ``cap`` and half."""
        ratio = float(self.spec.get("length_ratio", 1 / 3))
        return max(1, min(cap, math.ceil(n_sentences / 2), round(ratio * n_sentences)))

    @property
    def mmr_lambda(self) -> float:
        return float(self.spec.get("mmr_lambda", 0.7))


@lru_cache(maxsize=1)
def default_selector() -> Selector:
    """The shipped model, loaded once."""
    return Selector.load()


def mmr(sents: list[Sentence], n: int, lam: float) -> list[Sentence]:
    """Take n sentences by maximal marginal relevance (scores vs. cosine to those taken), in article order."""
    if not sents:
        return []
    scores = np.array([s.score for s in sents])
    rel = (scores - scores.min()) / ((scores.max() - scores.min()) or 1.0)
    chosen: list[int] = []
    pool = list(range(len(sents)))
    while pool and len(chosen) < n:

        def gain(i: int) -> float:
            if not chosen or sents[i].vec is None:
                return lam * rel[i]
            return lam * rel[i] - (1 - lam) * max(float(sents[i].vec @ sents[j].vec) for j in chosen)

        best = max(pool, key=gain)
        chosen.append(best)
        pool.remove(best)
    return sorted((sents[i] for i in chosen), key=lambda s: s.start)


def select(sents: list[Sentence], n: int, selector: Selector, position_neutral: bool = False) -> list[Sentence]:
    """The policy the training chose for articles that lead with their main idea ("lead-clean" or
    "learned"); analysis articles (``position_neutral``) are always scored on content."""
    if not position_neutral and selector.spec.get("policy") == "lead-clean":
        return lead_clean(sents, n)
    selector.score(sents, position_neutral)
    return mmr(sents, n, selector.mmr_lambda)


def lead_clean(sents: list[Sentence], n: int, min_words: int = 8, max_cos: float = 0.93) -> list[Sentence]:
    """The first n sentences that say something new: short ones (captions, datelines) and near-repeats of
    one already taken are skipped."""
    out: list[Sentence] = []
    for s in sents:
        if len(s.text.split()) < min_words:
            continue
        if s.vec is not None and any(o.vec is not None and float(s.vec @ o.vec) > max_cos for o in out):
            continue
        out.append(s)
        if len(out) == n:
            break
    return out or sents[:n]


# ------------------------------------------------------------------ baselines
def lead(sents: list[Sentence], n: int) -> list[Sentence]:
    """The first n sentences."""
    return sents[:n]


def textrank(sents: list[Sentence], n: int, damping: float = 0.85, iters: int = 50) -> list[Sentence]:
    """TextRank (Mihalcea & Tarau 2004): PageRank over a graph whose edges are word overlaps normalised by
    the sentences' log lengths; the n best, in article order."""
    if not sents:
        return []
    words = [set(analyze(s.text)) for s in sents]
    k = len(sents)
    w = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            denom = math.log(len(words[i]) + 1) + math.log(len(words[j]) + 1)
            if denom > 0:
                w[i, j] = w[j, i] = len(words[i] & words[j]) / denom
    out_sum = w.sum(1)
    out_sum[out_sum == 0] = 1.0
    p = np.full(k, 1.0 / k)
    for _ in range(iters):
        p = (1 - damping) / k + damping * (w / out_sum[:, None]).T @ p
    top = sorted(np.argsort(-p, kind="stable")[:n])
    return [sents[i] for i in top]
