"""Which sentence answers the question, and how likely: a learned, calibrated answer-sentence scorer.

Every sentence of the retrieved passages is a candidate. Cheap features (IDF-weighted overlap with
the question's analysed terms, its rare terms, numbers and names, the question type against the
sentence's answer cues, the passage's rank and cosine) pick the likeliest few; only those are
embedded, and the full model (the same features plus the sentence's cosine to the question) gives
each the probability that it holds the answer. One logistic regression per language pair
(ar-ar, en-ar, en-en), trained by ``eval/train_answer_scorer.py`` on ARCD and the training part of
XQuAD; its weights, thresholds and training record are ``assistant/data/answer_scorer.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.answer.memory import SentenceVectors
from assistant.models.embedder import Embedder
from assistant.records import Hit
from assistant.resources import DATA, load_json
from assistant.retrieval import Retriever
from assistant.text.arabic import analyze, numbers_in, split_sentences
from assistant.text.names import name_found
from assistant.text.planted import is_planted
from assistant.text.questions import answer_cues, latin_names, question_type, script_pair, type_match

MODEL_FILE = DATA / "answer_scorer.json"  # written by eval/train_answer_scorer.py
CHEAP = (
    "chunk_cos",
    "idf_overlap",
    "idf_gap",
    "idf_best",
    "bigrams",
    "idf_overlap_chunk",
    "rare_overlap",
    "rarest_in",
    "missing_max_idf",
    "distinct",
    "distinct_best",
    "idf_overlap_ctx",
    "rare_overlap_chunk",
    "missing",
    "num_match",
    "q_has_num",
    "name_match",
    "name_match_chunk",
    "q_has_name",
    "type_match",
    "type_miss",
    "inv_rank",
    "first_sentence",
    "log_words",
)
FEATURES = ("cos", "cos_gap", "cos_best", *CHEAP)
# Does the archive answer at all? Judged on the question's candidates together (the embedded ones).
QUESTION_FEATURES = (
    "p1",
    "p2",
    "log_p1",
    "cos_max",
    "cos_mean",
    "chunk_cos_max",
    "idf_overlap_max",
    "idf_overlap_chunk_max",
    "rare_overlap_max",
    "bigrams_max",
    "missing",
    "name_match_chunk_max",
    "q_has_name",
    "num_match_max",
    "q_has_num",
    "q_terms",
    "idf_overlap_ctx_max",
    "rare_overlap_chunk_max",
)
PAIRS = ("ar-ar", "en-ar", "en-en")


@dataclass
class Question:
    """What is computed once per question."""

    text: str
    qtype: str
    terms: list[str]  # analysed (normalised, stemmed) content terms
    bigrams: set[tuple[str, str]]  # adjacent analysed terms
    idf: dict[str, float]
    rare: set[str]  # the (up to) three rarest terms
    missing: float  # IDF-weighted share of the terms the archive does not hold at all
    numbers: set[str]
    names: list[str]


@dataclass(frozen=True)
class Asked:
    """The question as the answer step analysed and embedded it, once: carried to the draft's check."""

    q: Question
    qvec: np.ndarray


@dataclass
class Candidate:
    hit: Hit
    start: int  # offsets in the document's clean text
    end: int
    text: str
    position: int  # sentence number within its passage
    pair: str
    x: dict[str, float] = field(default_factory=dict)
    sim: float = 0.0  # cosine to the question (0 when not embedded)
    prob: float = 0.0  # probability that the sentence holds the answer
    before: str = ""  # the sentence before it in its passage ("" for the passage's first)


