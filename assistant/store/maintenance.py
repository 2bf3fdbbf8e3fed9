"""Consistency: do the records, the manifest and the vector store agree? Repair what can be rebuilt."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.store.index import Index


def check(index: Index) -> list[str]:
    """Problems found in the committed generation (an empty list when consistent)."""
    problems: list[str] = []
    index.refresh()
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
    problems += index.store.verify(g, live)
    if m.chunks != len(live) or m.documents != len(docs):
        problems.append("manifest counts differ from the records")
    return problems


def repair(index: Index) -> list[str]:
    """Rebuild what can be rebuilt safely: orphan rows removed, the vector store re-made from SQLite."""
    done: list[str] = []
    with index.writer() as w:
        n = w.remove_orphan_chunks()
        if n:
            done.append(f"removed {n} orphan chunk records")
        w.force_rebuild()
    what = "FAISS and BM25" if index.store.kind == "faiss" else "the Milvus collection"
    done.append(f"rebuilt {what} for generation {index.generation}")
    return done
