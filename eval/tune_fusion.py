"""Tune hybrid fusion per embedder on training queries; report every retriever on the held-out queries.

    python -m eval.tune_fusion                                  # the configured embedder (e5 by default)
    ASSISTANT_EMBEDDER=embeddinggemma-300m python -m eval.tune_fusion
    python -m eval.tune_fusion --cache /tmp/ranks.pkl           # keep the rankings: re-tune without re-embedding

Each dataset's whole corpus is indexed (as `assistant eval retrieval` does); the queries of its training
articles (eval/splits.json: XQuAD "train", ARCD "train") choose the RRF constant and BM25's weight
factor for Arabic questions (short, long) so that the worst of the two training sets gains the most
over the better of its own parts (``--objective worst``: fusion must never lose to its parts;
``mean`` maximises pooled nDCG@10 instead, as the first tuning did). Questions mostly in words the
archive does not know (English over Arabic articles) get no BM25 at all: fixed, not tuned. The
held-out queries (XQuAD "test"
and "offtopic" articles, ARCD "test"; and the English XQuAD questions over the Arabic paragraphs)
measure BM25, dense, the old fusion (coverage-weighted RRF, k = 60) and the tuned one, with paired
t-tests and Wilcoxon tests of hybrid against the better of its parts. Writes the embedder's entry in
assistant/data/fusion.json and eval/results/fusion-<embedder>.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.retrieval import build_eval_index, score
from assistant.evaluation.splits import load_splits
from assistant.models.loading import load_embedder
from assistant.resources import update_manifest
from assistant.retrieval import FUSION_FILE, SCORE_DEPTH, Fusion, rrf_fuse, score_fuse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

DEPTH = SCORE_DEPTH  # the depth Retriever uses for score fusion
KINDS = ("ar-short", "ar-long")  # tuned; "other" is fixed:
FIXED = {"other": 0.0}  # questions mostly in words the archive lacks (English over Arabic): BM25 off
FACTORS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
KS = (10, 20, 30, 45, 60, 100)


ABOUT = (
    "Hybrid fusion per embedder: RRF constant k and BM25's weight factor per query kind, tuned by "
    "eval/tune_fusion.py on the training articles of XQuAD and ARCD (eval/splits.json); method "
    "'scores' (a combination of normalised scores, BM25's share per kind) where eval/studies/fusion_cc.py "
    "--write found it better on the same training articles; 'names': in search (not the answer step), the lift "
    "of an English question's passage that names all its names and numbers (eval/studies/english_names.py)."
)


def names_kept(spec: dict, model_id: str) -> dict:
    """The embedder's entry's lift for English questions' names (eval/studies/english_names.py), kept on re-tuning."""
    return {k: v for k, v in spec["embedders"].get(model_id, {}).items() if k.startswith("names")}


def rankings(ev, queries: dict[str, str], embedder) -> dict[str, dict]:  # noqa: ANN001
    """Each query's dense and BM25 rankings (chunk ids, best first) with their scores, its analysed
    length and coverage."""
    qids = list(queries)
    vecs = embedder.embed_queries([queries[q] for q in qids])
    out = {}
    for qid, vec in zip(qids, vecs):
        tokens = ev.index.analyze(queries[qid])
        dense, bm25 = ev.index.dense_search(vec, DEPTH), ev.index.bm25_search(tokens, DEPTH)
        out[qid] = {
            "dense": [c for c, _ in dense],
            "bm25": [c for c, _ in bm25],
            "dense_scores": [float(s) for _, s in dense],
            "bm25_scores": [float(s) for _, s in bm25],
            "tokens": len(tokens),
            "coverage": ev.index.bm25_coverage(tokens),
        }
    return out


