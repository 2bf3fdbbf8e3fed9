"""Study: does moving an English question's vector help it find the Arabic paragraph? (2026-12-07: no)

    python -m eval.studies.english_shift            # ~30 s on 2 cores; XQuAD training articles only
    python -m eval.studies.english_shift --test 1.0 # the test articles, once, at a chosen shift (not run)

An English question and its Arabic twin land in different places of multilingual-e5-small's space; a common
remedy is to move the English query by the mean offset between the two languages (fitted on training
questions), or to rotate it (orthogonal Procrustes on the twin pairs). Every English question of XQuAD's
training articles is matched against all 240 Arabic paragraphs; the offset or the rotation is fitted on half
the training articles and judged on the other half, and the other way round (by article). Result: the
offset changes nothing (R@10 0.971 → 0.969–0.973, MRR 0.822 → 0.809–0.822 for shifts of 0.5–1.5) and the
rotation ruins it (R@10 0.722): 450 pairs cannot fit 384 × 384, and the two languages are already close
(Arabic twins R@10 0.982). Not tried held out, not shipped (`eval/results/english-shift.json`).
"""

from __future__ import annotations

import json
import sys

import numpy as np


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _metrics(q: np.ndarray, passages: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    s = q @ passages.T
    rank = (s > s[np.arange(len(gold)), gold][:, None]).sum(1)
    out = {f"R@{k}": float((rank < k).mean()) for k in (1, 5, 10)}
    return {k: round(v, 3) for k, v in (out | {"MRR": float((1 / (rank + 1)).mean())}).items()}


def _procrustes(e: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The rotation W with W @ e ≈ a."""
    u, _, vt = np.linalg.svd(a.T @ e)
    return u @ vt


def main(argv: list[str]) -> dict:
    from assistant.config import load_settings
    from assistant.evaluation.datasets import cross_lingual_companion, dataset_path, load_dataset
    from assistant.evaluation.splits import load_splits, part
    from assistant.models.loading import load_embedder

    emb = load_embedder(load_settings())
    ds = load_dataset("xquad-ar")
    twin = cross_lingual_companion(dataset_path("xquad-ar"))
    parts = load_splits()[ds.splits]
    pids = sorted(ds.corpus)
    passages = emb.embed_passages([ds.corpus[p][1] for p in pids])
    where = {p: i for i, p in enumerate(pids)}

    def questions(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        a, e = part(ds, parts[name]), part(twin, parts[name])
        qids = sorted(q for q in a.queries if q in e.queries)
        gold = [where[next(iter(a.qrels[q]))] for q in qids]
        return (
            emb.embed_queries([a.queries[q] for q in qids]),
            emb.embed_queries([e.queries[q] for q in qids]),
            np.array(gold),
            [ds.corpus[pids[g]][0] for g in gold],
        )

    a, e, gold, titles = questions("train")
    half = set(sorted(set(titles))[::2])
    m = np.array([t in half for t in titles])

    def both_halves(judge) -> dict[str, float]:  # noqa: ANN001
        res = [judge(fit, ev) for fit, ev in ((m, ~m), (~m, m))]
        return {k: round((res[0][k] * (~m).sum() + res[1][k] * m.sum()) / len(m), 3) for k in res[0]}

    out: dict[str, dict] = {}
    for alpha in (0.0, 0.5, 1.0, 1.5):
        out[f"train, by halves: shift {alpha}"] = both_halves(
            lambda fit, ev, al=alpha: _metrics(
                _unit(e[ev] + al * (a[fit].mean(0) - e[fit].mean(0))), passages, gold[ev]
            )
        )
    out["train, by halves: rotation"] = both_halves(
        lambda fit, ev: _metrics(_unit(e[ev] @ _procrustes(e[fit], a[fit]).T), passages, gold[ev])
    )
    out["train: the Arabic twins (ceiling)"] = _metrics(a, passages, gold)
    if "--test" in argv:
        alpha = float(argv[argv.index("--test") + 1])
        at, et, gt, _ = questions("test")
        out["test: English"] = _metrics(et, passages, gt)
        out[f"test: shift {alpha}"] = _metrics(_unit(et + alpha * (a.mean(0) - e.mean(0))), passages, gt)
        out["test: the Arabic twins"] = _metrics(at, passages, gt)
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), indent=1))
