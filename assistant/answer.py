"""ask(): retrieve, then answer extractively (default) or generatively with every sentence verified."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from .arabic import analyze, detect_language, numbers_in, split_sentences
from .grounding import best_quote, parse_claims, verify
from .prompts import ABSTAIN, ANSWER_SYSTEM, ANSWER_USER, EMPTY_INDEX, PASSAGE
from .records import Answer, Citation, Dropped, Hit

if TYPE_CHECKING:
    from .core import Assistant

_COUNT_Q = re.compile(r"\b(كم|عدد|how many|how much|what number|what percentage|نسبة)\b", re.I)
_WHEN_Q = re.compile(r"\b(متى|في أي عام|في اي عام|when|what year)\b", re.I)


@dataclass
class _Candidate:
    hit: Hit
    start: int  # offsets in the document's clean text
    end: int
    text: str
    score: float = 0.0
    sim: float = 0.0  # cosine to the question


def question_language(question: str) -> str:
    lang = detect_language(question)
    return lang if lang in ("ar", "en") else "ar"


def answer_question(a: "Assistant", question: str, k: int = 5, retriever: str = "hybrid",
                    mode: str = "auto", on_token: Callable[[str], None] | None = None) -> Answer:
    lang = question_language(question)
    question = question.strip()
    if not question:
        return Answer(question, ABSTAIN[lang], "extractive", True, language=lang)
    qvec = a.embedder.embed_queries([question])[0]  # once: for retrieval and for sentence scoring
    hits = a.retriever.search(question, k=k, retriever=retriever, qvec=qvec)
    if not hits:
        return Answer(question, EMPTY_INDEX[lang] if a.index.counts()[1] == 0 else ABSTAIN[lang],
                      "extractive", True, language=lang)
    candidates = _score_sentences(a, question, hits, qvec)
    confidence = max((c.sim for c in candidates), default=0.0)
    if not candidates or confidence < a.settings.abstain_threshold:
        return Answer(question, ABSTAIN[lang], "extractive", True, nearest=tuple(hits[:3]), language=lang,
                      confidence=confidence)
    use_llm = mode == "generative" or (mode == "auto" and a.llm is not None and a.llm.instruction_tuned)
    if use_llm and a.llm is not None:
        gen, dropped = _generative(a, question, hits, lang, on_token)
        if gen is not None:
            return replace(gen, confidence=confidence)
        # Too little of the draft survived verification: fall back to quoting the sources.
        fallback = _extractive(question, candidates, lang)
        return Answer(question, fallback.answer, "extractive", False, fallback.citations,
                      tuple(dropped), language=lang, confidence=confidence)
    ans = replace(_extractive(question, candidates, lang), confidence=confidence)
    if on_token:
        on_token(ans.answer)
    return ans


def _score_sentences(a: "Assistant", question: str, hits: list[Hit], qvec: np.ndarray) -> list[_Candidate]:
    """Score every sentence of the retrieved passages against the question, best first.

    Abstention uses the highest cosine among them (the answer's confidence)."""
    cands: list[_Candidate] = []
    for h in hits:
        for s, e in split_sentences(h.chunk.text):
            text = h.chunk.text[s:e]
            if len(text.split()) < 3 and not numbers_in(text):
                continue  # headings and fragments answer nothing
            cands.append(_Candidate(h, h.chunk.start + s, h.chunk.start + e, text))
    if not cands:
        return []
    q_terms = set(analyze(question))
    wants_number = bool(_COUNT_Q.search(question) or _WHEN_Q.search(question))
    lexical = []
    for c in cands:
        terms = set(analyze(c.text))
        overlap = len(q_terms & terms) / (len(q_terms) or 1)
        bonus = 0.03 if wants_number and numbers_in(c.text) else 0.0
        lexical.append(0.15 * overlap + bonus + 0.01 / c.hit.rank)
    limit = a.settings.answer_sentences
    if limit and len(cands) > limit:
        # Embedding the sentences is most of an answer's time: embed only the lexically likeliest.
        keep = sorted(range(len(cands)), key=lambda i: -lexical[i])[:limit]
        cands, lexical = [cands[i] for i in keep], [lexical[i] for i in keep]
    sims = a.embedder.embed_passages([c.text for c in cands]) @ qvec
    for c, sim, lex in zip(cands, sims, lexical):
        c.sim = float(sim)
        c.score = c.sim + lex
    cands.sort(key=lambda c: -c.score)
    return cands


def _extractive(question: str, cands: list[_Candidate], lang: str) -> Answer:
    chosen: list[_Candidate] = [cands[0]]
    for c in cands[1:]:
        if len(chosen) == 3:
            break
        if c.score < cands[0].score - 0.04:
            break
        if any(abs(c.start - x.start) < 5 or _similar(c.text, x.text) for x in chosen):
            continue
        chosen.append(c)
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    parts = []
    for c in chosen:
        cid = c.hit.chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
        n = numbers[cid]
        parts.append(f"{c.text} [{n}]")
        citations.append(_citation(n, c.hit, c.start, c.end, c.text))
    return Answer(question, " ".join(parts), "extractive", False, tuple(citations), language=lang)


def _similar(x: str, y: str) -> bool:
    a, b = set(analyze(x)), set(analyze(y))
    return bool(a and b) and len(a & b) / min(len(a), len(b)) > 0.8


def _citation(n: int, hit: Hit, start: int, end: int, quote: str) -> Citation:
    ch = hit.chunk
    return Citation(n=n, doc_id=ch.doc_id, title=hit.title, source=hit.source, chunk_id=ch.chunk_id,
                    quote=quote, start=start, end=end, heading=ch.heading, page=ch.page, date=hit.date)


def build_messages(question: str, hits: list[Hit], lang: str, budget_tokens: int,
                   count: Callable[[str], int]) -> tuple[list[dict[str, str]], list[Hit]]:
    """Chat messages with as many numbered passages as fit the LLM's context."""
    system = ANSWER_SYSTEM[lang]
    used: list[Hit] = []
    blocks: list[str] = []
    spent = count(system) + count(question) + 60
    for h in hits:
        block = PASSAGE.format(n=len(used) + 1, title=h.title.replace('"', "'"), text=h.chunk.text)
        cost = count(block)
        if spent + cost > budget_tokens:
            break
        blocks.append(block)
        used.append(h)
        spent += cost
    user = ANSWER_USER[lang].format(passages="\n\n".join(blocks), question=question)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], used


