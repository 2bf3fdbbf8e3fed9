"""The facade's evaluation verbs (a part of ``Assistant``): retrieval, answers, findings, query sets,
settings comparisons — each wires the facade's parts into ``assistant.evaluation``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.answer.grounding import Verifier
    from assistant.config import Settings
    from assistant.evaluation.answers import AnswerSet
    from assistant.evaluation.datasets import Dataset
    from assistant.findings.summarize import FindingsOptions
    from assistant.models.embedder import Embedder
    from assistant.models.llm import LLM
    from assistant.models.reader import Reader
    from assistant.store import Index

Progress = Callable[[int, int, str], None]


class EvaluationVerbs:
    """Mixed into ``Assistant``: these read its parts (settings, embedder, index, LLM, reader)."""

    settings: Settings
    if TYPE_CHECKING:  # the facade's lazily loaded parts

        @property
        def embedder(self) -> Embedder: ...
        @property
        def index(self) -> Index: ...
        @property
        def llm(self) -> LLM | None: ...
        @property
        def reader(self) -> Reader | None: ...
        @property
        def checker(self) -> Reader | None: ...
        def verifier(self, idf: Callable | None = None) -> Verifier: ...
        def findings_options(
            self, lang: str | None = None, mode: str | None = None, n: int | None = None
        ) -> FindingsOptions: ...
        def _max_bytes(self) -> int: ...

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
        """Accuracy, citations, abstention (three kinds of unanswerable) and latency, per language pair; with
        the reader on, the scorer's answers from the same run beside the reader's (``result["scorer"]``)."""
        from assistant.evaluation.answers import evaluate_answers

        llm = self.llm if mode != "extractive" else None
        checker = self.checker if llm is not None else None
        return evaluate_answers(
            spec, self.embedder, self.settings, llm, mode, progress, reader=self.reader, checker=checker
        )

    def evaluate_summaries(
        self, path: str | Path, mode: str = "extractive", baselines: bool = False, ids: set[str] | None = None
    ) -> dict:
        """Findings drafts against human references (ROUGE per reference, averaged); ``baselines``:
        Lead-N and TextRank at the same length, with paired tests."""
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
            verifier=self.verifier(),
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
