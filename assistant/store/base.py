"""The seam between the record store (SQLite) and the search engines (FAISS + BM25, or Milvus).

SQLite stays the source of truth: documents, chunk records, their vectors and BM25 tokens. A
``VectorStore`` holds what is searched — dense vectors and BM25 postings — for each committed
generation, and must never show a reader rows of a generation the manifest has not named yet.

Nothing of SQLite crosses this seam: a store gets chunk ids, vectors, document ids and tokens, as
arrays and lists, so a new store needs no knowledge of our schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class DocFilter:
    """Restrict a search to some documents: by document id (Milvus) or by chunk id (FAISS, BM25)."""

    doc_ids: tuple[str, ...]
    chunk_ids: np.ndarray


@dataclass
class Added:
    vector: np.ndarray
    doc_id: str
    tokens: Sequence[str]


@dataclass
class LiveRows:
    """One batch of the chunks live in the generation being written."""

    ids: np.ndarray  # int64 chunk ids
    doc_ids: list[str]
    added_gen: np.ndarray  # int64: the generation each row was added in
    tokens: list[list[str]]  # BM25 tokens
    vectors: np.ndarray | None = None  # float32 rows, when asked for


# live_rows(with_vectors) → batches of every live chunk of the plan's generation, in chunk-id order
RowSource = Callable[[bool], Iterator[LiveRows]]


@dataclass
class CommitPlan:
    """What one writer changed, handed to the store before the manifest switch."""

    gen: int  # the generation being written
    base_gen: int  # the committed generation it starts from
    dim: int
    live_count: int  # chunks live in gen
    live_rows: RowSource
    added: dict[int, Added] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)
    rebuild: bool = False  # re-make from the live rows instead of patching
    ann_threshold: int = 50_000
    base_seal: dict = field(default_factory=dict)  # what the manifest recorded for base_gen's files

    def live_ids(self) -> set[int]:
        return {int(i) for batch in self.live_rows(False) for i in batch.ids}


class VectorStore(Protocol):
    kind: str
    location: str  # recorded in the manifest: which collection (for Milvus) holds this index

    def ensure_new(self) -> None:
        """Before a new index is created: refuse if the store already holds another index's rows."""

    def prepare(self, gen: int) -> None:
        """Make generation ``gen`` searchable in this process (raise if its data is unreadable)."""

    def dense(self, gen: int, query: np.ndarray, k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        """Chunk ids by inner product with the (normalised) query vector, best first."""

    def lexical(
        self, gen: int, tokens: Sequence[str], k: int, docs: DocFilter | None = None
    ) -> list[tuple[int, float]]:
        """Chunk ids by BM25 over analysed tokens, best first (only chunks sharing a term)."""

    def coverage(self, gen: int, tokens: Sequence[str]) -> float:
        """Share of the query tokens that occur in some chunk of the generation."""

    def doc_freqs(self, gen: int, tokens: Sequence[str]) -> tuple[list[int], int]:
        """(chunks holding each token, chunks in all) in the generation: what IDF weights come from."""

    def write(self, plan: CommitPlan) -> dict[str, float]:
        """Store generation ``plan.gen`` (invisible to readers until the manifest names it)."""

    def committed(self, plan: CommitPlan) -> None:
        """Called after the manifest switch: drop what only older generations needed."""

    def rollback(self, committed_gen: int, purge: Sequence[int]) -> None:
        """Forget anything written for generations after ``committed_gen`` (a writer died), and
        the chunk ids in ``purge`` (removed in a committed generation)."""

    def verify(self, gen: int, live: set[int]) -> list[str]:
        """Problems: ids that differ from the live chunk records of ``gen``."""

    def seal(self, plan: CommitPlan) -> dict:
        """What the manifest records about generation ``plan.gen`` once written (sizes and checksums)."""

    def seal_problems(self, gen: int, seal: dict, full: bool) -> list[str]:
        """Where generation ``gen`` differs from its recorded seal (``full``: also what is costly to read)."""

    def close(self) -> None: ...


def id_problems(what: str, found: set[int], live: set[int]) -> list[str]:
    if found == live:
        return []
    return [f"{what} differ from the chunk records ({len(found - live)} extra, {len(live - found)} missing)"]
