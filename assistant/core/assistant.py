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
from assistant.core.evaluating import EvaluationVerbs, Progress
from assistant.core.parts import ModelParts
from assistant.records import Answer, Findings, Hit, IngestReport

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.answer.ask import AnswerEvent, AnswerOptions
    from assistant.findings.summarize import FindingsOptions
    from assistant.models.embedder import Embedder
    from assistant.models.llm import LLM
    from assistant.models.reader import Reader
    from assistant.retrieval import Retriever
    from assistant.store import Index, VectorStore

MAX_ASK_K = 50  # passages an answer may read
MAX_SEARCH_K = 1000
MAX_QUESTION_CHARS = 2000


def _check(k: int | None, retriever: str | None, mode: str | None, max_k: int) -> None:
    """Every request parameter checked, with the valid choices in the message."""
    from assistant.config import ANSWER_MODES
    from assistant.errors import InputError
    from assistant.retrieval import check_retriever

    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= max_k):
        raise InputError.said("request: k", f"k must be a whole number from 1 to {max_k}, not {k!r}", most=max_k, k=k)
    if retriever is not None:
        check_retriever(retriever)
    if mode is not None and mode not in ANSWER_MODES:
        choices = ", ".join(ANSWER_MODES)
        raise InputError.said(
            "request: mode", f"unknown answer mode '{mode}'; choose {choices}", mode=str(mode)[:20], choices=choices
        )


def _text(text: str, what: str) -> None:
    from assistant.errors import InputError
    from assistant.prompts import REQUEST_WORDS_AR

    the, acc = REQUEST_WORDS_AR[what]
    if text is not None and not isinstance(text, str):
        kind = type(text).__name__
        raise InputError.said("text: not text", f"the {what} must be text, not {kind}", the=the, kind=kind)
    if not isinstance(text, str) or not text.strip():
        raise InputError.said("text: empty", f"the {what} is empty: type a {what}", the=the, acc=acc)
    if not any(c.isalnum() for c in text):  # "؟؟؟", control characters, punctuation only
        english = f"the {what} has no words, only punctuation or control characters: type a {what}"
        raise InputError.said("text: no words", english, the=the, acc=acc)
    if len(text) > MAX_QUESTION_CHARS:
        english = f"the {what} is {len(text)} characters long; keep it under {MAX_QUESTION_CHARS}"
        raise InputError.said("text: too long", english, the=the, n=len(text), most=MAX_QUESTION_CHARS)


def _nothing():  # noqa: ANN202
    from contextlib import nullcontext

    return nullcontext()


class Assistant(ModelParts, EvaluationVerbs):
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
        self._reader: Reader | None = None
        self._checker: Reader | None = None
        self._lock = threading.RLock()
        from assistant.models.llm import Gate, QuoteTurns

        self.gate = Gate()  # one generation at a time; the others see the quote and their place in line
        # quotes made at once (settings.quote_slots), the others in turn
        self.quotes = QuoteTurns(self.settings.quote_slots)
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

    def _recover_manifest(self) -> str | None:
        """A missing or unreadable manifest rebuilt from the records (before the index is opened)."""
        from assistant.store import Manifest, make_store
        from assistant.store.maintenance import recover_manifest

        emb = self.embedder
        store = self._store or make_store(self.settings, emb.dim)
        template = Manifest(
            embedder=emb.model_id,
            dim=emb.dim,
            chunk_max_tokens=self.settings.chunk_max_tokens,
            analyzer=self.settings.analyzer,
            vector_store=store.kind,
            store_location=store.location,
        )
        return recover_manifest(Path(self.settings.data_dir), template)

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
            self._file_loader() if isolate else None,
        )

    def _file_loader(self):  # noqa: ANN202
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
        repaired: list[str] = []
        if repair and self._index is None:
            recovered = self._recover_manifest()
            if recovered:
                repaired.append(recovered)
        problems = self.index.check()
        if problems and repair:
            repaired += self.index.repair()
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

    def warm_up(self) -> None:
        """Load the models, run one question through the question path and, with an instruction-tuned
        LLM, evaluate its fixed system prompt once (its KV state is then reused by every question)."""
        self.models()
        self.index.load()  # a damaged index is refused here, in one line, not at the first question
        self.embedder.embed_queries(["تهيئة"])
        if self.reader is not None:
            self.reader.logits("تهيئة", ["جملة للتهيئة."])
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
        previous: str | None = None,
    ) -> Answer:
        """The answer to keep: verified LLM sentences, or quotes (or an abstention), each cited. ``previous``:
        the chat's earlier question, when this one may follow it up (``asked``)."""
        from assistant.answer.ask import answer_question

        options, llm, searcher, parts = self._answering(question, k, retriever, mode)
        return answer_question(self.asked(question, previous), searcher, self.embedder, llm, options, on_token, **parts)

    def ask_events(
        self,
        question: str,
        k: int | None = None,
        retriever: str | None = None,
        mode: str | None = None,
        previous: str | None = None,
    ) -> Iterator[AnswerEvent]:
        """The answer as it is made: the quote at once, the place in the LLM's queue, the draft as it
        streams, then the answer to keep (see answer.AnswerEvent); ``previous`` as for ``ask``."""
        from assistant.answer.ask import answer_events

        options, llm, searcher, parts = self._answering(question, k, retriever, mode)
        return answer_events(self.asked(question, previous), searcher, self.embedder, llm, options, **parts)

    def asked(self, question: str, previous: str | None = None) -> str:
        """The question to answer: a follow-up about another country («وماذا عن فرنسا؟») written out from the
        earlier question (``text.followup``; among several countries there, the one the archive names least),
        else the question as it is. The answer's ``question`` is the one answered."""
        from assistant.text.followup import follow_up

        return follow_up(question, previous, self.retriever.rarity) or question

    def _answering(self, question: str, k: int | None, retriever: str | None, mode: str | None) -> tuple:
        """(options, the LLM or None, the retriever, the answer step's other parts: the verifier or None, the
        LLM's gate, the reader, the quotes' pool) for one question, checked first."""
        options = self.answer_options(k, retriever, mode)
        _text(question, "question")
        llm = self.llm if options.mode != "extractive" else None
        searcher = self.retriever
        verifier = self.verifier(searcher.idf) if llm is not None else None
        return (
            options,
            llm,
            searcher,
            {"verifier": verifier, "gate": self.gate, "reader": self.reader, "quotes": self.quotes},
        )

    def findings_options(
        self, lang: str | None = None, mode: str | None = None, n: int | None = None
    ) -> FindingsOptions:
        from assistant.errors import InputError
        from assistant.findings.summarize import FindingsOptions

        if lang is not None and lang not in ("ar", "en"):
            raise InputError.said(
                "request: language", f"unknown language {str(lang)[:20]!r}; choose ar, en or auto", lang=str(lang)[:20]
            )
        s = self.settings
        return FindingsOptions(
            lang=lang,
            mode=mode or s.answer_mode,
            n=n,
            related_min_score=s.related_min_score,
            related_min_shared=s.related_min_shared,
            related_min_score_across=s.related_min_score_across,
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
        from assistant.findings.summarize import load_article, summarize_article

        options = self.findings_options(lang, mode, n)  # the parameters first: nothing loaded for a bad one
        doc = load_article(
            Path(path) if path else None, text, self._max_bytes(), self._file_loader() if isolate else None
        )
        llm = self.llm if options.mode != "extractive" else None
        verifier = self.verifier()
        with self.gate.turn() if llm is not None else _nothing():
            return summarize_article(
                doc, llm, options, self.retriever if related else None, verifier, progress, self.embedder
            )

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
