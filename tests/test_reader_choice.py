"""The sentence chosen from a wider pool than the one whether the archive answers is read from
(``reading.choice_pool``: a calibration's per-pair ``choose``)."""

from __future__ import annotations

import numpy as np
import pytest

BASE = {"coef": [1.0, 0.0], "intercept": 0.0, "threshold": 0.5}
CAL = {"candidates": 2, "blend": 0.0, "pairs": {"ar-ar": dict(BASE)}}
QUESTION = "How many countries committed to sending troops?"


class Table:
    """Logits by sentence: ``high`` sentences read 4, the rest −4; counts every (question, sentence) read."""

    def __init__(self, calibration: dict, high: set[str]) -> None:
        self.record, self.high, self.read = {"calibration": calibration}, high, []

    def logits(self, question, sentences):  # noqa: ANN001, ANN201
        self.read.extend((question, s) for s in sentences)
        return np.array([4.0 if s in self.high else -4.0 for s in sentences], np.float32)


@pytest.fixture
def archive(seed_among_news):  # noqa: ANN001, ANN201
    return seed_among_news


def _choosing(passages: int, names: bool = False) -> dict:
    choose = {"passages": passages, "candidates": 50, "names": names}
    return {**CAL, "pairs": {**CAL["pairs"], "en-ar": {**BASE, "choose": choose}}}


def _outside_first(a, k: int) -> set[str]:  # noqa: ANN001
    """The sentences of the passages a search for ``k`` does not return (what the wider pool adds)."""
    from assistant.answer.scoring import candidates

    first = {h.chunk.chunk_id for h in a.retriever.search(QUESTION, k=k)}
    wide = a.retriever.search(QUESTION, k=10)
    return {c.text for c in candidates(QUESTION, wide) if c.hit.chunk.chunk_id not in first}


def test_the_sentence_is_chosen_from_more_passages_and_the_confidence_is_not(archive):
    """The reader prefers a sentence only the wider pool holds: with ``choose`` it is quoted, but the
    confidence (whether the archive answers) is the one read from the first k passages, as without it."""
    from assistant.answer.ask import AnswerOptions, decide_answers
    from assistant.answer.scoring import default_scorer

    options = AnswerOptions(k=2, sentences=0, abstain_threshold=0.0)
    high = _outside_first(archive, 2)
    assert high
    got = {}
    for name, cal in (("one pool", {**CAL, "pairs": {**CAL["pairs"], "en-ar": dict(BASE)}}), ("choose", _choosing(4))):
        reader = Table(cal, high)
        answers, ranked, _ = decide_answers(
            QUESTION, "en", archive.retriever, archive.embedder, options, default_scorer(), reader
        )
        got[name] = (answers["reader"], ranked, reader.read)
    one, chose = got["one pool"], got["choose"]
    assert one[1][0].text not in high and chose[1][0].text in high  # chosen from the wider pool
    assert chose[0].confidence == pytest.approx(one[0].confidence)  # decided as before: sigmoid(−4)
    assert chose[0].confidence < 0.5
    assert len(chose[2]) == len(set(chose[2]))  # no sentence read twice across the two pools
    assert any(chose[0].citations[0].quote.strip() in t for t in high)  # and that sentence is quoted


def test_with_the_calibrated_threshold_the_question_is_still_turned_away(archive):
    """The wider pool holds a sentence the reader likes, but the decision's pool does not: abstained, as
    without ``choose`` (the abstention is not lifted by what the wider pool finds)."""
    from assistant.answer.ask import AnswerOptions, decide_answers
    from assistant.answer.scoring import default_scorer

    options = AnswerOptions(k=2, sentences=0)
    reader = Table(_choosing(4), _outside_first(archive, 2))
    answers, _, _ = decide_answers(
        QUESTION, "en", archive.retriever, archive.embedder, options, default_scorer(), reader
    )
    assert answers["reader"].abstained


def test_the_wider_pool_can_be_lifted_by_the_questions_names(archive, monkeypatch):
    """``names``: the wider pool is a second search with the names lift; without it, the first search's
    passages (one search, asked for the widest count)."""
    from assistant.answer.ask import AnswerOptions, decide_answers
    from assistant.answer.scoring import default_scorer

    calls: list[tuple[int, bool]] = []
    retriever = archive.retriever
    search = retriever.search

    def counting(query, k=5, **kw):  # noqa: ANN001, ANN202
        calls.append((k, kw.get("names", True)))
        return search(query, k=k, **kw)

    monkeypatch.setattr(retriever, "search", counting)
    options = AnswerOptions(k=2, sentences=0, abstain_threshold=0.0)
    for names, expected in ((False, [(4, False)]), (True, [(4, False), (4, True)])):
        calls.clear()
        reader = Table(_choosing(4, names), set())
        decide_answers(QUESTION, "en", retriever, archive.embedder, options, default_scorer(), reader)
        assert calls == expected


def test_arabic_questions_keep_one_pool(archive):
    from assistant.answer.ask import AnswerOptions, decide_answers
    from assistant.answer.scoring import default_scorer

    options = AnswerOptions(k=2, sentences=0, abstain_threshold=0.0)
    results = []
    for cal in (CAL, _choosing(4)):
        reader = Table(cal, set())
        answers, ranked, _ = decide_answers(
            "كم دولة التزمت بإرسال جنود؟", "ar", archive.retriever, archive.embedder, options, default_scorer(), reader
        )
        results.append(([c.text for c in ranked], answers["reader"].answer, reader.read))
    assert results[0] == results[1]


def test_the_widest_retrieval_counts_the_choice_pool():
    from assistant.answer.reading import choice_pool, reader_passages

    reader = Table(_choosing(10, True), set())
    assert reader_passages(reader) == 10 and reader_passages(reader, "en-ar") == 0
    assert choice_pool(reader, "en-ar") == {"passages": 10, "candidates": 50, "names": True}
    assert choice_pool(reader, "ar-ar") is None
    assert choice_pool(reader, "ar-en") is None  # borrows en-ar's model, not its pool (never measured)


def test_a_study_of_the_fitted_pool_takes_the_choice_pools_out():
    from assistant.answer.reading import choice_pool, one_pool, reader_passages

    reader = one_pool(Table(_choosing(10, True), set()))
    assert choice_pool(reader, "en-ar") is None and reader_passages(reader) == 0
