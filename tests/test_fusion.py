"""The tuned fusion's rules (data/fusion.json): which retriever weighs what, per embedder."""

from __future__ import annotations

import pytest

from assistant.retrieval import Fusion, fusion_for, rrf_fuse, score_fuse


def test_fusion_kinds_follow_coverage_and_length():
    f = Fusion(k=10, bm25_factor={"ar-short": 1.25, "ar-long": 2.0, "other": 0.5}, long_query=6)
    assert f.kind(["دول", "جنود"], 1.0) == "ar-short"
    assert f.kind(["t"] * 6, 0.9) == "ar-long"
    assert f.kind(["how", "many", "countries"], 0.2) == "other"  # English words over an Arabic archive
    assert f.bm25_weight(["t"] * 6, 0.9) == pytest.approx(1.8)
    assert f.bm25_weight(["x"], 0.2) == pytest.approx(0.1)  # BM25 barely counts across scripts
    assert Fusion().bm25_weight(["x"], 0.7) == pytest.approx(0.7)  # untuned: plain coverage weight


def test_fusion_is_tuned_per_embedder_and_defaults_for_others():
    for name in ("multilingual-e5-small", "embeddinggemma-300m"):  # a tuned entry ships for both
        tuned = fusion_for(name)
        assert tuned != Fusion() and set(tuned.bm25_factor) == {"ar-short", "ar-long", "other"}
        # the cross-lingual protection: English questions over Arabic articles are ranked by the dense
        # model alone, whatever the tuning chose for Arabic questions
        assert tuned.bm25_weight(["how", "many", "countries"], 0.2) == 0.0
        assert tuned.bm25_weight(["دول", "جنود"], 1.0) > 0.0
    assert fusion_for("hash-64") == Fusion()


def test_hybrid_equals_dense_for_a_question_the_archive_has_no_words_for():
    tuned = fusion_for("multilingual-e5-small")
    dense, bm25 = [3, 1, 2], [2, 9, 1]
    w = tuned.bm25_weight(["who", "leads", "nato"], 0.3)
    assert [d for d, _ in rrf_fuse([dense, bm25], [1.0, w], tuned.k)] == dense


def test_rrf_prefers_agreement_and_ignores_zero_weights():
    fused = rrf_fuse([[1, 2, 3], [2, 1, 4]], [1.0, 1.0], k=10)
    assert {fused[0][0], fused[1][0]} == {1, 2} and fused[-1][0] in (3, 4)
    assert [d for d, _ in rrf_fuse([[5, 6], [7, 8]], [1.0, 0.0], k=10)] == [5, 6]


def test_score_fusion_is_a_convex_combination_of_normalised_scores():
    dense = [(1, 0.90), (2, 0.85), (3, 0.80)]  # cosines
    bm25 = [(3, 42.0), (4, 21.0), (1, 0.0)]  # another scale altogether
    assert [c for c, _ in score_fuse(dense, bm25, 0.0)] == [1, 2, 3]  # no share: the dense order
    fused = dict(score_fuse(dense, bm25, 0.4))
    assert fused[1] == pytest.approx(0.6 * 1.0 + 0.4 * 0.0)
    assert fused[3] == pytest.approx(0.6 * 0.0 + 0.4 * 1.0)
    assert fused[4] == pytest.approx(0.4 * 0.5)  # only BM25 found it
    assert [c for c, _ in score_fuse(dense, bm25, 5.0)][0] == 3  # a share above 1 is BM25 alone
    assert score_fuse([(7, 0.5)], [], 0.3) == [(7, pytest.approx(0.7))]  # one candidate: its full score


def test_embeddinggemma_fuses_scores_and_e5_ranks():
    assert fusion_for("embeddinggemma-300m").method == "scores"
    assert fusion_for("multilingual-e5-small").method == "rrf"
