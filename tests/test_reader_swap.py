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


def test_nearmiss_groups_swap_the_rarest_word_for_a_name_the_paragraph_lacks(tmp_path):
    from assistant.text.arabic import analyze

    ds = squad(tmp_path)
    qs = questions_of(ds, "tiny", "ar-ar")
    pool = {q.pid: q.paragraph for q in qs}
    names = ["طرابلس", "سوريا", "Lisbon", "Black Death", "Super Bowl 50", "ميناء بيروت القديم"]
    plain = build_pairs(qs, pool, seed=0, nogold=0.5, names=names)
    pairs = build_pairs(qs, pool, seed=0, nogold=0.5, names=names, nearmiss=1.0)
    # the other groups are exactly those built without near misses (their own random stream)
    assert [p for p in pairs if not p.group.endswith("#nearmiss")] == plain
    near = [p for p in pairs if p.group.endswith("#nearmiss")]
    assert near and all(p.label == 0 for p in near)
    asked = {q.qid: q for q in qs}
    for p in near:
        q = asked[p.group.removesuffix("#nearmiss")]
        gone = set(q.text.split()) - set(p.question.split())
        assert len(gone) == 1  # one word replaced
        new = set(analyze(p.question)) - set(analyze(q.text))
        assert new and not new & set(analyze(q.paragraph))  # by a name the paragraph does not hold
        assert "سوريا" not in p.question or "سوريا" not in q.paragraph
    # the answer sentence of "أين تقع حلب؟" is now a negative, for the question about another place
    q4 = [p for p in near if p.group == "q4#nearmiss"]
    assert sentences(PARA_3)[0] in {p.sentence for p in q4}
    # "تقع" and "حلب" are equally rare in this tiny pool: the first goes, as in the evaluation; the name is
    # not سوريا (its paragraph names it) and not a Latin one (an Arabic word is replaced)
    assert {p.question for p in q4} == {"أين طرابلس حلب؟"}


def test_rare_swapped_follows_the_evaluations_rule_with_training_names(tmp_path):
    import random

    from assistant.text.arabic import analyze
    from assistant.training.reader_pairs import name_like, rare_swapped

    ds = squad(tmp_path)
    q1 = next(q for q in questions_of(ds, "tiny", "ar-ar") if q.qid == "q1")  # كم دولة التزمت بإرسال جنود؟
    stems = {t: v for w, v in (("جنود", 3.0), ("دولة", 1.0), ("التزمت", 2.0)) for t in analyze(w)}
    out = rare_swapped(q1, ["طرابلس", "Lisbon"], stems, random.Random(0))
    assert out == "كم دولة التزمت بإرسال طرابلس؟"  # the rarest word goes, the question words stay
    assert rare_swapped(q1, ["طرابلس"], stems, random.Random(0)) is None  # a name in each script is needed
    assert rare_swapped(q1, ["فرنسا", "Lisbon"], stems, random.Random(0)) is None  # its paragraph names France
    assert name_like(["Black Death", "Super Bowl 50", "ميناء بيروت القديم", "حلب"]) == ["Black Death", "حلب"]
