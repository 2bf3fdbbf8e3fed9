"""Serving at archive scale: query latency and memory over ~100k chunks, models loaded.

    python -m eval.serve100k --articles 5600 --queries 200

Builds an index from the real ANT articles (real clean text, real paragraph chunks, real BM25
tokens) with **synthetic vectors** (random unit vectors: embedding ~95k chunks would take ~40 min
on this machine; FAISS search cost does not depend on what the vectors mean), so above
ASSISTANT_ANN_THRESHOLD the store is IVF-SQ8 as in production. Then, in a fresh process that loads
the real e5 model as the web app does, it asks Arabic questions taken from the corpus (first
sentences of random chunks) and prints p50/p95 of retrieval-only search and of extractive answers,
and the process's RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def build(folder: Path, articles: int, copies: int = 1) -> dict:
    import numpy as np

    from assistant.config import load_settings
    from assistant.errors import AssistantError
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.cleaning import clean
    from assistant.ingest.loaders import load_file
    from assistant.models.loading import load_embedder
    from assistant.store import open_index
    from eval.bench import SHARED

    settings = load_settings(llm_backend="none")
    emb = load_embedder(settings)
    index = open_index(settings, emb.model_id, emb.dim, data_dir=folder)
    files = sorted(p for p in (SHARED / "ant").rglob("*.txt") if not p.name.startswith("LICENSE"))[:articles]
    files = [(f, k) for k in range(1, copies + 1) for f in files]
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    n_chunks = 0
    failed: list[str] = []
    seen: set[str] = set()
    with index.writer() as w:
        for i, (f, copy) in enumerate(files):
            try:
                loaded = load_file(f)
                if copy > 1:  # a synthetic copy: another text, so another document and chunk ids
                    loaded = replace(loaded, text=f"{loaded.text}\n\nنسخة {copy}")
                doc = clean(loaded, f"{f}#{copy}")
            except AssistantError as exc:
                failed.append(str(exc))
                continue
            if not doc.text.strip() or index.has_document(doc.doc_id) or doc.doc_id in seen:
                continue  # empty after cleaning, or the same article twice in the corpus
            seen.add(doc.doc_id)
            chunks = chunk_document(doc, settings.chunk_max_tokens, emb.count_tokens)
            vecs = rng.standard_normal((len(chunks), emb.dim)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            w.add_document(doc, chunks, vecs, [index.analyze(c.text) for c in chunks], f"{f}#{copy}")
            n_chunks += len(chunks)
            if (i + 1) % 500 == 0:
                print(f"{i + 1} articles, {n_chunks} chunks", file=sys.stderr)
    return {
        "articles": len(files),
        "indexed": len(seen),
        "failed": failed[:5],
        "n_failed": len(failed),
        "chunks": n_chunks,
        "build_s": round(time.perf_counter() - t0, 1),
    }


def serve(folder: Path, queries: int) -> dict:
    import random

    t0 = time.perf_counter()
    from assistant.core import Assistant
    from assistant.text.arabic import split_sentences

    a = Assistant(data_dir=folder, llm_backend="none")
    a.search("تحذير", k=5)  # load the model and the index, as the web app does at start
    out: dict = {"load_s": round(time.perf_counter() - t0, 1), "rss_after_load_mb": round(_rss_mb())}
    out["chunks"] = a.index.counts()[1]
    out["faiss"] = a.index.store._vectors.kind  # type: ignore[attr-defined]
    rnd = random.Random(1)
    ids = [r[0] for r in a.index.records.rows("SELECT chunk_id FROM chunks WHERE removed_gen IS NULL", {})]
    picked = a.index.chunks_by_id(rnd.sample(ids, min(len(ids), 4 * queries)))
    qs = []
    for chunk, _ in picked.values():
        if len(qs) == queries:
            break
        text = chunk.text
        sents = [text[s:e] for s, e in split_sentences(text)]
        if sents and len(sents[0].split()) >= 5:
            qs.append(" ".join(sents[0].split()[:14]))
    lat: dict[str, list[float]] = {"search": [], "embed_query": [], "search_given_vector": [], "answer": []}
    for q in qs:
        t = time.perf_counter()
        a.search(q, k=5)
        lat["search"].append(time.perf_counter() - t)
        t = time.perf_counter()
        qvec = a.embedder.embed_queries([q])[0]
        lat["embed_query"].append(time.perf_counter() - t)
        t = time.perf_counter()
        a.retriever.search(q, k=5, qvec=qvec)
        lat["search_given_vector"].append(time.perf_counter() - t)
        t = time.perf_counter()
        a.ask(q, mode="extractive")
        lat["answer"].append(time.perf_counter() - t)
    for k, xs in lat.items():
        xs.sort()
        out[f"{k}_p50_ms"] = round(1000 * xs[len(xs) // 2], 1)
        out[f"{k}_p95_ms"] = round(1000 * xs[int(0.95 * len(xs))], 1)
    out["rss_end_mb"] = round(_rss_mb())
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["answer_sentences"] = a.settings.answer_sentences
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=5600)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--copies", type=int, default=1, help="index every article this many times (synthetic copies)")
    ap.add_argument("--index", type=Path, help="reuse (or keep) the built index here")
    ap.add_argument("--stage", choices=["build", "serve"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage == "build":
        print(json.dumps(build(args.index, args.articles, args.copies)))
        return
    if args.stage == "serve":
        print(json.dumps(serve(args.index, args.queries)))
        return
    folder = args.index or Path(tempfile.mkdtemp(prefix="serve100k-")) / "index"
    result: dict = {}
    if not (folder / "manifest.json").exists():
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--stage",
                "build",
                "--index",
                str(folder),
                "--articles",
                str(args.articles),
                "--copies",
                str(args.copies),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result["build"] = json.loads(out.stdout.strip().splitlines()[-1])
    out = subprocess.run(
        [sys.executable, __file__, "--stage", "serve", "--index", str(folder), "--queries", str(args.queries)],
        check=True,
        capture_output=True,
        text=True,
    )
    result["serve"] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
