"""What each embedder costs on the ANT news corpus: ingest passages/s, query latency, index size, memory.

    python -m eval.embedder_costs                       # both embedders, 200 ANT articles each
    python -m eval.embedder_costs --embedders embeddinggemma-300m --articles 400

Each embedder runs in a fresh process, one after the other (never side by side), on the same
articles: ingest into an empty index (all of it timed, passages/s = chunks / seconds), then 100
questions (the first sentence of sampled chunks, searched hybrid; p50/p95 of the whole search with the
question's embedding). Writes eval/results/embedder-costs.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ANT = ROOT.parent / "shared" / "data" / "ant"


def worker(embedder: str, articles: int) -> dict:
    import random

    from assistant import Assistant
    from assistant.evaluation.splits import distractor_files
    from assistant.text.arabic import split_sentences

    data = Path(tempfile.mkdtemp(prefix="costs-")) / "index"
    files = distractor_files(ANT, articles, 0, seed=1)
    a = Assistant(data_dir=data, embedder=embedder, llm_backend="none")
    t = time.perf_counter()
    a.warm_up()
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    rep = a.ingest(files)
    ingest_s = time.perf_counter() - t
    chunks = a.index.live_chunks()
    rng = random.Random(1)
    qs = []
    for _, _, text, _ in rng.sample(chunks, min(400, len(chunks))):
        sents = [text[s:e] for s, e in split_sentences(text)]
        if sents and len(sents[0].split()) >= 5:
            qs.append(" ".join(sents[0].split()[:14]))
        if len(qs) == 100:
            break
    lat = []
    for q in qs:
        t = time.perf_counter()
        a.search(q, k=5)
        lat.append(time.perf_counter() - t)
    lat.sort()
    size = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    return {
        "embedder": embedder,
        "dim": a.embedder.dim,
        "articles": articles,
        "documents": rep.documents,
        "chunks": rep.chunks,
        "load_s": round(load_s, 1),
        "ingest_s": round(ingest_s, 1),
        "passages_per_s": round(rep.chunks / ingest_s, 2),
        "query_p50_ms": round(1000 * lat[len(lat) // 2], 1),
        "query_p95_ms": round(1000 * lat[int(0.95 * len(lat))], 1),
        "index_mb": round(size / 1e6, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedders", default="multilingual-e5-small,embeddinggemma-300m")
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--worker", default=None)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.articles)))
        return
    results = []
    for emb in args.embedders.split(","):
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", emb, "--articles", str(args.articles)],
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print(json.dumps(res), flush=True)
    out = HERE / "results" / "embedder-costs.json"
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": results}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
