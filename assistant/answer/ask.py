"""ask(): retrieve, pick the sentence that answers (or abstain), quote it; optionally let the LLM write.

The step receives what it uses — a retriever, an embedder, an LLM (or None) and options — and
never the facade. Sentences are scored by the learned scorer (scoring.py): the best one is quoted
(with a second when nearly as likely, and with the next sentence when it announces what that one
gives); below the calibrated threshold of its language pair, the answer is an abstention.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace

from assistant.answer.generate import Draft, draft_answer, sources_for, with_draft
from assistant.answer.grounding import Verifier, default_verifier, neutralize_markers, parse_claims
from assistant.answer.reading import Decision, Reads, read
from assistant.answer.scoring import (
    Candidate,
    Scorer,
    analyse_question,
    answerable,
    candidates,
    default_scorer,
    rate_text,
    score_candidates,
)
from assistant.config import Settings, default
from assistant.models.embedder import Embedder
from assistant.models.llm import LLM, Gate, wants_llm
from assistant.prompts import ABSTAIN, EMPTY_INDEX
from assistant.records import Answer, Citation, Dropped, Hit
from assistant.retrieval import Retriever
from assistant.text.arabic import analyze, detect_language, normalize, split_sentences
from assistant.text.questions import answer_cues, type_match

# A sentence that announces what the next one gives ("… as follows:", "the three pillars are").
_ANNOUNCES = re.compile(
    r"[:：]\s*$|التالي(ه|ة)?\s*[:.]?$|ما يلي|كالتالي|الاتي|الآتي|as follows|the following", re.IGNORECASE
)


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

    @classmethod
    def from_settings(cls, s: Settings, **given: object) -> AnswerOptions:
        """The options the settings give, with ``given`` ones (left out when None) in their place."""
        base = dict(
            k=s.top_k,
            retriever=s.retriever,
            mode=s.answer_mode,
            abstain_threshold=s.abstain_threshold,
            sentences=s.answer_sentences,
            llm_max_tokens=s.llm_answer_tokens,
            llm_sources=s.llm_sources,
            llm_context_tokens=s.llm_context_tokens,
            draft_min_ratio=s.llm_draft_min_ratio,
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
) -> Iterator[AnswerEvent]:
    """The answer as it is made: the quote at once, then (with an LLM) the verified draft. With a
    ``reader``, the reader chooses the quoted sentence and decides abstention (``reading``)."""
    lang = question_language(question)
    question = question.strip()
    scorer = scorer or default_scorer()
    quote, scored = extract_answer(question, lang, retriever, embedder, options, scorer, reader)
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
            draft = on_the_question(question, draft, scored, retriever, embedder, scorer, options.draft_min_ratio)
            events.put(AnswerEvent("final", with_draft(quote, draft)))
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


def on_the_question(
    question: str,
    draft: Draft,
    scored: list[Candidate],
    retriever: Retriever,
    embedder: Embedder,
    scorer: Scorer,
    min_ratio: float,
) -> Draft:
    """The draft, or — when the answer scorer rates it below ``min_ratio`` of the best quoted sentence —
    the draft turned down as "off the question" (the quote is shown instead).

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
    )
    if ratio >= min_ratio:
        return draft
    why = f"answers the question less well than the quoted sentence (rated {ratio:.2f} of it, below {min_ratio})"
    return replace(draft, answer=None, status="off the question", dropped=[Dropped(text, why), *draft.dropped])


def draft_home(scored: list[Candidate], quotes: list[str]) -> Candidate:
    """The candidate a draft stands in for: the first one its quotes hold, else the best one."""
    return next((c for c in scored if c.text.strip() and any(c.text.strip() in q for q in quotes)), scored[0])


def rated_as(c: Candidate, scored: list[Candidate]) -> float:
    """A draft rated as candidate ``c``: its probability over the best candidate's."""
    return c.prob / max(scored[0].prob, 1e-9)


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
) -> float:
    """The answer scorer's rating of a draft's ``text`` over the best candidate's, the draft scored as one
    more candidate sentence in the place of the candidate its ``quotes`` hold.

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
    q = analyse_question(question, retriever)
    if bare_answers and home is scored[0] and is_bare_answer(text, home.text, q.qtype):
        return 1.0
    return rate_text(text, home, q, scored, retriever, embedder, embedder.embed_queries([question])[0], scorer)


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
) -> Answer:
    """The final answer; ``on_token`` receives the LLM's draft as it streams (or the quote, at once)."""
    final: Answer | None = None
    streamed = False
    for ev in answer_events(question, retriever, embedder, llm, options, scorer, verifier, gate, reader):
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
    answers, ranked = decide_answers(question, lang, retriever, embedder, options, scorer, reader)
    return answers["reader" if reader is not None else "scorer"], ranked


