"""The on-disk index: one SQLite database, plus FAISS and BM25 files per committed generation.

Commit protocol (see index/README.md): rows are written with ``added_gen = G+1`` (and removals
marked ``removed_gen = G+1``) in a SQLite transaction; then ``vectors/G+1.faiss`` and
``bm25/G+1/`` are written beside the old ones; finally ``manifest.json`` is replaced atomically
with ``generation = G+1``. Readers only ever look at the generation named by the manifest, so they
see the old index or the new one, never a mix. A writer that dies before the manifest switch
leaves rows that the next writer rolls back.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import (
    ConfigError,
    DocumentNotFound,
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
)
from ..records import Chunk, Document, Section
from .base import LIVE, Added, CommitPlan, DocFilter, VectorStore
from .lock import WriteLock

FORMAT_VERSION = 1
ANALYZER = "ar-norm+light10-v1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, language TEXT, date TEXT, url TEXT,
  author TEXT, fmt TEXT, text TEXT, sections TEXT, pages TEXT, n_chunks INTEGER,
  ingested_at REAL, minhash BLOB, added_gen INTEGER NOT NULL, removed_gen INTEGER);
CREATE TABLE IF NOT EXISTS paths (
  path TEXT NOT NULL, doc_id TEXT NOT NULL, added_gen INTEGER NOT NULL, removed_gen INTEGER);
CREATE INDEX IF NOT EXISTS paths_path ON paths(path);
CREATE INDEX IF NOT EXISTS paths_doc ON paths(doc_id);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, start INTEGER, "end" INTEGER,
  heading TEXT, page INTEGER, tokens TEXT, vector BLOB,
  added_gen INTEGER NOT NULL, removed_gen INTEGER);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS boilerplate (key TEXT NOT NULL, src TEXT NOT NULL, PRIMARY KEY (key, src));
CREATE TABLE IF NOT EXISTS bands (key TEXT NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands(key);
CREATE INDEX IF NOT EXISTS bands_doc ON bands(doc_id);
"""


