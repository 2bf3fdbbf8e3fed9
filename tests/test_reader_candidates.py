"""How many sentences the reader reads: per language pair, as its calibration names."""

from __future__ import annotations

import numpy as np

CAL = {"candidates": 2, "blend": 0.0, "pairs": {"ar-ar": {"coef": [1.0, 0.0], "intercept": 0.0, "threshold": 0.5}}}


class Reading:
    """Logits from a table (the sentence holding ``good`` reads high); counts what it was given."""

    def __init__(self, good: str, calibration: dict) -> None:
        self.good, self.record, self.read = good, {"calibration": calibration}, []

    def logits(self, question, sentences):  # noqa: ANN001, ANN201
        self.read.append(len(sentences))
        return np.array([4.0 if self.good in s else -4.0 for s in sentences], np.float32)


def test_a_pair_can_have_the_reader_read_more_sentences_than_the_scorer_embeds(fake_assistant, seed_path):
    """English questions over Arabic text: the calibration may name a wider count for the pair. The
    reader then reads the cheap model's best that many, scored together; the scorer's own answer keeps
    its count, and no sentence is embedded twice."""
    from assistant.answer.ask import AnswerOptions, decide_answers
    from assistant.answer.scoring import default_scorer

    a = fake_assistant()
    a.ingest([seed_path])
    embedded: list[str] = []

    class Counting:
        def __init__(self, inner) -> None:  # noqa: ANN001
            self.inner = inner

        def __getattr__(self, name):  # noqa: ANN001, ANN204
            return getattr(self.inner, name)

        def embed_passages(self, texts):  # noqa: ANN001, ANN202
            embedded.extend(texts)
            return self.inner.embed_passages(texts)

    wide = {**CAL, "pairs": {**CAL["pairs"], "en-ar": {**CAL["pairs"]["ar-ar"], "candidates": 5}}}
    options = AnswerOptions(sentences=2, abstain_threshold=0.0)
    question = "How many countries committed to sending troops?"
    for cal, reads in ((CAL, 2), (wide, 5)):
        embedded.clear()
        reader = Reading("26", cal)
        answers, ranked, _ = decide_answers(
            question, "en", a.retriever, Counting(a.embedder), options, default_scorer(), reader
        )
        assert reader.read[-1] == reads and set(answers) == {"scorer", "reader"}
        assert len(embedded) == len(set(embedded)) == reads  # the scorer's two, then only the rest
        assert all(c.pair == "en-ar" for c in ranked[:reads])
    decide_answers("كم دولة التزمت بإرسال جنود؟", "ar", a.retriever, a.embedder, options, default_scorer(), reader)
    assert reader.read[-1] == 2  # the Arabic pair keeps the count for all


def test_a_pair_can_have_the_reader_read_from_more_passages(seed_among_news):
    """English questions over Arabic text: the reader's candidates may come from more passages than the
    answer's k; the scorer's answer keeps the first k, the same as a search for k."""
    from assistant.answer.ask import AnswerOptions, decide_answers
    from assistant.answer.scoring import default_scorer

    a = seed_among_news  # more passages than k
    options = AnswerOptions(k=2, sentences=0, abstain_threshold=0.0)
    question = "How many countries committed to sending troops?"
    wide = {**CAL, "pairs": {**CAL["pairs"], "en-ar": {**CAL["pairs"]["ar-ar"], "passages": 4, "candidates": 50}}}
    chunks = {}
    for cal in (CAL, wide):
        reader = Reading("26", cal)
        answers, ranked, _ = decide_answers(question, "en", a.retriever, a.embedder, options, default_scorer(), reader)
        chunks[id(cal)] = {c.hit.chunk.chunk_id for c in ranked}
        assert set(answers) == {"scorer", "reader"}
    first_two = {h.chunk.chunk_id for h in a.retriever.search(question, k=2)}
    assert chunks[id(CAL)] == first_two  # k passages for both answers
    assert first_two < chunks[id(wide)] and len(chunks[id(wide)]) == 4  # the reader's from four
