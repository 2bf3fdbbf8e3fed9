"""Train/test splits by article, never by question, recorded in ``eval/splits.json``.

A question's paragraph and every other paragraph of its article fall in the same part, so nothing
a model is trained or tuned on shares an article with what it is tested on. Parts are chosen by a
seeded hash of the article title (reproducible; no file order involved).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace
from pathlib import Path

from assistant.errors import DatasetError
from assistant.evaluation.datasets import Dataset


def _key(title: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{title}".encode()).hexdigest()


def split_titles(titles: list[str], sizes: dict[str, float], salt: str) -> dict[str, list[str]]:
    """Parts of the given (unique) titles in the given shares, by hash order."""
    order = sorted(dict.fromkeys(titles), key=lambda t: _key(t, salt))
    out: dict[str, list[str]] = {}
    start = 0
    names = list(sizes)
    for i, name in enumerate(names):
        end = len(order) if i == len(names) - 1 else start + round(sizes[name] * len(order))
        out[name] = sorted(order[start:end])
        start = end
    return out


def titles_of(ds: Dataset) -> list[str]:
    return list(dict.fromkeys(title for title, _ in ds.corpus.values()))


def load_splits(path: Path | None = None) -> dict:
    """The shipped splits (``assistant/data/splits.json``, written by eval/make_splits.py), or ``path``'s."""
    if path is None:
        from assistant.resources import load_json

        return load_json("splits.json")
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read the splits ({exc}); regenerate with eval/make_splits.py") from exc


def part(ds: Dataset, titles: list[str] | set[str], name: str | None = None) -> Dataset:
    """The dataset restricted to the articles with these titles (their paragraphs and questions)."""
    keep = set(titles)
    corpus = {pid: v for pid, v in ds.corpus.items() if v[0] in keep}
    qrels = {q: r for q, r in ds.qrels.items() if next(iter(r)) in corpus}
    if not qrels:
        raise DatasetError(f"{ds.name}: no questions in the requested part ({len(keep)} articles)")
    return replace(
        ds,
        name=name or ds.name,
        corpus=corpus,
        qrels=qrels,
        queries={q: ds.queries[q] for q in qrels},
        answers={q: a for q, a in ds.answers.items() if q in qrels},
    )


def distractor_files(folder: Path, count: int, offset: int = 0, seed: int = 0) -> list[Path]:
    """``count`` news articles from a corpus folder, in a seeded order (train and test take other slices)."""
    files = sorted(p for p in Path(folder).rglob("*.txt") if not p.name.startswith("LICENSE"))
    if len(files) < offset + count:
        raise DatasetError(f"{folder}: {len(files)} articles, fewer than the {offset + count} asked for")
    random.Random(seed).shuffle(files)
    return files[offset : offset + count]
