"""The manifest: what an index is (embedder, analyser, store, format) and which generation is committed.

Replacing ``manifest.json`` (write, fsync, rename) is the commit point of every write.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import IndexCorruptError, IndexMismatchError

FORMAT_VERSION = 1
ANALYZER = "ar-norm+light10-v1"


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
    # The committed generation's files (or rows) with their sizes and checksums, from the store's seal();
    # empty for an index written before checksums were recorded (`assistant check --repair` adds them).
    seal: dict = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(f"{path}: unreadable manifest ({exc}); run `assistant check --repair`") from exc

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        try:
            with open(tmp, "w") as fh:
                json.dump(asdict(self), fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:  # the previous manifest stays the commit point; no half-written copy left
            tmp.unlink(missing_ok=True)
            raise

    def check_compatible(self, root: Path, embedder: str, dim: int, analyzer: str, kind: str, location: str) -> None:
        """Refuse to open this index with settings it was not built with, saying what to do."""
        if self.format_version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"index {root} has format {self.format_version}; this version reads {FORMAT_VERSION}. "
                "Re-ingest into a new --data-dir"
            )
        if self.embedder != embedder or self.dim != dim:
            raise IndexMismatchError(
                f"index {root} was built with embedder '{self.embedder}' (dim {self.dim}); the current "
                f"setting is '{embedder}' (dim {dim}). Use the same ASSISTANT_EMBEDDER, or a new "
                "--data-dir for the other model"
            )
        if self.analyzer != analyzer:
            raise IndexMismatchError(
                f"index {root} was built with the BM25 analyser '{self.analyzer}'; the current setting is "
                f"'{analyzer}'. Use the same ASSISTANT_ANALYZER, or a new --data-dir"
            )
        if self.vector_store != kind:
            raise IndexMismatchError(
                f"index {root} keeps its vectors in '{self.vector_store}'; the current setting is "
                f"ASSISTANT_VECTOR_STORE={kind}. Use the same setting, or move the index with "
                "`assistant export` and `assistant import` (no re-embedding)"
            )
        if self.store_location != location:
            raise IndexMismatchError(
                f"index {root} keeps its vectors in Milvus collection '{self.store_location}'; the current "
                f"setting points at '{location}'. Set ASSISTANT_MILVUS_COLLECTION / ASSISTANT_MILVUS_URI "
                "back, or move the index with `assistant export` and `assistant import`"
            )
