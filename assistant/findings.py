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
from typing import TYPE_CHECKING

from .arabic import analyze, normalize, split_sentences
from .chunking import paragraph_spans
from .cleaning import clean
from .errors import AssistantError
from .grounding import best_quote, verify
from .loaders import load_file
from .loaders.base import Loaded
from .prompts import CONCLUSION_CUES, FINDINGS_HEADINGS, FINDINGS_SCHEMA, FINDINGS_SYSTEM, FINDINGS_USER
from .records import Document, Dropped, Finding, FindingCitation, Findings, Hit

if TYPE_CHECKING:
    from .core import Assistant


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


def summarize_article(a: "Assistant", path: str | Path | None = None, text: str | None = None,
                      lang: str | None = None, related: bool = False, mode: str = "auto",
                      n: int | None = None) -> Findings:
    doc = load_article(Path(path) if path else None, text, int(a.settings.max_file_mb * 1_000_000))
    paras, excluded = body_paragraphs(doc)
    if not paras:
        raise AssistantError(f"{doc.source}: no body paragraphs to summarise")
    language = lang or (doc.language if doc.language in ("ar", "en") else "ar")
    n = n or min(8, max(5, len(paras) // 6))
    chosen = select_sentences(doc, paras, n)
    findings = [Finding(s.text, (FindingCitation(s.para.number, s.text, s.start, s.end),)) for s in chosen]
    mode_used, dropped = "extractive", []
    use_llm = mode == "generative" or (mode == "auto" and a.llm is not None and a.llm.instruction_tuned)
    if use_llm and a.llm is not None and chosen:
        drafted, dropped = _generative(a, chosen, paras, language, n)
        if len(drafted) >= max(3, len(chosen) // 2):
            findings, mode_used = drafted, "generative"
    if related:
        findings = [_with_related(a, f, doc.doc_id) for f in findings]
    return Findings(title=doc.title, language=language, findings=tuple(findings), mode=mode_used,
                    excluded_section=excluded, dropped=tuple(dropped), paragraphs=tuple(p.text for p in paras))


def _with_related(a: "Assistant", f: Finding, own_doc: str, k: int = 2) -> Finding:
    """Earlier coverage: the nearest passages of other documents, if near enough to matter."""
    ranked = a.retriever.dense(f.text, 60)
    records = a.index.chunks_by_id(cid for cid, _ in ranked)
    hits: list[Hit] = []
    for cid, score in ranked:
        if cid not in records or score < a.settings.abstain_threshold:
            continue
        chunk, row = records[cid]
        if chunk.doc_id == own_doc or any(h.chunk.doc_id == chunk.doc_id for h in hits):
            continue
        hits.append(Hit(len(hits) + 1, score, chunk, row["title"], row["source"], row["date"]))
        if len(hits) == k:
            break
    return Finding(f.text, f.citations, tuple(hits))


def _generative(a: "Assistant", chosen: list[_Sent], paras: list[Paragraph], lang: str,
                n: int) -> tuple[list[Finding], list[Dropped]]:
    llm = a.llm
    assert llm is not None
    used = sorted({s.para.number for s in chosen})
    by_number = {p.number: p for p in paras}
    block = "\n".join(f"[¶{num}] {by_number[num].text}" for num in used)
    messages = [{"role": "system", "content": FINDINGS_SYSTEM[lang].format(n=n)},
                {"role": "user", "content": FINDINGS_USER[lang].format(paragraphs=block)}]
    raw = llm.chat(messages, max_tokens=a.settings.llm_max_tokens * 2, json_schema=FINDINGS_SCHEMA)
    try:
        items = json.loads(raw).get("findings", [])
    except (ValueError, AttributeError):
        return [], [Dropped(raw[:200], "the LLM did not return valid JSON")]
    kept: list[Finding] = []
    dropped: list[Dropped] = []
    for item in items if isinstance(items, list) else []:
        text_ = str(item.get("text", "")).strip() if isinstance(item, dict) else ""
        nums = [x for x in item.get("paragraphs", []) if isinstance(x, int)] if isinstance(item, dict) else []
        if not text_:
            continue
        valid = [x for x in nums if x in by_number and x in used]
        if not valid:
            dropped.append(Dropped(text_, f"cites paragraphs that were not given: {nums}"))
            continue
        cites = []
        reasons = []
        for num in valid:
            p = by_number[num]
            why = verify(text_, p.text)
            if why is None:
                qs, qe = best_quote(text_, p.text)
                cites.append(FindingCitation(num, p.text[qs:qe], p.start + qs, p.start + qe))
            else:
                reasons.append(f"¶{num}: {why}")
        if cites:
            kept.append(Finding(text_, tuple(cites)))
        else:
            dropped.append(Dropped(text_, "; ".join(reasons)))
    return kept, dropped