def decide_answers(
    question: str,
    lang: str,
    retriever: Retriever,
    embedder: Embedder,
    options: AnswerOptions,
    scorer: Scorer,
    reader: Reads | None = None,
) -> tuple[dict[str, Answer], list[Candidate]]:
    """The scorer's answer and, with a reader, the reader's, from one retrieval and one scoring (the
    evaluation reports both from the same run); and the candidates in the deciding one's order."""
    if not question:
        return {"scorer": Answer(question, ABSTAIN[lang], "extractive", True, language=lang)}, []
    qvec = embedder.embed_queries([question])[0]  # once: for retrieval and for sentence scoring
    hits = retriever.search(question, k=options.k, retriever=options.retriever, qvec=qvec)
    if not hits:
        empty = Answer(
            question, EMPTY_INDEX[lang] if retriever.is_empty() else ABSTAIN[lang], "extractive", True, language=lang
        )
        return {"scorer": empty, "reader": empty}, []
    q = analyse_question(question, retriever)
    scored = score_candidates(q, candidates(question, hits), retriever, embedder, qvec, options.sentences, scorer)
    scorer_confidence = answerable(scored, scorer)
    threshold = scorer.threshold(scored[0].pair) if scored else 1.0
    decisions = [Decision(scored, scorer_confidence, threshold, "scorer")]
    if reader is not None and scored:
        decisions.append(read(question, scored, scorer_confidence, reader))
    answers = {}
    for d in decisions:
        limit = options.abstain_threshold if options.abstain_threshold is not None else d.threshold
        if not d.ranked or d.confidence < limit:
            answers[d.by] = Answer(
                question,
                ABSTAIN[lang],
                "extractive",
                True,
                nearest=tuple(hits[:3]),
                language=lang,
                confidence=d.confidence,
            )
            continue
        chosen = choose_sentences(d.ranked, q.qtype, limit, scorer.second_ratio)
        answers[d.by] = replace(_extractive(question, chosen, lang), confidence=d.confidence)
    return answers, decisions[-1].ranked


def choose_sentences(
    scored: list[Candidate], qtype: str, threshold: float, second_ratio: float
) -> list[tuple[Candidate, int, int]]:
    """(candidate, start, end) spans to quote: the best sentence, widened to the next sentence when it
    announces what that one gives, and a second sentence when it is nearly as likely."""
    best = scored[0]
    chosen = [(best, *_widen(best, qtype))]
    for c in scored[1:3]:
        if c.prob < second_ratio * best.prob:
            break
        if any(_overlaps(c, x, s, e) or _similar(c.text, x.text) for x, s, e in chosen):
            continue
        chosen.append((c, c.start, c.end))
        break
    return sorted(chosen, key=lambda t: (t[0].hit.rank, t[1]))


def _widen(c: Candidate, qtype: str) -> tuple[int, int]:
    """The best sentence's span, running on to the next sentence of its passage when the sentence
    announces a list or a figure that the next one gives."""
    chunk = c.hit.chunk
    spans = split_sentences(chunk.text)
    if c.position + 1 >= len(spans):
        return c.start, c.end
    nxt = chunk.text[spans[c.position + 1][0] : spans[c.position + 1][1]]
    cues, nxt_cues = answer_cues(c.text), answer_cues(nxt)
    announces = bool(_ANNOUNCES.search(c.text.strip()))
    lacking = {"count": "number", "percent": "percent", "date": "date", "list": "list"}.get(qtype)
    if announces or (lacking and not cues[lacking] and nxt_cues[lacking]):
        return c.start, chunk.start + spans[c.position + 1][1]
    return c.start, c.end


def _overlaps(c: Candidate, other: Candidate, start: int, end: int) -> bool:
    return c.hit.chunk.doc_id == other.hit.chunk.doc_id and start < c.end and c.start < end


def _extractive(question: str, chosen: list[tuple[Candidate, int, int]], lang: str) -> Answer:
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    parts = []
    for c, start, end in chosen:
        chunk = c.hit.chunk
        cid = chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
        n = numbers[cid]
        text = chunk.text[start - chunk.start : end - chunk.start]
        # Markers written in the article itself ("[2]") must not pass for ours.
        parts.append(f"{neutralize_markers(text)} [{n}]")
        citations.append(_citation(n, c.hit, start, end, text))
    return Answer(question, " ".join(parts), "extractive", False, tuple(citations), language=lang)


def _similar(x: str, y: str) -> bool:
    a, b = set(analyze(x)), set(analyze(y))
    return bool(a and b) and len(a & b) / min(len(a), len(b)) > 0.8


def _citation(n: int, hit: Hit, start: int, end: int, quote: str) -> Citation:
    ch = hit.chunk
    return Citation(
        n=n,
        doc_id=ch.doc_id,
        title=hit.title,
        source=hit.source,
        chunk_id=ch.chunk_id,
        quote=quote,
        start=start,
        end=end,
        heading=ch.heading,
        page=ch.page,
        date=hit.date,
    )
