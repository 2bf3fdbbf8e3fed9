"""The reader's decision: which of the scorer's best candidates answers, and does the archive answer.

The scorer (``scoring``) reads the question and each sentence apart; the reader (``models.reader``) reads
them together. It rescores the scorer's best ``candidates`` sentences; the order is the reader's logit
plus ``blend`` (per language pair) times the scorer's logit, and the probability that the archive
answers at all is a logistic regression, per language pair,
over the reader's best logit and the scorer's own answerability — both
fitted, with the abstention threshold, on the training articles' development fold
(``python -m eval.calibrate_reader``; written into ``assistant/data/reader/reader.json``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from assistant.answer.scoring import Candidate
from assistant.errors import ModelError
from assistant.models.reader import reads_before
from assistant.models.reader_text import with_before


class Reads(Protocol):
    """What the answer step needs of a reader (``models.reader.Reader``, or a fake in tests)."""

    record: dict

    def logits(self, question: str, sentences: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Decision:
    ranked: list[Candidate]  # best first
    confidence: float  # the probability that the archive answers
    threshold: float  # abstain below it
    by: str  # "reader" or "scorer"


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def calibration(reader: Reads) -> dict:
    cal = reader.record.get("calibration")
    if not cal or "pairs" not in cal:
        raise ModelError(
            "the reader has no calibration (assistant/data/reader/reader.json); run: python -m eval.calibrate_reader"
        )
    return cal


def pair_model(cal: dict, pair: str) -> dict:
    pairs = cal["pairs"]
    return pairs.get(pair) or pairs.get("en-ar" if pair == "ar-en" else "ar-ar") or next(iter(pairs.values()))


def reader_candidates(reader: Reads, pair: str) -> int:
    """How many of the scorer's best sentences the reader reads for a question of ``pair``: the
    calibration's count for the pair where it names one, else its count for all."""
    cal = calibration(reader)
    return int(pair_model(cal, pair).get("candidates", cal["candidates"]))


def reader_passages(reader: Reads, pair: str | None = None) -> int:
    """How many passages the reader's candidates come from for a question of ``pair`` (0: the answer's
    own count); with no pair, the most any pair asks (what to retrieve before the pair is known)."""
    cal = calibration(reader)
    if pair is None:  # a pool the sentence is chosen from counts too (``choice_pool``)
        counts = [int(m.get("passages", 0)) for m in cal["pairs"].values()]
        counts += [int(m["choose"]["passages"]) for m in cal["pairs"].values() if m.get("choose")]
        return max(counts, default=0)
    return int(pair_model(cal, pair).get("passages", 0))


def choice_pool(reader: Reads, pair: str) -> dict | None:
    """Where the calibration has the reader *choose* the sentence for a question of ``pair`` from a wider pool
    than the one its confidence is read from: ``{"passages": P, "candidates": C, "names": bool}`` — the
    sentences of the first P passages (lifted by the question's names when ``names``), the scorer's best C of
    them read. Whether the archive answers stays the decision over the pool it was fitted on (eval/README.md,
    "The sentence chosen from more passages"). None: one pool for both. Only the pair named: a pair that borrows
    another's model (``pair_model``: an Arabic question over English text) keeps one pool, as it was measured."""
    spec = (calibration(reader)["pairs"].get(pair) or {}).get("choose")
    return dict(spec) if spec else None


def one_pool(reader: Reads) -> Reads:
    """``reader`` with its calibration's choice pools taken out (in memory): each question is then read once, from
    the pool the decision was fitted on — what the studies that record that pool (and wrap ``read``) ask."""
    for model in calibration(reader)["pairs"].values():
        model.pop("choose", None)
    return reader


class Remembered:
    """A reader that reads each (question, sentence) once: the decision's pool and the choice's pool share
    sentences, and a question's second reading of one is taken from the first."""

    def __init__(self, reader: Reads) -> None:
        self.reader = reader
        self.record = reader.record
        self.seen: dict[tuple[str, str], float] = {}

    def logits(self, question: str, sentences: list[str]) -> np.ndarray:
        new = [s for s in dict.fromkeys(sentences) if (question, s) not in self.seen]
        if new:
            self.seen.update(((question, s), float(z)) for s, z in zip(new, self.reader.logits(question, new)))
        return np.array([self.seen[(question, s)] for s in sentences], dtype=np.float32)


def reader_texts(reader: Reads, cands: list[Candidate]) -> list[str]:
    """What the reader reads for each candidate: the sentence, with the one before it when the reader
    was trained so (``models.reader.reads_before``)."""
    if words := reads_before(reader.record):
        return [with_before(c.text, c.before, words) for c in cands]
    return [c.text for c in cands]


def features(best_logit: float, scorer_confidence: float) -> list[float]:
    """What the answerability model reads: the reader's best logit and the scorer's answerability (logit)."""
    return [best_logit, _logit(scorer_confidence)]


def read(
    question: str,
    scored: list[Candidate],
    scorer_confidence: float,
    reader: Reads,
    threshold: float | None = None,
    count: int | None = None,
) -> Decision:
    """The reader's order of the scorer's best candidates, and its calibrated confidence.

    ``scored``: the scorer's candidates, best first, each with its probability; the first ``candidates``
    (calibration) are read. Each read candidate's ``prob`` becomes the reader's probability (what the
    quote's second sentence is compared with); ``threshold`` overrides the calibrated one, ``count`` the
    calibrated number read."""
    cal = calibration(reader)
    if not scored:
        return Decision([], 0.0, 1.0, "reader")
    n = count if count is not None else reader_candidates(reader, scored[0].pair)
    top = [replace(c) for c in scored[:n]]  # the scorer's own stay
    z = reader.logits(question, reader_texts(reader, top))
    m = pair_model(cal, top[0].pair)
    blend = float(m.get("blend", cal.get("blend", 0.0)))
    order = sorted(range(len(top)), key=lambda i: -(float(z[i]) + blend * _logit(top[i].prob)))
    for i, c in enumerate(top):
        c.prob = _sigmoid(float(z[i]))
    x = features(float(np.max(z)), scorer_confidence)
    confidence = _sigmoid(sum(a * b for a, b in zip(m["coef"], x)) + m["intercept"])
    ranked = [top[i] for i in order] + scored[len(top) :]
    return Decision(ranked, confidence, float(m["threshold"]) if threshold is None else threshold, "reader")