def analyse_question(question: str, retriever: Retriever) -> Question:
    seq = retriever.analyze(question)
    stems = list(dict.fromkeys(seq))
    idf_of = retriever.idf(stems)  # the index knows Light10 stems; sentences are matched on soft stems
    known = retriever.known(stems)
    total = sum(idf_of.values()) or 1.0
    missing = sum(w for t, w in idf_of.items() if t not in known) / total
    idf: dict[str, float] = {}
    for t in stems:
        idf[soft(t)] = max(idf.get(soft(t), 0.0), idf_of.get(t, 0.0))
    terms = list(idf)
    rare = set(sorted(terms, key=lambda t: -idf.get(t, 0.0))[:3])
    soft_seq = [soft(t) for t in seq]
    return Question(
        question,
        question_type(question),
        terms,
        set(zip(soft_seq, soft_seq[1:])),
        idf,
        rare,
        missing,
        numbers_in(question),
        latin_names(question),
    )


def candidates(question: str, hits: list[Hit]) -> list[Candidate]:
    """Every sentence of the passages that could answer: no headings (a heading line kept in a passage
    for context only names a topic), fragments or planted instructions."""
    out: list[Candidate] = []
    for h in hits:
        spans = split_sentences(h.chunk.text)
        for i, (s, e) in enumerate(spans):
            text = h.chunk.text[s:e]
            short = len(text.split()) < 3 and not numbers_in(text)
            if short or is_planted(text) or h.chunk.is_heading(text):
                continue
            before = h.chunk.text[spans[i - 1][0] : spans[i - 1][1]] if i else ""
            out.append(
                Candidate(h, h.chunk.start + s, h.chunk.start + e, text, i, script_pair(question, text), before=before)
            )
    return out


def _overlap(q: Question, terms: set[str] | frozenset[str]) -> float:
    total = sum(q.idf.get(t, 0.0) for t in q.terms) or 1.0
    return sum(q.idf.get(t, 0.0) for t in q.terms if t in terms) / total


_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "كم", "كن", "نا")


@lru_cache(maxsize=200_000)
def soft(term: str) -> str:
    """A light stem with the pronoun and construct endings Light10 keeps also removed ("معارضتهم" →
    "معارض", "ناخبو" → "ناخب"): for matching a question's words in a sentence, not for the index."""
    if not term or not ("\u0600" <= term[0] <= "\u06ff"):
        return term
    for suf in _PRONOUN_SUFFIXES:
        if term.endswith(suf) and len(term) - len(suf) >= 3:
            term = term[: -len(suf)]
            break
    if term[-1:] in ("و", "ت", "ي") and len(term) >= 5:
        term = term[:-1]
    return term


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    return frozenset(soft(t) for t in analyze(text))


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    seq = [soft(t) for t in analyze(text)]
    return frozenset(zip(seq, seq[1:]))