def run(
    doc_of: dict[int, str], ranks: dict[str, dict], method: str, fusion: Fusion | None = None
) -> dict[str, dict[str, float]]:
    run_: dict[str, dict[str, float]] = {}
    for qid, r in ranks.items():
        if method in ("dense", "bm25"):
            order = r[method]
        else:
            assert fusion is not None
            w = fusion.bm25_weight(["x"] * r["tokens"], r["coverage"])
            if fusion.method == "scores":  # needs a cache with the scores (written since they are kept)
                order = [
                    c
                    for c, _ in score_fuse(
                        list(zip(r["dense"], r["dense_scores"])), list(zip(r["bm25"], r["bm25_scores"])), w
                    )
                ]
            else:
                order = [c for c, _ in rrf_fuse([r["dense"], r["bm25"]], [1.0, w], fusion.k)]
        docs: dict[str, float] = {}
        for cid in order:
            d = doc_of.get(cid)
            if d is not None and d not in docs:
                docs[d] = float(2 * DEPTH - len(docs))
        run_[qid] = docs
    return run_


def mean_ndcg(
    doc_of: dict[int, str], ranks: dict[str, dict], qrels: dict, method: str, fusion: Fusion | None = None
) -> float:
    per = score(qrels, run(doc_of, ranks, method, fusion))[1]["ndcg@10"]
    return sum(per.values()) / max(len(per), 1)


def objective(sets: list[tuple], fusion: Fusion, parts: list[float], how: str) -> tuple[float, float]:
    """(primary, tie-break): the smallest gain over the better part across sets, then the pooled mean
    (``worst``); or the pooled mean alone (``mean``)."""
    means = [mean_ndcg(doc_of, ranks, qrels, "hybrid", fusion) for _, doc_of, ranks, qrels in sets]
    pooled = sum(m * len(r) for m, (_, _, r, _) in zip(means, sets)) / sum(len(r) for _, _, r, _ in sets)
    if how == "mean":
        return pooled, 0.0
    return min(m - p for m, p in zip(means, parts)), pooled


def better_parts(sets: list[tuple]) -> list[float]:
    """Each training set's mean nDCG@10 of the better of BM25 and dense: what fusion must beat."""
    return [max(mean_ndcg(d, r, q, "bm25"), mean_ndcg(d, r, q, "dense")) for _, d, r, q in sets]


def tune(sets: list[tuple], how: str = "worst") -> Fusion:
    """The k and Arabic factors that maximise the objective over the training sets [(name, doc_of,
    ranks, qrels)] of Arabic questions: coordinate ascent over the kinds (two passes) for each k."""
    parts = better_parts(sets)
    best: tuple[tuple[float, float], Fusion] | None = None
    for k in KS:
        factors = {**{kind: 1.0 for kind in KINDS}, **FIXED}
        for _ in range(2):
            for kind in KINDS:
                scored = [(objective(sets, Fusion(k, {**factors, kind: f}), parts, how), f) for f in FACTORS]
                factors[kind] = max(scored, key=lambda sf: (sf[0], -abs(sf[1] - 1.0)))[1]
        fusion = Fusion(k, dict(factors))
        obj = objective(sets, fusion, parts, how)
        if best is None or obj > best[0]:
            best = (obj, fusion)
    assert best is not None
    print(f"training objective ({how}): {best[0][0]:+.4f} (tie-break {best[0][1]:.4f})", flush=True)
    return best[1]


def compare(doc_of: dict[int, str], ranks: dict[str, dict], qrels: dict, fusion: Fusion) -> dict:
    from scipy import stats

    res, per = {}, {}
    for name, method, fu in (
        ("bm25", "bm25", None),
        ("dense", "dense", None),
        ("hybrid (k=60, coverage)", "hybrid", Fusion()),
        ("hybrid (tuned)", "hybrid", fusion),
    ):
        agg, pq = score(qrels, run(doc_of, ranks, method, fu))
        res[name] = {m: round(agg[m], 4) for m in ("ndcg@10", "recall@5", "mrr@10")}
        per[name] = pq["ndcg@10"]
    better = max(("bm25", "dense"), key=lambda n: res[n]["ndcg@10"])
    qids = sorted(per[better])
    x = np.array([per["hybrid (tuned)"][q] for q in qids])
    y = np.array([per[better][q] for q in qids])
    diff = x - y
    res["hybrid (tuned) vs " + better] = {
        "mean_difference": round(float(diff.mean()), 4),
        "queries": len(qids),
        "t_test_p": float(stats.ttest_rel(x, y).pvalue) if diff.any() else 1.0,
        "wilcoxon_p": float(stats.wilcoxon(x, y).pvalue) if np.count_nonzero(diff) >= 10 else 1.0,
    }
    return res


