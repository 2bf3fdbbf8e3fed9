"""The record store: one SQLite database (WAL) with documents, paths, chunks and their vectors/tokens.

Every row carries ``added_gen`` and ``removed_gen``; a row is live in generation G when
``added_gen <= G`` and it was not removed at or before G. Reads take the generation to look at.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from assistant.errors import DocumentNotFound, IndexCorruptError
from assistant.records import Chunk, DocInfo, Document, Section
from assistant.store.base import LiveRows

LIVE = "added_gen <= :g AND (removed_gen IS NULL OR removed_gen > :g)"

SCHEMA = """
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


def connect(root: Path) -> sqlite3.Connection:
    """The records database of an index, refused in one line when SQLite cannot read it."""
    path = Path(root) / "records.sqlite"
    db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise IndexCorruptError(damaged_records(path, exc)) from None
    return db


def damaged_records(path: Path, reason: object) -> str:
    return (
        f"{path}: the records database is damaged ({reason}). Nothing was changed. It holds the articles "
        "themselves, so it cannot be rebuilt from the index files: restore it from a backup, or re-create "
        "the index from an export (`assistant import FILE` into a new --data-dir) or by ingesting the "
        "articles again"
    )


def integrity_problems(db: sqlite3.Connection, path: Path) -> list[str]:
    """SQLite's own full check of the records database."""
    try:
        rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [damaged_records(path, exc)]
    return [] if rows == ["ok"] else [damaged_records(path, "; ".join(rows[:3]))]


def document_from_row(r: sqlite3.Row) -> Document:
    return Document(
        doc_id=r["doc_id"],
        title=r["title"],
        text=r["text"],
        source=r["source"],
        language=r["language"],
        date=r["date"],
        url=r["url"],
        author=r["author"],
        fmt=r["fmt"],
        sections=tuple(Section(*s) for s in json.loads(r["sections"] or "[]")),
        pages=tuple(tuple(p) for p in json.loads(r["pages"] or "[]")),  # type: ignore[misc]
    )


def live_rows(db: sqlite3.Connection, gen: int, with_vectors: bool, batch: int = 4096) -> Iterator[LiveRows]:
    """Every chunk live in ``gen``, in chunk-id order, as plain arrays (what a VectorStore is given)."""
    cols = "chunk_id, doc_id, added_gen, tokens" + (", vector" if with_vectors else "")
    cur = db.execute(f"SELECT {cols} FROM chunks WHERE {LIVE} ORDER BY chunk_id", {"g": gen})
    while rows := cur.fetchmany(batch):
        yield LiveRows(
            ids=np.array([r[0] for r in rows], np.int64),
            doc_ids=[r[1] for r in rows],
            added_gen=np.array([r[2] for r in rows], np.int64),
            tokens=[(r[3] or "").split() for r in rows],
            vectors=np.stack([np.frombuffer(r[4], np.float32) for r in rows]) if with_vectors else None,
        )


