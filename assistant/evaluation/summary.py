"""Findings drafts against human references: ROUGE (Arabic-aware tokens) against each reference
separately, then averaged, the standard way for several references; the baselines Lead-N and TextRank
at the same length; a paired significance test; citation validity and coverage of reference points.

Items are JSONL lines ``{"text" or "path", "references": [...], "id"?}``: each reference is one whole
summary (EASC has five per article); a single reference split into sentences gives the points that
``reference_coverage`` looks for.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from assistant.answer.grounding import Verifier
from assistant.errors import DatasetError
from assistant.findings.summarize import FindingsOptions, body_paragraphs, load_article, summarize_article
from assistant.models.embedder import Embedder
from assistant.models.llm import LLM
from assistant.text.arabic import split_sentences, tokenize

METRICS = ("rouge1", "rouge2", "rougeL")


class ArabicTokenizer:
    """rouge-score's default tokenizer keeps only [a-z0-9] and so deletes Arabic; ours keeps it."""

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)


def rouge(prediction: str, reference: str) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), tokenizer=ArabicTokenizer())
    s = scorer.score(reference, prediction)
    return {k: round(v.fmeasure, 4) for k, v in s.items()}


def multi_rouge(prediction: str, references: list[str]) -> dict[str, float]:
    """F1 against each reference separately, averaged over the references."""
    scores = [rouge(prediction, r) for r in references if r.strip()]
    if not scores:
        return {m: 0.0 for m in METRICS}
    return {m: round(sum(s[m] for s in scores) / len(scores), 4) for m in METRICS}


def coverage(findings: list[str], references: list[str], threshold: float = 0.3) -> float:
    """Share of reference points whose words a finding recalls (ROUGE-L recall ≥ threshold)."""
    from rouge_score import rouge_scorer

    if not references:
        return 0.0
    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=ArabicTokenizer())
    hit = 0
    for ref in references:
        if any(scorer.score(ref, f)["rougeL"].recall >= threshold for f in findings):
            hit += 1
    return round(hit / len(references), 4)


def load_summary_set(path: Path) -> list[dict]:
    items = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}: line {lineno}: bad JSON ({exc.msg})") from exc
            if not ("text" in obj or "path" in obj) or not isinstance(obj.get("references"), list):
                raise DatasetError(f"{path}: line {lineno}: needs 'text' (or 'path') and a 'references' list")
            if "path" in obj:
                obj["path"] = str((Path(path).parent / obj["path"]).resolve())
            obj.setdefault("id", str(lineno))
            items.append(obj)
    if not items:
        raise DatasetError(f"{path}: no items")
    return items


def evaluate_summaries(
    path: Path,
    llm: LLM | None,
    options: FindingsOptions,
    max_bytes: int | None = None,
    mode: str = "extractive",
    embedder: Embedder | None = None,
    baselines: bool = False,
    ids: set[str] | None = None,
    verifier: Verifier | None = None,
) -> dict:
    """Score the drafts of every item (``ids``: only these); with ``baselines``, Lead-N and TextRank given
    as many sentences as our draft, and paired tests of ours against each."""
    from assistant.findings.selection import lead, sentences_of, textrank

    options = replace(options, mode=mode)
    rows = []
    for item in load_summary_set(path):
        if ids is not None and str(item["id"]) not in ids:
            continue
        doc = load_article(
            Path(item["path"]) if item.get("path") else None,
            item.get("text"),
            max_bytes,
            scraped=item.get("scraped", "path" in item),
        )
        t0 = time.perf_counter()
        f = summarize_article(doc, llm, options, verifier=verifier, embedder=embedder)
        seconds = time.perf_counter() - t0
        row = _scored(item, f, seconds)
        if baselines:
            paras, _ = body_paragraphs(doc)
            sents = sentences_of(doc.text, [(p.number, p.start, p.end) for p in paras])
            for name, pick in (("lead", lead), ("textrank", textrank)):
                chosen = pick(sents, row["findings"])
                row[name] = multi_rouge(" ".join(s.text for s in chosen), item["references"])
        rows.append(row)
    if not rows:
        raise DatasetError(f"{path}: no item matched the ids asked for")
    keys = ("rouge1", "rouge2", "rougeL", "citation_validity", "reference_coverage")
    result = {
        "dataset": str(path),
        "items": len(rows),
        "mode": mode,
        "mean": {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in keys},
        "per_item": rows,
    }
    if baselines:
        result["baselines"] = {
            name: {m: round(sum(r[name][m] for r in rows) / len(rows), 4) for m in METRICS}
            for name in ("lead", "textrank")
        }
        result["significance"] = {name: paired(rows, name) for name in ("lead", "textrank")}
    return result


def _scored(item: dict, f, seconds: float) -> dict:  # noqa: ANN001
    """One draft against its references: ROUGE, citation validity, reference coverage."""
    texts = [fd.text for fd in f.findings]
    points = [s for ref in item["references"] for s in _sentences(ref)]
    valid = total = 0
    for fd in f.findings:
        for c in fd.citations:
            total += 1
            valid += c.quote in f.paragraphs[c.paragraph - 1]
    return {
        "id": str(item["id"]),
        "title": f.title,
        "findings": len(texts),
        "excluded_section": f.excluded_section,
        "mode": f.mode,
        "dropped": len(f.dropped),
        "seconds": round(seconds, 1),
        **multi_rouge(" ".join(texts), item["references"]),
        "citation_validity": round(valid / total, 4) if total else 0.0,
        "reference_coverage": coverage(texts, points),
    }


def paired(rows: list[dict], baseline: str, metric: str = "rougeL") -> dict:
    """Ours against a baseline, item by item: mean difference, Wilcoxon signed-rank and paired t-test."""
    import numpy as np
    from scipy import stats

    ours = np.array([r[metric] for r in rows])
    theirs = np.array([r[baseline][metric] for r in rows])
    diff = ours - theirs
    nonzero = int(np.count_nonzero(diff))
    w = stats.wilcoxon(ours, theirs) if nonzero >= 6 else None
    t = stats.ttest_rel(ours, theirs) if diff.any() else None
    return {
        "metric": metric,
        "mean_difference": round(float(diff.mean()), 4),
        "items": len(rows),
        "wins": int((diff > 0).sum()),
        "losses": int((diff < 0).sum()),
        "wilcoxon_p": float(w.pvalue) if w is not None else 1.0,
        "t_test_p": float(t.pvalue) if t is not None else 1.0,
    }


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)] or [text]
