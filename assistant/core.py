"""The public facade: ``Assistant(settings)`` and its verbs. CLI, web app and scripts use only these.

The facade wires parts (embedder, index, retriever, LLM) and options from Settings into the steps
(ingest, answer, findings, evaluation); the steps receive their parts and never the facade.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Settings, load_settings
from .records import Answer, Findings, Hit, IngestReport

if TYPE_CHECKING:
    from .answer import AnswerOptions
    from .evaluation.datasets import Dataset
    from .findings import FindingsOptions
    from .models.embedder import Embedder
    from .models.llm import LLM
    from .retrieval import Retriever
    from .store import Index, VectorStore

Progress = Callable[[int, int, str], None]


class Assistant:
    """Everything a user does, over one index directory. Models load on first use.

    ``embedder``, ``llm`` and ``store`` replace the parts the settings would choose (tests, or your own).
    """

    def __init__(self, settings: Settings | None = None, *, embedder: "Embedder | None" = None,
                 llm: "LLM | None" = None, store: "VectorStore | None" = None, **overrides: object) -> None:
        self.settings = settings or load_settings(**overrides)
        self._embedder = embedder
        self._llm = llm
        self._store = store
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
                self._index = open_index(self.settings, emb.model_id, emb.dim, store=self._store)
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

    # ------------------------------------------------------------------ library
    def ingest(self, paths: Sequence[str | Path], progress: Progress | None = None,
               on_commit: Callable[[list[str]], None] | None = None) -> IngestReport:
        """Add files or folders. ``progress(done, total, what)``; ``on_commit(doc_ids)`` after each commit."""
        from .ingest import ingest_paths

        return ingest_paths(self.index, self.embedder, [Path(p) for p in paths], self.settings.chunk_max_tokens,
                            self._max_bytes(), progress, on_commit)

    def documents(self) -> list[dict]:
        return self.index.documents()

    def has_document(self, doc_id: str) -> bool:
        return self.index.has_document(doc_id)

    def remove(self, doc_id: str) -> int:
        with self.index.writer() as w:
            return w.remove_document(doc_id)

    def stats(self) -> dict[str, int]:
        """The committed generation and how many documents and chunks it holds."""
        docs, chunks = self.index.counts()
        return {"generation": self.index.generation, "documents": docs, "chunks": chunks}

    def check(self, repair: bool = False) -> dict[str, Any]:
        """Do the records and the vector store agree? ``repair``: rebuild what can be rebuilt safely."""
        problems = self.index.check()
        repaired: list[str] = []
        if problems and repair:
            repaired = self.index.repair()
            problems = self.index.check()
        return {"consistent": not problems, "problems": problems, "repaired": repaired, **self.stats()}

    def export(self, path: str | Path) -> dict:
        """Write the index (texts, vectors, BM25 tokens) to one file that any store can import."""
        from .store.transfer import export_index

        return export_index(self.index, Path(path))

    def import_from(self, path: str | Path, progress: Progress | None = None) -> dict:
        """Add an export's documents that this index does not hold yet (no re-embedding)."""
        from .store.transfer import import_index, read_meta

        read_meta(Path(path))  # a clear error before any model loads
        return import_index(self.index, Path(path), progress)

    def passages(self, chunk_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """chunk id → (its text, its start offset in the document): what citations are shown in."""
        return {cid: (ch.text, ch.start) for cid, (ch, _) in self.index.chunks_by_id(chunk_ids).items()}

    def models(self) -> dict[str, Any]:
        """Provision (convert, assemble) the configured models and describe them."""
        info: dict[str, Any] = {"embedder": self.embedder.model_id, "dim": self.embedder.dim,
                                "embedding_cache": str(self.settings.model_cache)}
        llm = self.llm
        if llm is not None:
            info.update({"llm": llm.name, "llm_instruction_tuned": llm.instruction_tuned})
        return info

    def warm_up(self) -> None:
        """Load the models and run one question through the question path (before a first user waits)."""
        self.models()
        self.embedder.embed_queries(["تهيئة"])

    # ------------------------------------------------------------- questions
    def search(self, query: str, k: int | None = None, retriever: str | None = None,
               doc_ids: Sequence[str] | None = None) -> list[Hit]:
        """Best passages; ``doc_ids``: only in these documents (ids from ``documents()``)."""
        return self.retriever.search(query, k or self.settings.top_k, retriever or self.settings.retriever,
                                     doc_ids=doc_ids)

    def answer_options(self, k: int | None = None, retriever: str | None = None,
                       mode: str | None = None) -> "AnswerOptions":
        from .answer import AnswerOptions

        s = self.settings
        return AnswerOptions(k=k or s.top_k, retriever=retriever or s.retriever, mode=mode or s.answer_mode,
                             abstain_threshold=s.abstain_threshold, sentences=s.answer_sentences,
                             llm_max_tokens=s.llm_max_tokens)

    def ask(self, question: str, k: int | None = None, retriever: str | None = None,
            mode: str | None = None, on_token: Callable[[str], None] | None = None) -> Answer:
        from .answer import answer_question

        options = self.answer_options(k, retriever, mode)
        llm = self.llm if options.mode != "extractive" else None
        return answer_question(question, self.retriever, self.embedder, llm, options, on_token)

    def findings_options(self, lang: str | None = None, mode: str | None = None,
                         n: int | None = None) -> "FindingsOptions":
        from .findings import FindingsOptions

        s = self.settings
        return FindingsOptions(lang=lang, mode=mode or s.answer_mode, n=n, related_min_score=s.abstain_threshold,
                               llm_max_tokens=s.llm_max_tokens)

    def summarize(self, path: str | Path | None = None, text: str | None = None, lang: str | None = None,
                  related: bool = False, mode: str | None = None, n: int | None = None) -> Findings:
        """A findings draft for an article file or pasted text; ``related``: earlier coverage from the index."""
        from .findings import load_article, summarize_article

        doc = load_article(Path(path) if path else None, text, self._max_bytes())
        options = self.findings_options(lang, mode, n)
        llm = self.llm if options.mode != "extractive" else None
        return summarize_article(doc, llm, options, self.retriever if related else None)

    # ------------------------------------------------------------ evaluation
    def evaluate_retrieval(self, dataset: "Dataset", retrievers: Sequence[str] | None = None,
                           cross: "Dataset | None" = None, out_dir: Path | None = None,
                           progress: Progress | None = None) -> dict:
        """Score retrievers on a labelled set: a temporary index of its corpus, or this index for a
        set generated from it (``make_query_set``)."""
        from .errors import DatasetError
        from .evaluation.retrieval import evaluate_own_index, evaluate_retrieval

        names = list(retrievers or ("bm25", "dense", "hybrid"))
        if dataset.own_index is not None:
            if Path(dataset.own_index).resolve() != Path(self.settings.data_dir).resolve():
                raise DatasetError(f"the query set '{dataset.name}' was generated from the index "
                                   f"{dataset.own_index}; run with --data-dir {dataset.own_index}")
            return evaluate_own_index(dataset, self.index, self.embedder, self.settings, names, out_dir)
        return evaluate_retrieval(dataset, self.embedder, self.settings, names, cross, out_dir, progress)

    def evaluate_answers(self, dataset: "Dataset", limit: int = 200) -> dict:
        from .evaluation.answers import evaluate_answers

        return evaluate_answers(dataset, self.embedder, self.settings, limit)

    def evaluate_summaries(self, path: str | Path, mode: str = "extractive") -> dict:
        from .evaluation.summary import evaluate_summaries

        llm = self.llm if mode != "extractive" else None
        return evaluate_summaries(Path(path), llm, self.findings_options(), self._max_bytes(), mode)

    def make_query_set(self, out_dir: str | Path, n: int = 100, seed: int = 0,
                       use_llm: bool | None = None) -> dict:
        """A labelled query set from this index (marked synthetic), written as a BEIR folder."""
        from .evaluation.synth import generate, write_beir

        gen = generate(self.index, self.llm if use_llm is not False else None, n, seed, use_llm)
        write_beir(gen, Path(out_dir), self.settings.data_dir)
        return {"queries": len(gen["queries"]), "chunks": len(gen["corpus"]), "method": gen["method"],
                "out": str(out_dir)}

    def compare_settings(self, config: str | Path, dataset: "Dataset", cross: "Dataset | None" = None,
                         out_dir: Path | None = None) -> dict:
        """Every settings variant of a TOML file on one dataset, one table."""
        from .evaluation.compare import compare, load_variants

        variants = load_variants(Path(config), self.settings)
        same = variants[0][1].embedder == self.settings.embedder
        return compare(dataset, variants, self.embedder if same else None, cross, out_dir)

    # ------------------------------------------------------------------ misc
    def _max_bytes(self) -> int:
        return int(self.settings.max_file_mb * 1_000_000)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        close = getattr(self._embedder, "close", None)
        if close is not None:  # worker processes of a parallel embedder
            close()
