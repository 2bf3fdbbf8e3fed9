"""Compare settings variants (chunk size, analyser, fusion k, embedder …) on one dataset, one table.

# variants.toml
[[variant]]
name = "default"
[[variant]]
name = "no stemming"
analyzer = "ar-norm-v1"
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.evaluation.datasets import Dataset
from assistant.evaluation.retrieval import evaluate_retrieval
from assistant.models.embedder import Embedder
from assistant.models.loading import load_embedder


class CachingEmbedder:
    """Remembers vectors by text, so variants that re-chunk nothing re-embed nothing."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self._q: dict[str, np.ndarray] = {}
        self._p: dict[str, np.ndarray] = {}

    def _get(self, cache: dict[str, np.ndarray], texts: Sequence[str], fn) -> np.ndarray:  # noqa: ANN001
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            for t, v in zip(todo, fn(todo)):
                cache[t] = v
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._get(self._q, texts, self.inner.embed_queries)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._get(self._p, texts, self.inner.embed_passages)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def load_variants(path: Path, base: Settings) -> list[tuple[str, Settings, list[str]]]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: bad TOML ({exc})") from exc
    out = []
    for i, v in enumerate(data.get("variant", [])):
        v = dict(v)
        name = str(v.pop("name", f"variant {i + 1}"))
        retrievers = v.pop("retrievers", ["bm25", "dense", "hybrid"])
        try:
            settings = Settings(**{**base.model_dump(), **v})
        except Exception as exc:
            raise ConfigError(f"{path}: variant '{name}': {exc}") from exc
        out.append((name, settings, list(retrievers)))
    if not out:
        raise ConfigError(f"{path}: no [[variant]] tables")
    return out


def compare(
    ds: Dataset,
    variants: list[tuple[str, Settings, list[str]]],
    base_embedder: Embedder | None = None,
    cross: Dataset | None = None,
    out_dir: Path | None = None,
) -> dict:
    embedders: dict[str, CachingEmbedder] = {}
    rows = []
    for name, settings, retrievers in variants:
        key = settings.embedder
        if key not in embedders:
            same = key == variants[0][1].embedder
            embedders[key] = CachingEmbedder(
                base_embedder if base_embedder is not None and same else load_embedder(settings)
            )
        res = evaluate_retrieval(
            ds, embedders[key], settings, retrievers, cross, out_dir / _slug(name) if out_dir else None
        )
        for r, m in res["retrievers"].items():
            row = {
                "variant": name,
                "retriever": r,
                **{k: round(v, 4) for k, v in m.items()},
                "index_seconds": res["timing"]["index_seconds"],
            }
            if "cross_lingual" in res["slices"]:
                row["cross_lingual_recall@5"] = round(res["slices"]["cross_lingual"][r]["recall@5"], 4)
            rows.append(row)
    result = {"dataset": ds.name, "queries": len(ds.queries), "rows": rows}
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "compare.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        (out_dir / "compare.md").write_text(compare_table(result), encoding="utf-8")
    return result


def compare_table(result: dict) -> str:
    cols = ["ndcg@10", "recall@1", "recall@5", "mrr@10"]
    has_cross = any("cross_lingual_recall@5" in r for r in result["rows"])
    head = "| variant | retriever | " + " | ".join(cols) + (" | cross-lingual R@5" if has_cross else "") + " |"
    lines = [
        f"# Settings compared on {result['dataset']} ({result['queries']} queries)",
        "",
        head,
        "|---|---|" + "---|" * (len(cols) + has_cross),
    ]
    for r in result["rows"]:
        cells = [f"{r[c]:.3f}" for c in cols] + (
            [f"{r.get('cross_lingual_recall@5', float('nan')):.3f}"] if has_cross else []
        )
        lines.append(f"| {r['variant']} | {r['retriever']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-") or "variant"
