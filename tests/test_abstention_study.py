"""The abstention study's comparison (eval/studies/abstention_features.py) on made-up rows."""

from __future__ import annotations

import random

from eval.studies.abstention_features import cross_validated, curve, groups_of, separation


def _row(i: int, kind: str, z: float, scorer: float, correct: bool = True) -> dict:
    suffix = "" if kind == "answerable" else f":{kind}"
    return {
        "qid": f"xquad:q{i}{suffix}",
        "kind": kind,
        "pair": "ar-ar",
        "correct": correct and kind == "answerable",
        "z": [z, z - 1.0, z - 2.0],
        "chosen": 0,
        "docs": ["a", "a", "b"],
        "scorer_confidence": scorer,
        "q": {"missing": 0.0, "cos_max": 0.8},
    }


def _rows(separable: bool) -> list[dict]:
    rng = random.Random(0)
    rows = []
    for i in range(120):
        rows.append(_row(i, "answerable", rng.uniform(2, 5), rng.uniform(0.6, 0.9)))
        lo, hi = (-5, -2) if separable else (2, 5)
        rows.append(_row(i, "removed", rng.uniform(lo, hi), rng.uniform(0.6, 0.9)))
    return rows


def test_a_question_and_its_variants_share_a_group():
    g = groups_of([_row(1, "answerable", 1, 0.5), _row(1, "removed", 1, 0.5), _row(2, "answerable", 1, 0.5)])
    assert g[0] == g[1] != g[2]
    x = {**_row(1, "answerable", 1, 0.5), "qid": "xquad:q1:x:removed"}
    assert groups_of([x, _row(1, "answerable", 1, 0.5)]).tolist()[0] == groups_of([_row(1, "answerable", 1, 0.5)])[0]


def test_separable_rows_are_turned_away_and_mixed_ones_are_not():
    good = cross_validated(_rows(True), ["z_max", "scorer_logit"], 0.025)
    assert good["abstained"] == 1.0 and good["false_abstention"] <= 0.05
    assert good["at_target"]["abstained"] == 1.0
    bad = cross_validated(_rows(False), ["z_max", "scorer_logit"], 0.025)
    assert bad["abstained"] < 0.3
    assert separation(_rows(True))["removed"]["z_max"] == 1.0
    assert 0.3 < separation(_rows(False))["removed"]["z_max"] < 0.7


def test_the_trade_off_abstains_more_as_more_answerable_are_turned_away():
    out = curve(_rows(False), (0.025, 0.2, 0.5))
    assert out["0.025"]["abstained"] <= out["0.2"]["abstained"] <= out["0.5"]["abstained"]
    assert out["0.5"]["abstained"] > 0.3


def test_off_topic_questions_are_grouped_with_their_twin_only():
    ar = {**_row(1, "offtopic", 1, 0.5), "qid": "fit-fold:xquad:q1"}
    en = {**ar, "qid": "fit-fold-en:xquad:q1"}
    other = {**ar, "qid": "fit-fold:xquad:q2"}
    g = groups_of([ar, en, other, _row(1, "answerable", 1, 0.5)]).tolist()
    assert g[0] == g[1] and len({g[0], g[2], g[3]}) == 3  # not one group for all of a dataset's off-topic


def _with_offtopic() -> list[dict]:
    """Removed questions told apart by the scorer's number (low), off-topic ones only by the reader's
    (their scorer's number is high): a fit that never sees off-topic questions leans on the scorer alone."""
    rng = random.Random(1)
    rows = []
    for i in range(120):
        rows.append(_row(i, "answerable", rng.uniform(2, 5), rng.uniform(0.6, 0.9)))
        rows.append(_row(i, "removed", rng.uniform(2, 5), rng.uniform(0.1, 0.4)))
        rows.append(
            {**_row(i, "offtopic", rng.uniform(-5, -2), rng.uniform(0.95, 0.99)), "qid": f"fit-fold:xquad:o{i}"}
        )
    return rows


def test_a_kind_left_out_of_the_fit_is_still_judged():
    rows = _with_offtopic()
    seen = cross_validated(rows, ["z_max", "scorer_logit"], 0.025)
    unseen = cross_validated(rows, ["z_max", "scorer_logit"], 0.025, unseen="offtopic")
    assert seen["by_kind"]["offtopic"] > 0.9  # fitted with them, the model learns where they lie
    assert unseen["by_kind"]["offtopic"] < 0.1  # never shown them, it takes them for answerable
