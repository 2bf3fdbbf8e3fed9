"""Side-by-side benchmark: our pipeline against the LlamaIndex pipeline a user would build instead.

    pip install -e ".[bench]"
    python -m eval.bench --corpus xquad-ar --rounds 3          # ~12 minutes on 2 cores
    python -m eval.bench --corpus ant-200 --rounds 1           # ingest speed on real news articles

Each measurement runs in a fresh process; the two pipelines alternate, round after round, on the
same corpus with the same embedding model and prompts (the configured one: multilingual-e5-small by
default, ASSISTANT_EMBEDDER=embeddinggemma-300m for the other). Prints medians and ratios and writes
eval/results/bench-<corpus>.json. LlamaIndex: VectorStoreIndex with its default SentenceSplitter,
FaissVectorStore(IndexFlatIP), HuggingFaceEmbedding of the same folder with the same prompts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data"
ANSWER_QUERIES = 50


def load_corpus(name: str) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, dict[str, int]]]:
    """{doc_id: (title, text)}, queries, qrels."""
    if name.startswith("ant-"):
        from assistant.ingest.loaders import load_file

        n = int(name.split("-")[1])
        files = sorted(p for p in (SHARED / "ant").rglob("*.txt") if not p.name.startswith("LICENSE"))[:n]
        corpus, seen = {}, set()
        for f in files:
            ld = load_file(f)
            key = " ".join(ld.text.split())
            if key in seen:  # the corpus holds a few exact repeats; both pipelines get each once
                continue
            seen.add(key)
            corpus[f.stem] = (ld.title or f.stem, ld.text)
        return corpus, {}, {}
    from assistant.evaluation.datasets import bundled, load_dataset

    ds = load_dataset(bundled(name))
    return ds.corpus, ds.queries, ds.qrels


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _percentiles(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    if not xs:
        return {"p50_ms": float("nan"), "p95_ms": float("nan")}
    return {
        "p50_ms": round(1000 * xs[len(xs) // 2], 2),
        "p95_ms": round(1000 * xs[min(len(xs) - 1, int(0.95 * len(xs)))], 2),
    }


def worker_ours(corpus_name: str) -> dict:
    t0 = time.perf_counter()
    from assistant.config import load_settings
    from assistant.core import Assistant
    from assistant.evaluation.retrieval import score
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.cleaning import clean
    from assistant.ingest.loaders.base import Loaded
    from assistant.models.loading import load_embedder
    from assistant.retrieval import Retriever
    from assistant.store import Index

    settings = load_settings(llm_backend="none")
    emb = load_embedder(settings)
    emb.embed_queries(["warm up"])
    out: dict = {"import_and_load_s": time.perf_counter() - t0, "stages": {}}
    corpus, queries, qrels = load_corpus(corpus_name)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ours-"))
    try:
        t = time.perf_counter()
        docs = [
            clean(Loaded(text=text, fmt="text", title=title, scraped=False), source=did)
            for did, (title, text) in corpus.items()
        ]
        unique = {d.doc_id: d for d in docs}  # texts equal after cleaning are one document, as in ingest
        out["duplicates_skipped"] = len(docs) - len(unique)
        docs = list(unique.values())
        out["stages"]["load_clean"] = time.perf_counter() - t
        t = time.perf_counter()
        chunks = [chunk_document(d, settings.chunk_max_tokens, emb.count_tokens) for d in docs]
        out["stages"]["chunk"] = time.perf_counter() - t
        t = time.perf_counter()
        flat = [c.text for cs in chunks for c in cs]
        vectors = emb.embed_passages(flat)
        out["stages"]["embed"] = time.perf_counter() - t
        index = Index.open(tmp / "index", emb.model_id, emb.dim, settings.chunk_max_tokens)
        t = time.perf_counter()
        tokens = [[index.analyze(c.text) for c in cs] for cs in chunks]
        out["stages"]["bm25_tokens"] = time.perf_counter() - t
        with index.writer() as w:
            t = time.perf_counter()
            pos = 0
            for d, cs, toks in zip(docs, chunks, tokens):
                w.add_document(d, cs, vectors[pos : pos + len(cs)], toks, d.source)
                pos += len(cs)
            out["stages"]["records"] = time.perf_counter() - t
            w.commit()
            out["stages"].update({f"commit_{k}": v for k, v in w.timings.items()})
        out["build_s"] = sum(out["stages"].values())
        out["chunks"] = len(flat)
        out["index_mb"] = _dir_mb(tmp / "index")
        if queries:
            r = Retriever(index, emb, settings.rrf_k, settings.candidates)
            doc_of = {cid: source for cid, source, _, _ in index.live_chunks()}
            lat, run = [], {}
            for qid, q in queries.items():
                t = time.perf_counter()
                ranked = r.ranked(q, 100, "hybrid")
                lat.append(time.perf_counter() - t)
                docs_ranked: dict[str, float] = {}
                for cid, _ in ranked:
                    did = doc_of[cid]
                    if did not in docs_ranked:
                        docs_ranked[did] = float(200 - len(docs_ranked))
                run[qid] = docs_ranked
            out["query"] = _percentiles(lat)
            out["quality"] = score(qrels, run)[0]
            a = Assistant(settings.model_copy(update={"data_dir": tmp / "index"}), embedder=emb)
            alat = []
            for q in list(queries.values())[:ANSWER_QUERIES]:
                t = time.perf_counter()
                a.ask(q, mode="extractive")
                alat.append(time.perf_counter() - t)
            out["answer"] = _percentiles(alat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def worker_llamaindex(corpus_name: str) -> dict:
    t0 = time.perf_counter()
    import faiss
    from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.faiss import FaissVectorStore

    from assistant.config import load_settings
    from assistant.evaluation.retrieval import score
    from assistant.models.loading import local_model

    # the same model and prompts as ours: whatever ASSISTANT_EMBEDDER names
    folder, _, query_prompt, passage_prompt = local_model(load_settings())
    Settings.embed_model = HuggingFaceEmbedding(
        model_name=str(folder), query_instruction=query_prompt, text_instruction=passage_prompt, device="cpu"
    )
    Settings.llm = None
    dim = len(Settings.embed_model.get_query_embedding("warm up"))
    out: dict = {"import_and_load_s": time.perf_counter() - t0, "stages": {}}
    corpus, queries, qrels = load_corpus(corpus_name)
    tmp = Path(tempfile.mkdtemp(prefix="bench-li-"))
    try:
        t = time.perf_counter()
        docs = [Document(text=text, metadata={"doc": did}, id_=did) for did, (_, text) in corpus.items()]
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim))
        index = VectorStoreIndex.from_documents(docs, storage_context=StorageContext.from_defaults(vector_store=store))
        out["build_s"] = time.perf_counter() - t
        out["stages"]["all (LlamaIndex does not split them)"] = out["build_s"]
        index.storage_context.persist(persist_dir=str(tmp / "persist"))
        out["index_mb"] = _dir_mb(tmp / "persist")
        out["chunks"] = len(index.docstore.docs)
        if queries:
            retriever = index.as_retriever(similarity_top_k=100)
            lat, run = [], {}
            for qid, q in queries.items():
                t = time.perf_counter()
                nodes = retriever.retrieve(q)
                lat.append(time.perf_counter() - t)
                docs_ranked: dict[str, float] = {}
                for nd in nodes:
                    did = nd.node.metadata["doc"]
                    if did not in docs_ranked:
                        docs_ranked[did] = float(200 - len(docs_ranked))
                run[qid] = docs_ranked
            out["query"] = _percentiles(lat)
            out["quality"] = score(qrels, run)[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def run(corpus: str, rounds: int) -> dict:
    results: dict[str, list[dict]] = {"ours": [], "llamaindex": []}
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "TOKENIZERS_PARALLELISM": "false"}
    for rnd in range(rounds):
        order = ["ours", "llamaindex"] if rnd % 2 == 0 else ["llamaindex", "ours"]
        for name in order:
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", name, "--corpus", corpus],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
            )
            if proc.returncode != 0:
                raise SystemExit(f"{name} worker failed:\n{proc.stderr[-3000:]}")
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            results[name].append(res)
            print(
                f"round {rnd + 1} {name}: build {res['build_s']:.1f} s, query p50 "
                f"{res.get('query', {}).get('p50_ms', float('nan'))} ms, nDCG@10 "
                f"{res.get('quality', {}).get('ndcg@10', float('nan')):.3f}, peak RSS {res['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    summary = summarize(results)
    embedder = os.environ.get("ASSISTANT_EMBEDDER", "multilingual-e5-small")
    suffix = "" if embedder == "multilingual-e5-small" else "-" + Path(embedder).name
    out = HERE / "results" / f"bench-{corpus}{suffix}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {"corpus": corpus, "rounds": rounds, "embedder": embedder, "summary": summary, "runs": results}, indent=2
        )
    )
    print(table(corpus, rounds, summary))
    return summary


def _med(runs: list[dict], *keys: str) -> float:
    vals = []
    for r in runs:
        v = r
        for k in keys:
            v = v.get(k, {}) if isinstance(v, dict) else {}
        if isinstance(v, (int, float)):
            vals.append(float(v))
    return statistics.median(vals) if vals else float("nan")


METRICS = [
    ("import + model load (s)", ("import_and_load_s",)),
    ("index build (s)", ("build_s",)),
    ("chunks", ("chunks",)),
    ("query p50, retrieval only (ms)", ("query", "p50_ms")),
    ("query p95, retrieval only (ms)", ("query", "p95_ms")),
    ("extractive answer p50 (ms)", ("answer", "p50_ms")),
    ("extractive answer p95 (ms)", ("answer", "p95_ms")),
    ("peak RSS (MB)", ("peak_rss_mb",)),
    ("index on disk (MB)", ("index_mb",)),
    ("nDCG@10", ("quality", "ndcg@10")),
    ("Recall@1", ("quality", "recall@1")),
    ("MRR@10", ("quality", "mrr@10")),
]


def summarize(results: dict[str, list[dict]]) -> dict:
    s: dict = {}
    for label, keys in METRICS:
        o, li = _med(results["ours"], *keys), _med(results["llamaindex"], *keys)
        s[label] = {"ours": o, "llamaindex": li, "ratio": (o / li) if li and li == li and o == o else float("nan")}
    stages: dict[str, float] = {}
    for st in results["ours"][0]["stages"]:
        stages[st] = statistics.median(r["stages"][st] for r in results["ours"])
    s["ours_stages_s"] = stages
    total = sum(stages.values())
    s["ours_overhead_beyond_embedding"] = (total - stages.get("embed", 0.0)) / total if total else float("nan")
    return s


def table(corpus: str, rounds: int, s: dict) -> str:
    lines = [
        f"### {corpus}: medians of {rounds} alternating rounds",
        "",
        "| | ours | LlamaIndex | ours / LlamaIndex |",
        "|---|---|---|---|",
    ]
    for label, _ in METRICS:
        v = s[label]
        if v["ours"] != v["ours"] and v["llamaindex"] != v["llamaindex"]:
            continue
        fmt = (lambda x: f"{x:.3f}") if label in ("nDCG@10", "Recall@1", "MRR@10") else (lambda x: f"{x:,.1f}")
        ratio = f"{v['ratio']:.2f}" if v["ratio"] == v["ratio"] else "–"
        o = fmt(v["ours"]) if v["ours"] == v["ours"] else "–"
        li = fmt(v["llamaindex"]) if v["llamaindex"] == v["llamaindex"] else "–"
        lines.append(f"| {label} | {o} | {li} | {ratio} |")
    lines += [
        "",
        "Our build by stage (s): " + ", ".join(f"{k} {v:.2f}" for k, v in s["ours_stages_s"].items()),
        f"; work beyond embedding: {100 * s['ours_overhead_beyond_embedding']:.1f} % of the build.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="xquad-ar", help="xquad-ar, arcd or ant-N (first N ANT articles)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--worker", choices=["ours", "llamaindex"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        fn = worker_ours if args.worker == "ours" else worker_llamaindex
        print(json.dumps(fn(args.corpus)))
        return
    run(args.corpus, args.rounds)


if __name__ == "__main__":
    main()
