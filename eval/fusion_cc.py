"""An alternative to RRF, tried on the training sets first: a convex combination of min-max
normalised dense and BM25 scores (BM25's share per Arabic query kind, none for questions mostly in
words the archive lacks), chosen by the same worst-set objective as eval/tune_fusion.py.

    ASSISTANT_EMBEDDER=embeddinggemma-300m python eval/tune_fusion.py --cache /tmp/ranks-gemma.pkl --dry-run
    python eval/fusion_cc.py /tmp/ranks-gemma.pkl            # report only
    python eval/fusion_cc.py /tmp/ranks-gemma.pkl --write    # ship it if the training sets prefer it

Needs a cache written by today's tune_fusion.py (it keeps the scores). Prints the training objective
of the shipped RRF and of the best combination, then both on the held-out sets against the better of
their parts. With --write, the embedder's entry in assistant/data/fusion.json becomes the
combination (method "scores") only if its training objective beats the shipped RRF's; the held-out
figures go to eval/results/fusion-<embedder>-scores.json either way.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from tune_fusion import run, score  # noqa: E402

from assistant.retrieval import FUSION_FILE, Fusion  # noqa: E402

SHARES = tuple(round(0.1 * i, 1) for i in range(10))


def cc_run(doc_of: dict[int, str], ranks: dict[str, dict], shares: dict[str, float]) -> dict[str, dict[str, float]]:
    return run(doc_of, ranks, "hybrid", Fusion(bm25_factor={**shares, "other": 0.0}, method="scores"))


def per_query(qrels: dict, run_: dict) -> dict[str, float]:
    return score(qrels, run_)[1]["ndcg@10"]


def mean(x: dict[str, float]) -> float:
    return sum(x.values()) / max(len(x), 1)


_PARTS: dict[str, float] = {}


def worst_gain(sets: list[tuple], make_run) -> tuple[float, float]:  # noqa: ANN001
    """(the smallest gain over the better part across sets, the pooled mean): what tune_fusion maximises."""
    gains, total, n = [], 0.0, 0
    for name, doc_of, ranks, qrels in sets:
        if name not in _PARTS:
            _PARTS[name] = max(mean(per_query(qrels, run(doc_of, ranks, m))) for m in ("dense", "bm25"))
        parts = _PARTS[name]
        h = per_query(qrels, make_run(doc_of, ranks))
        gains.append(mean(h) - parts)
        total += sum(h.values())
        n += len(h)
    return min(gains), total / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cache", type=Path)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    model_id, train_sets, held_out = pickle.loads(args.cache.read_bytes())
    if "dense_scores" not in next(iter(train_sets[0][2].values())):
        sys.exit(f"{args.cache} has no scores: write it again with today's eval/tune_fusion.py --cache")
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    entry = spec["embedders"].get(model_id, {})
    if entry.get("method", "rrf") != "rrf":
        entry = entry.get("rrf", {})  # compare against the RRF that was replaced
    rrf = Fusion(int(entry.get("k", 60)), dict(entry.get("bm25_factor", {})), int(entry.get("long_query", 6)))
    rrf_obj = worst_gain(train_sets, lambda d, r: run(d, r, "hybrid", rrf))
    shares = {"ar-short": 0.5, "ar-long": 0.5}
    for _ in range(2):
        for kind in ("ar-short", "ar-long"):
            scored = [(worst_gain(train_sets, lambda d, r, s={**shares, kind: b}: cc_run(d, r, s)), b) for b in SHARES]
            shares[kind] = max(scored)[1]
    cc_obj = worst_gain(train_sets, lambda d, r: cc_run(d, r, shares))
    print(f"{model_id}: training worst-set gain over the better part: RRF {rrf}: {rrf_obj[0]:+.4f}; "
          f"score combination {shares}: {cc_obj[0]:+.4f}")
    report: dict = {"embedder": model_id, "rrf": {"k": rrf.k, "bm25_factor": rrf.bm25_factor, "training": rrf_obj[0]},
                    "scores": {"bm25_share": shares, "training": cc_obj[0]}, "sets": {}}
    for name, (doc_of, ranks, qrels, _) in held_out.items():
        parts = {m: per_query(qrels, run(doc_of, ranks, m)) for m in ("dense", "bm25")}
        better = max(parts, key=lambda m: mean(parts[m]))
        line = [f"{name}: dense {mean(parts['dense']):.3f}, BM25 {mean(parts['bm25']):.3f}"]
        for label, per in (("RRF", per_query(qrels, run(doc_of, ranks, "hybrid", rrf))),
                           ("combination", per_query(qrels, cc_run(doc_of, ranks, shares)))):
            q = sorted(per)
            x, y = np.array([per[k] for k in q]), np.array([parts[better][k] for k in q])
            p = stats.ttest_rel(x, y).pvalue if (x - y).any() else 1.0
            line.append(f"{label} {x.mean():.3f} ({x.mean() - y.mean():+.3f} vs {better}, p = {p:.2g})")
            runs = {"RRF": lambda: run(doc_of, ranks, "hybrid", rrf), "combination": lambda: cc_run(doc_of, ranks, shares)}
            agg = score(qrels, runs[label]())[0]
            report["sets"].setdefault(name, {"dense": mean(parts["dense"]), "bm25": mean(parts["bm25"])})[label] = {
                "ndcg@10": float(x.mean()), "recall@5": float(agg["recall@5"]), "mrr@10": float(agg["mrr@10"]),
                "vs": better, "difference": float(x.mean() - y.mean()), "t_test_p": float(p)}
        print("; ".join(line))
    out = HERE / "results" / f"fusion-{model_id.replace('/', '_')}-scores.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    if args.write and cc_obj > rrf_obj:
        spec["embedders"][model_id] = {
            "method": "scores", "k": rrf.k, "bm25_factor": {**shares, "other": 0.0}, "long_query": 6,
            "objective": "worst", "tuned": time.strftime("%Y-%m-%d"),
            "rrf": {"k": rrf.k, "bm25_factor": rrf.bm25_factor, "long_query": 6}}
        FUSION_FILE.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {FUSION_FILE}: {model_id} fuses scores")
    elif args.write:
        print(f"kept RRF for {model_id}: the combination does not beat it on the training sets")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
