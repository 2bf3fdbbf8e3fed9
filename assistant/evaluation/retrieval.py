"""Run retrievers over a dataset and score them with ir_measures (no hand-written formulas)."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.evaluation.datasets import Dataset
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.pipeline import index_documents
from assistant.models.embedder import Embedder
from assistant.retrieval import Retriever, check_retriever
from assistant.store import Index, open_index
from assistant.text.arabic import arabic_ratio

MEASURES = ("nDCG@10", "R@1", "R@5", "R@10", "R@100", "RR@10", "AP")
KEYS = {
    "nDCG@10": "ndcg@10",
    "R@1": "recall@1",
    "R@5": "recall@5",
    "R@10": "recall@10",
    "R@100": "recall@100",
    "RR@10": "mrr@10",
    "AP": "map",
}
Run = dict[str, dict[str, float]]


@dataclass
class EvalIndex:
    index: Index
    retriever: Retriever
    doc_of_chunk: dict[int, str]


def eval_settings(settings: Settings) -> Settings:
    """Settings for a throw-away evaluation index: never the user's own Milvus collection."""
    if settings.vector_store != "milvus":
        return settings
    from assistant.store.milvus_store import is_local

    if settings.milvus_uri is None or is_local(settings.milvus_uri):
        return settings.model_copy(update={"milvus_uri": None})  # a Milvus Lite file in the eval folder
    import uuid

    return settings.model_copy(
        update={"milvus_collection": f"{settings.milvus_collection}_eval_{uuid.uuid4().hex[:8]}"}
    )


def discard(index: Index) -> None:
    """Close an evaluation index, dropping its collection if it lives on a Milvus server."""
    store = index.store
    if store.kind == "milvus":
        from assistant.store.milvus_store import is_local

        if not is_local(store.uri):  # type: ignore[attr-defined]
            store.client.drop_collection(store.collection)  # type: ignore[attr-defined]
    index.close()


def build_eval_index(
    ds: Dataset,
    embedder: Embedder,
    settings: Settings,
    folder: Path,
    progress: Callable[[int, int, str], None] | None = None,
) -> EvalIndex:
    index = open_index(eval_settings(settings), embedder.model_id, embedder.dim, data_dir=folder)
    docs = [
        (clean(Loaded(text=text, fmt="text", title=title or None, scraped=False), source=pid), pid)
        for pid, (title, text) in ds.corpus.items()
    ]
    index_documents(index, embedder, docs, settings.chunk_max_tokens, progress)
    doc_of_chunk = {cid: source for cid, source, _, _ in index.live_chunks()}
    return EvalIndex(index, Retriever(index, embedder, settings.rrf_k, settings.candidates), doc_of_chunk)


def run_retriever(
    ev: EvalIndex, queries: dict[str, str], retriever: str, depth: int = 100, qvecs: dict[str, np.ndarray] | None = None
) -> Run:
    """Document-level run: a document's rank is that of its best chunk."""
    run: Run = {}
    for qid, text in queries.items():
        ranked = ev.retriever.ranked(text, depth * 2, retriever, qvec=None if qvecs is None else qvecs[qid])
        docs: dict[str, float] = {}
        for cid, _ in ranked:
            did = ev.doc_of_chunk.get(cid)
            if did is not None and did not in docs:
                docs[did] = float(depth * 2 - len(docs))  # strictly decreasing: ties cannot reorder
            if len(docs) == depth:
                break
        run[qid] = docs
    return run


