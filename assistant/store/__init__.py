"""Persistence: SQLite records, plus a vector store (FAISS + BM25 files, or Milvus) per generation.

Modules by job: ``manifest`` (what an index is, the commit point), ``records`` (SQLite schema and
queries), ``writer`` (the one writer and its commit), ``maintenance`` (check and repair),
``index`` (opens them together), ``base`` (the VectorStore seam) with ``faiss_store`` and
``milvus_store`` behind it, ``transfer`` (export/import).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.store.base import VectorStore
from assistant.store.index import Index
from assistant.store.manifest import Manifest

if TYPE_CHECKING:
    from assistant.config import Settings

__all__ = ["Index", "Manifest", "VectorStore", "make_store", "open_index"]


def make_store(settings: Settings, dim: int, data_dir: Path | None = None) -> VectorStore:
    """The vector store the settings choose (nothing is connected until first use)."""
    return STORES[settings.vector_store](settings, dim, Path(data_dir or settings.data_dir))


def _milvus(settings: Settings, dim: int, root: Path) -> VectorStore:
    from assistant.store.milvus_store import MilvusStore

    uri = settings.milvus_uri or str(root / "milvus.db")
    return MilvusStore(uri, settings.milvus_collection, dim, settings.milvus_index_type, settings.milvus_token)


def _faiss(settings: Settings, dim: int, root: Path) -> VectorStore:
    from assistant.store.faiss_store import FaissStore

    root.mkdir(parents=True, exist_ok=True)
    return FaissStore(root, dim)


# The vector stores by ``Settings.vector_store``: one entry per backend (a store of your own can also be
# passed to ``open_index`` / ``Assistant(store=…)``).
STORES: dict[str, Callable[[Settings, int, Path], VectorStore]] = {"faiss": _faiss, "milvus": _milvus}


def open_index(
    settings: Settings, embedder_id: str, dim: int, data_dir: Path | None = None, store: VectorStore | None = None
) -> Index:
    """Open (or create) the index the settings describe; ``store``: a vector store to use instead of
    the one the settings choose (tests, or a store of your own)."""
    root = Path(data_dir or settings.data_dir)
    index = Index.open(
        root,
        embedder_id,
        dim,
        settings.chunk_max_tokens,
        settings.analyzer,
        store=store if store is not None else make_store(settings, dim, root),
    )
    index.ann_threshold = settings.ann_threshold
    return index
