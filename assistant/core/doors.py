"""What the doors (cli, web) use besides the facade's verbs: thin wrappers, imported only when called,
so that the doors depend on ``assistant.core`` alone and ``assistant --help`` imports nothing heavy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.evaluation.answers import AnswerSet
    from assistant.evaluation.datasets import Dataset


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
answers_table = _later("assistant.evaluation.report", "table", "An answer evaluation's lines of text.")
settings_table = _later("assistant.evaluation.compare", "compare_table", "A settings comparison as a table.")
unpack_uploads = _later(
    "assistant.ingest.uploads",
    "unpack_uploads",
    "Uploaded files and zips laid out in a folder within the archive limits.",
)
