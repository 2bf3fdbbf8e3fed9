"""ask(): retrieve, then answer extractively (default) or generatively with every sentence verified.

The step receives what it uses — a retriever, an embedder, an LLM (or None) and options — and
never the facade.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .arabic import analyze, detect_language, numbers_in, split_sentences
from .grounding import parse_claims, verify_claims
from .models.embedder import Embedder
from .models.llm import LLM, wants_llm
from .prompts import ABSTAIN, ANSWER_SYSTEM, ANSWER_USER, EMPTY_INDEX, PASSAGE
from .records import Answer, Citation, Dropped, Hit
from .retrieval import Retriever

_COUNT_Q = re.compile(r"\b(كم|عدد|how many|how much|what number|what percentage|نسبة)\b", re.I)
_WHEN_Q = re.compile(r"\b(متى|في أي عام|في اي عام|when|what year)\b", re.I)


@dataclass(frozen=True)
class AnswerOptions:
    """How one question is answered (the facade fills these from Settings)."""

    k: int = 5
    retriever: str = "hybrid"
    mode: str = "auto"  # auto | extractive | generative
    abstain_threshold: float = 0.81
    sentences: int = 8  # candidate sentences embedded per answer (0: all)
    llm_max_tokens: int = 400


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


def answer_question(question: str, retriever: Retriever, embedder: Embedder, llm: LLM | None,
                    options: AnswerOptions, on_token: Callable[[str], None] | None = None) -> Answer:
    lang = question_language(question)
    question = question.strip()
    if not question:
        return Answer(question, ABSTAIN[lang], "extractive", True, language=lang)
    qvec = embedder.embed_queries([question])[0]  # once: for retrieval and for sentence scoring
    hits = retriever.search(question, k=options.k, retriever=options.retriever, qvec=qvec)
    if not hits:
        return Answer(question, EMPTY_INDEX[lang] if retriever.is_empty() else ABSTAIN[lang],
                      "extractive", True, language=lang)
    candidates = _score_sentences(embedder, question, hits, qvec, options.sentences)
    confidence = max((c.sim for c in candidates), default=0.0)
    if not candidates or confidence < options.abstain_threshold:
        return Answer(question, ABSTAIN[lang], "extractive", True, nearest=tuple(hits[:3]), language=lang,
                      confidence=confidence)
    if llm is not None and wants_llm(options.mode, llm):
        gen, dropped = _generative(llm, question, hits, lang, options.llm_max_tokens, on_token)
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


def _score_sentences(embedder: Embedder, question: str, hits: list[Hit], qvec: np.ndarray,
                     limit: int) -> list[_Candidate]:
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
    if limit and len(cands) > limit:
        # Embedding the sentences is most of an answer's time: embed only the lexically likeliest.
        keep = sorted(range(len(cands)), key=lambda i: -lexical[i])[:limit]
        cands, lexical = [cands[i] for i in keep], [lexical[i] for i in keep]
    sims = embedder.embed_passages([c.text for c in cands]) @ qvec
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
    kept, dropped = verify_claims(parse_claims(text), {n: h.chunk.text for n, h in enumerate(passages, 1)})
    out: list[tuple[str, list[Citation]]] = []
    for claim, supports in kept:
        cites = []
        for s in supports:
            h = passages[s.n - 1]
            cites.append(_citation(s.n, h, h.chunk.start + s.start, h.chunk.start + s.end, h.chunk.text[s.start:s.end]))
        out.append((claim.text, cites))
    return out, dropped


def _generative(llm: LLM, question: str, hits: list[Hit], lang: str, max_tokens: int,
                on_token: Callable[[str], None] | None) -> tuple[Answer | None, list[Dropped]]:
    budget = llm.n_ctx - max_tokens - 64
    messages, used = build_messages(question, hits, lang, budget, llm.count_tokens)
    if not used:
        return None, []
    raw = llm.chat(messages, max_tokens=max_tokens, on_token=on_token)
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
                citations.append(replace(c, n=numbering[c.chunk_id]))
            marks.append(f"[{numbering[c.chunk_id]}]")
        parts.append(f"{sentence} {''.join(dict.fromkeys(marks))}")
    answer = Answer(question, " ".join(parts), "generative", False, tuple(citations), tuple(dropped),
                    language=lang)
    return answer, dropped
