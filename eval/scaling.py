"""Search latency, memory and recall against exact search, at 10k / 100k / 1M vectors.

    python -m eval.scaling [--sizes 10000,100000,1000000]

Synthetic data, said so: 384-d vectors drawn around 2,000 random centres (clustered like real
embeddings, unlike uniform noise), L2-normalised; queries are perturbed corpus vectors. FAISS types:
exact flat inner product, HNSW (M=32, efSearch 64 and 128) and IVF with 8-bit scalar quantisation
(nlist √n·4, nprobe 16 and 32). BM25 (bm25s) over synthetic Zipf token lists of 60 tokens.
Prints one row per (size, index) and writes eval/results/scaling.json and scaling.png.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DIM = 384


def data(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.standard_normal((2000, DIM)).astype(np.float32)
    x = centres[rng.integers(0, 2000, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def timed_search(index, q: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:  # noqa: ANN001
    lat, ids = [], []
    for row in q:
        t = time.perf_counter()
        _, i = index.search(row[None, :], k)
        lat.append(time.perf_counter() - t)
        ids.append(i[0])
    return np.array(ids), lat


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, truth)]))


def index_bytes(index) -> int:  # noqa: ANN001
    import faiss

    return len(faiss.serialize_index(index))


def main() -> None:
    import faiss

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        x = data(n, rng)
        q = x[rng.integers(0, n, args.queries)] + 0.05 * rng.standard_normal((args.queries, DIM)).astype(np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        flat = faiss.IndexFlatIP(DIM)
        t = time.perf_counter()
        flat.add(x)
        build = time.perf_counter() - t
        truth, lat = timed_search(flat, q)
        rows.append(_row(n, "flat (exact)", build, lat, 1.0, index_bytes(flat)))
        variants = []
        hnsw = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        t = time.perf_counter()
        hnsw.add(x)
        hb = time.perf_counter() - t
        for ef in (64, 128):
            hnsw.hnsw.efSearch = ef
            variants.append((f"HNSW32 ef={ef}", hnsw, hb))
        nlist = int(4 * np.sqrt(n))
        ivf = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(DIM), DIM, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        t = time.perf_counter()
        ivf.train(x[: min(n, 100 * nlist)])
        ivf.add(x)
        ib = time.perf_counter() - t
        for nprobe in (16, 32):
            ivf.nprobe = nprobe
            variants.append((f"IVF{nlist}-SQ8 nprobe={nprobe}", ivf, ib))
        for name, idx, b in variants:
            found, lat = timed_search(idx, q)
            rows.append(_row(n, name, b, lat, recall(found, truth), index_bytes(idx)))
        rows.append(_bm25_row(n, rng, args.queries))
        for r in rows[-6:]:
            print(json.dumps(r), flush=True)
        del x, flat, hnsw, ivf
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "scaling.json").write_text(json.dumps(rows, indent=2))
    _plot(rows, out / "scaling.png")
    print(_table(rows))


def _row(n: int, name: str, build: float, lat: list[float], rec: float, size: int) -> dict:
    s = sorted(lat)
    return {
        "n": n,
        "index": name,
        "build_s": round(build, 2),
        "p50_ms": round(1000 * s[len(s) // 2], 3),
        "p95_ms": round(1000 * s[int(0.95 * len(s))], 3),
        "recall@10": round(rec, 4),
        "size_mb": round(size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _bm25_row(n: int, rng: np.random.Generator, nq: int) -> dict:
    import bm25s
    from bm25s.tokenization import Tokenized

    vocab_size = 200_000
    toks = (rng.zipf(1.3, (n, 60)) % vocab_size).astype(np.int64)
    retr = bm25s.BM25()
    t = time.perf_counter()
    retr.index(Tokenized(ids=toks.tolist(), vocab={str(i): i for i in range(vocab_size)}), show_progress=False)
    build = time.perf_counter() - t
    lat = []
    for _ in range(nq):
        qt = (rng.zipf(1.3, 8) % vocab_size).tolist()
        t = time.perf_counter()
        scores = retr.get_scores(qt)
        np.argpartition(-scores, 10)[:10]
        lat.append(time.perf_counter() - t)
    return _row(n, "BM25 (bm25s)", build, lat, float("nan"), 0)


def _table(rows: list[dict]) -> str:
    lines = [
        "| chunks | index | build (s) | p50 (ms) | p95 (ms) | recall@10 vs exact | size (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rec = f"{r['recall@10']:.3f}" if r["recall@10"] == r["recall@10"] else "–"
        lines.append(
            f"| {r['n']:,} | {r['index']} | {r['build_s']} | {r['p50_ms']} | {r['p95_ms']} | {rec} | {r['size_mb']} |"
        )
    return "\n".join(lines)


def _plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)

    def family(name: str) -> str:
        base = name.split(" nprobe")[0].split(" ef=")[0]
        return "IVF-SQ8" if base.startswith("IVF") else base

    for name in dict.fromkeys(family(r["index"]) for r in rows):
        pts = [r for r in rows if family(r["index"]) == name]
        best = {}
        for r in pts:
            best.setdefault(r["n"], r)
        xs = sorted(best)
        ax.plot(xs, [best[x]["p95_ms"] for x in xs], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks")
    ax.set_ylabel("p95 search latency (ms)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
