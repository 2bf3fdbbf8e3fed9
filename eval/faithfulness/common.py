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


def hand_labelled(rows_file: Path, labels_file: Path) -> list[dict]:
    """Drafted sentences (one JSON a line) with their hand labels (``labels_file``: lists of ids under supported /
    unsupported / exclude); excluded ones left out, none without a label; none at all while either file is missing."""
    if not rows_file.exists() or not labels_file.exists():
        return []
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    verdict = {i: name for name in ("supported", "unsupported", "exclude") for i in labels[name]}
    out = []
    for r in (json.loads(line) for line in rows_file.read_text(encoding="utf-8").splitlines()):
        label = verdict.get(r["id"])
        if label is None:
            raise SystemExit(f"{labels_file}: sentence {r['id']} has no label")
        if label != "exclude":
            out.append({**r, "label": label, "label_source": "hand"})
    return out


def training_parts():  # noqa: ANN201
    """The training parts (eval/splits.json) of XQuAD-ar, its English twin and ARCD."""
    splits = load_splits()
    return (
        part(load_dataset(bundled("xquad-ar")), splits["xquad"]["train"]),
        part(load_dataset(bundled("xquad-en")), splits["xquad"]["train"]),
        part(load_dataset(bundled("arcd")), splits["arcd"]["train"]),
    )


def training_retriever(settings, embedder, data_dir: Path) -> Retriever:  # noqa: ANN001
    """The index build.py wrote the set from: the training articles of XQuAD-ar and ARCD, in ``data_dir``."""
    xq, _, arcd = training_parts()
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


HELD_OUT_SALT = "article-assistant-support-heldout-v1"


def article_of() -> Callable[[str], tuple[str, str]]:
    """A question id of the set (``xq:…``, ``arcd:…``) → (its dataset section, its article's title)."""
    out: dict[str, tuple[str, str]] = {}
    for name, pre, section in (("xquad-ar", "xq:", "xquad"), ("arcd", "arcd:", "arcd")):
        ds = load_dataset(bundled(name))
        for qid, rel in ds.qrels.items():
            out[f"{pre}{qid}"] = (section, ds.corpus[sorted(rel)[0]][0])
    return lambda qid: out[qid]


def held_out_articles() -> dict[str, set[str]]:
    """The articles of the labelled set held out from the support checker (training *and* calibration):
    half of the set's articles per dataset section, by a seeded hash of the title. The support
    checker's figures are read on them; its training text never comes from them."""
    from assistant.evaluation.splits import split_titles

    of = article_of()
    titles: dict[str, set[str]] = {}
    for r in labelled_rows():
        section, title = of(r["qid"])
        titles.setdefault(section, set()).add(title)
    return {
        s: set(split_titles(sorted(t), {"fit": 0.5, "held_out": 0.5}, HELD_OUT_SALT)["held_out"])
        for s, t in titles.items()
    }


def is_held_out(qid: str, held: dict[str, set[str]], of: Callable[[str], tuple[str, str]]) -> bool:
    section, title = of(qid)
    return title in held.get(section, set())
