"""The product's verifier as shipped (the real embedder, support checker off) on English sentences over the seed
article that name what Arabic translates: «الولايات المتحدة», «المملكة المتحدة», «مذكرة بودابست» (text.entities).
Each right one was rejected as "names not in the cited passage" before; the wrong twins stay rejected."""

from __future__ import annotations

import pytest

from assistant.answer.grounding import default_verifier

pytestmark = pytest.mark.real


def _sentence(seed_path, marker: str) -> str:
    text = seed_path.read_text(encoding="utf-8")
    return next(s.strip() for s in text.replace("\n", " ").split(".") if marker in s) + "."


CASES = [
    (
        "البنتاغون",
        "Pentagon officials told European diplomats in August 2025 that the United States would stop funding "
        "programmes to train and equip soldiers in Eastern European countries.",
        "Pentagon officials told European diplomats in August 2025 that the United Kingdom would stop funding "
        "programmes to train and equip soldiers in Eastern European countries.",
    ),
    (
        "مذكرة بودابست",
        "Under the 1994 Budapest Memorandum Ukraine gave up its nuclear weapons in exchange for territorial "
        "guarantees from Russia, the United Kingdom and the United States.",
        "Under the 1994 Budapest Memorandum Ukraine gave up its nuclear weapons in exchange for territorial "
        "guarantees from Russia, the United Nations and the United States.",
    ),
]


@pytest.mark.parametrize(("marker", "right", "wrong"), CASES)
def test_translated_names_in_a_right_english_sentence_are_read(marker, right, wrong, seed_path, real_embedder):
    source = _sentence(seed_path, marker)
    v = default_verifier(real_embedder, None, None)
    assert v.check(right, source) is None, source
    assert v.check(wrong, source) is not None