def cheap_features(q: Question, cands: list[Candidate], chunk_cos: dict[int, float]) -> None:
    """Fill every candidate's features that need no sentence embedding."""
    chunk_terms: dict[int, frozenset[str]] = {}
    chunk_names: dict[int, float] = {}
    top_idf = max(q.idf.values(), default=0.0) or 1.0
    by_chunk: dict[int, dict[int, frozenset[str]]] = {}  # chunk → sentence position → its terms
    for c in cands:
        by_chunk.setdefault(c.hit.chunk.chunk_id, {})[c.position] = _terms(c.text)
    for c in cands:
        cid = c.hit.chunk.chunk_id
        if cid not in chunk_terms:
            chunk_terms[cid] = _terms(c.hit.chunk.text)
            chunk_names[cid] = _share(q.names, lambda n, t=c.hit.chunk.text: name_found(n, t))
        terms = _terms(c.text)
        cues = answer_cues(c.text)
        wanted, lacking = type_match(q.qtype, cues)
        c.x = {
            "chunk_cos": chunk_cos.get(cid, 0.0),
            "idf_overlap": _overlap(q, terms),
            "idf_overlap_chunk": _overlap(q, chunk_terms[cid]),
            "rare_overlap": _share(list(q.rare), lambda t, s=terms: t in s),
            "rare_overlap_chunk": _share(list(q.rare), lambda t, s=chunk_terms[cid]: t in s),
            # with the sentences before and after it: "أما ناخبو المعارضة … 74%" answers a question about
            # NATO membership that the sentence before it names
            "idf_overlap_ctx": _overlap(
                q, terms.union(*(by_chunk[cid].get(c.position + d, frozenset()) for d in (-1, 1)))
            ),
            # The question's most specific word ("… in Sweden", "… the opposition's voters") missing from
            # the sentence is the sign of a figure for another entity or group.
            "rarest_in": float(bool(q.terms) and max(q.terms, key=lambda t: q.idf.get(t, 0.0)) in terms),
            "missing_max_idf": max((q.idf.get(t, 0.0) for t in q.terms if t not in terms), default=0.0) / top_idf,
            "bigrams": len(q.bigrams & _bigrams(c.text)) / len(q.bigrams) if q.bigrams else 0.0,
            "missing": q.missing,
            "num_match": _share(sorted(q.numbers), lambda n, s=numbers_in(c.text): n in s),
            "q_has_num": float(bool(q.numbers)),
            "name_match": _share(q.names, lambda n, t=c.text: name_found(n, t)),
            "name_match_chunk": chunk_names[cid],
            "q_has_name": float(bool(q.names)),
            "q_terms": float(len(q.terms)),
            "type_match": wanted,
            "type_miss": lacking,
            "inv_rank": 1.0 / c.hit.rank,
            "first_sentence": float(c.position == 0),
            "log_words": math.log(1 + len(c.text.split())),
        }
    best = max((c.x["idf_overlap"] for c in cands), default=0.0)
    # Words of the question that few candidates share tell them apart ("… in Sweden" among the figures
    # for every country of one paragraph): their IDF, divided by how many candidates hold them.
    holders = {t: sum(1 for c in cands if t in _terms(c.text)) for t in q.terms}
    total = sum(q.idf.get(t, 0.0) for t in q.terms) or 1.0
    for c in cands:
        terms = _terms(c.text)
        c.x["idf_gap"] = c.x["idf_overlap"] - best
        c.x["idf_best"] = float(c.x["idf_overlap"] == best)
        c.x["distinct"] = sum(q.idf.get(t, 0.0) / holders[t] for t in q.terms if t in terms) / total
    top = max((c.x["distinct"] for c in cands), default=0.0)
    for c in cands:
        c.x["distinct_best"] = float(c.x["distinct"] == top and top > 0)


def _share(items: list[str], found) -> float:
    return sum(1 for i in items if found(i)) / len(items) if items else 0.0


def embed_features(cands: list[Candidate], sims: np.ndarray) -> None:
    """The features that need the sentences' cosines to the question (of the embedded candidates).

    (The cosine of the sentence with its neighbours was tried: no gain over the passage's cosine, at
    twice the embedding time; eval/train_answer_scorer.py.)"""
    best = float(np.max(sims)) if len(sims) else 0.0
    for c, s in zip(cands, sims):
        c.sim = float(s)
        c.x.update({"cos": c.sim, "cos_gap": c.sim - best, "cos_best": float(c.sim == best)})


