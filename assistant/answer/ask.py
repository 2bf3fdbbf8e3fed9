"""ask(): retrieve, pick the sentence that answers (or abstain), quote it; optionally let the LLM write.

The step receives what it uses — a retriever, an embedder, an LLM (or None) and options — and
never the facade. Sentences are scored by the learned scorer (scoring.py): the best one is quoted
(with a second when nearly as likely, and with the next sentence when it announces what that one
gives); below the calibrated threshold of its language pair, the answer is an abstention.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answer.generate import draft_answer, render_quote, sources_for, with_draft
from assistant.answer.grounding import Verifier, default_verifier
from assistant.answer.memory import SentenceVectors, kept_vectors
from assistant.answer.quote import (
    _extractive,
    asked_country_first,
    asked_country_nearest,
    choose_sentences,
    not_named_where,
)
from assistant.answer.reading import (
    Decision,
    Reads,
    Remembered,
    choice_pool,
    read,
    reader_candidates,
    reader_passages,
)
from assistant.answer.relevance import on_the_question
from assistant.answer.scoring import (
    Asked,
    Candidate,
    Question,
    Scorer,
    analyse_question,
    answerable,
    candidates,
    default_scorer,
    score_candidates,
)
from assistant.config import Settings, default
from assistant.models.embedder import Embedder, sane_vectors
from assistant.models.llm import LLM, Gate, QuoteTurns, wants_llm
from assistant.prompts import ABSTAIN, EMPTY_INDEX, NOT_NAMED, UNKNOWN_WORD
from assistant.records import Answer, Hit
from assistant.retrieval import Retriever
from assistant.text.arabic import detect_language
from assistant.text.words import strip_controls


@dataclass(frozen=True)
class AnswerOptions:
    """How one question is answered (the facade fills these from Settings)."""

    # Defaults are the settings' own (config.Settings documents each).
    k: int = default("top_k")
    retriever: str = default("retriever")
    mode: str = default("answer_mode")  # auto | extractive | generative
    abstain_threshold: float | None = None  # None: the calibrated threshold per language pair
    sentences: int = default("answer_sentences")
    llm_max_tokens: int = default("llm_answer_tokens")
    llm_sources: int = default("llm_sources")
    llm_context_tokens: int = default("llm_context_tokens")
    draft_min_ratio: float = default("llm_draft_min_ratio")
    translate_quote: bool = default("llm_translate_quote")
    sentence_memory: int = default("sentence_memory")

    @classmethod
    def from_settings(cls, s: Settings, **given: object) -> AnswerOptions:
        """The options the settings give, with ``given`` ones (left out when None) in their place."""
        base: dict[str, Any] = dict(
            k=s.top_k,
            retriever=s.retriever,
            mode=s.answer_mode,
            abstain_threshold=s.abstain_threshold,
            sentences=s.answer_sentences,
            llm_max_tokens=s.llm_answer_tokens,
            llm_sources=s.llm_sources,
            llm_context_tokens=s.llm_context_tokens,
            draft_min_ratio=s.llm_draft_min_ratio,
            translate_quote=s.llm_translate_quote,
            sentence_memory=s.sentence_memory,
        )
        return cls(**{**base, **{k: v for k, v in given.items() if v is not None}})


@dataclass(frozen=True)
class AnswerEvent:
    """One step of an answer as it is made: ``quote`` (the instant extractive answer, or the
    abstention), ``waiting`` (``ahead`` generations before ours), ``drafting`` (the LLM has started on
    ours), ``token`` (a piece of the LLM's draft), ``final`` (the answer to keep)."""

    kind: str
    answer: Answer | None = None
    text: str = ""
    ahead: int = 0


def question_language(question: str) -> str:
    lang = detect_language(question)
    return lang if lang in ("ar", "en") else "ar"


def answer_events(
    question: str,
    retriever: Retriever,
    embedder: Embedder,
    llm: LLM | None,
    options: AnswerOptions,
    scorer: Scorer | None = None,
    verifier: Verifier | None = None,
    gate: Gate | None = None,
    reader: Reads | None = None,
    quotes: QuoteTurns | None = None,
) -> Iterator[AnswerEvent]:
    """The answer as it is made: the quote at once, then (with an LLM) the verified draft. With a
    ``reader``, the reader chooses the quoted sentence and decides abstention (``reading``). The quote
    is made in its turn among ``quotes`` (QUOTE_SLOTS at once)."""
    lang, question, scorer = question_language(question), question.strip(), scorer or default_scorer()
    with quotes.making() if quotes else nullcontext():
        answers, scored, asked = decide_answers(question, lang, retriever, embedder, options, scorer, reader)
    quote = _deciding(answers)
    yield AnswerEvent("quote", quote)
    if quote.abstained or llm is None or not wants_llm(options.mode, llm):
        yield AnswerEvent("final", quote)
        return
    verifier = verifier or default_verifier(embedder, retriever.idf)
    sources = sources_for(scored, options.llm_sources, options.llm_context_tokens, llm.count_tokens)
    events: queue.Queue = queue.Queue()

    def work() -> None:
        try:
            with gate.turn(lambda ahead: events.put(AnswerEvent("waiting", ahead=ahead))) if gate else nullcontext():
                events.put(AnswerEvent("drafting"))
                draft = draft_answer(
                    question,
                    sources,
                    lang,
                    llm,
                    verifier,
                    options.llm_max_tokens,
                    lambda piece: events.put(AnswerEvent("token", text=piece)),
                )
            draft = on_the_question(
                question, draft, scored, retriever, embedder, scorer, options.draft_min_ratio, asked, reader
            )
            final = with_draft(quote, draft)
            if draft.answer is None and lang == "en" and options.translate_quote:  # the quote in English, checked
                with gate.turn() if gate else nullcontext():
                    final = render_quote(final, llm, verifier) or final
            events.put(AnswerEvent("final", final))
        except BaseException as exc:  # handed to the consumer's thread
            events.put(exc)

    threading.Thread(target=work, daemon=True, name="llm-draft").start()
    while True:
        ev = events.get()
        if isinstance(ev, BaseException):
            raise ev
        yield ev
        if ev.kind == "final":
            return


def answer_question(
    question: str,
    retriever: Retriever,
    embedder: Embedder,
    llm: LLM | None,
    options: AnswerOptions,
    on_token: Callable[[str], None] | None = None,
    scorer: Scorer | None = None,
    verifier: Verifier | None = None,
    gate: Gate | None = None,
    reader: Reads | None = None,
    quotes: QuoteTurns | None = None,
) -> Answer:
    """The final answer; ``on_token`` receives the LLM's draft as it streams (or the quote, at once)."""
    final: Answer | None = None
    streamed = False
    for ev in answer_events(question, retriever, embedder, llm, options, scorer, verifier, gate, reader, quotes):
        if ev.kind == "token" and on_token is not None:
            on_token(ev.text)
            streamed = True
        elif ev.kind == "final":
            final = ev.answer
    assert final is not None
    if on_token is not None and not streamed:
        on_token(final.answer)
    return final


def extract_answer(
    question: str,
    lang: str,
    retriever: Retriever,
    embedder: Embedder,
    options: AnswerOptions,
    scorer: Scorer,
    reader: Reads | None = None,
) -> tuple[Answer, list[Candidate]]:
    """The extractive answer (or the abstention), and the candidate sentences best first (the
    reader's order when a reader is given, else the scorer's)."""
    answers, ranked, _ = decide_answers(question, lang, retriever, embedder, options, scorer, reader)
    return _deciding(answers), ranked


def _deciding(answers: dict[str, Answer]) -> Answer:
    """The answer of record: the reader's when there was one, else the scorer's."""
    return answers.get("reader", answers["scorer"])


def decide_answers(
    question: str,
    lang: str,
    retriever: Retriever,
    embedder: Embedder,
    options: AnswerOptions,
    scorer: Scorer,
    reader: Reads | None = None,
) -> tuple[dict[str, Answer], list[Candidate], Asked | None]:
    """The scorer's answer and, with a reader, the reader's, from one retrieval and one scoring (the
    evaluation reports both from the same run); the candidates in the deciding one's order; and the
    question as analysed and embedded (``Asked``, carried to the draft's check instead of redone)."""
    if not question:
        return {"scorer": Answer(question, ABSTAIN[lang], "extractive", True, language=lang)}, [], None
    unknown = _unknown_word(question, retriever)
    # once: for retrieval and for sentence scoring
    qvec = sane_vectors(embedder.embed_queries([question]), 1, embedder.dim, embedder.model_id)[0]
    # names=False: an English question's passages not lifted by its names (abstention fell with it: eval/README.md)
    widest = max(options.k, _widest(reader))
    found = retriever.search(question, k=widest, retriever=options.retriever, qvec=qvec, names=False)
    hits = found[: options.k]  # the same first k as a search for k
    if unknown is not None and (not hits or _same_language(candidates(question, hits[:1]))):
        said = Answer(question, UNKNOWN_WORD[lang].format(word=unknown), "extractive", True, language=lang)
        return {"scorer": said, "reader": said}, [], None
    if not hits:
        empty = Answer(
            question, EMPTY_INDEX[lang] if retriever.is_empty() else ABSTAIN[lang], "extractive", True, language=lang
        )
        return {"scorer": empty, "reader": empty}, [], None
    q = analyse_question(question, retriever)
    cands = candidates(question, hits)
    vectors = kept_vectors(embedder, options.sentence_memory)  # by text: none embedded twice
    scored = score_candidates(q, cands, retriever, embedder, qvec, options.sentences, scorer, vectors)
    scorer_confidence = answerable(scored, scorer)
    threshold = scorer.threshold(scored[0].pair) if scored else 1.0
    decisions = [Decision(scored, scorer_confidence, threshold, "scorer")]
    if reader is not None and scored:
        work = _Work(question, q, retriever, embedder, qvec, scorer, vectors, options)
        decisions.append(_reader_decision(work, found, cands, scored, scorer_confidence, reader))
    answers = {d.by: _decided(question, lang, d, hits, q.qtype, options, scorer) for d in decisions}
    return answers, decisions[-1].ranked, Asked(q, qvec)


def _decided(
    question: str, lang: str, d: Decision, hits: list[Hit], qtype: str, options: AnswerOptions, scorer: Scorer
) -> Answer:
    """One answerer's answer: its best sentences quoted, or the question turned away (too unsure, or the country asked
    about named neither where its sentence stands nor in the nearest passage); ``d.ranked``: the quoted one first."""
    limit = options.abstain_threshold if options.abstain_threshold is not None else d.threshold
    low = not d.ranked or d.confidence < limit
    nearest = None if low else asked_country_nearest(question, d.ranked)
    if nearest is not None:  # quoted alone, like the asked country's sentence below
        d.ranked[:] = nearest
    why = ABSTAIN[lang] if low else _not_named(question, d.ranked[0], lang)
    if why:
        near = hits[:3] if low else _first(d.ranked[0].hit, hits)  # "its nearest passage" is the one shown first
        return Answer(question, why, "extractive", True, nearest=tuple(near), language=lang, confidence=d.confidence)
    first = asked_country_first(question, d.ranked) if nearest is None else None  # moved once, not for another
    if first is not None:  # quoted alone: the sentence it displaced would follow as "nearly as likely"
        d.ranked[:] = first
    alone = first is not None or nearest is not None
    chosen = choose_sentences(d.ranked[:1] if alone else d.ranked, qtype, limit, scorer.second_ratio, question)
    return replace(_extractive(question, chosen, lang), confidence=d.confidence)


def _first(hit: Hit, hits: list[Hit]) -> list[Hit]:
    """Three passages to show, ``hit`` first: where a question is turned away for a country, the passage it would
    have been quoted from (the one the answer says does not name it), then the nearest others."""
    return [hit, *(h for h in hits if h.chunk.chunk_id != hit.chunk.chunk_id)][:3]


def _not_named(question: str, chosen: Candidate, lang: str) -> str | None:
    """Why the archive does not answer, where the question names a country (or its people) that the chosen
    sentence's passage and its article's title never name, by name, adjective or capital: its nearest
    passage is about something else (eval/README.md, "A near miss names a country the passage does not")."""
    absent = not_named_where(question, chosen)
    if not absent:
        return None
    quoted = [f"«{w}»" if lang == "ar" else f"'{w}'" for w in absent.values()]
    return NOT_NAMED[lang].format(words=(" و" if lang == "ar" else " and ").join(quoted))


def _widest(reader: Reads | None) -> int:
    return reader_passages(reader) if reader is not None else 0


@dataclass(frozen=True)
class _Work:
    """What scoring a question's sentences needs, kept for a second pool of candidates."""

    question: str
    q: Question
    retriever: Retriever
    embedder: Embedder
    qvec: np.ndarray
    scorer: Scorer
    vectors: SentenceVectors  # the sentences embedded, by text (none twice)
    options: AnswerOptions

    def score(self, cands: list[Candidate], limit: int) -> list[Candidate]:
        return score_candidates(
            self.q, cands, self.retriever, self.embedder, self.qvec, limit, self.scorer, self.vectors
        )


def _reader_decision(
    work: _Work,
    found: list[Hit],
    cands: list[Candidate],
    scored: list[Candidate],
    scorer_confidence: float,
    reader: Reads,
) -> Decision:
    """The reader's decision. Where its calibration has it choose from a wider pool for the question's pair
    (``reading.choice_pool``), the sentence is chosen there and the confidence is the one read from the pool it
    was fitted on, so whether the archive answers is decided as before (eval/README.md)."""
    memo = Remembered(reader)  # each sentence read once across the two pools
    pool = _reader_pool(work.question, found, cands, scored, work.options, reader)
    if pool is None:
        decided = read(work.question, scored, scorer_confidence, memo)
    else:
        mine = work.score(pool[0], pool[1])
        decided = read(work.question, mine, answerable(mine, work.scorer), memo)
    choose = choice_pool(reader, scored[0].pair)
    if choose is None or not decided.ranked:
        return decided
    n, read_count = int(choose["passages"]), int(choose["candidates"])
    if choose.get("names"):
        opts = work.options
        hits = work.retriever.search(work.question, k=n, retriever=opts.retriever, qvec=work.qvec, names=True)
    else:
        hits = found[:n]
    sentences = max(read_count, work.options.sentences) if work.options.sentences else 0
    wide = work.score(candidates(work.question, hits), sentences)
    if not wide:
        return decided
    return replace(decided, ranked=read(work.question, wide, 0.0, memo, count=read_count).ranked)


def _reader_pool(
    question: str,
    found: list[Hit],
    cands: list[Candidate],
    scored: list[Candidate],
    options: AnswerOptions,
    reader: Reads,
) -> tuple[list[Candidate], int] | None:
    """The sentences the reader's candidates are chosen from, where its calibration has it read more for
    the question's language pair than the scorer's answer (English questions over Arabic text: more
    passages, more sentences; eval/README.md): the sentences of that many passages, as new candidates to
    score together, and how many of them to embed (0: all). None: the scorer's own candidates. (The
    scorer's answer keeps its own either way.)"""
    pair = scored[0].pair
    passages, wider = reader_passages(reader, pair), reader_candidates(reader, pair)
    most = max(wider, options.sentences) if options.sentences else 0
    if passages > options.k and len(found) > options.k:
        return candidates(question, found[:passages]), most
    if options.sentences and wider > options.sentences and len(cands) > options.sentences:
        return [replace(c) for c in cands], most  # the cheap model's best ``wider`` of the same sentences
    return None


def _unknown_word(question: str, retriever: Retriever) -> str | None:
    """The word of a one-word question that no indexed article contains (None otherwise): its nearest
    sentences would be quoted as an answer to nothing. Longer questions go on (an English question
    over Arabic articles shares no word with them and is still answered), and so does a one-word
    question whose nearest passage is in the other language (``_same_language``)."""
    terms = retriever.analyze(question)
    if len(terms) > 1 or (terms and retriever.known(terms)) or retriever.is_empty():
        return None
    return strip_controls(question).strip(" ?؟.!،,:;")[:60]


def _same_language(found: list[Candidate]) -> bool:
    """Whether the question and the nearest passage's sentences are in one language: only then does a
    word absent from the index mean the archive cannot know it ("Wagner" asked over Arabic articles
    is written فاغنر there; the calibrated answer step decides that one)."""
    return bool(found) and all(c.pair.split("-")[0] == c.pair.split("-")[-1] for c in found)
