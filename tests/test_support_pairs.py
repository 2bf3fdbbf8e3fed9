"""The support checker's training pairs: every kind made from a tiny passage, in Arabic and English."""

from __future__ import annotations

import random

from assistant.training import claim_edits as E
from assistant.training import support_pairs as S

AR = (
    "أعلنت بولندا أنها لن ترسل قوات برية إلى أوكرانيا، وقالت إن دعمها سيبقى عسكرياً ومالياً. "
    "والتزمت 26 دولة على الأقل بإرسال جنود ضمن قوة أمنية بعد وقف إطلاق النار. "
    "وقدمت السويد مساعدات بقيمة 1.1 مليار يورو إلى الحكومة الأوكرانية في العام الماضي."
)
EN = (
    "Poland announced that it will not send ground troops to Ukraine, "
    "and said its support would stay military and financial. "
    "At least 26 countries committed to sending soldiers to a security force after a ceasefire. "
    "Sweden gave 1.1 billion euros of aid to the Ukrainian government last year."
)


def rng() -> random.Random:
    return random.Random(0)


def test_sentences_and_clauses_keep_the_texts_own_spelling() -> None:
    ar = S.sentences(AR)
    assert len(ar) == 3 and ar[1].startswith("والتزمت 26 دولة")
    parts = E.clause_spans(S.sentences(EN)[0])
    assert parts[0] == "Poland announced that it will not send ground troops to Ukraine"
    assert len(parts) == 2


def test_stretch_is_a_shorter_supported_part() -> None:
    s = S.sentences(EN)[0]
    out = E.stretch(s, rng())
    assert out and out != s and out.rstrip(".").lower() in s.lower().replace(",", "")
    assert E.stretch("A short one.", rng()) is None  # nothing to cut: the kind is skipped


def test_rewrite_keeps_the_facts() -> None:
    out = E.rewrite(S.sentences(AR)[1], rng())
    assert out and "26" in out and out != S.sentences(AR)[1]


def test_number_moved_takes_a_number_of_another_sentence() -> None:
    ar = S.sentences(AR)
    out = E.number_moved(ar[1], [ar[0], ar[2]], rng())
    assert out and "26" not in out and ("1.1" in out)
    en = S.sentences(EN)
    assert E.number_moved(en[0], en[1:], rng()) is None  # no number to move


def test_number_changed_when_the_paragraph_has_no_other() -> None:
    out = E.number_moved("At least 26 countries committed soldiers.", [], rng())
    assert out and "26" not in out and E.numbers(out)


def test_roles_swapped_in_english_and_arabic() -> None:
    out = E.roles_swapped("Poland said that Sweden would pay for the Ukraine force.", rng())
    assert out and (out.startswith("Sweden said") or out.startswith("Ukraine said")) and "Poland" in out
    ar = E.roles_swapped(S.sentences(AR)[2], rng())
    src = S.sentences(AR)[2]
    assert ar and ar != src and ar.split()[0] == "وقدمت"  # the verb stays; two of the others trade places
    assert sorted(ar.strip(".").split()) == sorted(src.strip(".").split())


def test_entity_replaced_by_one_the_paragraph_names_elsewhere() -> None:
    en = S.sentences(EN)
    out = E.entity_replaced(en[2], en[:2], rng())
    assert out and out != en[2]
    assert any(n in out for n in ("Poland", "Ukraine"))


def test_negation_added_and_removed() -> None:
    en = S.sentences(EN)
    assert "not" not in E.negation(en[0], rng())  # "will not send" → "will send"
    assert " not " in E.negation(en[2].replace("gave", "has given"), rng())
    ar = S.sentences(AR)
    removed = E.negation(ar[0], rng())
    assert "لن" not in removed.split()
    added = E.negation(ar[1], rng())
    assert added != ar[1] and any(w in added for w in ("لا", "ليس", "غير", "لم"))


def test_recombined_joins_clauses_of_two_sentences() -> None:
    en = S.sentences(EN)
    out = E.recombined(en[1], en[0], rng())
    assert out and out.startswith("At least 26 countries") and "said its support" in out
    assert "which and" not in out and ", and and" not in out


def test_restated_and_wrong_answer() -> None:
    assert E.restate("How many countries committed soldiers?", "26") == "Countries committed soldiers: 26."
    q = "كم عدد الدول التي التزمت بإرسال جنود؟"
    right = E.restate(q, "26 دولة")
    assert right and right.endswith("26 دولة.")
    wrong = E.wrong_completion("26", AR, S.sentences(AR)[1], rng())
    assert wrong == "1.1"


def test_align_keeps_mutual_best_matches_with_the_same_numbers() -> None:
    sim = [[0.9, 0.1, 0.2], [0.1, 0.88, 0.3], [0.2, 0.3, 0.5]]
    ar = ["أ 1", "ب 26", "ج"]
    en = ["a 1", "b 26", "c 9"]
    assert S.align(ar, en, sim) == {0: 0, 1: 1}  # the third: too weak a match


def test_pairs_of_a_paragraph_hold_every_kind_and_no_unsupported_copy_of_the_source() -> None:
    para = S.Paragraph(
        "x:1",
        "Ukraine",
        "xquad",
        AR,
        EN,
        (
            ("كم عدد الدول التي التزمت بإرسال جنود؟", ("26",), "ar"),
            ("How many countries committed soldiers?", ("26",), "en"),
        ),
    )
    kinds: set[tuple[str, str]] = set()
    for seed in range(6):
        for p in S.pairs_of(para, random.Random(seed), {0: 0, 1: 1, 2: 2}, max_anchors=3):
            kinds.add((p.pair, p.kind))
            assert p.label == (1 if p.kind in S.SUPPORTED_KINDS else 0)
            if p.label == 0:
                assert S._differs(p.claim, p.source)
            assert p.article == "Ukraine"
    for k in ("exact", "stretch", "rewrite", "number_moved", "negation", "recombined", "restated", "wrong_answer"):
        assert ("ar-ar", k) in kinds, k
    for k in ("aligned", "rewrite", "number_moved", "roles_swapped", "entity_replaced", "negation", "aligned_other"):
        assert ("en-ar", k) in kinds, k
