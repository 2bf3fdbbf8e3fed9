"""The on-disk index: records in SQLite, a vector store per committed generation, a manifest.

Commit protocol (see index/README.md): rows are written with ``added_gen = G+1`` (and removals
marked ``removed_gen = G+1``) in a SQLite transaction; then the vector store writes generation G+1
beside G; finally ``manifest.json`` is replaced atomically with ``generation = G+1``. Readers only
ever look at the generation named by the manifest, so they see the old index or the new one, never
a mix. A writer that dies before the manifest switch leaves rows that the next writer rolls back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError, IndexCorruptError, IndexLockedError
from assistant.records import Chunk, DocInfo, Document
from assistant.store.base import DocFilter, VectorStore
from assistant.store.lock import WriteLock
from assistant.store.maintenance import holds_an_index
from assistant.store.manifest import ANALYZER, FORMAT_VERSION, Manifest
from assistant.store.records import SCHEMA, RecordStore
from assistant.store.writer import IndexWriter

__all__ = ["ANALYZER", "FORMAT_VERSION", "Index", "IndexWriter", "Manifest"]


class _Damaged(Exception):
    """A generation's files differ from the checksums its manifest recorded."""


def load_verified(store: VectorStore, gen: int, seal: dict) -> None:
    """Load generation ``gen`` while its files are checked against the seal on another thread (the check
    and the load overlap on two cores); nothing is served unless the check passes."""
    import threading

    found: list[str] = []
    check = threading.Thread(target=lambda: found.extend(store.seal_problems(gen, seal, False)), daemon=True)
    check.start()
    try:
        store.prepare(gen)
    finally:
        check.join()
    if found:
        store.close()  # drop what was loaded from the damaged files
        raise _Damaged("; ".join(found))


