"""The embedded default: one FAISS file and one bm25s folder per committed generation.

Layout under the index root: ``vectors/<g>.faiss`` and ``bm25/<g>/``. A commit writes the new
generation's files beside the old ones; the manifest switch makes them current; the files of
generations older than the previous one are then deleted.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.store.base import CommitPlan, DocFilter, RowSource, id_problems
from assistant.store.lexical import BM25Index
from assistant.store.seal import file_problems, seal_files
from assistant.store.vectors import FaissVectors


class FaissStore:
    kind = "faiss"

    def __init__(self, root: Path, dim: int) -> None:
        self.root = Path(root)
        self.dim = dim
        self._gen = -1
        self._vectors: FaissVectors | None = None
        self._bm25: BM25Index | None = None
        (self.root / "vectors").mkdir(parents=True, exist_ok=True)
        (self.root / "bm25").mkdir(parents=True, exist_ok=True)

    location = ""  # files under the index root

    def ensure_new(self) -> None:
        """A new index: files of an earlier one in this folder are overwritten generation by generation."""

    # ---------------------------------------------------------------- reading
    def prepare(self, gen: int) -> None:
        if gen == self._gen:
            return
        if gen == 0:
            vectors, bm25 = FaissVectors.empty(self.dim), BM25Index(None, np.zeros(0, np.int64), {})
        else:
            vectors = FaissVectors.load(self.root / "vectors" / f"{gen}.faiss")
            bm25 = BM25Index.load(self.root / "bm25" / str(gen))
        self._vectors, self._bm25, self._gen = vectors, bm25, gen

    def _loaded(self, gen: int) -> tuple[FaissVectors, BM25Index]:
        self.prepare(gen)
        assert self._vectors is not None and self._bm25 is not None
        return self._vectors, self._bm25

    def dense(self, gen: int, query: np.ndarray, k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        return self._loaded(gen)[0].search(query, k, None if docs is None else docs.chunk_ids)

    def lexical(
        self, gen: int, tokens: Sequence[str], k: int, docs: DocFilter | None = None
    ) -> list[tuple[int, float]]:
        return self._loaded(gen)[1].search(tokens, k, None if docs is None else docs.chunk_ids)

    def coverage(self, gen: int, tokens: Sequence[str]) -> float:
        return self._loaded(gen)[1].coverage(tokens)

    def doc_freqs(self, gen: int, tokens: Sequence[str]) -> tuple[list[int], int]:
        bm25 = self._loaded(gen)[1]
        return bm25.doc_freqs(tokens), len(bm25)

    # ---------------------------------------------------------------- writing
    def write(self, plan: CommitPlan) -> dict[str, float]:
        try:
            t0 = time.perf_counter()
            vectors = self._vectors_for(plan)
            vectors.save(self.root / "vectors" / f"{plan.gen}.faiss")
            t1 = time.perf_counter()
            ids: list[int] = []
            tokens: list[list[str]] = []
            for batch in plan.live_rows(False):
                ids.extend(batch.ids.tolist())
                tokens.extend(batch.tokens)
            BM25Index.build(ids, tokens).save(self.root / "bm25" / str(plan.gen))
            return {"faiss": t1 - t0, "bm25": time.perf_counter() - t1}
        except BaseException:  # a full disk, an interrupt: what this generation half-wrote goes now
            self._remove_uncommitted(plan.base_gen)
            raise

    def _vectors_for(self, plan: CommitPlan) -> FaissVectors:
        live = plan.live_count
        kind = "ivf-sq8" if live > plan.ann_threshold else "flat"
        prev = self.root / "vectors" / f"{plan.base_gen}.faiss"
        # Patch the previous generation only if it is what was committed (else rebuild from the records).
        if (
            plan.base_gen > 0
            and prev.exists()
            and not plan.rebuild
            and not self.seal_problems(plan.base_gen, plan.base_seal, True)
        ):
            vec = FaissVectors.load(prev)
            # Patch the last generation while its type still suits the size (IVF: until it doubles).
            if vec.kind == kind and (kind == "flat" or live <= 2 * _trained_on(vec)):
                vec.remove(np.fromiter(plan.removed, np.int64))
                if plan.added:
                    vec.add(np.fromiter(plan.added.keys(), np.int64), np.stack([a.vector for a in plan.added.values()]))
                return vec
        return rebuild_vectors(plan.live_rows, plan.gen, plan.dim, kind)

    def committed(self, plan: CommitPlan) -> None:
        keep = {plan.gen, plan.base_gen}
        for f in (self.root / "vectors").glob("*.faiss"):
            if f.stem.isdigit() and int(f.stem) not in keep:
                f.unlink(missing_ok=True)
        for d in (self.root / "bm25").iterdir():
            if d.name.isdigit() and int(d.name) not in keep:
                shutil.rmtree(d, ignore_errors=True)
        self._remove_uncommitted(plan.gen)

    def _remove_uncommitted(self, committed_gen: int) -> None:
        """Temporary files, and the files of generations after the committed one (never served)."""
        vectors, bm25 = self.root / "vectors", self.root / "bm25"
        stale = list(vectors.glob("*.tmp")) + list(bm25.glob("*.tmp"))
        stale += [f for f in vectors.glob("*.faiss") if f.stem.isdigit() and int(f.stem) > committed_gen]
        stale += [d for d in bm25.glob("*") if d.name.isdigit() and int(d.name) > committed_gen]
        for f in stale:
            if f.is_dir():
                shutil.rmtree(f, ignore_errors=True)
            else:
                f.unlink(missing_ok=True)

    def rollback(self, committed_gen: int, purge: Sequence[int]) -> None:
        """Files an interrupted commit left (a kill, a full disk) are removed; nothing else to undo."""
        if (self.root / "vectors").is_dir() and (self.root / "bm25").is_dir():
            self._remove_uncommitted(committed_gen)

    def verify(self, gen: int, live: set[int]) -> list[str]:
        if gen == 0:
            return []
        problems: list[str] = []
        try:
            problems += id_problems(
                "FAISS ids", set(FaissVectors.load(self.root / "vectors" / f"{gen}.faiss").ids().tolist()), live
            )
        except Exception as exc:
            problems.append(f"vectors/{gen}.faiss unreadable ({type(exc).__name__})")
        try:
            problems += id_problems(
                "BM25 entries", set(BM25Index.load(self.root / "bm25" / str(gen)).chunk_ids.tolist()), live
            )
        except Exception as exc:
            problems.append(f"bm25/{gen} unreadable ({type(exc).__name__})")
        return problems

    def _files(self, gen: int) -> list[Path]:
        folder = self.root / "bm25" / str(gen)
        return [self.root / "vectors" / f"{gen}.faiss", *(f for f in folder.rglob("*") if f.is_file())]

    def seal(self, plan: CommitPlan) -> dict:
        return {"files": seal_files(self.root, self._files(plan.gen))}

    def seal_problems(self, gen: int, seal: dict, full: bool = True) -> list[str]:
        return file_problems(self.root, seal.get("files", {})) if gen > 0 else []

    def close(self) -> None:
        self._vectors = self._bm25 = None
        self._gen = -1


def _trained_on(vec: FaissVectors) -> int:
    import faiss

    ivf = faiss.extract_index_ivf(vec.index.index)
    return int(ivf.nlist) ** 2 // 16  # nlist = 4·√n at training time


def rebuild_vectors(
    live_rows: RowSource, gen: int, dim: int, kind: str = "flat", max_train: int = 200_000
) -> FaissVectors:
    """FAISS index for a generation, from the vectors kept with the records (no re-embedding)."""
    if kind == "ivf-sq8":
        # Reservoir sample of the vectors to train the quantiser on (deterministic per generation).
        rng = random.Random(gen)
        sample: list[np.ndarray] = []
        seen = 0
        for batch in live_rows(True):
            assert batch.vectors is not None
            for v in batch.vectors:
                seen += 1
                if len(sample) < max_train:
                    sample.append(v)
                elif (j := rng.randrange(seen)) < max_train:
                    sample[j] = v
        vec = FaissVectors.ivf(dim, np.stack(sample))
    else:
        vec = FaissVectors.empty(dim)
    for batch in live_rows(True):
        assert batch.vectors is not None
        vec.add(batch.ids, batch.vectors)
    return vec
