import pytest

from assistant.errors import ConfigError
from assistant.retrieval import check_retriever, rrf_fuse


def test_rrf_exact_scores():
    fused = dict(rrf_fuse([[1, 2, 3], [3, 1]], [1.0, 1.0], k=60))
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)


def test_rrf_weight_zero_ignores_a_ranking():
    assert [d for d, _ in rrf_fuse([[1, 2], [2, 9]], [1.0, 0.0])] == [1, 2]


def test_rrf_ties_break_by_id():
    assert [d for d, _ in rrf_fuse([[5], [4]], [1.0, 1.0])] == [4, 5]


def test_unknown_retriever_lists_choices():
    with pytest.raises(ConfigError, match="unknown retriever 'bm52'; choose hybrid, dense, bm25"):
        check_retriever("bm52")


def test_english_query_over_arabic_corpus_gives_bm25_no_weight(fake_assistant, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("عنوان\n\nأكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.\n", encoding="utf-8")
    a = fake_assistant()
    a.ingest([f])
    r = a.retriever
    assert r.bm25_weight("How many countries committed troops?") == 0.0
    assert r.bm25_weight("كم دولة التزمت بإرسال جنود") > 0.5
