"""A reader that reads each sentence with the one before it: the same text in training and at answer time.

The seed article's «أما ناخبو المعارضة، فيعارضون الفكرة بشدة ... 74%» says "the idea" for NATO membership,
which only the sentence before it names; a reader trained with ``--before`` reads that sentence too."""

from __future__ import annotations

import numpy as np

from assistant.models.reader import reads_before
from assistant.models.reader_text import BEFORE_SEP, BEFORE_WORDS, with_before
from assistant.training.reader_pairs import Pair, Question, build_pairs, reader_text
from assistant.training.reader_pairs import with_before as paragraph_with_before

FIRST = "يحظى انضمام أوكرانيا إلى حلف الناتو بدعم قوي بين ناخبي الحكومة، حيث بلغت نسبة تأييدهم 59%."
SECOND = "أما ناخبو المعارضة، فيعارضون الفكرة بشدة، حيث بلغت نسبة معارضتهم 74%."
PARAGRAPH = f"{FIRST} {SECOND} وتدعم الحكومة طموحات كييف."


def test_the_sentence_comes_first_and_the_one_before_is_cut_to_its_opening_words():
    long_before = " ".join(f"كلمة{i}" for i in range(40))
    text = with_before(SECOND, long_before)
    assert text.startswith(SECOND + BEFORE_SEP)
    assert text.split(BEFORE_SEP)[1].split() == long_before.split()[:BEFORE_WORDS]
    assert with_before(SECOND, "") == SECOND  # a passage's first sentence is read alone
    assert with_before(SECOND, "   ") == SECOND


def test_only_our_separator_separates():
    text = with_before("جملة فيها </s> وسم.", "<s>قبلها</s>")
    assert text.count("</s>") == 1 and "<s>" not in text


def test_training_pairs_carry_the_sentence_before_as_the_answer_step_gives_it():
    got = paragraph_with_before(PARAGRAPH)
    assert got[0] == (FIRST, "") and got[1] == (SECOND, FIRST)
    q = Question("q1", "ما نسبة معارضة ناخبي المعارضة؟", "p1", "t", ["74%"], "ar-ar", "test", paragraph=PARAGRAPH)
    pool = {
        "p1": PARAGRAPH,
        "p2": "استضافت لندن اجتماعا آخر للحلفاء. وناقش الوزراء العقوبات على روسيا.",
        "p3": "x y z w.",
    }
    pairs = build_pairs([q], pool, seed=0, nogold=0.0)
    positive = next(p for p in pairs if p.label)
    assert positive.sentence == SECOND and positive.before == FIRST
    assert reader_text(positive, BEFORE_WORDS) == with_before(SECOND, FIRST)
    assert (
        reader_text(positive, 6) == with_before(SECOND, FIRST, 6) == SECOND + BEFORE_SEP + " ".join(FIRST.split()[:6])
    )
    assert reader_text(positive, 0) == SECOND  # the reader without it reads what it always read


def test_the_answer_steps_candidates_know_the_sentence_before():
    from assistant.answer.scoring import candidates
    from assistant.records import Chunk, Hit

    chunk = Chunk(chunk_id=1, doc_id="d", ordinal=0, start=10, end=10 + len(PARAGRAPH), text=PARAGRAPH)
    cands = candidates("ما نسبة معارضة ناخبي المعارضة؟", [Hit(chunk=chunk, score=1.0, rank=1, title="t", source="s")])
    assert [c.before for c in cands[:2]] == ["", FIRST]
    assert cands[1].text == SECOND


class _Reader:
    def __init__(self, record: dict) -> None:
        self.record = record

    def logits(self, question, sentences):
        return np.array(["74%" in s for s in sentences], np.float32)


def test_the_reader_reads_what_its_record_says_it_was_trained_on():
    from assistant.answer.reading import reader_texts
    from assistant.answer.scoring import candidates
    from assistant.records import Chunk, Hit

    chunk = Chunk(chunk_id=1, doc_id="d", ordinal=0, start=0, end=len(PARAGRAPH), text=PARAGRAPH)
    cands = candidates("س؟", [Hit(chunk=chunk, score=1.0, rank=1, title="t", source="s")])
    plain, before = _Reader({}), _Reader({"context": "before"})
    six = _Reader({"context": "before", "before_words": 6})
    assert reads_before(plain.record) == 0 and reads_before(before.record) == BEFORE_WORDS
    assert reader_texts(plain, cands) == [c.text for c in cands]
    assert reader_texts(before, cands)[1] == with_before(SECOND, FIRST)
    assert reader_texts(six, cands)[1] == with_before(SECOND, FIRST, 6) != with_before(SECOND, FIRST)


def test_a_pair_without_a_sentence_before_reads_as_before():
    p = Pair("g", "س", "جملة.", 1, "ar-ar", "t", "test")
    assert p.before == "" and reader_text(p, BEFORE_WORDS) == "جملة."
