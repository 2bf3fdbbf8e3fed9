"""Reader training with entity-swapped questions, and the calibration's figures per kind of question."""

from __future__ import annotations

from assistant.training.reader_pairs import build_pairs, questions_of, sentences, swapped
from tests.test_reader import PARA_3, squad


def test_swap_groups_ask_about_another_entity_and_hold_no_positive(tmp_path):
    ds = squad(tmp_path)
    qs = questions_of(ds, "tiny", "ar-ar")
    pool = {q.pid: q.paragraph for q in qs}
    plain = build_pairs(qs, pool, seed=0, nogold=0.5)
    pairs = build_pairs(qs, pool, seed=0, nogold=0.5, swap=1.0, names=["حلب", "لندن", "طرابلس", "Lisbon"])
    # the other groups are exactly those built without swaps (their own random stream)
    assert [p for p in pairs if not p.group.endswith("#swap")] == plain
    swaps = [p for p in pairs if p.group.endswith("#swap")]
    # q3 and q4 name their article (لندن, حلب); q1 and q2 do not, so they are not swapped
    assert {p.group for p in swaps} == {"q3#swap", "q4#swap"}
    assert {p.question for p in swaps if p.group == "q4#swap"} <= {"أين تقع طرابلس؟", "أين تقع لندن؟"}
    assert all(p.label == 0 for p in swaps)
    assert sentences(PARA_3)[0] in {p.sentence for p in swaps}  # the answer sentence, now a negative


def test_a_swap_names_another_entity_that_the_paragraph_lacks(tmp_path):
    import random

    ds = squad(tmp_path)
    q4 = next(q for q in questions_of(ds, "tiny", "ar-ar") if q.qid == "q4")
    rng = random.Random(0)
    assert swapped(q4, ["حلب", "طرابلس"], rng) == "أين تقع طرابلس؟"
    assert swapped(q4, ["حلب", "سوريا"], rng) is None  # the paragraph names it: not another entity
    assert swapped(q4, ["حلب", "Lisbon"], rng) is None  # no name in the question's script
    q1 = next(q for q in questions_of(ds, "tiny", "ar-ar") if q.qid == "q1")
    assert swapped(q1, ["طرابلس"], rng) is None  # the question does not name its article
    tesla = q4.__class__(
        **{**q4.__dict__, "text": "When did tesla move to Paris?", "article": "Nikola_Tesla", "pair": "en-ar"}
    )
    assert swapped(tesla, ["Nikola Tesla", "Black Death"], rng) == "When did Black Death move to Paris?"


def test_the_fold_figures_split_abstention_by_kind_of_unanswerable_question():
    from eval.calibrate_reader import fold_figures

    pairs = {"ar-ar": {"coef": [1.0, 0.0], "intercept": 0.0, "threshold": 0.5}}
    row = {"pair": "ar-ar", "correct": True, "scorer_correct": True, "scorer_abstained": False}
    rows = [
        {**row, "kind": "answerable", "x": [2.0, 0.0]},
        {**row, "kind": "nearmiss", "x": [-2.0, 0.0]},  # the reader abstains (p 0.12 < 0.5)
        {**row, "kind": "nearmiss", "x": [2.0, 0.0], "scorer_abstained": True},
        {**row, "kind": "removed", "x": [2.0, 0.0]},
    ]
    kinds = fold_figures(rows, pairs)["ar-ar"]["abstained_by_kind"]
    assert kinds == {
        "nearmiss": {"n": 2, "reader": 0.5, "scorer": 0.5},
        "removed": {"n": 1, "reader": 0.0, "scorer": 0.0},
    }
