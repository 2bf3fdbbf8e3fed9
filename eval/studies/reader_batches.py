"""Study: how the reader should batch a question's candidate pairs (the product reads runs of
``reader.GROUP`` pairs of similar length).

    python -m eval.studies.reader_batches        # ~2 min on 2 cores; the shipped ONNX reader

Padding every pair of a question to the longest costs time in every layer; reading the pairs in runs
of similar length costs a session run each. For 80 questions of XQuAD-ar, each with six sentences of
its paragraphs drawn at random (the product's six candidates come from several passages), this times
one question's six pairs read in runs of 6, 3, 2 and 1 (sorted by length, the strategies in a random
order per question so that a slower minute of a shared machine hits them alike) and checks that every
way gives the same logits.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from assistant.config import default
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.models.reader import load_reader
from assistant.text.arabic import split_sentences


def grouped(reader, rows: list[list[int]], size: int) -> np.ndarray:  # noqa: ANN001
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    out = np.zeros(len(rows), np.float32)
    for k in range(0, len(order), size):
        idx = order[k : k + size]
        out[idx] = reader.run([rows[i] for i in idx]).reshape(-1)
    return out


def main() -> None:
    reader = load_reader(Path(default("model_cache")))
    ds = load_dataset(bundled("xquad-ar"))
    rng = random.Random(0)
    sentences = [p[a:b] for _, p in ds.corpus.values() for a, b in split_sentences(p)]
    questions = list(ds.queries.values())
    times: dict[int, list[float]] = {6: [], 3: [], 2: [], 1: []}
    widest, mean = [], []
    for _ in range(80):
        rows = reader.encode([rng.choice(questions)] * 6, rng.sample(sentences, 6))
        widest.append(max(len(r) for r in rows))
        mean.append(sum(len(r) for r in rows) / 6)
        ref = reader.run(rows).reshape(-1)
        for size in rng.sample(list(times), len(times)):
            t = time.perf_counter()
            got = grouped(reader, rows, size)
            times[size].append(time.perf_counter() - t)
            assert np.allclose(got, ref, atol=1e-3), (size, got, ref)
    print(f"80 questions × 6 pairs; tokens per pair: widest p50 {np.median(widest):.0f}, mean {np.median(mean):.0f}")
    for size, ts in times.items():
        p50, p95 = 1000 * np.median(ts), 1000 * np.percentile(ts, 95)
        print(f"runs of {size}: p50 {p50:.0f} ms, p95 {p95:.0f} ms per question")


if __name__ == "__main__":
    main()
