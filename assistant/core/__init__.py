"""The public facade: ``Assistant(settings)`` and its verbs (``assistant``, ``evaluating``), and the few
helpers the doors show (``doors``). CLI, web app and scripts use only these."""

from assistant.core.assistant import MAX_ASK_K, MAX_QUESTION_CHARS, MAX_SEARCH_K, Assistant
from assistant.core.doors import (
    answer_set,
    answers_table,
    cross_lingual_companion,
    load_dataset,
    load_splits,
    open_dataset,
    retrieval_report,
    settings_table,
    unpack_uploads,
)

__all__ = [
    "MAX_ASK_K",
    "MAX_QUESTION_CHARS",
    "MAX_SEARCH_K",
    "Assistant",
    "answer_set",
    "answers_table",
    "cross_lingual_companion",
    "load_dataset",
    "load_splits",
    "open_dataset",
    "retrieval_report",
    "settings_table",
    "unpack_uploads",
]
