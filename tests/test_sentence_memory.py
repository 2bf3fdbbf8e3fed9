"""Sentence vectors kept between questions (assistant/answer/memory.py): each sentence embedded once, the
memory bounded, and an answer the same with it as without."""

from __future__ import annotations

import numpy as np

from assistant.answer.memory import SentenceVectors, kept_vectors
from assistant.models.embedder import HashEmbedder


class Counting(HashEmbedder):
    """The hash embedder, counting the passages (sentences) it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, texts):  # noqa: ANN001, ANN201
        self.passages.extend(texts)
        return self.embed_queries(texts)


SENTENCES = ["أعلنت بولندا أنها لن ترسل جنودا.", "التزمت 26 دولة بإرسال قوات.", "قال ماكرون إن الضمانات جاهزة."]


def test_each_sentence_is_embedded_once_and_rows_follow_the_texts():
    emb, memory = Counting(), SentenceVectors(10)
    first = memory.vectors([SENTENCES[0], SENTENCES[1], SENTENCES[0]], emb.embed_passages)
    assert emb.passages == SENTENCES[:2]  # the repeated one once
    assert np.array_equal(first[0], first[2]) and not np.array_equal(first[0], first[1])
    again = memory.vectors([SENTENCES[2], SENTENCES[1]], emb.embed_passages)
    assert emb.passages == SENTENCES  # only the new one
    assert np.array_equal(again, emb.embed_queries([SENTENCES[2], SENTENCES[1]]))


def test_the_memory_is_bounded_least_recently_used_out():
    emb, memory = Counting(), SentenceVectors(2)
    memory.vectors(SENTENCES[:2], emb.embed_passages)
    memory.vectors([SENTENCES[0]], emb.embed_passages)  # used again: the second is now the oldest
    memory.vectors([SENTENCES[2]], emb.embed_passages)
    assert len(memory) == 2 and SENTENCES[0] in memory and SENTENCES[1] not in memory
    memory.vectors([SENTENCES[1]], emb.embed_passages)
    assert emb.passages.count(SENTENCES[1]) == 2


def test_kept_per_embedder_and_none_kept_at_size_zero():
    a, b = Counting(), Counting()
    assert kept_vectors(a, 100) is kept_vectors(a, 100)
    assert kept_vectors(a, 100) is not kept_vectors(b, 100)
    assert kept_vectors(a, 0) is not kept_vectors(a, 0)  # a fresh memory for each question
    assert kept_vectors(a, 50).size == 50  # a new size: a new memory


def _ask_twice(fake_assistant, seed_path, memory: int) -> tuple[list, list[str], list[str]]:
    emb = Counting()
    a = fake_assistant(sentence_memory=memory, answer_mode="extractive")
    a._embedder = emb
    a.ingest([seed_path])
    answers, embedded = [], []
    for _ in range(2):
        emb.passages.clear()
        answers.append(a.ask("كم دولة التزمت بإرسال جنود ضمن قوة الطمأنة؟"))
        embedded.append(list(emb.passages))
    return answers, embedded[0], embedded[1]


def test_a_question_asked_again_embeds_no_sentence_and_is_answered_the_same(fake_assistant, seed_path):
    (first, second), before, after = _ask_twice(fake_assistant, seed_path, 4096)
    assert before and not after  # the second time every sentence's vector was kept
    assert second.answer == first.answer and second.citations == first.citations
    assert not first.abstained and first.citations  # a quote, not a turn-away


def test_with_no_memory_every_question_embeds_its_sentences(fake_assistant, seed_path):
    (first, second), before, after = _ask_twice(fake_assistant, seed_path, 0)
    assert before and after == before
    assert second.answer == first.answer


def test_country_words_are_remembered_but_not_long_blobs():
    from assistant.text.countries import _word_countries, countries_named

    _word_countries.cache_clear()
    assert countries_named("قالت بولندا وفرنسا") == {"poland", "france"}
    kept = _word_countries.cache_info().currsize
    assert kept == 3  # each word once
    assert countries_named("قالت بولندا وفرنسا") == {"poland", "france"}
    assert _word_countries.cache_info().hits >= 3
    assert countries_named("وبولندا" + "ب" * 60) == set()  # a blob is matched, never kept
    assert _word_countries.cache_info().currsize == kept
