"""Embedding passages in N worker processes (``ASSISTANT_EMBED_WORKERS``).

Queries and token counting stay in this process (one short text at a time: a worker round trip
would only add latency). Passages are dealt to the workers by length — sorted, then round-robin —
so every worker gets a similar mix and the padding inside each batch stays low; the vectors come
back in the caller's order. Each worker runs torch with ``cores // N`` threads, so N workers do not
fight over the cores one process would use.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from assistant.errors import ModelError
from assistant.models.embedder import Embedder

_WORKER: Embedder | None = None


def _init_worker(spec: tuple, threads: int) -> None:
    global _WORKER
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(threads)
    _WORKER = build(spec)


def _embed(texts: list[str]) -> np.ndarray:
    assert _WORKER is not None
    return _WORKER.embed_passages(texts)


def build(spec: tuple) -> Embedder:
    """An embedder from a picklable description (what a worker process loads)."""
    kind, *args = spec
    if kind == "hash":
        from assistant.models.embedder import HashEmbedder

        return HashEmbedder(*args)
    if kind == "st":
        from assistant.models.embedder import SentenceTransformerEmbedder

        folder, model_id, batch_size, query_prefix, passage_prefix = args
        return SentenceTransformerEmbedder(folder, model_id, batch_size, query_prefix, passage_prefix)
    raise ValueError(f"unknown embedder spec {kind!r}")


class ParallelEmbedder:
    """Wraps a local embedder; ``embed_passages`` fans out to ``workers`` processes."""

    def __init__(self, local: Embedder, spec: tuple, workers: int, min_parallel: int = 64) -> None:
        self.local = local
        self.model_id = local.model_id
        self.dim = local.dim
        self.spec = spec
        self.workers = workers
        self.min_parallel = min_parallel  # fewer texts than this: embed here, not worth the round trip
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing as mp

            threads = max(1, (os.cpu_count() or 1) // self.workers)
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=mp.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.spec, threads),
            )
        return self._pool

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.local.embed_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self.local.count_tokens(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if len(texts) < self.min_parallel or self.workers < 2:
            return self.local.embed_passages(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        shards = [order[w :: self.workers] for w in range(self.workers)]
        futures = [self._executor().submit(_embed, [texts[i] for i in shard]) for shard in shards]
        out = np.zeros((len(texts), self.dim), np.float32)
        try:
            for shard, fut in zip(shards, futures):
                out[shard] = fut.result()
        except BrokenProcessPool as exc:
            self._pool = None
            raise ModelError(
                f"an embedding worker process died ({exc}); nothing from this batch was "
                "stored. Re-run the ingest; if it happens again (memory?), set "
                "ASSISTANT_EMBED_WORKERS=1"
            ) from exc
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
