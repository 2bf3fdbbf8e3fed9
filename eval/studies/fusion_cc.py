"""An alternative to RRF, tried on the training sets first: a convex combination of min-max
normalised dense and BM25 scores (BM25's share per Arabic query kind, none for questions mostly in
words the archive lacks), chosen by the same worst-set objective as eval/tune_fusion.py.

    ASSISTANT_EMBEDDER=embeddinggemma-300m python -m eval.tune_fusion --cache /tmp/ranks-gemma.pkl --dry-run
    python -m eval.studies.fusion_cc /tmp/ranks-gemma.pkl            # report only
    python -m eval.studies.fusion_cc /tmp/ranks-gemma.pkl --write    # ship it if the training sets prefer it

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

from assistant.resources import update_manifest
from assistant.retrieval import FUSION_FILE, Fusion
from eval.tune_fusion import KINDS, better_parts, compare, names_kept, objective

HERE = Path(__file__).resolve().parent.parent  # eval/

SHARES = tuple(round(0.1 * i, 1) for i in range(10))


def combination(shares: dict[str, float]) -> Fusion:
    return Fusion(bm25_factor={**shares, "other": 0.0}, method="scores")


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
    parts = better_parts(train_sets)
    rrf_obj = objective(train_sets, rrf, parts, "worst")
    shares = {kind: 0.5 for kind in KINDS}
    for _ in range(2):
        for kind in KINDS:
            scored = [(objective(train_sets, combination({**shares, kind: b}), parts, "worst"), b) for b in SHARES]
            shares[kind] = max(scored)[1]
    cc_obj = objective(train_sets, combination(shares), parts, "worst")
    print(
        f"{model_id}: training worst-set gain over the better part: RRF {rrf}: {rrf_obj[0]:+.4f}; "
        f"score combination {shares}: {cc_obj[0]:+.4f}"
    )
    report: dict = {
        "embedder": model_id,
        "rrf": {"k": rrf.k, "bm25_factor": rrf.bm25_factor, "training": rrf_obj[0]},
        "scores": {"bm25_share": shares, "training": cc_obj[0]},
        "sets": {},
    }
    for name, (doc_of, ranks, qrels, _) in held_out.items():
        res = {
            label: compare(doc_of, ranks, qrels, fusion)
            for label, fusion in (("RRF", rrf), ("combination", combination(shares)))
        }
        line = [f"{name}: dense {res['RRF']['dense']['ndcg@10']:.3f}, BM25 {res['RRF']['bm25']['ndcg@10']:.3f}"]
        for label, r in res.items():
            vs = next(k for k in r if k.startswith("hybrid (tuned) vs "))
            d = r[vs]
            line.append(
                f"{label} {r['hybrid (tuned)']['ndcg@10']:.3f} ({d['mean_difference']:+.3f} vs "
                f"{vs.split()[-1]}, p = {d['t_test_p']:.2g})"
            )
        print("; ".join(line))
        report["sets"][name] = res
    out = HERE / "results" / f"fusion-{model_id.replace('/', '_')}-scores.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    if args.write and cc_obj > rrf_obj:
        spec["embedders"][model_id] = {
            **names_kept(spec, model_id),
            "method": "scores",
            "k": rrf.k,
            "bm25_factor": {**shares, "other": 0.0},
            "long_query": 6,
            "objective": "worst",
            "tuned": time.strftime("%Y-%m-%d"),
            "rrf": {"k": rrf.k, "bm25_factor": rrf.bm25_factor, "long_query": 6},
        }
        FUSION_FILE.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        update_manifest()  # the package lists every data file with its checksum
        print(f"wrote {FUSION_FILE}: {model_id} fuses scores")
    elif args.write:
        print(f"kept RRF for {model_id}: the combination does not beat it on the training sets")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
