"""What the scripts over the labelled faithfulness set share: the index the set was written from."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from assistant.evaluation.datasets import (
    bundled,
    load_dataset,
)
from assistant.evaluation.splits import load_splits, part
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.pipeline import index_documents
from assistant.retrieval import Retriever
from assistant.store import open_index

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def labelled_rows() -> list[dict]:
    """Every row of faithfulness.jsonl (originals first, then the perturbed copies)."""
    return [json.loads(line) for line in (HERE / "faithfulness.jsonl").read_text(encoding="utf-8").splitlines()]


def training_retriever(settings, embedder, data_dir: Path) -> Retriever:  # noqa: ANN001
    """The index build.py wrote the set from: the training articles of XQuAD-ar and ARCD, in ``data_dir``."""
    splits = load_splits()
    xq = part(load_dataset(bundled("xquad-ar")), splits["xquad"]["train"])
    arcd = part(load_dataset(bundled("arcd")), splits["arcd"]["train"])
    index = open_index(settings, embedder.model_id, embedder.dim, data_dir=data_dir)
    docs = [
        (clean(Loaded(text=t, fmt="text", title=title, scraped=False), source=f"{pre}{pid}"), f"{pre}{pid}")
        for ds, pre in ((xq, "xq:"), (arcd, "arcd:"))
        for pid, (title, t) in ds.corpus.items()
    ]
    index_documents(index, embedder, docs, settings.chunk_max_tokens)
    return Retriever(index, embedder, settings.rrf_k, settings.candidates)


def paragraph_of() -> Callable[[str], str]:
    """A question id of the set (``xq:…``, ``arcd:…``) → its paragraph's id: what held-out folds split by."""
    qrels = {}
    for name, pre in (("xquad-ar", "xq:"), ("arcd", "arcd:")):
        for qid, rel in load_dataset(bundled(name)).qrels.items():
            qrels[f"{pre}{qid}"] = f"{pre}{sorted(rel)[0]}"
    return lambda qid: qrels.get(qid, qid)
