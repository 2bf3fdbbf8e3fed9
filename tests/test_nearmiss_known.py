"""The studies' fourth kind of unanswerable question: a near miss naming a country the archive knows."""

from assistant.evaluation.datasets import load_squad
from tests.test_evaluation import _tiny_squad


def test_known_name_near_misses_swap_in_a_name_the_archive_has_and_the_paragraph_lacks(tmp_path):
    from assistant.config import load_settings
    from assistant.evaluation.answers import AnswerSet, evaluate_answers
    from assistant.evaluation.unanswerable import KNOWN_POOL, not_named_in
    from assistant.models.embedder import HashEmbedder
    from assistant.text.arabic import normalize

    assert not_named_in([("Ukraine", "أوكرانيا"), ("Egypt", "مصر")], "قوة أمنية إلى أوكرانيا") == [("Egypt", "مصر")]
    assert not_named_in([("Ukraine", "أوكرانيا")], "Troops to Ukraine.") == []
    ds = load_squad(_tiny_squad(tmp_path))
    settings = load_settings(model_cache=tmp_path, abstain_threshold=0.0)
    plain = evaluate_answers(AnswerSet(ds, removed=1, nearmiss=2), HashEmbedder(), settings)["rows"]
    rows = evaluate_answers(AnswerSet(ds, removed=1, nearmiss=2, nearmiss_known=4), HashEmbedder(), settings)["rows"]
    known = [r for r in rows if r["kind"] == "nearmiss-known"]
    assert known, "no known-name near miss was made"
    # the other kinds are the same questions as without them (their own random stream)
    assert [(r["qid"], r["question"]) for r in rows if r["kind"] != "nearmiss-known"] == [
        (r["qid"], r["question"]) for r in plain
    ]
    archive = normalize(" ".join(" ".join(v) for v in ds.corpus.values()))
    for r in known:
        qid = r["qid"].split(":")[0]
        own = normalize(" ".join(ds.corpus[next(iter(ds.qrels[qid]))]))
        swapped_in = [
            ar
            for _, ar in KNOWN_POOL
            if normalize(ar) in normalize(r["question"]) and normalize(ar) not in normalize(ds.queries[qid])
        ]
        assert swapped_in and r["question"] != ds.queries[qid]
        assert all(normalize(ar) in archive and normalize(ar) not in own for ar in swapped_in), r["question"]
