"""What of an English question an Arabic passage names: its names (in Arabic letters or words) and numbers.

Used by hybrid search for questions mostly in words the archive lacks (English over Arabic articles), where
BM25 cannot help: the passages the embedder found that name every one of the question's names and numbers
are lifted (``Retriever.by_names``; measured in eval/studies/english_names.py)."""

from __future__ import annotations

from assistant.text.arabic import numbers_in
from assistant.text.questions import latin_name_phrases, phrase_found


def question_names(question: str) -> tuple[str, ...]:
    """The question's name phrases ("Royal Society of Edinburgh", "Poles") and its numbers of two digits
    or more (years, counts), each once, in order."""
    numbers = sorted(n for n in numbers_in(question) if len(n.replace(".", "").replace(",", "")) >= 2)
    return tuple(dict.fromkeys([*latin_name_phrases(question), *numbers]))


def name_share(names: tuple[str, ...], text: str, title: str = "") -> float:
    """The share of ``names`` that the passage (or its document's title) names; 0 when there are none."""
    if not names:
        return 0.0
    whole = f"{title}\n{text}" if title else text
    found_numbers = numbers_in(whole)
    hits = sum(n in found_numbers if n[:1].isdigit() else phrase_found(n, whole) for n in names)
    return hits / len(names)


def all_named(names: tuple[str, ...], text: str, title: str = "") -> bool:
    """Whether the passage (or its title) names every one of ``names`` (and there is at least one): a passage
    that lacks one is not about what was asked, however many of the others it names."""
    return bool(names) and name_share(names, text, title) >= 1.0