@dataclass
class Manifest:
    embedder: str
    dim: int
    chunk_max_tokens: int
    analyzer: str = ANALYZER
    vector_store: str = "faiss"  # where vectors and BM25 postings live: "faiss" (files here) or "milvus"
    store_location: str = ""  # for Milvus: the collection (and server) holding this index's rows
    format_version: int = FORMAT_VERSION
    generation: int = 0
    documents: int = 0
    chunks: int = 0
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(f"{path}: unreadable manifest ({exc}); run `assistant check --repair`") from exc

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as fh:
            json.dump(asdict(self), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


class Index:
    """Open with :meth:`open`; read methods always use the last committed generation."""

    def __init__(self, root: Path, manifest: Manifest, ann_threshold: int = 50_000,
                 store: VectorStore | None = None) -> None:
        self.root = root
        self._manifest = manifest
        self.ann_threshold = ann_threshold  # above this many chunks the FAISS index is IVF-SQ8
        self._db_lock = threading.RLock()
        self._db = self._connect()
        self._loaded_gen = -1
        if store is None:
            from .faiss_store import FaissStore

            store = FaissStore(root, manifest.dim)
        self.store = store
        self._manifest_mtime = 0.0

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, root: Path, embedder: str, dim: int, chunk_max_tokens: int,
             analyzer: str = ANALYZER, store: "VectorStore | None" = None) -> "Index":
        """Open (or create) the index at root, refusing one built with another embedder.

        ``store``: where vectors and BM25 postings live (default: FAISS + bm25s files under root).
        """
        root = Path(root)
        kind = store.kind if store is not None else "faiss"
        location = store.location if store is not None else ""
        root.mkdir(parents=True, exist_ok=True)
        mpath = root / "manifest.json"
        if mpath.exists():
            m = Manifest.read(mpath)
            if m.format_version != FORMAT_VERSION:
                raise IndexMismatchError(
                    f"index {root} has format {m.format_version}; this version reads {FORMAT_VERSION}. "
                    "Re-ingest into a new --data-dir")
            if m.embedder != embedder or m.dim != dim:
                raise IndexMismatchError(
                    f"index {root} was built with embedder '{m.embedder}' (dim {m.dim}); the current "
                    f"setting is '{embedder}' (dim {dim}). Use the same ASSISTANT_EMBEDDER, or a new "
                    "--data-dir for the other model")
            if m.analyzer != analyzer:
                raise IndexMismatchError(
                    f"index {root} was built with the BM25 analyser '{m.analyzer}'; the current setting is "
                    f"'{analyzer}'. Use the same ASSISTANT_ANALYZER, or a new --data-dir")
            if m.vector_store != kind:
                raise IndexMismatchError(
                    f"index {root} keeps its vectors in '{m.vector_store}'; the current setting is "
                    f"ASSISTANT_VECTOR_STORE={kind}. Use the same setting, or move the index with "
                    "`assistant export` and `assistant import` (no re-embedding)")
            if m.store_location != location:
                raise IndexMismatchError(
                    f"index {root} keeps its vectors in Milvus collection '{m.store_location}'; the current "
                    f"setting points at '{location}'. Set ASSISTANT_MILVUS_COLLECTION / ASSISTANT_MILVUS_URI "
                    "back, or move the index with `assistant export` and `assistant import`")
        else:
            m = Manifest(embedder=embedder, dim=dim, chunk_max_tokens=chunk_max_tokens, analyzer=analyzer,
                         vector_store=kind, store_location=location)
            with WriteLock(root / "write.lock"):
                if not mpath.exists():
                    if store is not None:
                        store.ensure_new()
                    db = sqlite3.connect(root / "records.sqlite")
                    db.executescript(_SCHEMA)
                    db.close()
                    m.write(mpath)
            m = Manifest.read(mpath)
        return cls(root, m, store=store)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.root / "records.sqlite", timeout=30, check_same_thread=False,
                             isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def close(self) -> None:
        with self._db_lock:
            self._db.close()
        self.store.close()

    # ---------------------------------------------------------------- reading
    def analyze(self, text: str) -> list[str]:
        """BM25 tokens with the analyser this index was built with."""
        from ..arabic import ANALYZERS

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

    def _ensure_loaded(self) -> None:
        self.refresh()
        g = self._manifest.generation
        if g == self._loaded_gen:
            return
        for attempt in range(3):
            try:
                self.store.prepare(g)
                self._loaded_gen = g
                return
            except (IndexLockedError, ConfigError):
                raise
            except Exception as exc:
                # A writer may have committed twice since we read the manifest and cleaned up the
                # files we were about to open: read the manifest again before giving up.
                self._manifest_mtime = 0
                self.refresh()
                if self._manifest.generation == g or attempt == 2:
                    raise IndexCorruptError(
                        f"index {self.root}: generation {g} files are missing or unreadable ({exc}); "
                        "run `assistant check --repair`") from exc
                g = self._manifest.generation

    def doc_filter(self, doc_ids: Sequence[str] | None) -> DocFilter | None:
        """A search restriction to these live documents (None: no restriction)."""
        if doc_ids is None:
            return None
        doc_ids = tuple(dict.fromkeys(doc_ids))
        if not doc_ids:
            return DocFilter((), np.zeros(0, np.int64))
        marks = ",".join("?" * len(doc_ids))
        g = self.generation
        with self._db_lock:
            rows = self._db.execute(
                f"SELECT chunk_id FROM chunks WHERE doc_id IN ({marks}) AND added_gen <= ? "
                f"AND (removed_gen IS NULL OR removed_gen > ?)", [*doc_ids, g, g]).fetchall()
        return DocFilter(doc_ids, np.array([r[0] for r in rows], np.int64))

    def dense_search(self, query: np.ndarray, k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        self._ensure_loaded()
        return self.store.dense(self._loaded_gen, query, k, docs)

    def bm25_search(self, tokens: Sequence[str], k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        self._ensure_loaded()
        return self.store.lexical(self._loaded_gen, tokens, k, docs)

    def bm25_coverage(self, tokens: Sequence[str]) -> float:
        self._ensure_loaded()
        return self.store.coverage(self._loaded_gen, tokens)

    def _rows(self, sql: str, params: dict) -> list[sqlite3.Row]:
        with self._db_lock:
            return self._db.execute(sql, params).fetchall()

    def chunks_by_id(self, ids: Iterable[int]) -> dict[int, tuple[Chunk, sqlite3.Row]]:
        """Chunk records (with their document row) for live chunk ids."""
        ids = list(ids)
        if not ids:
            return {}
        g = self.generation
        marks = ",".join("?" * len(ids))
        with self._db_lock:
            rows = self._db.execute(
                f"SELECT c.chunk_id, c.doc_id, c.ordinal, c.start, c.\"end\", c.heading, c.page, "
                f"d.text AS doc_text, d.title, d.source, d.date, d.url, d.language "
                f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE c.chunk_id IN ({marks}) "
                f"AND c.added_gen <= ? AND (c.removed_gen IS NULL OR c.removed_gen > ?)",
                [*ids, g, g]).fetchall()
        out = {}
        for r in rows:
            text = r["doc_text"][r["start"]:r["end"]]
            out[r["chunk_id"]] = (Chunk(r["chunk_id"], r["doc_id"], r["ordinal"], r["start"], r["end"], text,
                                        r["heading"] or "", r["page"]), r)
        return out

    def live_chunks(self) -> list[tuple[int, str, str, str]]:
        """(chunk id, document source, chunk text, document language) of every committed chunk."""
        rows = self._rows(
            "SELECT c.chunk_id, c.start, c.\"end\", d.source, d.text, d.language FROM chunks c "
            "JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE c.added_gen <= :g AND (c.removed_gen IS NULL OR c.removed_gen > :g)",
            {"g": self.generation})
        return [(int(r["chunk_id"]), r["source"], r["text"][r["start"]:r["end"]], r["language"]) for r in rows]

    def documents(self) -> list[dict]:
        rows = self._rows(
            f"SELECT doc_id, title, source, language, date, url, author, fmt, n_chunks, ingested_at "
            f"FROM documents WHERE {LIVE} ORDER BY ingested_at, doc_id", {"g": self.generation})
        return [dict(r) for r in rows]

    def get_document(self, doc_id: str) -> Document:
        rows = self._rows(f"SELECT * FROM documents WHERE doc_id = :d AND {LIVE}",
                          {"d": doc_id, "g": self.generation})
        if not rows:
            raise DocumentNotFound(f"no document with id '{doc_id}' in {self.root}; list them with `assistant docs`")
        r = rows[0]
        return Document(
            doc_id=r["doc_id"], title=r["title"], text=r["text"], source=r["source"], language=r["language"],
            date=r["date"], url=r["url"], author=r["author"], fmt=r["fmt"],
            sections=tuple(Section(*s) for s in json.loads(r["sections"] or "[]")),
            pages=tuple(tuple(p) for p in json.loads(r["pages"] or "[]")),  # type: ignore[misc]
        )

    def doc_for_path(self, path: str) -> str | None:
        rows = self._rows(f"SELECT doc_id FROM paths WHERE path = :p AND {LIVE}",
                          {"p": path, "g": self.generation})
        return rows[0]["doc_id"] if rows else None

    def paths_of(self, doc_id: str) -> list[str]:
        rows = self._rows(f"SELECT path FROM paths WHERE doc_id = :d AND {LIVE}",
                          {"d": doc_id, "g": self.generation})
        return [r["path"] for r in rows]

    def has_document(self, doc_id: str) -> bool:
        return bool(self._rows(f"SELECT 1 FROM documents WHERE doc_id = :d AND {LIVE}",
                               {"d": doc_id, "g": self.generation}))

    def near_duplicate(self, sig: np.ndarray, exclude: Iterable[str] = (),
                       threshold: float = 0.8) -> tuple[str, float] | None:
        """The live document whose MinHash signature is most similar to sig, if ≥ threshold."""
        from ..dedup import band_keys, similarity

        keys = band_keys(sig)
        marks = ",".join("?" * len(keys))
        g = self.generation
        with self._db_lock:
            rows = self._db.execute(
                f"SELECT DISTINCT d.doc_id, d.minhash FROM bands b JOIN documents d ON d.doc_id = b.doc_id "
                f"WHERE b.key IN ({marks}) AND d.added_gen <= ? AND (d.removed_gen IS NULL OR d.removed_gen > ?)",
                [*keys, g, g]).fetchall()
        skip = set(exclude)
        best: tuple[str, float] | None = None
        for r in rows:
            if r["doc_id"] in skip or r["minhash"] is None:
                continue
            sim = similarity(sig, np.frombuffer(r["minhash"], np.uint32))
            if sim >= threshold and (best is None or sim > best[1]):
                best = (r["doc_id"], sim)
        return best

    def boilerplate(self, min_docs: int = 3) -> set[str]:
        rows = self._rows("SELECT key FROM boilerplate GROUP BY key HAVING COUNT(*) >= :m", {"m": min_docs})
        return {r["key"] for r in rows}

    def counts(self) -> tuple[int, int]:
        g = {"g": self.generation}
        d = self._rows(f"SELECT COUNT(*) AS n FROM documents WHERE {LIVE}", g)[0]["n"]
        c = self._rows(f"SELECT COUNT(*) AS n FROM chunks WHERE {LIVE}", g)[0]["n"]
        return int(d), int(c)

    # ------------------------------------------------------------ consistency
    def check(self) -> list[str]:
        """Problems found in the committed generation (an empty list when consistent)."""
        problems: list[str] = []
        self.refresh()
        g = self._manifest.generation
        live = {r["chunk_id"] for r in self._rows(f"SELECT chunk_id FROM chunks WHERE {LIVE}", {"g": g})}
        docs = {r["doc_id"]: r["n_chunks"] for r in self._rows(f"SELECT doc_id, n_chunks FROM documents WHERE {LIVE}", {"g": g})}
        per_doc: dict[str, int] = {}
        for r in self._rows(f"SELECT doc_id FROM chunks WHERE {LIVE}", {"g": g}):
            per_doc[r["doc_id"]] = per_doc.get(r["doc_id"], 0) + 1
        orphans = set(per_doc) - set(docs)
        if orphans:
            problems.append(f"{len(orphans)} document ids have chunks but no document record")
        wrong = [d for d, n in docs.items() if per_doc.get(d, 0) != n]
        if wrong:
            problems.append(f"{len(wrong)} documents do not have the number of chunks they record")
        problems += self.store.verify(g, live)
        if self._manifest.chunks != len(live) or self._manifest.documents != len(docs):
            problems.append("manifest counts differ from the records")
        return problems

    def repair(self) -> list[str]:
        """Rebuild what can be rebuilt safely: orphan rows removed, FAISS and BM25 re-made from SQLite."""
        done: list[str] = []
        with self.writer() as w:
            g = w.gen
            n = w.db.execute(
                "UPDATE chunks SET removed_gen = ? WHERE removed_gen IS NULL AND doc_id NOT IN "
                "(SELECT doc_id FROM documents WHERE removed_gen IS NULL)", (g,)).rowcount
            if n:
                done.append(f"removed {n} orphan chunk records")
            w.force_rebuild()
        what = "FAISS and BM25" if self.store.kind == "faiss" else "the Milvus collection"
        done.append(f"rebuilt {what} for generation {self.generation}")
        return done

    # ---------------------------------------------------------------- writing
    @contextmanager
    def writer(self) -> Iterator["IndexWriter"]:
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


class IndexWriter:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.db = index._connect()
        index.refresh()
        self.base = Manifest.read(index.root / "manifest.json")
        self._rollback_uncommitted()
        self.gen = self.base.generation + 1
        self._added: dict[int, Added] = {}
        self._removed: set[int] = set()
        self._dirty = False
        self._rebuild = False
        self.timings: dict[str, float] = {}  # seconds per commit stage, summed (for benchmarks)

    def _rollback_uncommitted(self) -> None:
        g = self.base.generation
        purge = [r[0] for r in self.db.execute(
            "SELECT chunk_id FROM chunks WHERE removed_gen IS NOT NULL AND removed_gen <= ?", (g,))]
        self.index.store.rollback(g, purge)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM bands WHERE doc_id IN (SELECT doc_id FROM documents WHERE added_gen > ? "
                            "OR (removed_gen IS NOT NULL AND removed_gen <= ?))", (g, g))
            for table in ("documents", "paths", "chunks"):
                self.db.execute(f"DELETE FROM {table} WHERE added_gen > ?", (g,))
                self.db.execute(f"UPDATE {table} SET removed_gen = NULL WHERE removed_gen > ?", (g,))
                # Rows removed at or before the committed generation are garbage now.
                self.db.execute(f"DELETE FROM {table} WHERE removed_gen IS NOT NULL AND removed_gen <= ?", (g,))

    def add_document(self, doc: Document, chunks: Sequence[Chunk], vectors: np.ndarray,
                     tokens: Sequence[Sequence[str]], path: str, minhash: np.ndarray | None = None) -> None:
        """Add a new document (its id must not be live) and record the path it came from."""
        g = self.gen
        self.db.execute("BEGIN IMMEDIATE")
        try:
            # A document removed earlier may come back with the same content hash.
            self.db.execute("DELETE FROM chunks WHERE doc_id = ? AND removed_gen IS NOT NULL", (doc.doc_id,))
            self.db.execute("DELETE FROM documents WHERE doc_id = ? AND removed_gen IS NOT NULL", (doc.doc_id,))
            self.db.execute("DELETE FROM bands WHERE doc_id = ?", (doc.doc_id,))
            self.db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
                (doc.doc_id, doc.title, doc.source, doc.language, doc.date, doc.url, doc.author, doc.fmt,
                 doc.text, json.dumps([[s.heading, s.start, s.end] for s in doc.sections], ensure_ascii=False),
                 json.dumps([list(p) for p in doc.pages]), len(chunks), time.time(),
                 None if minhash is None else np.asarray(minhash, np.uint32).tobytes(), g))
            if minhash is not None:
                from ..dedup import band_keys

                self.db.executemany("INSERT INTO bands VALUES (?, ?)", [(k, doc.doc_id) for k in band_keys(minhash)])
            self.db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,NULL)",
                [(c.chunk_id, c.doc_id, c.ordinal, c.start, c.end, c.heading, c.page, " ".join(t),
                  np.asarray(v, np.float32).tobytes(), g) for c, v, t in zip(chunks, vectors, tokens)])
            self._set_path(path, doc.doc_id)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        for c, v, t in zip(chunks, vectors, tokens):
            self._added[c.chunk_id] = Added(np.asarray(v, np.float32), doc.doc_id, list(t))
        self._dirty = True

    def _set_path(self, path: str, doc_id: str) -> None:
        g = self.gen
        self.db.execute("UPDATE paths SET removed_gen = ? WHERE path = ? AND removed_gen IS NULL AND doc_id != ?",
                        (g, path, doc_id))
        exists = self.db.execute("SELECT 1 FROM paths WHERE path = ? AND doc_id = ? AND removed_gen IS NULL",
                                 (path, doc_id)).fetchone()
        if not exists:
            self.db.execute("INSERT INTO paths VALUES (?,?,?,NULL)", (path, doc_id, g))

    def add_path(self, path: str, doc_id: str) -> None:
        """Record another path for an existing document (an exact duplicate file)."""
        self.db.execute("BEGIN IMMEDIATE")
        self._set_path(path, doc_id)
        self.db.execute("COMMIT")
        self._dirty = True

    def remove_document(self, doc_id: str) -> int:
        """Mark a document and its chunks removed; returns the number of chunks removed."""
        g = self.gen
        rows = self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ? AND removed_gen IS NULL",
                               (doc_id,)).fetchall()
        found = self.db.execute("SELECT 1 FROM documents WHERE doc_id = ? AND removed_gen IS NULL",
                                (doc_id,)).fetchone()
        if not found:
            raise DocumentNotFound(f"no document with id '{doc_id}' in {self.index.root}; "
                                   "list them with `assistant docs`")
        self.db.execute("BEGIN IMMEDIATE")
        for table in ("documents", "paths", "chunks"):
            self.db.execute(f"UPDATE {table} SET removed_gen = ? WHERE doc_id = ? AND removed_gen IS NULL",
                            (g, doc_id))
        self.db.execute("COMMIT")
        for (cid,) in rows:
            if self._added.pop(cid, None) is None:
                self._removed.add(cid)
        self._dirty = True
        return len(rows)

    def learn_boilerplate(self, keys_by_source: dict[str, set[str]]) -> None:
        """Record which candidate lines each source text holds (a text counts once however often seen)."""
        self.db.execute("BEGIN IMMEDIATE")
        for src, keys in keys_by_source.items():
            self.db.executemany("INSERT OR IGNORE INTO boilerplate VALUES (?, ?)", [(k, src) for k in keys])
        self.db.execute("COMMIT")

    def force_rebuild(self) -> None:
        """Make the next commit rebuild the FAISS index from SQLite instead of patching the last one."""
        self._rebuild = True
        self._dirty = True

    def commit(self) -> None:
        """Write this generation to the vector store, then switch the manifest to it."""
        if not self._dirty:
            return
        root, g, base = self.index.root, self.gen, self.base
        plan = CommitPlan(gen=g, base_gen=base.generation, dim=base.dim, db=self.db, added=self._added,
                          removed=self._removed, rebuild=self._rebuild, ann_threshold=self.index.ann_threshold)
        for key, seconds in self.index.store.write(plan).items():
            self.timings[key] = self.timings.get(key, 0.0) + seconds
        t0 = time.perf_counter()
        n_docs = self.db.execute(f"SELECT COUNT(*) FROM documents WHERE {LIVE}", {"g": g}).fetchone()[0]
        m = Manifest(**{**asdict(base), "generation": g, "documents": int(n_docs), "chunks": plan.live_count,
                        "updated": time.time()})
        m.write(root / "manifest.json")  # the commit point
        self.timings["manifest"] = self.timings.get("manifest", 0.0) + time.perf_counter() - t0
        self.index.store.committed(plan)
        self.base = m
        self.gen = g + 1
        self._added = {}
        self._removed = set()
        self._dirty = False
        self._rebuild = False

    def close(self) -> None:
        self.db.close()