class Scorer:
    """The shipped logistic regressions: a cheap one to pick what to embed, a full one to decide."""

    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.models = spec["pairs"]
        # The model file names the features it was trained on (the code may compute more).
        self._full = tuple(spec.get("features", FEATURES))
        self._cheap = tuple(spec.get("cheap_features", CHEAP))
        self._question = tuple(spec.get("question_features", QUESTION_FEATURES))

    @classmethod
    def load(cls, path: Path | None = None) -> Scorer:
        """The shipped model, or the one in ``path``."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")) if path else load_json(MODEL_FILE.name))

    def _model(self, pair: str) -> dict:
        # An Arabic question over English text is cross-lingual too: the en-ar model is the nearest.
        return self.models.get(pair) or self.models["en-ar" if pair == "ar-en" else "ar-ar"]

    @staticmethod
    def _prob(m: dict, names: tuple[str, ...], x: dict[str, float]) -> float:
        v = np.array([x[n] for n in names], np.float64)
        z = float(((v - np.array(m["mean"])) / np.array(m["scale"])) @ np.array(m["coef"]) + m["intercept"])
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def prefilter(self, c: Candidate) -> float:
        return self._prob(self._model(c.pair)["cheap"], self._cheap, c.x)

    def probability(self, c: Candidate) -> float:
        return self._prob(self._model(c.pair)["full"], self._full, c.x)

    def answerable(self, pair: str, x: dict[str, float]) -> float:
        """Probability that the archive answers the question at all (from question_features)."""
        return self._prob(self._model(pair)["question"], self._question, x)

    def threshold(self, pair: str) -> float:
        return float(self._model(pair)["threshold"])

    @property
    def second_ratio(self) -> float:
        """A second sentence is quoted when its probability is at least this share of the best's."""
        return float(self.spec.get("second_ratio", 0.7))


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The shipped model, loaded once."""
    return Scorer.load()


def question_features(embedded: list[Candidate], probs: list[float]) -> dict[str, float]:
    """The features of a whole question: its best candidates' probabilities and the best evidence any
    candidate holds (``embedded``: the candidates that were embedded, any order)."""
    p = sorted(probs, reverse=True) + [0.0, 0.0]

    def best(name: str) -> float:
        return max((c.x[name] for c in embedded), default=0.0)

    x = embedded[0].x if embedded else {}
    return {
        "p1": p[0],
        "p2": p[1],
        "log_p1": math.log(p[0] + 1e-6),
        "cos_max": best("cos"),
        "cos_mean": float(np.mean([c.x["cos"] for c in embedded])) if embedded else 0.0,
        "chunk_cos_max": best("chunk_cos"),
        "idf_overlap_max": best("idf_overlap"),
        "idf_overlap_chunk_max": best("idf_overlap_chunk"),
        "rare_overlap_max": best("rare_overlap"),
        "bigrams_max": best("bigrams"),
        "missing": x.get("missing", 0.0),
        "name_match_chunk_max": best("name_match_chunk"),
        "q_has_name": x.get("q_has_name", 0.0),
        "num_match_max": best("num_match"),
        "q_has_num": x.get("q_has_num", 0.0),
        "q_terms": x.get("q_terms", 0.0),
        "idf_overlap_ctx_max": best("idf_overlap_ctx"),
        "rare_overlap_chunk_max": best("rare_overlap_chunk"),
    }


def score_candidates(
    q: Question,
    cands: list[Candidate],
    retriever: Retriever,
    embedder: Embedder,
    qvec: np.ndarray,
    limit: int,
    scorer: Scorer,
    vectors: SentenceVectors | None = None,
) -> list[Candidate]:
    """The candidates that were embedded, best first, each with its probability. ``vectors``: sentence
    vectors already made (by text: for this question, or kept from earlier ones), used instead of embedding
    again and added to."""
    if not cands:
        return []
    ids = list(dict.fromkeys(c.hit.chunk.chunk_id for c in cands))
    vecs = retriever.chunk_vectors(ids)
    chunk_cos = {cid: float(v @ qvec) for cid, v in vecs.items() if v.shape == qvec.shape}
    cheap_features(q, cands, chunk_cos)
    if limit and len(cands) > limit:
        # Embedding the sentences is most of an answer's time: embed only the likeliest.
        cands = sorted(cands, key=lambda c: -scorer.prefilter(c))[:limit]
    texts = [c.text for c in cands]
    if vectors is None:
        embed_features(cands, embedder.embed_passages(texts) @ qvec)
    else:
        embed_features(cands, vectors.vectors(texts, embedder.embed_passages) @ qvec)
    for c in cands:
        c.prob = scorer.probability(c)
    return sorted(cands, key=lambda c: -c.prob)


def answerable(scored: list[Candidate], scorer: Scorer) -> float:
    """The probability that the archive answers the question (what abstention is decided on)."""
    if not scored:
        return 0.0
    return scorer.answerable(scored[0].pair, question_features(scored, [c.prob for c in scored]))
