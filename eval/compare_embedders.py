"""Two embedders on the same held-out questions, paired: dense and tuned hybrid, nDCG@10 and R@5.

    python -m eval.tune_fusion --cache /tmp/ranks-e5.pkl
    ASSISTANT_EMBEDDER=embeddinggemma-300m python -m eval.tune_fusion --cache /tmp/ranks-gemma.pkl
    python -m eval.compare_embedders /tmp/ranks-e5.pkl /tmp/ranks-gemma.pkl

Reads the rankings `eval/tune_fusion.py --cache` kept (no embedding here), fuses them with each
embedder's shipped fusion (assistant/data/fusion.json) and prints, per held-out set, the second
embedder minus the first with a paired t-test over the questions.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np
from scipy import stats

from assistant.retrieval import fusion_for
from eval.tune_fusion import run, score

HERE = Path(__file__).resolve().parent


def per_question(cache: Path) -> tuple[str, dict]:
    model_id, _, held_out = pickle.loads(cache.read_bytes())
    fusion = fusion_for(model_id)
    out = {}
    for name, (doc_of, ranks, qrels, _) in held_out.items():
        for method in ("dense", "hybrid"):
            out[name, method] = score(qrels, run(doc_of, ranks, method, fusion if method == "hybrid" else None))[1]
    return model_id, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    args = ap.parse_args()
    (a_id, a), (b_id, b) = per_question(args.first), per_question(args.second)
    print(f"{b_id} minus {a_id}")
    for (name, method), metrics in a.items():
        for metric in ("ndcg@10", "recall@5"):
            qids = sorted(metrics[metric])
            x = np.array([b[name, method][metric][q] for q in qids])
            y = np.array([metrics[metric][q] for q in qids])
            p = stats.ttest_rel(x, y).pvalue if (x - y).any() else 1.0
            print(
                f"{name:40} {method:6} {metric:9} {y.mean():.3f} → {x.mean():.3f} ({x.mean() - y.mean():+.3f}, "
                f"p = {p:.2g}, {len(qids)} questions)"
            )


if __name__ == "__main__":
    main()
