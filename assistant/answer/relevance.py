"""Is the LLM's draft on the question? The draft rated as one more candidate sentence against the quote
(``draft_rating``); a draft rated below ``AnswerOptions.draft_min_ratio`` of the best is turned down."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from assistant.answer.generate import Draft
from assistant.answer.grounding import parse_claims
from assistant.answer.reading import Reads, _sigmoid, reader_candidates
from assistant.answer.scoring import (
    Asked,
    Candidate,
    Question,
    Scorer,
    analyse_question,
    cheap_features,
    embed_features,
)
from assistant.models.embedder import Embedder
from assistant.records import Dropped, Reason
from assistant.retrieval import Retriever
from assistant.text.arabic import normalize
from assistant.text.questions import answer_cues, type_match

# A sentence that announces what the next one gives ("… as follows:", "the three pillars are").


def on_the_question(
    question: str,
    draft: Draft,
    scored: list[Candidate],
    retriever: Retriever,
    embedder: Embedder,
    scorer: Scorer,
    min_ratio: float,
    asked: Asked | None = None,
    reader: Reads | None = None,
) -> Draft:
    """The draft, or — when it is rated below ``min_ratio`` of the best quoted sentence (by the
    ``reader`` when the answer step has one, else by the answer scorer) — the draft turned down as
    "off the question" (the quote is shown instead).

    Verified sentences can still miss the question: the 1.5B copies a true sentence that does not
    answer, or writes from the wrong one of two quoted sentences. Scoring the draft as one more
    candidate sentence, in the passage of the sentence it quotes, tells them apart on the training
    questions (eval/studies/draft_relevance.py). How a draft is rated: see ``draft_rating``."""
    if draft.answer is None or min_ratio <= 0 or not scored:
        return draft
    text = " ".join(c.text for c in parse_claims(draft.answer.answer))
    ratio = draft_rating(
        question,
        text,
        [c.quote for c in draft.answer.citations],
        scored,
        retriever,
        embedder,
        scorer,
        language=draft.answer.language,
        asked=asked,
        reader=reader,
    )
    if ratio >= min_ratio:
        return draft
    why = Reason("off the question", ratio=f"{ratio:.2f}", least=str(min_ratio))
    return replace(draft, answer=None, status="off the question", dropped=[Dropped(text, why), *draft.dropped])


def draft_home(scored: list[Candidate], quotes: list[str]) -> Candidate:
    """The candidate a draft stands in for: the first one its quotes hold, else the best one."""
    return next((c for c in scored if c.text.strip() and any(c.text.strip() in q for q in quotes)), scored[0])


def rated_as(c: Candidate, scored: list[Candidate]) -> float:
    """A draft rated as candidate ``c``: its probability over the best candidate's."""
    return c.prob / max(scored[0].prob, 1e-9)


def reader_rating(question: str, text: str, scored: list[Candidate], reader: Reads) -> float:
    """The reader's probability that ``text`` answers ``question`` (the question and the draft read
    together, as it reads a candidate sentence), over the best probability among the candidates it
    read for the quote (``scored`` in the reader's order: its first ``candidates`` carry its
    probabilities, ``reading.read``)."""
    n = reader_candidates(reader, scored[0].pair) if scored else 0
    best = max((c.prob for c in scored[:n]), default=0.0)
    z = float(np.asarray(reader.logits(question, [text])).reshape(-1)[0])
    return _sigmoid(z) / max(best, 1e-9)


# Question types whose answer can stand alone and be checked for its kind: a figure, a share, a date.
BARE_ANSWER_TYPES = ("count", "percent", "date")


def draft_rating(
    question: str,
    text: str,
    quotes: list[str],
    scored: list[Candidate],
    retriever: Retriever,
    embedder: Embedder,
    scorer: Scorer,
    bare_answers: bool = True,
    language: str = "ar",
    asked: Asked | None = None,
    reader: Reads | None = None,
) -> float:
    """The rating of a draft's ``text`` over the best candidate's: by the ``reader`` when given (the
    question and the draft read together, ``reader_rating``), else by the answer scorer, the draft
    scored as one more candidate sentence in the place of the candidate its ``quotes`` hold.

    Only an Arabic draft over Arabic sources is rated by its own words. Any other (an English draft over
    Arabic articles, a draft over English ones) is rated as the sentence it rests on: its words echo
    the question, and across scripts the scorer would set them against the Arabic candidates' — but
    a draft built from a sentence far below the best (a verbatim copy of an unrelated passage) is
    still caught.

    A bare answer — a draft that is only a stretch of the best sentence ("51%.", "7 أعوام."), of the
    kind the question asks for (a figure for "how many", a share for "what percentage", a date for
    "when") — is rated as that sentence (1.0): it shares no word with the question, so scoring its own
    text would turn down the shortest right answer. Open questions get no such pass: a bare span of
    the right sentence can be the wrong span (eval/studies/draft_relevance.py)."""
    home = draft_home(scored, quotes)
    if language != "ar" or scored[0].pair != "ar-ar":
        return rated_as(home, scored)
    asked = asked or Asked(analyse_question(question, retriever), embedder.embed_queries([question])[0])
    q = asked.q
    if bare_answers and home is scored[0] and is_bare_answer(text, home.text, q.qtype):
        return 1.0
    if reader is not None:
        return reader_rating(question, text, scored, reader)
    return rate_text(text, home, q, scored, retriever, embedder, asked.qvec, scorer)


def is_bare_answer(text: str, sentence: str, qtype: str) -> bool:
    """``text`` is a stretch of ``sentence`` (same words, same order, after normalisation) that gives what
    a question of ``qtype`` asks for — one of BARE_ANSWER_TYPES."""
    if qtype not in BARE_ANSWER_TYPES or not type_match(qtype, answer_cues(text))[0]:
        return False
    return is_span(text, sentence)


def is_span(text: str, sentence: str) -> bool:
    """Every word of ``text``, in order and adjacent, stands in ``sentence`` (after normalisation)."""

    def words(t: str) -> str:
        return " " + " ".join(re.sub(r"[^\w%]+", " ", normalize(t)).split()) + " "

    w = words(text)
    return w.strip() != "" and w in words(sentence)


def rate_text(
    text: str,
    home: Candidate,
    q: Question,
    scored: list[Candidate],
    retriever: Retriever,
    embedder: Embedder,
    qvec: np.ndarray,
    scorer: Scorer,
) -> float:
    """How likely ``text`` (written, e.g. by the LLM) holds the answer, over the best scored sentence's
    likelihood, as if it stood in ``home``'s place among the scored candidates.

    The features are relative to the other candidates (``idf_gap``, ``distinct``, ``cos_gap`` …), so all
    are recomputed on copies together with the text's; the candidates' own cosines are reused."""
    if not scored or not text.strip():
        return 0.0
    cands = [replace(c, x={}) for c in scored]
    cands.append(replace(home, text=text, x={}))
    ids = list(dict.fromkeys(c.hit.chunk.chunk_id for c in cands))
    chunk_cos = {cid: float(v @ qvec) for cid, v in retriever.chunk_vectors(ids).items() if v.shape == qvec.shape}
    cheap_features(q, cands, chunk_cos)
    sims = np.array([c.sim for c in scored] + [float(embedder.embed_passages([text])[0] @ qvec)])
    embed_features(cands, sims)
    probs = [scorer.probability(c) for c in cands]
    return probs[-1] / max(max(probs[:-1]), 1e-9)