class Index:
    """Open with :meth:`open`; read methods always use the last committed generation."""

    def __init__(
        self, root: Path, manifest: Manifest, ann_threshold: int = 50_000, store: VectorStore | None = None
    ) -> None:
        self.root = root
        self._manifest = manifest
        self.ann_threshold = ann_threshold  # above this many chunks the FAISS index is IVF-SQ8
        self.records = RecordStore(root)
        self._loaded_gen = -1
        if store is None:
            from assistant.store.faiss_store import FaissStore

            store = FaissStore(root, manifest.dim)
        self.store = store
        self._manifest_mtime = 0.0

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        root: Path,
        embedder: str,
        dim: int,
        chunk_max_tokens: int,
        analyzer: str = ANALYZER,
        store: VectorStore | None = None,
    ) -> Index:
        """Open (or create) the index at root, refusing one built with another embedder.

        ``store``: where vectors and BM25 postings live (default: FAISS + bm25s files under root).
        """
        root = Path(root)
        kind = store.kind if store is not None else "faiss"
        location = store.location if store is not None else ""
        root.mkdir(parents=True, exist_ok=True)
        mpath = root / "manifest.json"
        if mpath.exists():
            manifest = Manifest.read(mpath)
            manifest.check_compatible(root, embedder, dim, analyzer, kind, location)
            records = root / "records.sqlite"
            if manifest.generation > 0 and (not records.exists() or records.stat().st_size == 0):
                raise IndexCorruptError(
                    f"{records} is missing or empty, but {mpath} names generation {manifest.generation} "
                    f"({manifest.documents} documents). Nothing was changed; restore records.sqlite from a "
                    "backup, or `assistant import` an export into a new --data-dir"
                )
        elif holds_an_index(root):
            raise IndexCorruptError(
                f"{root} holds an index but no manifest.json, so it is not opened (nor started afresh over it); "
                "run `assistant check --repair`: it rebuilds the manifest from the records"
            )
        else:
            m = Manifest(
                embedder=embedder,
                dim=dim,
                chunk_max_tokens=chunk_max_tokens,
                analyzer=analyzer,
                vector_store=kind,
                store_location=location,
            )
            with WriteLock(root / "write.lock"):
                if not mpath.exists():
                    if store is not None:
                        store.ensure_new()
                    db = sqlite3.connect(root / "records.sqlite")
                    db.executescript(SCHEMA)
                    db.close()
                    m.write(mpath)
        return cls(root, Manifest.read(mpath), store=store)

    def close(self) -> None:
        self.records.close()
        self.store.close()

    # ---------------------------------------------------------------- state
    def analyze(self, text: str) -> list[str]:
        """BM25 tokens with the analyser this index was built with."""
        from assistant.text.arabic import ANALYZERS

        return ANALYZERS[self._manifest.analyzer](text)

    @property
    def manifest(self) -> Manifest:
        self.refresh()
        return self._manifest

    @property
    def generation(self) -> int:
        return self.manifest.generation

    def refresh(self) -> None:
        """Pick up a newer committed generation if another process wrote one."""
        mpath = self.root / "manifest.json"
        try:
            mtime = mpath.stat().st_mtime_ns
        except FileNotFoundError as exc:
            raise IndexCorruptError(f"{mpath} is missing; run `assistant check --repair`") from exc
        if mtime != self._manifest_mtime:
            self._manifest = Manifest.read(mpath)
            self._manifest_mtime = mtime

    def load(self) -> None:
        """Open the committed generation now (verifying its checksums) rather than at the first search."""
        self._ensure_loaded()

    def _ensure_loaded(self) -> None:
        self.refresh()
        g = self._manifest.generation
        if g == self._loaded_gen:
            return
        for attempt in range(3):
            try:
                load_verified(self.store, g, self._manifest.seal)
                self._loaded_gen = g
                return
            except (IndexLockedError, ConfigError):
                raise
            except Exception as exc:
                # A writer may have committed twice since we read the manifest and cleaned up the
                # files we were about to open: read the manifest again before giving up.
                self._manifest_mtime = 0
                self.refresh()
                if isinstance(exc, _Damaged) and (self._manifest.generation == g or attempt == 2):
                    raise IndexCorruptError(
                        f"index {self.root}: generation {g} is damaged: {exc}. Nothing was served from it; "
                        "run `assistant check --repair` (it rebuilds these files from the records)"
                    ) from None
                if self._manifest.generation == g or attempt == 2:
                    raise IndexCorruptError(
                        f"index {self.root}: generation {g} files are missing or unreadable ({exc}); "
                        "run `assistant check --repair`"
                    ) from exc
                g = self._manifest.generation

    # ---------------------------------------------------------------- search
    def doc_filter(self, doc_ids: Sequence[str] | None) -> DocFilter | None:
        """A search restriction to these live documents (None: no restriction)."""
        if doc_ids is None:
            return None
        doc_ids = tuple(dict.fromkeys(doc_ids))
        return DocFilter(doc_ids, self.records.chunk_ids_of(doc_ids, self.generation))

    def dense_search(self, query: np.ndarray, k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        self._ensure_loaded()
        return self.store.dense(self._loaded_gen, query, k, docs)

    def bm25_search(self, tokens: Sequence[str], k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        self._ensure_loaded()
        return self.store.lexical(self._loaded_gen, tokens, k, docs)

    def bm25_coverage(self, tokens: Sequence[str]) -> float:
        self._ensure_loaded()
        return self.store.coverage(self._loaded_gen, tokens)

    def doc_freqs(self, tokens: Sequence[str]) -> tuple[list[int], int]:
        """(chunks holding each BM25 token, chunks in all) in the committed generation."""
        self._ensure_loaded()
        return self.store.doc_freqs(self._loaded_gen, tokens)

    # ---------------------------------------------------------------- records
    def chunk_vectors(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        return self.records.vectors(ids)

    def chunks_by_id(self, ids: Iterable[int]) -> dict[int, tuple[Chunk, DocInfo]]:
        return self.records.chunks_by_id(ids, self.generation)

    def live_chunks(self) -> list[tuple[int, str, str, str]]:
        return self.records.live_chunks(self.generation)

    def documents(self) -> list[dict]:
        return self.records.documents(self.generation)

    def get_document(self, doc_id: str) -> Document:
        return self.records.get_document(doc_id, self.generation)

    def doc_for_path(self, path: str) -> str | None:
        return self.records.doc_for_path(path, self.generation)

    def paths_of(self, doc_id: str) -> list[str]:
        return self.records.paths_of(doc_id, self.generation)

    def has_document(self, doc_id: str) -> bool:
        return self.records.has_document(doc_id, self.generation)

    def near_duplicate(
        self, sig: np.ndarray, exclude: Iterable[str] = (), threshold: float = 0.8
    ) -> tuple[str, float] | None:
        return self.records.near_duplicate(sig, self.generation, exclude, threshold)

    def boilerplate(self, min_docs: int = 3) -> set[str]:
        return self.records.boilerplate(min_docs)

    def counts(self) -> tuple[int, int]:
        return self.records.counts(self.generation)

    # ------------------------------------------------------------ maintenance
    def check(self) -> list[str]:
        from assistant.store.maintenance import check

        return check(self)

    def repair(self) -> list[str]:
        from assistant.store.maintenance import repair

        return repair(self)

    @contextmanager
    def writer(self) -> Iterator[IndexWriter]:
        """Exclusive writer; call ``commit()`` (also done on clean exit)."""
        lock = WriteLock(self.root / "write.lock")
        lock.acquire()
        w: IndexWriter | None = None
        try:
            w = IndexWriter(self)
            yield w
            w.commit()
        finally:
            if w is not None:
                w.close()
            lock.release()
