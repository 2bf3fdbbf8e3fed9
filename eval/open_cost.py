"""What verifying a generation's checksums adds to opening it, at ~100k chunks.

    python -m eval.open_cost --chunks 100000 --repeats 7

Writes one generation as the FAISS store does (IVF-SQ8 above ASSISTANT_ANN_THRESHOLD, as in
production; random unit vectors of e5-small's 384 dimensions and BM25 postings over a Zipf vocabulary
of Arabic-like tokens: the cost of reading and checking bytes does not depend on what they mean),
then opens it repeatedly in this process, alternating: the store's load alone (as before checksums)
and the load with the seal checked beside it on another thread (as now: ``store.index.load_verified``).
Prints the medians and their ratio, measured in the same run; the page cache is warm for both, which
is the worst case for the ratio (reading is cheap, checking is not).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.store.base import CommitPlan, LiveRows
from assistant.store.faiss_store import FaissStore
from assistant.store.index import load_verified


def build(root: Path, chunks: int, dim: int, seed: int = 0) -> tuple[FaissStore, dict]:
    rng = np.random.default_rng(seed)
    vocab = [f"t{i}" for i in range(60_000)]
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()

    def rows(with_vectors: bool):  # noqa: ANN202
        r = np.random.default_rng(seed + 1)
        for start in range(0, chunks, 4096):
            n = min(4096, chunks - start)
            vec = None
            if with_vectors:
                vec = r.standard_normal((n, dim)).astype(np.float32)
                vec /= np.linalg.norm(vec, axis=1, keepdims=True)
            toks = [[vocab[j] for j in r.choice(len(vocab), 60, p=weights)] for _ in range(n)]
            yield LiveRows(np.arange(start, start + n, dtype=np.int64), ["d"] * n, np.ones(n, np.int64), toks, vec)

    store = FaissStore(root, dim)
    plan = CommitPlan(gen=1, base_gen=0, dim=dim, live_count=chunks, live_rows=rows, rebuild=True)
    store.write(plan)
    del rng
    return store, store.seal(plan)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "open-cost.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store, seal = build(Path(tmp), args.chunks, args.dim)
        built = time.perf_counter() - t0
        size = sum(v[0] for v in seal["files"].values())
        plain, checked, check_only = [], [], []
        for _ in range(args.repeats):
            for verify in (False, True):
                store.close()
                t = time.perf_counter()
                if verify:
                    load_verified(store, 1, seal)  # the product's way: the check beside the load
                    checked.append(time.perf_counter() - t)
                    store.close()
                    t = time.perf_counter()
                    assert not store.seal_problems(1, seal, False)
                    check_only.append(time.perf_counter() - t)
                else:
                    store.prepare(1)
                    plain.append(time.perf_counter() - t)
        res = {
            "chunks": args.chunks,
            "files": len(seal["files"]),
            "megabytes": round(size / 1e6, 1),
            "build_seconds": round(built, 1),
            "open_median_s": round(statistics.median(plain), 4),
            "open_with_checksums_median_s": round(statistics.median(checked), 4),
            "checksums_median_s": round(statistics.median(check_only), 4),
            "ratio": round(statistics.median(checked) / statistics.median(plain), 3),
            "repeats": args.repeats,
            "command": f"python -m eval.open_cost --chunks {args.chunks} --repeats {args.repeats}",
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
