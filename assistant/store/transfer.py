"""Move an index between stores (FAISS ↔ Milvus, or machine to machine) without re-embedding.

``export_index`` writes the committed generation's live records — documents, paths, chunks with
their vectors and BM25 tokens, near-duplicate signatures, learned boilerplate — into one SQLite
file with a ``meta`` table describing it. ``import_index`` adds the documents an index does not
have yet, through the ordinary writer, so the target store (whichever it is) indexes them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.errors import IndexMismatchError, LoadError
from assistant.records import Chunk
from assistant.store.index import Index
from assistant.store.manifest import FORMAT_VERSION
from assistant.store.records import LIVE, document_from_row
from assistant.store.writer import IndexWriter

EXPORT_FORMAT = "article-assistant-export-1"
_COMMIT_CHUNKS = 50_000  # commit (and free the vectors held for it) every this many chunks


def export_index(index: Index, dest: Path) -> dict:
    """Write the live records of the committed generation to ``dest`` (replaced atomically)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    m = index.manifest
    g = m.generation
    src = sqlite3.connect(index.root / "records.sqlite", timeout=30)
    try:
        src.execute("ATTACH DATABASE ? AS out", (str(tmp),))
        cols = {t: [r[1] for r in src.execute(f"PRAGMA table_info({t})")] for t in ("documents", "paths", "chunks")}
        with src:
            for t in ("documents", "paths", "chunks"):
                src.execute(f"CREATE TABLE out.{t} AS SELECT * FROM main.{t} WHERE 0")
                keep = ", ".join(f'"{c}"' for c in cols[t])
                src.execute(f"INSERT INTO out.{t} SELECT {keep} FROM main.{t} WHERE {LIVE}", {"g": g})
            src.execute("CREATE TABLE out.boilerplate AS SELECT * FROM main.boilerplate")
            src.execute("CREATE TABLE out.meta (key TEXT PRIMARY KEY, value TEXT)")
            d, c = (src.execute(f"SELECT COUNT(*) FROM out.{t}").fetchone()[0] for t in ("documents", "chunks"))
            meta = {
                "format": EXPORT_FORMAT,
                "index_format": FORMAT_VERSION,
                "embedder": m.embedder,
                "dim": m.dim,
                "analyzer": m.analyzer,
                "chunk_max_tokens": m.chunk_max_tokens,
                "generation": g,
                "documents": d,
                "chunks": c,
                "exported_at": time.time(),
                "from_store": m.vector_store,
            }
            src.executemany("INSERT INTO out.meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        src.execute("DETACH DATABASE out")
    finally:
        src.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return meta


def read_meta(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise LoadError(str(path), "no such export file", f"make one with `assistant export {path.name}`")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise LoadError(str(path), f"not an index export ({exc})", "make one with `assistant export`") from exc
    if meta.get("format") != EXPORT_FORMAT:
        raise LoadError(
            str(path),
            f"export format '{meta.get('format')}' is not '{EXPORT_FORMAT}'",
            "made by another version: export again with this version",
        )
    return meta


def import_index(index: Index, path: Path, progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Add the exported documents this index does not hold yet. Returns counts."""
    meta = read_meta(path)
    m = index.manifest
    for key, what in (("embedder", "embedder"), ("dim", "vector size"), ("analyzer", "BM25 analyser")):
        if meta[key] != getattr(m, key):
            raise IndexMismatchError(
                f"{path} was exported with {what} '{meta[key]}'; the index at {index.root} uses '{getattr(m, key)}'. "
                "Import into a new --data-dir with the same ASSISTANT_EMBEDDER / ASSISTANT_ANALYZER"
            )
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    src.row_factory = sqlite3.Row
    added = skipped = chunks_added = 0
    total = int(meta["documents"])
    try:
        doc_ids = [r[0] for r in src.execute("SELECT doc_id FROM documents ORDER BY ingested_at, doc_id")]
        with index.writer() as w:
            w.learn_boilerplate(_boilerplate(src))
            pending = 0
            for i, doc_id in enumerate(doc_ids, 1):
                if w.has_live_document(doc_id):
                    skipped += 1
                    continue
                n = _import_document(w, src, doc_id)
                added += 1
                chunks_added += n
                pending += n
                if pending >= _COMMIT_CHUNKS:
                    w.commit()
                    pending = 0
                if progress and (i % 200 == 0 or i == total):
                    progress(i, total, doc_id)
    finally:
        src.close()
    return {
        "documents_added": added,
        "documents_skipped": skipped,
        "chunks_added": chunks_added,
        "documents": index.manifest.documents,
        "chunks": index.manifest.chunks,
        "from": meta,
    }


def _boilerplate(src: sqlite3.Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in src.execute("SELECT key, src FROM boilerplate"):
        out.setdefault(r["src"], set()).add(r["key"])
    return out


def _import_document(w: IndexWriter, src: sqlite3.Connection, doc_id: str) -> int:
    r = src.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    doc = document_from_row(r)
    rows = src.execute("SELECT * FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,)).fetchall()
    chunks = [
        Chunk(
            c["chunk_id"],
            doc_id,
            c["ordinal"],
            c["start"],
            c["end"],
            doc.text[c["start"] : c["end"]],
            c["heading"] or "",
            c["page"],
        )
        for c in rows
    ]
    vectors = np.stack([np.frombuffer(c["vector"], np.float32) for c in rows]) if rows else np.zeros((0, 0))
    tokens = [(c["tokens"] or "").split() for c in rows]
    paths = [p[0] for p in src.execute("SELECT path FROM paths WHERE doc_id = ? ORDER BY path", (doc_id,))]
    minhash = np.frombuffer(r["minhash"], np.uint32) if r["minhash"] is not None else None
    w.add_document(
        doc, chunks, vectors, tokens, paths[0] if paths else doc.source, minhash, ingested_at=r["ingested_at"]
    )
    for p in paths[1:]:
        w.add_path(p, doc_id)
    return len(rows)
