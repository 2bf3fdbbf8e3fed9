"""summarize(): a findings (النتائج) draft for a new article, each finding citing its paragraph.

Extractive by default: sentences scored by centrality to the article (TF-IDF cosine to the
article's centroid), position in their paragraph, and conclusion cues; chosen with MMR for
diversity; shown in article order. An article's own findings/conclusions section is left out of
the input (the user wants a draft of it).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .arabic import analyze, normalize, split_sentences
from .chunking import paragraph_spans
from .cleaning import clean
from .errors import AssistantError
from .grounding import Claim, verify_claims
from .loaders import load_file
from .loaders.base import Loaded
from .models.llm import LLM, wants_llm
from .prompts import (
    CONCLUSION_CUES,
    FINDINGS_HEADINGS,
    FINDINGS_SCHEMA,
    FINDINGS_SYSTEM,
    FINDINGS_USER,
)
from .records import Document, Dropped, Finding, FindingCitation, Findings
from .retrieval import Retriever


@dataclass(frozen=True)
class FindingsOptions:
    """How a findings draft is made (the facade fills these from Settings)."""

    lang: str | None = None  # None: the article's own language
    mode: str = "auto"  # auto | extractive | generative
    n: int | None = None  # None: from the article's length
    related_min_score: float = 0.81  # cosine at or above which other coverage counts as related
    llm_max_tokens: int = 400


@dataclass
class Paragraph:
    number: int  # 1-based among body paragraphs (headings are not numbered)
    start: int
    end: int
    text: str


@dataclass
class _Sent:
    para: Paragraph
    start: int
    end: int
    text: str
    vec: dict[str, float]
    score: float = 0.0


def load_article(path: Path | None, text: str | None, max_bytes: int | None = None) -> Document:
    if path is not None:
        loaded = load_file(Path(path), max_bytes)
        return clean(loaded, str(path))
    if text is None or not text.strip():
        raise AssistantError("nothing to summarise: give a file or paste the article text")
    return clean(Loaded(text=text, fmt="text"), "pasted text")


def body_paragraphs(doc: Document) -> tuple[list[Paragraph], str | None]:
    """Numbered body paragraphs, without headings and without a findings/conclusions section."""
    headings = {s.start: s for s in doc.sections}
    excluded: str | None = None
    skip_until = -1
    paras: list[Paragraph] = []
    for a, b in paragraph_spans(doc.text):
        if a in headings:
            sec = headings[a]
            key = " ".join(normalize(sec.heading).strip(" :.-").split())
            if key in {normalize(h) for h in FINDINGS_HEADINGS}:
                excluded = sec.heading
                skip_until = sec.end
            continue
        if a <= skip_until:
            continue
        paras.append(Paragraph(len(paras) + 1, a, b, doc.text[a:b]))
    return paras, excluded


def _tfidf(sent_terms: list[list[str]]) -> list[dict[str, float]]:
    df = Counter(t for terms in sent_terms for t in set(terms))
    n = len(sent_terms)
    vecs = []
    for terms in sent_terms:
        tf = Counter(terms)
        v = {t: (1 + math.log(c)) * math.log((n + 1) / (df[t] + 0.5)) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({t: x / norm for t, x in v.items()})
    return vecs


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def select_sentences(doc: Document, paras: list[Paragraph], n: int) -> list[_Sent]:
    sents: list[_Sent] = []
    terms_list: list[list[str]] = []
    for p in paras:
        for i, (s, e) in enumerate(split_sentences(doc.text, p.start, p.end)):
            text = doc.text[s:e]
            if len(text.split()) < 6:
                continue
            terms = analyze(text)
            sents.append(_Sent(p, s, e, text, {}, score=0.1 if i == 0 else 0.0))
            terms_list.append(terms)
    if not sents:
        return []
    vecs = _tfidf(terms_list)
    centroid: dict[str, float] = {}
    for v in vecs:
        for t, x in v.items():
            centroid[t] = centroid.get(t, 0.0) + x
    norm = math.sqrt(sum(x * x for x in centroid.values())) or 1.0
    centroid = {t: x / norm for t, x in centroid.items()}
    cues = [normalize(c) for c in CONCLUSION_CUES]
    for s, v in zip(sents, vecs):
        s.vec = v
        low = " " + normalize(s.text) + " "
        cue = 0.08 if any(f" {c} " in low for c in cues) else 0.0
        length_penalty = 0.05 if len(s.text.split()) > 60 else 0.0
        s.score += _cos(v, centroid) + cue - length_penalty
    # MMR: relevance to the article against redundancy with what is already chosen.
    chosen: list[_Sent] = []
    pool = sorted(sents, key=lambda s: -s.score)
    lam = 0.7
    while pool and len(chosen) < n:
        best = max(pool, key=lambda s: lam * s.score - (1 - lam) * max((_cos(s.vec, c.vec) for c in chosen), default=0.0))
        chosen.append(best)
        pool.remove(best)
    return sorted(chosen, key=lambda s: s.start)


def summarize_article(doc: Document, llm: LLM | None, options: FindingsOptions,
                      related: Retriever | None = None) -> Findings:
    """A findings draft for ``doc``; ``related``: a retriever over the archive, for earlier coverage."""
    paras, excluded = body_paragraphs(doc)
    if not paras:
        raise AssistantError(f"{doc.source}: no body paragraphs to summarise")
    language = options.lang or (doc.language if doc.language in ("ar", "en") else "ar")
    n = options.n or min(8, max(5, len(paras) // 6))
    chosen = select_sentences(doc, paras, n)
    findings = [Finding(s.text, (FindingCitation(s.para.number, s.text, s.start, s.end),)) for s in chosen]
    mode_used, dropped = "extractive", []
    if llm is not None and wants_llm(options.mode, llm) and chosen:
        drafted, dropped = _generative(llm, chosen, paras, language, n, options.llm_max_tokens)
        if len(drafted) >= max(3, len(chosen) // 2):
            findings, mode_used = drafted, "generative"
    if related is not None:
        findings = [Finding(f.text, f.citations, tuple(related.related(f.text, 2, options.related_min_score,
                                                                       doc.doc_id)))
                    for f in findings]
    return Findings(title=doc.title, language=language, findings=tuple(findings), mode=mode_used,
                    excluded_section=excluded, dropped=tuple(dropped), paragraphs=tuple(p.text for p in paras))


def _generative(llm: LLM, chosen: list[_Sent], paras: list[Paragraph], lang: str,
                n: int, max_tokens: int) -> tuple[list[Finding], list[Dropped]]:
    used = sorted({s.para.number for s in chosen})
    by_number = {p.number: p for p in paras}
    block = "\n".join(f"[¶{num}] {by_number[num].text}" for num in used)
    messages = [{"role": "system", "content": FINDINGS_SYSTEM[lang].format(n=n)},
                {"role": "user", "content": FINDINGS_USER[lang].format(paragraphs=block)}]
    raw = llm.chat(messages, max_tokens=max_tokens * 2, json_schema=FINDINGS_SCHEMA)
    try:
        items = json.loads(raw).get("findings", [])
    except (ValueError, AttributeError):
        return [], [Dropped(raw[:200], "the LLM did not return valid JSON")]
    claims = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            continue
        nums = item.get("paragraphs", [])
        claims.append(Claim(str(item["text"]).strip(),
                            tuple(x for x in nums if isinstance(x, int)) if isinstance(nums, list) else ()))
    kept, dropped = verify_claims(claims, {num: by_number[num].text for num in used}, noun="paragraph",
                                  mark=lambda num: f"¶{num}:")
    findings = []
    for claim, supports in kept:
        cites = []
        for sp in supports:
            p = by_number[sp.n]
            cites.append(FindingCitation(sp.n, p.text[sp.start:sp.end], p.start + sp.start, p.start + sp.end))
        findings.append(Finding(claim.text, tuple(cites)))
    return findings, dropped