class RecordStore:
    """Read queries over the records, each at a given generation. Thread-safe (one lock)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.RLock()
        self._db = connect(self.root)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def integrity(self) -> list[str]:
        with self._lock:
            return integrity_problems(self._db, self.root / "records.sqlite")

    def rows(self, sql: str, params: dict | Sequence) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def chunk_ids_of(self, doc_ids: Sequence[str], g: int) -> np.ndarray:
        if not doc_ids:
            return np.zeros(0, np.int64)
        marks = ",".join("?" * len(doc_ids))
        rows = self.rows(
            f"SELECT chunk_id FROM chunks WHERE doc_id IN ({marks}) AND added_gen <= ? "
            f"AND (removed_gen IS NULL OR removed_gen > ?)",
            [*doc_ids, g, g],
        )
        return np.array([r[0] for r in rows], np.int64)

    def chunks_by_id(self, ids: Iterable[int], g: int) -> dict[int, tuple[Chunk, DocInfo]]:
        """Chunk records (with what their document says about itself) for live chunk ids."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.rows(
            f'SELECT c.chunk_id, c.doc_id, c.ordinal, c.start, c."end", c.heading, c.page, '
            f"d.text AS doc_text, d.title, d.source, d.date, d.url, d.language "
            f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE c.chunk_id IN ({marks}) "
            f"AND c.added_gen <= ? AND (c.removed_gen IS NULL OR c.removed_gen > ?)",
            [*ids, g, g],
        )
        out = {}
        for r in rows:
            text = r["doc_text"][r["start"] : r["end"]]
            out[r["chunk_id"]] = (
                Chunk(
                    r["chunk_id"], r["doc_id"], r["ordinal"], r["start"], r["end"], text, r["heading"] or "", r["page"]
                ),
                DocInfo(r["title"], r["source"], r["date"], r["url"], r["language"] or ""),
            )
        return out

    def vectors(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        """The stored embedding of each chunk id (any generation: ids are content hashes)."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self.rows(f"SELECT chunk_id, vector FROM chunks WHERE chunk_id IN ({','.join('?' * len(ids))})", ids)
        return {int(r[0]): np.frombuffer(r[1], np.float32) for r in rows}

    def live_chunks(self, g: int) -> list[tuple[int, str, str, str]]:
        """(chunk id, document source, chunk text, document language) of every live chunk."""
        rows = self.rows(
            'SELECT c.chunk_id, c.start, c."end", d.source, d.text, d.language FROM chunks c '
            "JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE c.added_gen <= :g AND (c.removed_gen IS NULL OR c.removed_gen > :g)",
            {"g": g},
        )
        return [(int(r["chunk_id"]), r["source"], r["text"][r["start"] : r["end"]], r["language"]) for r in rows]

    def documents(self, g: int) -> list[dict]:
        rows = self.rows(
            f"SELECT doc_id, title, source, language, date, url, author, fmt, n_chunks, ingested_at "
            f"FROM documents WHERE {LIVE} ORDER BY ingested_at, doc_id",
            {"g": g},
        )
        return [dict(r) for r in rows]

    def get_document(self, doc_id: str, g: int) -> Document:
        rows = self.rows(f"SELECT * FROM documents WHERE doc_id = :d AND {LIVE}", {"d": doc_id, "g": g})
        if not rows:
            raise DocumentNotFound.said(
                "index: no document",
                f"no document with id '{doc_id}' in {self.root}; list them with `assistant docs`",
                doc_id=doc_id,
            )
        return document_from_row(rows[0])

    def doc_for_path(self, path: str, g: int) -> str | None:
        rows = self.rows(f"SELECT doc_id FROM paths WHERE path = :p AND {LIVE}", {"p": path, "g": g})
        return rows[0]["doc_id"] if rows else None

    def paths_of(self, doc_id: str, g: int) -> list[str]:
        rows = self.rows(f"SELECT path FROM paths WHERE doc_id = :d AND {LIVE}", {"d": doc_id, "g": g})
        return [r["path"] for r in rows]

    def has_document(self, doc_id: str, g: int) -> bool:
        return bool(self.rows(f"SELECT 1 FROM documents WHERE doc_id = :d AND {LIVE}", {"d": doc_id, "g": g}))

    def near_duplicate(
        self, sig: np.ndarray, g: int, exclude: Iterable[str] = (), threshold: float = 0.8
    ) -> tuple[str, float] | None:
        """The live document whose MinHash signature is most similar to sig, if ≥ threshold."""
        from assistant.text.dedup import band_keys, similarity

        keys = band_keys(sig)
        marks = ",".join("?" * len(keys))
        rows = self.rows(
            f"SELECT DISTINCT d.doc_id, d.minhash FROM bands b JOIN documents d ON d.doc_id = b.doc_id "
            f"WHERE b.key IN ({marks}) AND d.added_gen <= ? AND (d.removed_gen IS NULL OR d.removed_gen > ?)",
            [*keys, g, g],
        )
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
        rows = self.rows("SELECT key FROM boilerplate GROUP BY key HAVING COUNT(*) >= :m", {"m": min_docs})
        return {r["key"] for r in rows}

    def counts(self, g: int) -> tuple[int, int]:
        d = self.rows(f"SELECT COUNT(*) AS n FROM documents WHERE {LIVE}", {"g": g})[0]["n"]
        c = self.rows(f"SELECT COUNT(*) AS n FROM chunks WHERE {LIVE}", {"g": g})[0]["n"]
        return int(d), int(c)

    def chunks_per_document(self, g: int) -> tuple[dict[str, int], dict[str, int]]:
        """(recorded n_chunks per live document, live chunk rows per document id) — for check()."""
        docs = {
            r["doc_id"]: r["n_chunks"]
            for r in self.rows(f"SELECT doc_id, n_chunks FROM documents WHERE {LIVE}", {"g": g})
        }
        per_doc: dict[str, int] = {}
        for r in self.rows(f"SELECT doc_id FROM chunks WHERE {LIVE}", {"g": g}):
            per_doc[r["doc_id"]] = per_doc.get(r["doc_id"], 0) + 1
        return docs, per_doc

    def live_chunk_ids(self, g: int) -> set[int]:
        return {r["chunk_id"] for r in self.rows(f"SELECT chunk_id FROM chunks WHERE {LIVE}", {"g": g})}
