"""The LLM writes the answer from a short context — the best sentences and their neighbours — and
only the sentences that pass the verifier are shown, each citing the exact quote it rests on.

The context is small on purpose: prompt evaluation dominates a local model's time (FACTS.md), so the
sources are the best sentences and, within a token budget, the sentences around them (~17 ms a
source token with 2 threads reading; eval/README.md), and the fixed system prompt is evaluated once
and reused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.answer.grounding import Verifier, parse_claims, verify_claims
from assistant.answer.scoring import Candidate
from assistant.models.llm import LLM
from assistant.prompts import ANSWER_SYSTEM, ANSWER_USER, LANGUAGE_NAME, NO_ANSWER, TRANSLATE_SYSTEM
from assistant.records import Answer, Citation, Dropped, Hit, Reason
from assistant.text.arabic import detect_language, split_sentences
from assistant.text.planted import without_planted

STOP = ["\nQuestion", "Question (", "\nSources:", "\n\n\n"]
_PREFIX = re.compile(r"^\s*(answer|الإجابة|الاجابة|الجواب)\s*[:：]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """A numbered source given to the LLM: a window of sentences of one retrieved passage."""

    n: int
    hit: Hit
    start: int  # offsets in the document's clean text
    end: int

    @property
    def text(self) -> str:
        c = self.hit.chunk
        return c.text[self.start - c.start : self.end - c.start]


def sources_for(
    scored: list[Candidate], limit: int = 3, budget: int | None = None, count: Callable[[str], int] | None = None
) -> list[Source]:
    """The best candidate sentences, then their neighbours (the sentence before, then the one after),
    best first; sentences of one passage that meet are merged into one source. With a token
    ``budget`` (prompt evaluation is most of a local model's time) the sentences come first and
    neighbours are added only while the budget lasts: a second and third sentence that may hold the
    answer are worth more than the context around the first. The best sentence is always given."""
    metered = budget is not None and count is not None
    spent = 0

    def take(text: str, always: bool = False) -> bool:
        """Charge the text to the budget if it fits (or ``always``); whether it was taken."""
        nonlocal spent
        price = count(text) if metered else 0
        if metered and not always and spent + price > budget:
            return False
        spent += price
        return True

    picked: list[list] = []  # [hit, sentence spans of its chunk, first, last] (sentence numbers)
    for c in scored:
        if len(picked) == limit or not take(c.text, always=not picked):
            break
        picked.append([c.hit, split_sentences(c.hit.chunk.text), c.position, c.position])
    for side in (-1, 1):  # the sentence before each, best first; then the one after
        for p in picked:
            hit, sents, lo, hi = p
            i = lo - 1 if side < 0 else hi + 1
            if 0 <= i < len(sents) and not _covered(picked, hit, i) and take(hit.chunk.text[slice(*sents[i])]):
                p[2 if side < 0 else 3] = i
    spans: list[list] = []  # merged: sentences of one chunk that overlap or meet, in the place of the best
    for hit, sents, lo, hi in picked:
        meets = [m for m in spans if m[0].chunk.chunk_id == hit.chunk.chunk_id and lo <= m[3] + 1 and m[2] <= hi + 1]
        if not meets:
            spans.append([hit, sents, lo, hi])
            continue
        meets[0][2] = min([lo, *(m[2] for m in meets)])
        meets[0][3] = max([hi, *(m[3] for m in meets)])
        spans = [m for m in spans if not any(m is x for x in meets[1:])]
    return [
        Source(n, hit, hit.chunk.start + sents[lo][0], hit.chunk.start + sents[hi][1])
        for n, (hit, sents, lo, hi) in enumerate(spans, 1)
    ]


def _covered(picked: list[list], hit: Hit, i: int) -> bool:
    """Sentence i of the hit's chunk is already in one of the picked spans."""
    return any(h.chunk.chunk_id == hit.chunk.chunk_id and lo <= i <= hi for h, _, lo, hi in picked)


def answer_messages(question: str, sources: list[Source], lang: str) -> list[dict[str, str]]:
    block = "\n".join(f"[{s.n}] {without_planted(s.text)}" for s in sources)
    user = ANSWER_USER.format(sources=block, language=LANGUAGE_NAME[lang], question=question.strip())
    return [{"role": "system", "content": ANSWER_SYSTEM}, {"role": "user", "content": user}]


def clean_reply(raw: str) -> str:
    """The reply without a repeated "Answer:" and without anything after the first blank line."""
    text = _PREFIX.sub("", raw.strip())
    return text.split("\n\n")[0].strip()


@dataclass
class Draft:
    """What came of asking the LLM: the verified answer (or None), what was dropped, and why not used."""

    answer: Answer | None
    dropped: list[Dropped]
    status: str  # used | no answer | no usable sentence | nothing written | off the question (answer.py)
    raw: str
    timings: dict[str, float] = field(default_factory=dict)


def draft_answer(
    question: str,
    sources: list[Source],
    lang: str,
    llm: LLM,
    verifier: Verifier,
    max_tokens: int = 160,
    on_token: Callable[[str], None] | None = None,
) -> Draft:
    """Ask the LLM, verify every sentence it wrote against the source it cites, build the answer."""
    t0 = time.perf_counter()
    first: list[float] = []
    count = [0]

    def token(piece: str) -> None:
        if not first:
            first.append(time.perf_counter() - t0)
        count[0] += 1
        if on_token is not None:
            on_token(piece)

    raw = llm.chat(answer_messages(question, sources, lang), max_tokens=max_tokens, on_token=token, stop=STOP)
    took = time.perf_counter() - t0
    timings = {
        "first_token_s": round(first[0] if first else took, 3),
        "llm_s": round(took, 3),
        "tokens": count[0],
        "tokens_per_s": round(count[0] / max(took - (first[0] if first else 0), 1e-6), 2),
    }
    reply = clean_reply(raw)
    if reply.upper().startswith(NO_ANSWER):
        return Draft(None, [], "no answer", raw, timings)
    claims = parse_claims(reply)
    if not claims:
        return Draft(
            None,
            [Dropped(raw.strip()[:200] or "(empty)", Reason("no sentence"))],
            "nothing written",
            raw,
            timings,
        )
    kept, dropped = verify_claims(claims, {s.n: s.text for s in sources}, check=verifier.check, locate=verifier.locate)
    if not kept:
        return Draft(None, dropped, "no usable sentence", raw, timings)
    parts, citations = _cited(kept, sources)
    answer = Answer(question, " ".join(parts), "generative", False, tuple(citations), tuple(dropped), language=lang)
    return Draft(answer, dropped, "used", raw, timings)


def with_draft(quote: Answer, draft: Draft) -> Answer:
    """The answer to show: the verified draft, or the quote with what was dropped and why."""
    if draft.answer is not None:
        return replace(draft.answer, confidence=quote.confidence, llm_status=draft.status, timings=draft.timings)
    return replace(quote, dropped=tuple(draft.dropped), llm_status=draft.status, timings=draft.timings)


def render_sentence(llm: LLM, sentence: str, max_tokens: int = 120) -> str | None:
    """One Arabic sentence rendered in English by the LLM (its first line), or None when it rendered
    nothing English."""
    raw = llm.chat(
        [{"role": "system", "content": TRANSLATE_SYSTEM}, {"role": "user", "content": " ".join(sentence.split())}],
        max_tokens=max_tokens,
        stop=["\n\n"],
    )
    text = " ".join(clean_reply(raw).split("\n")[0].split()).strip()
    if not text or detect_language(text) != "en" or text.upper().startswith(NO_ANSWER):
        return None
    return text


def render_quote(shown: Answer, llm: LLM, verifier: Verifier, max_tokens: int = 120) -> Answer | None:
    """For an English question whose draft did not pass: the first quoted Arabic sentence rendered in
    English by the LLM, checked against that sentence like any draft sentence; None when it does not
    pass (the Arabic quote stays the answer)."""
    if shown.abstained or not shown.citations:
        return None
    c = shown.citations[0]
    if detect_language(c.quote) != "ar":
        return None
    text = render_sentence(llm, c.quote, max_tokens)
    if text is None:
        return None  # nothing rendered: the Arabic quote stays, with nothing to list as dropped
    why = verifier.check(text, c.quote)
    if why is not None:
        dropped = (*shown.dropped, Dropped(text, Reason("rendering", why=why)))
        return replace(shown, dropped=dropped)
    return replace(shown, answer=f"{text} [{c.n}]", citations=(c,), llm_status="translated quote")


def _cited(kept: list, sources: list[Source]) -> tuple[list[str], list[Citation]]:
    """The kept sentences with their markers, and the citations numbered in order of first use."""
    by_n = {s.n: s for s in sources}
    numbering: dict[int, int] = {}
    parts: list[str] = []
    citations: list[Citation] = []
    for claim, supports in kept:
        marks = []
        for sp in supports:
            src = by_n[sp.n]
            if sp.n not in numbering:
                numbering[sp.n] = len(numbering) + 1
                ch = src.hit.chunk
                citations.append(
                    Citation(
                        n=numbering[sp.n],
                        doc_id=ch.doc_id,
                        title=src.hit.title,
                        source=src.hit.source,
                        chunk_id=ch.chunk_id,
                        quote=src.text[sp.start : sp.end],
                        start=src.start + sp.start,
                        end=src.start + sp.end,
                        heading=ch.heading,
                        page=ch.page,
                        date=src.hit.date,
                        passage=ch.text,
                        passage_start=ch.start,
                    )
                )
            marks.append(f"[{numbering[sp.n]}]")
        parts.append(f"{claim.text} {''.join(dict.fromkeys(marks))}")
    return parts, citations
