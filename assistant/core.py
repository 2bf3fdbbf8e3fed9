"""The public facade: ``Assistant(settings).ingest / search / ask / summarize / remove``."""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings, load_settings
from .records import Answer, Findings, Hit, IngestReport

if TYPE_CHECKING:
    from .models.embedder import Embedder
    from .models.llm import LLM
    from .retrieval import Retriever
    from .store import Index


class Assistant:
    """Everything a user does, over one index directory. Models load on first use."""

    def __init__(self, settings: Settings | None = None, *, embedder: "Embedder | None" = None,
                 llm: "LLM | None" = None, **overrides: object) -> None:
        self.settings = settings or load_settings(**overrides)
        self._embedder = embedder
        self._llm = llm
        self._index: Index | None = None
        self._lock = threading.RLock()

    # parts, loaded lazily so that `import assistant` and `assistant --help` stay instant
    @property
    def embedder(self) -> "Embedder":
        with self._lock:
            if self._embedder is None:
                from .models.embedder import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def index(self) -> "Index":
        with self._lock:
            if self._index is None:
                from .store import open_index

                emb = self.embedder
                self._index = open_index(self.settings, emb.model_id, emb.dim)
            return self._index

    @property
    def retriever(self) -> "Retriever":
        from .retrieval import Retriever

        return Retriever(self.index, self.embedder, self.settings.rrf_k, self.settings.candidates)

    @property
    def llm(self) -> "LLM | None":
        with self._lock:
            if self._llm is None and self.settings.llm_backend != "none":
                from .models.llm import load_llm

                self._llm = load_llm(self.settings)
            return self._llm

    # verbs
    def ingest(self, paths: Sequence[str | Path], progress=None, on_commit=None) -> IngestReport:  # noqa: ANN001
        """Add files or folders. ``progress(done, total, what)``; ``on_commit(doc_ids)`` after each commit."""
        from .ingest import ingest_paths

        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        return ingest_paths(self.index, self.embedder, [Path(p) for p in paths],
                            self.settings.chunk_max_tokens, max_bytes, progress, on_commit)

    def search(self, query: str, k: int | None = None, retriever: str | None = None,
               doc_ids: Sequence[str] | None = None) -> list[Hit]:
        """Best passages; ``doc_ids``: only in these documents (ids from ``documents()``)."""
        return self.retriever.search(query, k or self.settings.top_k, retriever or self.settings.retriever,
                                     doc_ids=doc_ids)

    def documents(self) -> list[dict]:
        return self.index.documents()

    def remove(self, doc_id: str) -> int:
        with self.index.writer() as w:
            return w.remove_document(doc_id)

    def ask(self, question: str, k: int | None = None, retriever: str | None = None,
            mode: str | None = None, on_token=None) -> Answer:  # noqa: ANN001
        from .answer import answer_question

        return answer_question(self, question, k=k or self.settings.top_k,
                               retriever=retriever or self.settings.retriever,
                               mode=mode or self.settings.answer_mode, on_token=on_token)

    def summarize(self, path: str | Path | None = None, text: str | None = None, lang: str | None = None,
                  related: bool = False, mode: str | None = None, n: int | None = None) -> Findings:
        from .findings import summarize_article

        return summarize_article(self, path=path, text=text, lang=lang, related=related,
                                 mode=mode or self.settings.answer_mode, n=n)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        close = getattr(self._embedder, "close", None)
        if close is not None:  # worker processes of a parallel embedder
            close()
