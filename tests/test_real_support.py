"""The real support checker (assistant/data/support/, ONNX over the installed e5) at its calibrated
operating point, on the seed article: right drafts kept, drafts recombined from the passage's own
words (a fact reversed, a figure moved, a country replaced by another the passage names) dropped.

The checker shipped this round is off by default (config.support_checker): held out it barely
separates the LLM's right sentences from its wrong ones. Its misses here are strict xfails, so an
improved checker shows up as a failure to update, not as silence."""

from __future__ import annotations

import pytest

from assistant.answer.grounding import default_verifier

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def checker(model_cache):
    from assistant.models.reader import SUPPORT_DIR, load_reader

    return load_reader(model_cache, SUPPORT_DIR)


@pytest.fixture(scope="module")
def passage(seed_path) -> str:
    """The seed article's passage on the security force (Macron's 26 countries … Poland's refusal)."""
    lines = [x.strip() for x in seed_path.read_text(encoding="utf-8").split("\n") if x.strip()]
    a = next(i for i, x in enumerate(lines) if "26 دولة" in x)
    b = next(i for i, x in enumerate(lines) if "استبعدت بولندا" in x)
    return " ".join(lines[a : b + 1])


KNOWN_MISS = pytest.mark.xfail(
    strict=True, reason="known miss of the shipped checker (eval/README.md: support checker); strict: a fix shows up"
)
RIGHT = [
    "أعلن ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.",
    "Macron said that at least 26 countries committed to sending troops as part of a security force.",
    "استبعدت بولندا علنًا إرسال قوات برية إلى أوكرانيا.",
    pytest.param("Poland publicly ruled out sending ground troops to Ukraine.", marks=KNOWN_MISS),
    "أكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26.",
]
WRONG_TEXT = [
    "أكدت بولندا علنًا أنها سترسل قوات برية إلى أوكرانيا.",  # reversed, in the passage's words
    "Poland publicly committed to sending ground troops to Ukraine.",
    "استبعدت 26 دولة على الأقل إرسال قوات برية إلى أوكرانيا.",  # the figure moved onto Poland's claim
    "At least 26 countries ruled out sending ground troops to Ukraine.",
    "أكد ماكرون أن بولندا وألمانيا من بين الدول الـ26.",  # Italy replaced by another country the passage names
]
# at the operating point calibration chose (it keeps the right ones above), two of them pass the checker; the
# English reversal is dropped by the verifier's polarity rule across scripts since 2026-12-06, and Italy → Poland
# by its rule for a country in place of another; the figure moved onto Poland's claim still passes
WRONG = [pytest.param(w, marks=KNOWN_MISS) if i == 2 else w for i, w in enumerate(WRONG_TEXT)]
TWINS = [  # (right, wrong): the same window, one fact changed
    ("استبعدت بولندا علنًا إرسال قوات برية إلى أوكرانيا.", WRONG_TEXT[0]),
    pytest.param("Poland publicly ruled out sending ground troops to Ukraine.", WRONG_TEXT[1], marks=KNOWN_MISS),
    ("أكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26.", WRONG_TEXT[4]),
]


def test_the_calibrated_checker_is_shipped(checker) -> None:
    cal = checker.record.get("calibration")
    assert cal, "assistant/data/support/support.json has no calibration: python -m eval.calibrate_support"
    assert set(cal["min_support"]) == {"ar-ar", "en-ar"}


@pytest.mark.parametrize("claim", RIGHT)
def test_a_right_draft_is_kept(claim, checker, real_embedder, passage) -> None:
    v = default_verifier(real_embedder, None, checker)
    assert v.check(claim, passage) is None, (claim, v.support_probability(claim, passage))


@pytest.mark.parametrize("claim", WRONG)
def test_a_recombined_wrong_draft_is_dropped(claim, checker, real_embedder, passage) -> None:
    v = default_verifier(real_embedder, None, checker)
    assert v.check(claim, passage) is not None, (claim, v.support_probability(claim, passage))


@pytest.mark.parametrize(("right", "wrong"), TWINS)
def test_the_checker_scores_the_right_twin_higher(right, wrong, checker, real_embedder, passage) -> None:
    v = default_verifier(real_embedder, None, checker)
    assert v.support_probability(right, passage) > v.support_probability(wrong, passage)
