"""Embedding speed with N worker processes against one process, alternating, fresh processes.

    python -m eval.parallel --corpus ant-60 --workers 1,2 --rounds 3

Embeds the chunks of the corpus (paragraph chunks, as ingest makes them) with
ASSISTANT_EMBED_WORKERS = each value, in a fresh process per run, alternating; prints the median
embedding time, chunks per second, the speed-up against the first value, and the largest
difference between the vectors (the results must be the same).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(corpus: str, workers: int, out: Path) -> None:
    import numpy as np

    from assistant.config import load_settings
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.cleaning import clean
    from assistant.ingest.loaders.base import Loaded
    from assistant.models.loading import load_embedder
    from eval.bench import load_corpus

    settings = load_settings(llm_backend="none", embed_workers=workers)
    emb = load_embedder(settings)
    docs = [
        clean(Loaded(text=text, fmt="text", title=title, scraped=False), source=did)
        for did, (title, text) in load_corpus(corpus)[0].items()
    ]
    texts = [c.text for d in docs for c in chunk_document(d, settings.chunk_max_tokens, emb.count_tokens)]
    emb.embed_passages(texts[:70])  # start the workers and warm up, outside the timing
    t = time.perf_counter()
    vecs = emb.embed_passages(texts)
    seconds = time.perf_counter() - t
    np.save(out.with_suffix(".npy"), vecs)
    out.write_text(json.dumps({"workers": workers, "chunks": len(texts), "embed_s": seconds}))
    close = getattr(emb, "close", None)
    if close:
        close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="ant-60")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        worker(args.corpus, args.worker, args.out)
        return
    import numpy as np

    counts = [int(w) for w in args.workers.split(",")]
    runs: dict[int, list[float]] = {w: [] for w in counts}
    vecs: dict[int, np.ndarray] = {}
    chunks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for w in counts:
                out = Path(tmp) / f"r{r}-w{w}.json"
                subprocess.run(
                    [sys.executable, __file__, "--corpus", args.corpus, "--worker", str(w), "--out", str(out)],
                    check=True,
                )
                res = json.loads(out.read_text())
                runs[w].append(res["embed_s"])
                chunks = res["chunks"]
                vecs.setdefault(w, np.load(out.with_suffix(".npy")))
                print(f"round {r + 1}, {w} worker(s): {res['embed_s']:.1f} s", file=sys.stderr)
    base = statistics.median(runs[counts[0]])
    print(f"\n{args.corpus}: {chunks} chunks, medians of {args.rounds} alternating rounds\n")
    print("| workers | embed (s) | chunks/s | speed-up | max |Δvector| vs first |")
    print("|---|---|---|---|---|")
    for w in counts:
        med = statistics.median(runs[w])
        diff = float(np.abs(vecs[w] - vecs[counts[0]]).max())
        print(f"| {w} | {med:.1f} | {chunks / med:.1f} | {base / med:.2f}× | {diff:.1e} |")
    print(f"\nper round: {json.dumps({w: [round(x, 1) for x in xs] for w, xs in runs.items()})}")


if __name__ == "__main__":
    main()
