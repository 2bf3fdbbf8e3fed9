"""Tune hybrid fusion per embedder on training queries; report every retriever on the held-out queries.

    python eval/tune_fusion.py                                  # the configured embedder (e5 by default)
    ASSISTANT_EMBEDDER=embeddinggemma-300m python eval/tune_fusion.py

Each dataset's whole corpus is indexed (as `assistant eval retrieval` does); the queries of its training
articles (eval/splits.json: XQuAD "train", ARCD "train") choose the RRF constant and BM25's weight
factor per query kind (Arabic short, Arabic long, other scripts); the held-out queries (XQuAD "test"
and "offtopic" articles, ARCD "test"; and the English XQuAD questions over the Arabic paragraphs)
measure BM25, dense, the old fusion (coverage-weighted RRF, k = 60) and the tuned one, with paired
t-tests and Wilcoxon tests of hybrid against the better of its parts. Writes the embedder's entry in
assistant/data/fusion.json and eval/results/fusion-<embedder>.json.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from assistant.config import load_settings  # noqa: E402
from assistant.evaluation.datasets import load_dataset  # noqa: E402
from assistant.evaluation.retrieval import build_eval_index, score  # noqa: E402
from assistant.evaluation.splits import load_splits  # noqa: E402
from assistant.models.embedder import load_embedder  # noqa: E402
from assistant.retrieval import FUSION_FILE, Fusion, rrf_fuse  # noqa: E402

DEPTH = 100
KINDS = ("ar-short", "ar-long", "other")
FACTORS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
KS = (10, 20, 30, 45, 60, 100)


def rankings(ev, queries: dict[str, str], embedder) -> dict[str, dict]:  # noqa: ANN001
    qids = list(queries)
    vecs = embedder.embed_queries([queries[q] for q in qids])
    out = {}
    for qid, vec in zip(qids, vecs):
        tokens = ev.index.analyze(queries[qid])
        out[qid] = {"dense": [c for c, _ in ev.index.dense_search(vec, DEPTH)],
                    "bm25": [c for c, _ in ev.index.bm25_search(tokens, DEPTH)],
                    "tokens": len(tokens), "coverage": ev.index.bm25_coverage(tokens)}
    return out


def run(ev, ranks: dict[str, dict], method: str, fusion: Fusion | None = None) -> dict[str, dict[str, float]]:  # noqa: ANN001
    run_: dict[str, dict[str, float]] = {}
    for qid, r in ranks.items():
        if method in ("dense", "bm25"):
            order = r[method]
        else:
            assert fusion is not None
            w = fusion.bm25_weight(["x"] * r["tokens"], r["coverage"])
            order = [c for c, _ in rrf_fuse([r["dense"], r["bm25"]], [1.0, w], fusion.k)]
        docs: dict[str, float] = {}
        for cid in order:
            d = ev.doc_of_chunk.get(cid)
            if d is not None and d not in docs:
                docs[d] = float(2 * DEPTH - len(docs))
        run_[qid] = docs
    return run_


def tune(sets: list[tuple], default: Fusion) -> Fusion:
    """The k and per-kind factors that maximise mean nDCG@10 over all training queries."""
    best: tuple[float, Fusion] | None = None
    for k in KS:
        factors: dict[str, float] = {}
        for kind in KINDS:
            scores = []
            for f in FACTORS:
                fusion = Fusion(k, {**{x: 1.0 for x in KINDS}, **factors, kind: f})
                total = n = 0.0
                for ev, ranks, qrels in sets:
                    sub = {q: r for q, r in ranks.items() if fusion.kind(["x"] * r["tokens"], r["coverage"]) == kind}
                    if sub:
                        agg, per = score({q: qrels[q] for q in sub}, run(ev, sub, "hybrid", fusion))
                        total += sum(per["ndcg@10"].values())
                        n += len(sub)
                scores.append((total / n if n else 0.0, f))
            factors[kind] = max(scores)[1] if any(n for n, _ in scores) else 1.0
        fusion = Fusion(k, factors)
        total = sum(sum(score(qrels, run(ev, ranks, "hybrid", fusion))[1]["ndcg@10"].values())
                    for ev, ranks, qrels in sets) / sum(len(r) for _, r, _ in sets)
        if best is None or total > best[0]:
            best = (total, fusion)
    assert best is not None
    return best[1]


def compare(ev, ranks, qrels, fusion: Fusion) -> dict:  # noqa: ANN001
    from scipy import stats

    res, per = {}, {}
    for name, method, fu in (("bm25", "bm25", None), ("dense", "dense", None),
                             ("hybrid (k=60, coverage)", "hybrid", Fusion()), ("hybrid (tuned)", "hybrid", fusion)):
        agg, pq = score(qrels, run(ev, ranks, method, fu))
        res[name] = {m: round(agg[m], 4) for m in ("ndcg@10", "recall@5", "mrr@10")}
        per[name] = pq["ndcg@10"]
    better = max(("bm25", "dense"), key=lambda n: res[n]["ndcg@10"])
    qids = sorted(per[better])
    x = np.array([per["hybrid (tuned)"][q] for q in qids])
    y = np.array([per[better][q] for q in qids])
    diff = x - y
    res["hybrid (tuned) vs " + better] = {
        "mean_difference": round(float(diff.mean()), 4), "queries": len(qids),
        "t_test_p": float(stats.ttest_rel(x, y).pvalue) if diff.any() else 1.0,
        "wilcoxon_p": float(stats.wilcoxon(x, y).pvalue) if np.count_nonzero(diff) >= 10 else 1.0}
    return res


def main() -> None:
    t0 = time.perf_counter()
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    splits = load_splits()
    tmp = Path(tempfile.mkdtemp(prefix="tune-fusion-"))
    train_sets, held_out = [], {}
    for name, key, twin in (("xquad-ar", "xquad", "xquad-en"), ("arcd", "arcd", None)):
        ds = load_dataset(HERE / name)
        t = time.perf_counter()
        ev = build_eval_index(ds, embedder, settings, tmp / name)
        index_s = time.perf_counter() - t
        title_of = {pid: title for pid, (title, _) in ds.corpus.items()}
        part_of = {t: part for part, titles in splits[key].items() for t in titles}
        parts: dict[str, dict[str, str]] = {}
        for qid, q in ds.queries.items():
            parts.setdefault(part_of[title_of[next(iter(ds.qrels[qid]))]], {})[qid] = q
        ranks = rankings(ev, ds.queries, embedder)
        train_q = parts["train"]
        train_sets.append((ev, {q: ranks[q] for q in train_q}, {q: ds.qrels[q] for q in train_q}))
        test_q = [q for p, qs in parts.items() if p != "train" for q in qs]
        held_out[name] = (ev, {q: ranks[q] for q in test_q}, {q: ds.qrels[q] for q in test_q}, index_s)
        if twin:
            tw = load_dataset(HERE / twin)
            cross = {q: tw.queries[q] for q in test_q if q in tw.queries}
            cranks = rankings(ev, cross, embedder)
            held_out[f"{name} ← {twin} (cross-lingual)"] = (ev, cranks, {q: ds.qrels[q] for q in cross}, index_s)
            tq = {q: tw.queries[q] for q in train_q if q in tw.queries}
            train_sets.append((ev, rankings(ev, tq, embedder), {q: ds.qrels[q] for q in tq}))
    fusion = tune(train_sets, Fusion())
    print("tuned:", fusion, flush=True)
    report = {"embedder": embedder.model_id, "tuned": {"k": fusion.k, "bm25_factor": fusion.bm25_factor},
              "train_queries": sum(len(r) for _, r, _ in train_sets), "sets": {}}
    for name, (ev, ranks, qrels, index_s) in held_out.items():
        report["sets"][name] = {"queries": len(ranks), "index_seconds": round(index_s, 1),
                                **compare(ev, ranks, qrels, fusion)}
        print(name, json.dumps(report["sets"][name], ensure_ascii=False), flush=True)
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8")) if FUSION_FILE.exists() else {"embedders": {}}
    spec["about"] = ("Hybrid fusion per embedder: RRF constant k and BM25's weight factor per query kind, tuned by "
                     "eval/tune_fusion.py on the training articles of XQuAD and ARCD (eval/splits.json).")
    spec["embedders"][embedder.model_id] = {"k": fusion.k, "bm25_factor": fusion.bm25_factor, "long_query": 6,
                                            "tuned": time.strftime("%Y-%m-%d")}
    FUSION_FILE.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out = HERE / "results" / f"fusion-{embedder.model_id.replace('/', '_')}.json"
    report["seconds"] = round(time.perf_counter() - t0)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"wrote {FUSION_FILE} and {out}")


if __name__ == "__main__":
    main()
