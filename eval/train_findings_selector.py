"""Train the findings sentence selector shipped as assistant/data/findings_selector.json, and report it
against Lead-N and TextRank on the EASC articles it was not tuned on.

    python -m eval.train_findings_selector          # ~3 min on 2 cores

EASC-dev (../shared/data/easc-dev/): 53 Arabic Wikipedia articles, 5 human extractive summaries each.
The articles are split by a seeded hash of their EASC id (recorded in eval/splits.json, "easc"): the
selector's weights, its length ratio and its MMR λ are chosen on the "tune" half only. A sentence's
label is the share of the five references that contain it (≥ 85 % of its words); the logistic
regression learns "at least two of five". ROUGE is computed against each reference separately and
averaged; the baselines get exactly as many sentences as our draft; paired Wilcoxon and t-tests on
per-article ROUGE-L.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.evaluation.splits import split_titles
from assistant.evaluation.summary import multi_rouge, paired
from assistant.findings.selection import FEATURES, Selector, features, lead, sentences_of, textrank
from assistant.findings.summarize import body_paragraphs, load_article
from assistant.models.loading import load_embedder
from assistant.resources import DATA, update_manifest
from assistant.text.arabic import tokenize

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

EASC = ROOT.parent / "shared" / "data" / "easc-dev" / "easc-dev.jsonl"
OUT = DATA / "findings_selector.json"
SPLITS = DATA / "splits.json"
CAP = 12  # at most this many sentences in these (short) articles; the product's findings cap is lower


def label(sentence: str, refs: list[str]) -> float:
    words = set(tokenize(sentence))
    if not words:
        return 0.0
    return sum(len(words & set(tokenize(r))) / len(words) >= 0.85 for r in refs) / len(refs)


def prepare(embedder) -> list[dict]:  # noqa: ANN001
    items = []
    for line in EASC.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        doc = load_article(None, obj["text"], scraped=False)
        paras, _ = body_paragraphs(doc)
        sents = sentences_of(doc.text, [(p.number, p.start, p.end) for p in paras])
        features(sents, "", embedder.embed_passages)
        items.append(
            {
                "id": str(obj["id"]),
                "refs": obj["references"],
                "sents": sents,
                "y": np.array([label(s.text, obj["references"]) for s in sents]),
            }
        )
    return items


def fit(items: list[dict], c: float) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.array([[s.x[f] for f in FEATURES] for it in items for s in it["sents"]])
    y = np.concatenate([it["y"] for it in items]) >= 0.4
    sc = StandardScaler().fit(x)
    m = LogisticRegression(C=c, max_iter=5000).fit(sc.transform(x), y)
    return {
        "mean": sc.mean_.tolist(),
        "scale": sc.scale_.tolist(),
        "coef": m.coef_[0].tolist(),
        "intercept": float(m.intercept_[0]),
        "C": c,
    }


def tune_learned(items: list[dict], ascend: bool) -> dict:
    """The logistic regression (C, length ratio, MMR λ by ROUGE-L on ``items``), optionally refined by
    coordinate ascent of its weights on the same ROUGE-L."""
    best = None
    for c in (0.03, 0.1, 0.3, 1.0):
        model = fit(items, c)
        for ratio in (0.25, 1 / 3, 0.4, 0.45, 0.5):
            for lam in (0.5, 0.7, 0.85, 1.0):
                spec = {
                    "features": list(FEATURES),
                    "model": model,
                    "length_ratio": ratio,
                    "mmr_lambda": lam,
                    "policy": "learned",
                }
                score = mean(run(items, spec, baselines=False), None, "rougeL")
                if best is None or score > best[0]:
                    best = (score, spec)
    score, spec = best
    if not ascend:
        return spec
    coef = list(spec["model"]["coef"])
    for step in (0.5, 0.25, 0.1):
        improved = True
        while improved:
            improved = False
            for i in range(len(coef)):
                for delta in (-step, step):
                    trial = coef.copy()
                    trial[i] += delta
                    cand = {**spec, "model": {**spec["model"], "coef": trial}}
                    sc = mean(run(items, cand, baselines=False), None, "rougeL")
                    if sc > score + 1e-4:
                        score, coef, spec, improved = sc, trial, cand, True
    return spec


def tune_lead_clean(items: list[dict]) -> dict:
    """Lead without captions and repeats; only the length ratio is tuned (the learned model stays for
    analysis articles, which are scored on content)."""
    learned = tune_learned(items, ascend=False)
    best = max(
        (mean(run(items, {**learned, "policy": "lead-clean", "length_ratio": r}, baselines=False), None, "rougeL"), r)
        for r in (0.25, 1 / 3, 0.4, 0.45, 0.5)
    )
    return {**learned, "policy": "lead-clean", "length_ratio": best[1]}


POLICIES = {
    "learned": lambda items: tune_learned(items, ascend=False),
    "learned+ascent": lambda items: tune_learned(items, ascend=True),
    "lead-clean": tune_lead_clean,
}


def run(items: list[dict], spec: dict, baselines: bool = True) -> list[dict]:
    from assistant.findings.selection import select

    sel = Selector(spec)
    rows = []
    for it in items:
        sents = it["sents"]
        if not sents:
            continue
        n = sel.length(len(sents), CAP)
        ours = select(sents, n, sel)
        row = {
            "id": it["id"],
            "sentences": len(sents),
            "n": n,
            **multi_rouge(" ".join(s.text for s in ours), it["refs"]),
        }
        for name, pick in (("lead", lead), ("textrank", textrank)) if baselines else ():
            row[name] = multi_rouge(" ".join(s.text for s in pick(sents, n)), it["refs"])
        rows.append(row)
    return rows


def mean(rows: list[dict], key: str | None, metric: str) -> float:
    return round(sum((r[key][metric] if key else r[metric]) for r in rows) / len(rows), 4)


def main() -> None:
    t0 = time.perf_counter()
    embedder = load_embedder(load_settings(llm_backend="none"))
    items = prepare(embedder)
    splits = json.loads(SPLITS.read_text(encoding="utf-8"))
    if "easc" not in splits:
        splits["easc"] = split_titles(
            [it["id"] for it in items], {"tune": 0.5, "test": 0.5}, "article-assistant-easc-v1"
        )
        SPLITS.write_text(json.dumps(splits, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        update_manifest()
    tune = [it for it in items if it["id"] in set(splits["easc"]["tune"])]
    test = [it for it in items if it["id"] in set(splits["easc"]["test"])]
    candidates = {name: make(tune) for name, make in POLICIES.items()}
    # Which policy generalises is decided inside the tuning half: two folds, each tuned on one and
    # scored on the other (the held-out half plays no part in any choice).
    folds = [tune[r::2] for r in (0, 1)]
    inner = {}
    for name, make in POLICIES.items():
        scores = []
        for r in (0, 1):
            fitted = make(folds[r])
            scores.append(mean(run(folds[1 - r], fitted, baselines=False), None, "rougeL"))
        inner[name] = round(sum(scores) / 2, 4)
    print("inner cross-validation on the tuning half (ROUGE-L):", inner, flush=True)
    chosen = max(inner, key=inner.get)
    spec = candidates[chosen]
    for name, cand in candidates.items():
        rows = run(test, cand)
        print(
            f"held-out, policy {name}: ours {mean(rows, None, 'rougeL')} lead {mean(rows, 'lead', 'rougeL')} "
            f"textrank {mean(rows, 'textrank', 'rougeL')}",
            flush=True,
        )
    report = {}
    for name, part in (("tune", tune), ("test", test)):
        rows = run(part, spec)
        report[name] = {
            "articles": len(rows),
            "ours": {m: mean(rows, None, m) for m in ("rouge1", "rouge2", "rougeL")},
            "lead": {m: mean(rows, "lead", m) for m in ("rouge1", "rouge2", "rougeL")},
            "textrank": {m: mean(rows, "textrank", m) for m in ("rouge1", "rouge2", "rougeL")},
            "vs_lead": paired(rows, "lead"),
            "vs_textrank": paired(rows, "textrank"),
            "mean_sentences": round(sum(r["n"] for r in rows) / len(rows), 2),
        }
        print(name, json.dumps(report[name]), flush=True)
    spec["training"] = {
        "script": "eval/train_findings_selector.py",
        "data": "EASC-dev, 'tune' half of eval/splits.json",
        "policy": chosen,
        "inner_cv_rougeL": inner,
        "label": "in at least 2 of the 5 human summaries (>= 85% of its words)",
        "cap": CAP,
        "report": report,
        "date": time.strftime("%Y-%m-%d"),
        "seconds": round(time.perf_counter() - t0),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    update_manifest()
    print(f"wrote {OUT}; weights: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(FEATURES, spec["model"]["coef"])))


if __name__ == "__main__":
    main()
