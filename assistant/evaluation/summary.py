"""Findings drafts against reference findings: ROUGE with an Arabic-aware tokenizer, citation validity,
and coverage of the reference points."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..arabic import split_sentences, tokenize
from ..errors import DatasetError
from ..findings import FindingsOptions, load_article, summarize_article
from ..models.llm import LLM


class ArabicTokenizer:
    """rouge-score's default tokenizer keeps only [a-z0-9] and so deletes Arabic; ours keeps it."""

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)


def rouge(prediction: str, reference: str) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=ArabicTokenizer())
    s = scorer.score(reference, prediction)
    return {k: round(v.fmeasure, 4) for k, v in s.items()}


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
            items.append(obj)
    if not items:
        raise DatasetError(f"{path}: no items")
    return items


def evaluate_summaries(path: Path, llm: LLM | None, options: FindingsOptions, max_bytes: int | None = None,
                       mode: str = "extractive") -> dict:
    options = replace(options, mode=mode)
    rows = []
    for item in load_summary_set(path):
        doc = load_article(Path(item["path"]) if item.get("path") else None, item.get("text"), max_bytes)
        f = summarize_article(doc, llm, options)
        texts = [fd.text for fd in f.findings]
        refs = [r for ref in item["references"] for r in _sentences(ref)]
        valid = total = 0
        for fd in f.findings:
            for c in fd.citations:
                total += 1
                valid += c.quote in f.paragraphs[c.paragraph - 1]
        rows.append({
            "title": f.title, "findings": len(texts), "excluded_section": f.excluded_section,
            **rouge(" ".join(texts), " ".join(item["references"])),
            "citation_validity": round(valid / total, 4) if total else 0.0,
            "reference_coverage": coverage(texts, refs),
        })
    keys = ("rouge1", "rouge2", "rougeL", "citation_validity", "reference_coverage")
    mean = {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in keys}
    return {"dataset": str(path), "items": len(rows), "mode": mode, "mean": mean, "per_item": rows}


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)] or [text]
