"""The one writer: rows for generation G+1 in SQLite, then the vector store, then the manifest switch.

A writer that dies before the switch leaves rows with ``added_gen > G``; the next writer rolls them
back (and clears ``removed_gen > G``) before it starts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import DocumentNotFound
from assistant.records import Chunk, Document
from assistant.store.base import Added, CommitPlan
from assistant.store.manifest import Manifest
from assistant.store.records import LIVE, connect, live_rows

if TYPE_CHECKING:
    from assistant.store.index import Index


class IndexWriter:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.db = connect(index.root)
        index.refresh()
        self.base = Manifest.read(index.root / "manifest.json")
        self._rollback_uncommitted()
        self.gen = self.base.generation + 1
        self._added: dict[int, Added] = {}
        self._removed: set[int] = set()
        self._dirty = False
        self._rebuild = False
        self.timings: dict[str, float] = {}  # seconds per commit stage, summed (for benchmarks)

    def analyze(self, text: str) -> list[str]:
        return self.index.analyze(text)

    def _rollback_uncommitted(self) -> None:
        g = self.base.generation
        purge = [
            r[0]
            for r in self.db.execute(
                "SELECT chunk_id FROM chunks WHERE removed_gen IS NOT NULL AND removed_gen <= ?", (g,)
            )
        ]
        self.index.store.rollback(g, purge)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "DELETE FROM bands WHERE doc_id IN (SELECT doc_id FROM documents WHERE added_gen > ? "
                "OR (removed_gen IS NOT NULL AND removed_gen <= ?))",
                (g, g),
            )
            for table in ("documents", "paths", "chunks"):
                self.db.execute(f"DELETE FROM {table} WHERE added_gen > ?", (g,))
                self.db.execute(f"UPDATE {table} SET removed_gen = NULL WHERE removed_gen > ?", (g,))
                # Rows removed at or before the committed generation are garbage now.
                self.db.execute(f"DELETE FROM {table} WHERE removed_gen IS NOT NULL AND removed_gen <= ?", (g,))

    def has_live_document(self, doc_id: str) -> bool:
        """Live in the generation being written (this writer's own changes included)."""
        return (
            self.db.execute("SELECT 1 FROM documents WHERE doc_id = ? AND removed_gen IS NULL", (doc_id,)).fetchone()
            is not None
        )

    def add_document(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        tokens: Sequence[Sequence[str]],
        path: str,
        minhash: np.ndarray | None = None,
        ingested_at: float | None = None,
    ) -> None:
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
                _document_row(doc, len(chunks), ingested_at, minhash, g),
            )
            if minhash is not None:
                from assistant.text.dedup import band_keys

                self.db.executemany("INSERT INTO bands VALUES (?, ?)", [(k, doc.doc_id) for k in band_keys(minhash)])
            self.db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,NULL)",
                [
                    (
                        c.chunk_id,
                        c.doc_id,
                        c.ordinal,
                        c.start,
                        c.end,
                        c.heading,
                        c.page,
                        " ".join(t),
                        np.asarray(v, np.float32).tobytes(),
                        g,
                    )
                    for c, v, t in zip(chunks, vectors, tokens)
                ],
            )
            self._set_path(path, doc.doc_id)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
                self.db.execute("ROLLBACK")
            raise
        for c, v, t in zip(chunks, vectors, tokens):
            self._added[c.chunk_id] = Added(np.asarray(v, np.float32), doc.doc_id, list(t))
        self._dirty = True

    def _set_path(self, path: str, doc_id: str) -> None:
        g = self.gen
        self.db.execute(
            "UPDATE paths SET removed_gen = ? WHERE path = ? AND removed_gen IS NULL AND doc_id != ?", (g, path, doc_id)
        )
        exists = self.db.execute(
            "SELECT 1 FROM paths WHERE path = ? AND doc_id = ? AND removed_gen IS NULL", (path, doc_id)
        ).fetchone()
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
        rows = self.db.execute(
            "SELECT chunk_id FROM chunks WHERE doc_id = ? AND removed_gen IS NULL", (doc_id,)
        ).fetchall()
        if not self.has_live_document(doc_id):
            raise DocumentNotFound.said(
                "index: no document",
                f"no document with id '{doc_id}' in {self.index.root}; list them with `assistant docs`",
                doc_id=doc_id,
            )
        self.db.execute("BEGIN IMMEDIATE")
        for table in ("documents", "paths", "chunks"):
            self.db.execute(f"UPDATE {table} SET removed_gen = ? WHERE doc_id = ? AND removed_gen IS NULL", (g, doc_id))
        self.db.execute("COMMIT")
        for (cid,) in rows:
            if self._added.pop(cid, None) is None:
                self._removed.add(cid)
        self._dirty = True
        return len(rows)

    def remove_orphan_chunks(self) -> int:
        """Mark removed the live chunks whose document is gone (repair); returns how many."""
        n = self.db.execute(
            "UPDATE chunks SET removed_gen = ? WHERE removed_gen IS NULL AND doc_id NOT IN "
            "(SELECT doc_id FROM documents WHERE removed_gen IS NULL)",
            (self.gen,),
        ).rowcount
        if n:
            self._dirty = True
        return n

    def learn_boilerplate(self, keys_by_source: dict[str, set[str]]) -> None:
        """Record which candidate lines each source text holds (a text counts once however often seen)."""
        self.db.execute("BEGIN IMMEDIATE")
        for src, keys in keys_by_source.items():
            self.db.executemany("INSERT OR IGNORE INTO boilerplate VALUES (?, ?)", [(k, src) for k in keys])
        self.db.execute("COMMIT")

    def force_rebuild(self) -> None:
        """Make the next commit rebuild the vector store from the records instead of patching it."""
        self._rebuild = True
        self._dirty = True

    def plan(self) -> CommitPlan:
        """What the vector store is given for this generation: ids, vectors and tokens, no SQL."""
        g = self.gen
        live = int(self.db.execute(f"SELECT COUNT(*) FROM chunks WHERE {LIVE}", {"g": g}).fetchone()[0])
        return CommitPlan(
            gen=g,
            base_gen=self.base.generation,
            dim=self.base.dim,
            live_count=live,
            live_rows=lambda with_vectors: live_rows(self.db, g, with_vectors),
            added=self._added,
            removed=self._removed,
            rebuild=self._rebuild,
            ann_threshold=self.index.ann_threshold,
            base_seal=self.base.seal,
        )

    def commit(self) -> None:
        """Write this generation to the vector store, then switch the manifest to it."""
        if not self._dirty:
            return
        root, g, base = self.index.root, self.gen, self.base
        plan = self.plan()
        for key, seconds in self.index.store.write(plan).items():
            self.timings[key] = self.timings.get(key, 0.0) + seconds
        t0 = time.perf_counter()
        n_docs = self.db.execute(f"SELECT COUNT(*) FROM documents WHERE {LIVE}", {"g": g}).fetchone()[0]
        m = Manifest(
            **{
                **asdict(base),
                "generation": g,
                "documents": int(n_docs),
                "chunks": plan.live_count,
                "updated": time.time(),
                "seal": self.index.store.seal(plan),
            }
        )
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


def _document_row(doc: Document, n_chunks: int, ingested_at: float | None, minhash: np.ndarray | None, g: int) -> tuple:
    return (
        doc.doc_id,
        doc.title,
        doc.source,
        doc.language,
        doc.date,
        doc.url,
        doc.author,
        doc.fmt,
        doc.text,
        json.dumps([[s.heading, s.start, s.end] for s in doc.sections], ensure_ascii=False),
        json.dumps([list(p) for p in doc.pages]),
        n_chunks,
        time.time() if ingested_at is None else ingested_at,
        None if minhash is None else np.asarray(minhash, np.uint32).tobytes(),
        g,
    )
