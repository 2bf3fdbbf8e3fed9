"""Embedding in worker processes gives the results of one process."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.models.embedder import HashEmbedder
from assistant.models.parallel import ParallelEmbedder

TEXTS = [
    f"الفقرة {i}: أكد ماكرون أن {i} دولة التزمت بإرسال جنود إلى أوكرانيا" + " وقف إطلاق النار" * (i % 7)
    for i in range(150)
]


def test_parallel_hash_embedder_equals_one_process():
    local = HashEmbedder()
    par = ParallelEmbedder(HashEmbedder(), ("hash", 64), workers=2)
    try:
        assert np.array_equal(par.embed_passages(TEXTS), local.embed_passages(TEXTS))
        assert np.array_equal(par.embed_passages(TEXTS[:3]), local.embed_passages(TEXTS[:3]))  # small: in-process
    finally:
        par.close()


def test_ingest_with_workers_matches_one_process(tmp_path, seed_path):
    from assistant import Assistant
    from assistant.config import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(30):  # 150 paragraphs: enough to go to the workers
        (corpus / f"{i:02d}.txt").write_text(f"مقال {i}\n\n" + "\n\n".join(TEXTS[5 * i : 5 * i + 5]), encoding="utf-8")
    results = []
    for workers in (1, 2):
        a = Assistant(
            load_settings(
                embedder="hash-64",
                embed_workers=workers,
                data_dir=tmp_path / f"w{workers}",
                llm_backend="none",
                model_cache=tmp_path / "models",
            )
        )
        assert type(a.embedder).__name__ == ("ParallelEmbedder" if workers > 1 else "HashEmbedder")
        a.ingest([seed_path, corpus])
        hits = a.search("كم دولة التزمت بإرسال جنود", k=5)
        vecs = a.index.records.rows("SELECT chunk_id, vector FROM chunks ORDER BY chunk_id", {})
        if workers > 1:
            assert a.embedder._pool is not None  # the workers did embed
        results.append(([h.chunk.chunk_id for h in hits], [(r[0], bytes(r[1])) for r in vecs]))
        a.close()
    assert results[0] == results[1]


@pytest.mark.real
def test_parallel_real_embedder_equals_one_process(real_embedder):
    from assistant.models.parallel import ParallelEmbedder

    spec = ("st", str(real_embedder.folder), real_embedder.model_id, 10, "query: ", "passage: ")
    par = ParallelEmbedder(real_embedder, spec, workers=2)
    try:
        got = par.embed_passages(TEXTS[:80])
    finally:
        par.close()
    want = real_embedder.embed_passages(TEXTS[:80])
    assert np.abs(got - want).max() < 1e-4
    assert (np.argsort(-(got @ want[0])) == np.argsort(-(want @ want[0])))[:10].all()
