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


def test_a_score_fusion_retriever_ranks_by_the_combined_scores(fake_assistant, seed_path):
    from assistant.retrieval import SCORE_DEPTH, Fusion, Retriever, score_fuse

    a = fake_assistant()
    a.ingest([seed_path])
    fusion = Fusion(bm25_factor={"ar-short": 0.4, "ar-long": 0.4, "other": 0.0}, method="scores")
    r = Retriever(a.index, a.embedder, candidates=20, fusion=fusion)
    q = "كم دولة التزمت بإرسال جنود ضمن قوة أمنية"
    tokens = r.analyze(q)
    share = fusion.bm25_weight(tokens, a.index.bm25_coverage(tokens))
    # normalised over the depth the fusion was tuned at, whatever the candidates setting
    expected = score_fuse(r.dense(q, SCORE_DEPTH), r.bm25(q, SCORE_DEPTH), share)[:5]
    assert r.ranked(q, 5) == expected and 0 < share <= 1
    hits = r.search(q, k=3)
    assert "26 دولة" in " ".join(h.chunk.text for h in hits)
