"""Consistency: do the records, the manifest and the vector store agree? Repair what can be rebuilt.

Repair never guesses and never deletes what a committed generation holds: derived files (FAISS, BM25,
the Milvus rows) are rebuilt from the records; a missing, unreadable or stale manifest is rebuilt from
the records and the newest generation whose files are complete; damaged records are refused.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import IndexCorruptError
from assistant.store.manifest import Manifest
from assistant.store.records import LIVE, integrity_problems

if TYPE_CHECKING:
    from assistant.store.index import Index


def check(index: Index) -> list[str]:
    """Problems found in the committed generation (an empty list when consistent)."""
    index.refresh()
    problems: list[str] = index.records.integrity()
    if problems:
        return problems  # nothing below can be trusted
    m = index.manifest
    g = m.generation
    live = index.records.live_chunk_ids(g)
    docs, per_doc = index.records.chunks_per_document(g)
    orphans = set(per_doc) - set(docs)
    if orphans:
        problems.append(f"{len(orphans)} document ids have chunks but no document record")
    wrong = [d for d, n in docs.items() if per_doc.get(d, 0) != n]
    if wrong:
        problems.append(f"{len(wrong)} documents do not have the number of chunks they record")
    if g > 0 and not m.seal:
        problems.append(f"generation {g} has no recorded checksums (written by an older version)")
    problems += index.store.seal_problems(g, m.seal, True)
    problems += index.store.verify(g, live)
    if m.chunks != len(live) or m.documents != len(docs):
        problems.append("manifest counts differ from the records")
    # A newer complete generation than the manifest names is not reported: a writer killed between writing
    # its files and switching the manifest leaves one, and the next writer rolls it back. Repair adopts it.
    return problems


def repair(index: Index) -> list[str]:
    """Rebuild what can be rebuilt safely: orphan rows removed, the vector store re-made from SQLite."""
    damaged = index.records.integrity()
    if damaged:
        raise IndexCorruptError(damaged[0])
    done: list[str] = []
    g = index.generation
    newer = newest_complete(index.root, index.store.kind, g)
    if newer > g:
        kept = index.root / f"manifest.json.before-repair-{g}"
        os.replace(index.root / "manifest.json", kept)
        done.append(adopt(index.root, newer, Manifest.read(kept)) + f"; the manifest named {g}, kept as {kept.name}")
        index.refresh()
    with index.writer() as w:
        n = w.remove_orphan_chunks()
        if n:
            done.append(f"removed {n} orphan chunk records")
        w.force_rebuild()
    what = "FAISS and BM25" if index.store.kind == "faiss" else "the Milvus collection"
    done.append(f"rebuilt {what} for generation {index.generation}, with checksums")
    return done


def _records(root: Path) -> sqlite3.Connection:
    path = root / "records.sqlite"
    if not path.exists() or path.stat().st_size == 0:
        raise IndexCorruptError(
            f"{path} is missing or empty, so the index cannot be rebuilt from it. Nothing was changed; restore it "
            "from a backup, or `assistant import` an export into a new --data-dir"
        )
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    bad = integrity_problems(db, path)
    if bad:
        db.close()
        raise IndexCorruptError(bad[0])
    return db


def newest_complete(root: Path, kind: str, committed: int) -> int:
    """The newest generation the records hold whose store files were completely written (FAISS only:
    a writer that died after writing them but before switching the manifest, or a manifest restored
    from an older copy). ``committed`` when there is none newer."""
    if kind != "faiss":
        return committed
    try:
        db = sqlite3.connect(f"file:{root / 'records.sqlite'}?mode=ro", uri=True)
        try:
            top = db.execute("SELECT MAX(added_gen) FROM chunks").fetchone()[0] or 0
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return committed
    for g in range(int(top), committed, -1):
        if (root / "vectors" / f"{g}.faiss").is_file() and (root / "bm25" / str(g) / "vocab.json").is_file():
            return g
    return committed


def adopt(root: Path, g: int, template: Manifest) -> str:
    """Write a manifest for generation ``g`` from the records and the template's settings."""
    db = _records(root)
    try:
        docs = db.execute(f"SELECT COUNT(*) FROM documents WHERE {LIVE}", {"g": g}).fetchone()[0]
        chunks = db.execute(f"SELECT COUNT(*) FROM chunks WHERE {LIVE}", {"g": g}).fetchone()[0]
    finally:
        db.close()
    fields = {**template.__dict__, "generation": g, "documents": int(docs), "chunks": int(chunks), "seal": {}}
    Manifest(**fields).write(root / "manifest.json")
    return f"manifest.json rebuilt for generation {g} from the records ({docs} documents, {chunks} chunks)"


def recover_manifest(root: Path, template: Manifest) -> str | None:
    """A missing or unreadable manifest rebuilt from the records (``template``: the current settings'
    embedder, dimension and store). None when the manifest is readable."""
    mpath = root / "manifest.json"
    try:
        Manifest.read(mpath)
        return None
    except IndexCorruptError:
        pass
    db = _records(root)
    try:
        row = db.execute("SELECT vector FROM chunks WHERE vector IS NOT NULL LIMIT 1").fetchone()
        top = db.execute("SELECT MAX(added_gen), MAX(removed_gen) FROM chunks").fetchone()
    finally:
        db.close()
    if row is not None and len(row[0]) // 4 != template.dim:
        raise IndexCorruptError(
            f"{root}: the records hold {len(row[0]) // 4}-dimensional vectors, the current embedder "
            f"{template.embedder} makes {template.dim}; set ASSISTANT_EMBEDDER to the model that built this "
            "index and run `assistant check --repair` again. Nothing was changed"
        )
    newest = max(int(top[0] or 0), int(top[1] or 0))
    g = newest_complete(root, template.vector_store, 0) or newest
    kept = ""
    if mpath.exists():
        os.replace(mpath, root / "manifest.json.unreadable")
        kept = "; the unreadable one kept as manifest.json.unreadable"
    return adopt(root, g, template) + kept


def holds_an_index(root: Path) -> bool:
    """Does this folder hold records or generation files (so it must not be initialised as new)?"""
    rec = root / "records.sqlite"
    if rec.exists() and rec.stat().st_size > 0:
        return True
    return any((root / "vectors").glob("*.faiss")) or any(
        p.name.isdigit() for p in (root / "bm25").glob("*") if p.is_dir()
    )