def score(qrels: dict[str, dict[str, int]], run: Run) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Aggregate metrics and per-query values, from ir_measures."""
    import ir_measures

    measures = [ir_measures.parse_measure(m) for m in MEASURES]
    full_run = {q: run.get(q, {}) for q in qrels}
    agg = ir_measures.calc_aggregate(measures, qrels, full_run)
    per_query: dict[str, dict[str, float]] = {}
    for m in ir_measures.iter_calc(measures, qrels, full_run):
        per_query.setdefault(KEYS[str(m.measure)], {})[m.query_id] = float(m.value)
    return {KEYS[str(m)]: float(v) for m, v in agg.items()}, per_query


def significance(per_query: dict[str, dict[str, dict[str, float]]], metric: str = "ndcg@10") -> dict[str, dict]:
    """Paired two-sided tests between every pair of retrievers on one metric."""
    from scipy import stats

    names = list(per_query)
    out: dict[str, dict] = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            qids = sorted(set(per_query[a][metric]) & set(per_query[b][metric]))
            x = np.array([per_query[a][metric][q] for q in qids])
            y = np.array([per_query[b][metric][q] for q in qids])
            diff = x - y
            t = stats.ttest_rel(x, y) if diff.any() else None
            w = stats.wilcoxon(x, y) if np.count_nonzero(diff) >= 10 else None
            out[f"{a} vs {b}"] = {
                "metric": metric,
                "mean_difference": float(diff.mean()),
                "queries": len(qids),
                "t_test_p": float(t.pvalue) if t is not None else 1.0,
                "wilcoxon_p": float(w.pvalue) if w is not None else 1.0,
            }
    return out


def write_trec_run(run: Run, path: Path, tag: str) -> None:
    with path.open("w") as fh:
        for qid, docs in run.items():
            for rank, (did, sc) in enumerate(sorted(docs.items(), key=lambda kv: -kv[1]), 1):
                fh.write(f"{qid} Q0 {did} {rank} {sc:.4f} {tag}\n")


def evaluate_own_index(
    ds: Dataset,
    index: Index,
    embedder: Embedder,
    settings: Settings,
    retrievers: Sequence[str] = ("bm25", "dense", "hybrid"),
    out_dir: Path | None = None,
) -> dict:
    """A synthetic set over the user's own index: chunks are the units, nothing is re-indexed."""
    retrievers = [check_retriever(r) for r in retrievers]
    ev = EvalIndex(index, Retriever(index, embedder, settings.rrf_k, settings.candidates), _IdentityMap())
    qvecs = _embed_queries(embedder, ds.queries)
    result: dict = {
        "dataset": ds.name,
        "queries": len(ds.queries),
        "documents": len(ds.corpus),
        "embedder": embedder.model_id,
        "synthetic": ds.synthetic,
        "retrievers": {},
        "slices": {},
        "timing": {},
    }
    runs: dict[str, Run] = {}
    per_query: dict[str, dict[str, dict[str, float]]] = {}
    for r in retrievers:
        runs[r] = run_retriever(ev, ds.queries, r, qvecs=qvecs)
        result["retrievers"][r], per_query[r] = score(ds.qrels, runs[r])
    result["significance"] = significance(per_query) if len(retrievers) > 1 else {}
    if out_dir is not None:
        write_outputs(result, runs, Path(out_dir))
    return result


class _IdentityMap(dict):
    """chunk id → its own id as the 'document' (own-archive sets judge chunks)."""

    def get(self, key, default=None):  # noqa: ANN001, ANN201
        return str(key)


def evaluate_retrieval(
    ds: Dataset,
    embedder: Embedder,
    settings: Settings,
    retrievers: Sequence[str] = ("bm25", "dense", "hybrid"),
    cross: Dataset | None = None,
    out_dir: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict:
    retrievers = [check_retriever(r) for r in retrievers]
    result: dict = {
        "dataset": ds.name,
        "queries": len(ds.queries),
        "documents": len(ds.corpus),
        "embedder": embedder.model_id,
        "synthetic": ds.synthetic,
        "retrievers": {},
        "slices": {},
        "timing": {},
    }
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as tmp:
        t0 = time.perf_counter()
        ev = build_eval_index(ds, embedder, settings, Path(tmp) / "index", progress)
        result["timing"]["index_seconds"] = round(time.perf_counter() - t0, 2)
        qvecs = _embed_queries(embedder, ds.queries)
        runs: dict[str, Run] = {}
        per_query: dict[str, dict[str, dict[str, float]]] = {}
        for r in retrievers:
            t0 = time.perf_counter()
            runs[r] = run_retriever(ev, ds.queries, r, qvecs=qvecs)
            result["timing"][f"{r}_ms_per_query"] = round(1000 * (time.perf_counter() - t0) / len(ds.queries), 2)
            result["retrievers"][r], per_query[r] = score(ds.qrels, runs[r])
        result["significance"] = significance(per_query) if len(retrievers) > 1 else {}
        arabic_q = {q: t for q, t in ds.queries.items() if arabic_ratio(t) >= 0.5}
        if arabic_q and len(arabic_q) < len(ds.queries):
            result["slices"]["arabic_queries"] = {
                r: score({q: ds.qrels[q] for q in arabic_q}, runs[r])[0] for r in retrievers
            }
        if cross is not None:
            cq = {q: t for q, t in cross.queries.items() if q in ds.qrels}
            cvecs = _embed_queries(embedder, cq)
            result["slices"]["cross_lingual"] = {
                "queries_from": cross.name,
                "queries": len(cq),
                **{
                    r: score({q: ds.qrels[q] for q in cq}, run_retriever(ev, cq, r, qvecs=cvecs))[0] for r in retrievers
                },
            }
        discard(ev.index)
    if out_dir is not None:
        write_outputs(result, runs, Path(out_dir))
    return result


def _embed_queries(embedder: Embedder, queries: dict[str, str]) -> dict[str, np.ndarray]:
    qids = list(queries)
    vecs = embedder.embed_queries([queries[q] for q in qids])
    return dict(zip(qids, vecs))


def write_outputs(result: dict, runs: dict[str, Run], out: Path) -> None:
    from assistant.evaluation.report import bar_chart, markdown_report

    out.mkdir(parents=True, exist_ok=True)
    for name, run in runs.items():
        write_trec_run(run, out / f"run.{name}.trec", name)
    (out / "metrics.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (out / "report.md").write_text(markdown_report(result), encoding="utf-8")
    bar_chart(result, out / "metrics.png")
