"""Ingestion: files → documents → chunks → vectors + tokens → index, one file failing alone."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import AssistantError, LoadError, failure
from assistant.ingest.chunking import chunk_document
from assistant.ingest.cleaning import clean, line_key
from assistant.ingest.loaders import SUPPORTED, Loaded, load_file
from assistant.models.embedder import Embedder, sane_vectors
from assistant.prompts import ERRORS_AR
from assistant.records import Chunk, Document, IngestReport
from assistant.store import Index
from assistant.store.writer import IndexWriter
from assistant.text.dedup import NEAR_DUP, signature, similarity

Progress = Callable[[int, int, str], None]
_EDGE_LINES = 12  # only lines this close to the top or bottom can be learned boilerplate
_BATCH_CHUNKS = 256  # embed and commit in batches: a crash loses at most one batch


def expand_paths(
    paths: Iterable[Path], skipped: list[dict[str, str]] | None = None
) -> tuple[list[Path], list[dict[str, str]]]:
    """Files to ingest and the paths that failed. Folders are walked without leaving them: a link to
    something outside the folder given is not followed (and is listed as skipped), hidden files are
    skipped, unsupported ones listed, and a sub-folder that cannot be read is reported as failed."""
    files: list[Path] = []
    failed: list[dict[str, str]] = []
    skipped = skipped if skipped is not None else []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            root = p.resolve()

            def unreadable(err: OSError) -> None:
                failed.append(
                    {
                        "path": str(err.filename),
                        "error": f"{err.filename}: cannot read this folder "
                        f"({err.strerror}); its files were not ingested (check its permissions)",
                    }
                )

            for folder, dirs, names in os.walk(p, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _inside(Path(folder) / d, root, skipped))
                for n in sorted(names):
                    f = Path(folder) / n
                    if n.startswith(".") or not _inside(f, root, skipped):
                        continue
                    if f.suffix.lower() in SUPPORTED and f.suffix:
                        files.append(f)
                    else:
                        suffix = f.suffix or "none"
                        skipped.append(
                            {
                                "path": str(f),
                                "reason": f"unsupported file type '{suffix}'",
                                "reason_ar": ERRORS_AR["skipped: file type"].format(suffix=suffix),
                            }
                        )
        elif p.is_file():
            files.append(p)
        else:
            failed.append({"path": str(p), "error": f"{p}: no such file or folder (check the path)"})
    return files, failed


def _inside(path: Path, root: Path, skipped: list[dict[str, str]]) -> bool:
    """False (and the path listed as skipped) for a link that leads out of the folder being ingested."""
    if not path.is_symlink():
        return True
    try:
        target = path.resolve()
    except OSError:
        target = None
    if target is not None and (target == root or root in target.parents) and target.exists():
        return True
    skipped.append(
        {
            "path": str(path),
            "reason": "a link to something outside the folder: not followed",
            "reason_ar": ERRORS_AR["skipped: link"],
        }
    )
    return False


def edge_keys(loaded: Loaded) -> set[str]:
    """Short lines near the top and bottom of a scraped page: boilerplate candidates."""
    lines = [ln.strip() for ln in loaded.text.split("\n") if ln.strip()]
    edge = lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]
    return {line_key(ln) for ln in edge if len(ln.split()) <= 15}


def _raw_hash(loaded: Loaded) -> str:
    return hashlib.sha256(loaded.text.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Pending:
    doc: Document
    chunks: list[Chunk]
    path: str
    replaces: str | None
    minhash: object = None


Loader = Callable[[Path, "int | None"], Loaded]


def ingest_paths(
    index: Index,
    embedder: Embedder,
    paths: Sequence[Path],
    chunk_max_tokens: int,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    on_commit: Callable[[list[str]], None] | None = None,
    loader: Loader | None = None,
) -> IngestReport:
    """Ingest files and folders; each file succeeds or fails alone; commits every few hundred chunks.

    ``on_commit`` is called with the ids of the documents each commit made durable; ``loader`` reads
    one file (default: loaders.load_file in this process; the web app reads uploads in another).
    """
    report = IngestReport()
    files, missing = expand_paths(paths, report.skipped)
    report.failed.extend(missing)
    total = len(files)
    try:
        loaded = _load_all(files, max_bytes, report, progress, loader or load_file)
        # Learn boilerplate from this batch's edges plus what earlier ingests taught the index.
        batch_keys = {_raw_hash(ld): edge_keys(ld) for _, ld in loaded if ld.scraped}
        _index_loaded(index, embedder, loaded, batch_keys, chunk_max_tokens, total, progress, on_commit, report)
    except BaseException as exc:  # a full disk, Ctrl-C: the caller is told what was committed before it
        try:
            report.documents, report.chunks = index.counts()
        except Exception:  # noqa: BLE001 - the index's own trouble is the error being raised
            pass
        exc.ingest_report = report  # type: ignore[attr-defined]
        raise
    report.documents, report.chunks = index.counts()
    if progress:
        progress(total * 2, total * 2, "done")
    return report


def _index_loaded(
    index: Index,
    embedder: Embedder,
    loaded: list[tuple[Path, Loaded]],
    batch_keys: dict[str, set[str]],
    chunk_max_tokens: int,
    total: int,
    progress: Progress | None,
    on_commit: Callable[[list[str]], None] | None,
    report: IngestReport,
) -> None:
    counts = Counter(k for keys in batch_keys.values() for k in keys)
    with index.writer() as w:
        if batch_keys:
            w.learn_boilerplate(batch_keys)
        learned = index.boilerplate() | {k for k, n in counts.items() if n >= 3}
        seen_in_batch: dict[str, str] = {}
        pending: list[_Pending] = []
        n_pending_chunks = 0
        for i, (f, ld) in enumerate(loaded):
            if progress:
                progress(total + i, total * 2, f"indexing {f.name}")
            path = str(f.resolve())
            try:
                item = _prepare(index, w, ld, path, learned, seen_in_batch, pending, report)
                if item is None:
                    continue
                item.chunks = chunk_document(item.doc, chunk_max_tokens, embedder.count_tokens)
                pending.append(item)
                n_pending_chunks += len(item.chunks)
            except AssistantError as exc:
                report.failed.append(failure(path, exc))
                continue
            if n_pending_chunks >= _BATCH_CHUNKS:
                _flush(w, embedder, pending, report, on_commit)
                pending, n_pending_chunks = [], 0
        _flush(w, embedder, pending, report, on_commit)


def _load_all(
    files: list[Path], max_bytes: int | None, report: IngestReport, progress: Progress | None, loader: Loader
) -> list[tuple[Path, Loaded]]:
    """Read every file; a file that cannot be read is reported and the others go on."""
    loaded: list[tuple[Path, Loaded]] = []
    for i, f in enumerate(files):
        if progress:
            progress(i, len(files) * 2, f"reading {f.name}")
        try:
            loaded.append((f, loader(f, max_bytes)))
        except LoadError as exc:
            report.failed.append(failure(str(f), exc))
        except Exception as exc:  # a loader bug must not stop the batch
            report.failed.append(
                {"path": str(f), "error": f"{f}: unexpected {type(exc).__name__}: {exc} (please report this file)"}
            )
    return loaded


def _prepare(
    index: Index,
    w: IndexWriter,
    ld: Loaded,
    path: str,
    learned: set[str],
    seen_in_batch: dict[str, str],
    pending: list[_Pending],
    report: IngestReport,
) -> _Pending | None:
    """Clean one loaded file; None when it is already indexed (exactly or nearly), else what to add."""
    doc = clean(ld, path, learned)
    if not doc.text.strip():
        raise LoadError.known(path, "clutter only")
    if doc.doc_id in seen_in_batch or index.has_document(doc.doc_id):
        first = seen_in_batch.get(doc.doc_id) or (index.paths_of(doc.doc_id) or ["?"])[0]
        old = index.doc_for_path(path)
        if old and old != doc.doc_id and index.paths_of(old) == [path]:
            # The file was edited into a copy of another document: its old text goes.
            w.remove_document(old)
            report.updated += 1
        else:
            report.unchanged += 1
        if path != first and path not in index.paths_of(doc.doc_id):
            w.add_path(path, doc.doc_id)
            report.duplicates.append(
                {"path": path, "duplicate_of": first, "doc_id": doc.doc_id, "kind": "exact", "similarity": 1.0}
            )
        return None
    old = index.doc_for_path(path)
    sole_owner = bool(old) and index.paths_of(old) == [path]
    sig = signature(doc.text)
    # A changed file is a near-duplicate of its own old version: that is an update.
    near = _near_duplicate(index, pending, sig, exclude={old} if sole_owner else set())
    if near is not None:
        near_id, sim, first = near
        report.duplicates.append(
            {"path": path, "duplicate_of": first, "doc_id": near_id, "kind": "near", "similarity": round(sim, 3)}
        )
        report.unchanged += 1
        return None
    seen_in_batch[doc.doc_id] = path
    if not sole_owner:
        old = None  # other files still hold the old text: keep it, move only this path
    return _Pending(doc, [], path, old if old and old != doc.doc_id else None, sig)


def index_documents(
    index: Index,
    embedder: Embedder,
    docs: Sequence[tuple[Document, str]],
    chunk_max_tokens: int,
    progress: Progress | None = None,
) -> IngestReport:
    """Index already-built documents (e.g. an evaluation corpus), skipping ones already there."""
    report = IngestReport()
    with index.writer() as w:
        pending: list[_Pending] = []
        n_chunks = 0
        for i, (doc, path) in enumerate(docs):
            if progress:
                progress(i, len(docs), "indexing")
            if index.has_document(doc.doc_id) or any(p.doc.doc_id == doc.doc_id for p in pending):
                report.unchanged += 1
                continue
            chunks = chunk_document(doc, chunk_max_tokens, embedder.count_tokens)
            pending.append(_Pending(doc, chunks, path, None))
            n_chunks += len(chunks)
            if n_chunks >= _BATCH_CHUNKS * 4:
                _flush(w, embedder, pending, report)
                pending, n_chunks = [], 0
        _flush(w, embedder, pending, report)
    report.documents, report.chunks = index.counts()
    return report


def _near_duplicate(index: Index, pending: list[_Pending], sig, exclude: set[str]):  # noqa: ANN001, ANN202
    """(doc id, similarity, its path) of a near-duplicate already indexed or pending, else None."""
    best = None
    for p in pending:
        sim = similarity(sig, p.minhash)
        if sim >= NEAR_DUP and (best is None or sim > best[1]):
            best = (p.doc.doc_id, sim, p.path)
    stored = index.near_duplicate(sig, exclude, NEAR_DUP)
    if stored and (best is None or stored[1] > best[1]):
        paths = index.paths_of(stored[0])
        best = (stored[0], stored[1], paths[0] if paths else "?")
    return best


def _flush(
    w,
    embedder: Embedder,
    pending: list[_Pending],
    report: IngestReport,  # noqa: ANN001
    on_commit: Callable[[list[str]], None] | None = None,
) -> None:
    if not pending:
        return
    texts = [c.text for p in pending for c in p.chunks]
    vectors = sane_vectors(embedder.embed_passages(texts), len(texts), embedder.dim, embedder.model_id)
    pos = 0
    for p in pending:
        n = len(p.chunks)
        vecs = vectors[pos : pos + n]
        pos += n
        if p.replaces:
            w.remove_document(p.replaces)
        w.add_document(p.doc, p.chunks, vecs, [w.index.analyze(c.text) for c in p.chunks], p.path, p.minhash)
    w.commit()  # counted only once committed: an interrupted ingest reports exactly what it kept
    report.updated += sum(1 for p in pending if p.replaces)
    report.added += sum(1 for p in pending if not p.replaces)
    if on_commit:
        on_commit([p.doc.doc_id for p in pending])