def verify_answer(text: str, passages: list[Hit]) -> tuple[list[tuple[str, list[Citation]]], list[Dropped]]:
    """Keep the sentences that cite a given passage which supports them; say why others went."""
    kept: list[tuple[str, list[Citation]]] = []
    dropped: list[Dropped] = []
    for claim in parse_claims(text):
        valid = [n for n in claim.cited if 1 <= n <= len(passages)]
        if not claim.cited:
            dropped.append(Dropped(claim.text, "cites no passage"))
            continue
        if not valid:
            dropped.append(Dropped(claim.text, f"cites passages that were not given: {list(claim.cited)}"))
            continue
        cites: list[Citation] = []
        reasons = []
        for n in valid:
            h = passages[n - 1]
            why = verify(claim.text, h.chunk.text)
            if why is None:
                s, e = best_quote(claim.text, h.chunk.text)
                cites.append(_citation(n, h, h.chunk.start + s, h.chunk.start + e, h.chunk.text[s:e]))
            else:
                reasons.append(f"[{n}] {why}")
        if cites:
            kept.append((claim.text, cites))
        else:
            dropped.append(Dropped(claim.text, "; ".join(reasons)))
    return kept, dropped


def _generative(a: "Assistant", question: str, hits: list[Hit], lang: str,
                on_token: Callable[[str], None] | None) -> tuple[Answer | None, list[Dropped]]:
    llm = a.llm
    assert llm is not None
    budget = llm.n_ctx - a.settings.llm_max_tokens - 64
    messages, used = build_messages(question, hits, lang, budget, llm.count_tokens)
    if not used:
        return None, []
    raw = llm.chat(messages, max_tokens=a.settings.llm_max_tokens, on_token=on_token)
    kept, dropped = verify_answer(raw, used)
    if not kept:
        return None, dropped
    # Renumber the cited passages 1..m in order of first citation.
    numbering: dict[int, int] = {}
    parts: list[str] = []
    citations: list[Citation] = []
    for sentence, cites in kept:
        marks = []
        for c in cites:
            if c.chunk_id not in numbering:
                numbering[c.chunk_id] = len(numbering) + 1
                citations.append(Citation(**{**c.to_json(), "n": numbering[c.chunk_id]}))
            marks.append(f"[{numbering[c.chunk_id]}]")
        parts.append(f"{sentence} {''.join(dict.fromkeys(marks))}")
    answer = Answer(question, " ".join(parts), "generative", False, tuple(citations), tuple(dropped),
                    language=lang)
    return answer, dropped