def collect(settings, embedder) -> tuple[list[tuple], dict[str, tuple]]:  # noqa: ANN001
    """Index each dataset and rank its questions: training sets [(name, doc_of, ranks, qrels)] of
    Arabic questions and held-out sets {name: (doc_of, ranks, qrels, index seconds)}."""
    splits = load_splits()
    tmp = Path(tempfile.mkdtemp(prefix="tune-fusion-"))
    train_sets, held_out = [], {}
    for name, key, twin in (("xquad-ar", "xquad", "xquad-en"), ("arcd", "arcd", None)):
        ds = load_dataset(bundled(name))
        t = time.perf_counter()
        ev = build_eval_index(ds, embedder, settings, tmp / name)
        index_s = time.perf_counter() - t
        doc_of = ev.doc_of_chunk
        title_of = {pid: title for pid, (title, _) in ds.corpus.items()}
        part_of = {t: part for part, titles in splits[key].items() for t in titles}
        parts: dict[str, dict[str, str]] = {}
        for qid, q in ds.queries.items():
            parts.setdefault(part_of[title_of[next(iter(ds.qrels[qid]))]], {})[qid] = q
        ranks = rankings(ev, ds.queries, embedder)
        train_q = parts["train"]
        train_sets.append((name, doc_of, {q: ranks[q] for q in train_q}, {q: ds.qrels[q] for q in train_q}))
        test_q = [q for p, qs in parts.items() if p != "train" for q in qs]
        held_out[name] = (doc_of, {q: ranks[q] for q in test_q}, {q: ds.qrels[q] for q in test_q}, index_s)
        if twin:
            tw = load_dataset(bundled(twin))
            cross = {q: tw.queries[q] for q in test_q if q in tw.queries}
            cranks = rankings(ev, cross, embedder)
            held_out[f"{name} ← {twin} (cross-lingual)"] = (doc_of, cranks, {q: ds.qrels[q] for q in cross}, index_s)
    return train_sets, held_out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objective", choices=("worst", "mean"), default="worst")
    ap.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="a file for the rankings: written on the first run, read (no embedding) on later ones",
    )
    ap.add_argument("--dry-run", action="store_true", help="report, but do not write fusion.json or the results")
    args = ap.parse_args()
    t0 = time.perf_counter()
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    if args.cache is not None and args.cache.exists():
        model_id, train_sets, held_out = pickle.loads(args.cache.read_bytes())
        if model_id != embedder.model_id:
            sys.exit(f"{args.cache} holds rankings of {model_id}, not of {embedder.model_id}: pass another --cache")
    else:
        train_sets, held_out = collect(settings, embedder)
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((embedder.model_id, train_sets, held_out)))
    fusion = tune(train_sets, args.objective)
    print("tuned:", fusion, flush=True)
    report = {
        "embedder": embedder.model_id,
        "objective": args.objective,
        "tuned": {"k": fusion.k, "bm25_factor": fusion.bm25_factor},
        "train_queries": {name: len(r) for name, _, r, _ in train_sets},
        "sets": {},
    }
    for name, (doc_of, ranks, qrels, index_s) in held_out.items():
        report["sets"][name] = {
            "queries": len(ranks),
            "index_seconds": round(index_s, 1),
            **compare(doc_of, ranks, qrels, fusion),
        }
        print(name, json.dumps(report["sets"][name], ensure_ascii=False), flush=True)
    if args.dry_run:
        return
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8")) if FUSION_FILE.exists() else {"embedders": {}}
    spec["about"] = ABOUT
    spec["embedders"][embedder.model_id] = {
        **names_kept(spec, embedder.model_id),
        "k": fusion.k,
        "bm25_factor": fusion.bm25_factor,
        "long_query": 6,
        "objective": args.objective,
        "tuned": time.strftime("%Y-%m-%d"),
    }
    FUSION_FILE.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out = HERE / "results" / f"fusion-{embedder.model_id.replace('/', '_')}.json"
    report["seconds"] = round(time.perf_counter() - t0)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    update_manifest()  # the package lists every data file with its checksum
    print(f"wrote {FUSION_FILE} and {out}")


if __name__ == "__main__":
    main()
