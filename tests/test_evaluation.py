import json

import pytest

from assistant.errors import DatasetError
from assistant.evaluation.datasets import load_beir, load_dataset, load_qrels_tsv, load_squad
from assistant.evaluation.retrieval import evaluate_retrieval, score, write_trec_run

QRELS = {"q1": {"d1": 1}, "q2": {"d2": 1, "d3": 1}}
RUN = {"q1": {"d9": 3.0, "d1": 2.0}, "q2": {"d3": 3.0, "d8": 2.0, "d2": 1.0}}


def test_metrics_on_hand_made_qrels():
    agg, per_q = score(QRELS, RUN)
    assert per_q["mrr@10"] == {"q1": 0.5, "q2": 1.0}
    assert per_q["recall@1"] == {"q1": 0.0, "q2": 0.5}
    assert per_q["recall@5"] == {"q1": 1.0, "q2": 1.0}
    assert agg["mrr@10"] == pytest.approx(0.75)
    # nDCG@10 for q1: 1/log2(3); q2: (1 + 1/log2(4)) / (1 + 1/log2(3))
    import math

    q1 = 1 / math.log2(3)
    q2 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert agg["ndcg@10"] == pytest.approx((q1 + q2) / 2)
    assert per_q["map"]["q2"] == pytest.approx((1 + 2 / 3) / 2)


def test_independent_check_of_a_written_run_file(tmp_path):
    """Recompute from the TREC run file with plain trec_eval-compatible code."""
    path = tmp_path / "run.trec"
    write_trec_run(RUN, path, "x")
    ranked: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        qid, _, did, rank, _, _ = line.split()
        ranked.setdefault(qid, []).append(did)
    rr = [next((1 / (i + 1) for i, d in enumerate(ranked[q][:10]) if d in QRELS[q]), 0.0) for q in QRELS]
    agg, _ = score(QRELS, {q: {d: float(len(ds) - i) for i, d in enumerate(ds)} for q, ds in ranked.items()})
    assert agg["mrr@10"] == pytest.approx(sum(rr) / len(rr))


def test_squad_loader(tmp_path):
    f = tmp_path / "s.json"
    f.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": "T",
                        "paragraphs": [
                            {
                                "context": "نص الفقرة",
                                "qas": [
                                    {"id": "a", "question": "سؤال؟", "answers": [{"text": "نص", "answer_start": 0}]}
                                ],
                            }
                        ],
                    }
                ]
            }
        )
    )
    ds = load_squad(f)
    assert ds.qrels == {"a": {"0-0": 1}} and ds.corpus["0-0"] == ("T", "نص الفقرة") and ds.answers["a"] == ["نص"]


def test_bad_json_names_file_and_line(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"data": [\n  {"title": }\n]}')
    with pytest.raises(DatasetError, match=r"bad.json: line 2"):
        load_dataset(f)


def _beir(tmp_path, qrels_text):
    d = tmp_path / "beir"
    (d / "qrels").mkdir(parents=True)
    (d / "corpus.jsonl").write_text('{"_id": "d1", "title": "t", "text": "نص أول"}\n{"_id": "d2", "text": "نص ثان"}\n')
    (d / "queries.jsonl").write_text('{"_id": "q1", "text": "سؤال"}\n')
    (d / "qrels" / "test.tsv").write_text(qrels_text)
    return d


def test_beir_loader(tmp_path):
    ds = load_beir(_beir(tmp_path, "query-id\tcorpus-id\tscore\nq1\td2\t1\n"))
    assert ds.qrels == {"q1": {"d2": 1}} and len(ds.corpus) == 2


def test_beir_unknown_id_named_with_line(tmp_path):
    with pytest.raises(DatasetError, match=r"test.tsv: line 2: unknown document id 'd7'"):
        load_beir(_beir(tmp_path, "query-id\tcorpus-id\tscore\nq1\td7\t1\n"))


def test_beir_missing_qrels(tmp_path):
    d = _beir(tmp_path, "")
    (d / "qrels" / "test.tsv").unlink()
    with pytest.raises(DatasetError, match="no qrels"):
        load_beir(d)


def test_trec_qrels(tmp_path):
    f = tmp_path / "q.txt"
    f.write_text("q1 0 d1 1\nq1 0 d2 0\n")
    assert load_qrels_tsv(f) == {"q1": {"d1": 1, "d2": 0}}


def test_end_to_end_eval_with_fake_embedder(tmp_path):
    from assistant.config import load_settings
    from assistant.models.embedder import HashEmbedder

    f = tmp_path / "s.json"
    paras = [
        ("حصلت روسيا على مليار يورو من مبيعات الوقود", "كم حصلت روسيا من مبيعات الوقود"),
        ("التزمت ست وعشرون دولة بإرسال جنود ضمن قوة أمنية", "كم دولة التزمت بإرسال جنود"),
        ("فاز المنتخب الأرجنتيني بكأس العالم لكرة القدم", "من فاز بكأس العالم"),
    ]
    f.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": f"T{i}",
                        "paragraphs": [{"context": c, "qas": [{"id": f"q{i}", "question": q, "answers": []}]}],
                    }
                    for i, (c, q) in enumerate(paras)
                ]
            }
        )
    )
    res = evaluate_retrieval(
        load_squad(f), HashEmbedder(), load_settings(model_cache=tmp_path), out_dir=tmp_path / "out"
    )
    assert set(res["retrievers"]) == {"bm25", "dense", "hybrid"}
    assert res["retrievers"]["bm25"]["recall@1"] == 1.0
    for name in ("run.bm25.trec", "metrics.json", "report.md", "metrics.png"):
        assert (tmp_path / "out" / name).exists()
    assert "bm25 vs dense" in res["significance"]


def _tiny_squad(tmp_path):
    """Four paragraphs, a question each, its answer in the paragraph's own words."""
    f = tmp_path / "s.json"
    paras = [
        (
            "حصلت روسيا على مليار يورو من مبيعات الوقود إلى أوروبا خلال العام الماضي وفق التقرير.",
            "كم حصلت روسيا من مبيعات الوقود",
            "مليار يورو",
        ),
        (
            "فاز المنتخب الأرجنتيني بكأس العالم لكرة القدم بعد مباراة نهائية طويلة.",
            "من فاز بكأس العالم لكرة القدم",
            "المنتخب الأرجنتيني",
        ),
        (
            "التزمت ست وعشرون دولة بإرسال جنود ضمن قوة أمنية إلى أوكرانيا بعد الحرب.",
            "كم دولة التزمت بإرسال جنود",
            "ست وعشرون",
        ),
        (
            "ارتفعت أسعار النفط في الأسواق الآسيوية بعد قرار منظمة أوبك خفض الإنتاج.",
            "لماذا ارتفعت أسعار النفط",
            "خفض الإنتاج",
        ),
    ]
    f.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": f"T{i}",
                        "paragraphs": [
                            {
                                "context": c,
                                "qas": [
                                    {
                                        "id": f"q{i}",
                                        "question": q,
                                        "answers": [{"text": ans, "answer_start": c.index(ans)}],
                                    }
                                ],
                            }
                        ],
                    }
                    for i, (c, q, ans) in enumerate(paras)
                ]
            }
        )
    )
    return f


def test_answers_eval_on_tiny_squad(tmp_path):
    from assistant.config import load_settings
    from assistant.evaluation.answers import AnswerSet, evaluate_answers
    from assistant.models.embedder import HashEmbedder

    f = _tiny_squad(tmp_path)
    settings = load_settings(model_cache=tmp_path, abstain_threshold=0.0)
    res = evaluate_answers(AnswerSet(load_squad(f), removed=1, nearmiss=2), HashEmbedder(), settings)
    rows = res["rows"]
    assert sum(r["kind"] == "answerable" for r in rows) == 4 and sum(r["kind"] == "removed" for r in rows) == 1
    assert all(r["correct"] for r in rows if r["kind"] == "answerable")  # exact-word questions, one paragraph each
    assert res["overall"]["accuracy"] == 1.0 and res["overall"]["false_abstention"] == 0.0
    assert set(res["by_pair"]) == {"ar-ar"} and "count" in res["by_qtype"]
    nearmiss = [r for r in rows if r["kind"] == "nearmiss"]
    assert 1 <= len(nearmiss) <= 2


def test_answer_metrics_on_hand_made_rows():
    from assistant.evaluation.answers import summarize_rows

    def row(kind, abstained, correct=False, cits=1, gold=0, qtype="count", pair="ar-ar", secs=0.1):
        return {
            "kind": kind,
            "abstained": abstained,
            "correct": correct,
            "citations": cits,
            "citations_to_gold": gold,
            "qtype": qtype,
            "pair": pair,
            "seconds": secs,
        }

    rows = [
        row("answerable", False, True, 2, 1),
        row("answerable", False, False, 1, 1),
        row("answerable", True),
        row("removed", True),
        row("offtopic", False),
        row("nearmiss", True),
        row("answerable", False, True, 1, 1, "date", "en-ar", 0.3),
    ]
    res = summarize_rows(rows)
    ar = res["by_pair"]["ar-ar"]
    # shown: the first two answerable (one right); citations 3, to gold 2; unanswerable 2 of 3 abstained
    assert ar["accuracy"] == round(1 / 3, 4) and ar["false_abstention"] == round(1 / 3, 4)
    assert ar["citation_precision"] == round(2 / 3, 4)
    assert (ar["abstained_removed"], ar["abstained_offtopic"], ar["abstained_nearmiss"]) == (1.0, 0.0, 1.0)
    assert ar["abstained_unanswerable"] == round(2 / 3, 4)
    assert res["by_pair"]["en-ar"]["accuracy"] == 1.0 and res["overall"]["answerable"] == 4
    assert res["by_qtype"]["date"]["answerable"] == 1 and res["overall"]["latency_p95_ms"] == 300.0


def test_synthetic_queries_from_own_index_and_their_evaluation(fake_assistant, seed_path, tmp_path):
    from assistant.evaluation.datasets import load_dataset
    from assistant.evaluation.retrieval import evaluate_own_index
    from assistant.evaluation.synth import METHOD, generate, write_beir

    a = fake_assistant()
    a.ingest([seed_path])
    gen = generate(a.index, a.llm, n=20, seed=1, use_llm=False)
    assert len(gen["queries"]) == 20 and gen["method"] == METHOD
    for qid, q in gen["queries"].items():
        cid = next(iter(gen["qrels"][qid]))
        assert q not in gen["corpus"][cid]  # not a verbatim copy
    folder = write_beir(gen, tmp_path / "synth", a.settings.data_dir)
    ds = load_dataset(folder)
    assert ds.synthetic == METHOD and ds.own_index
    res = evaluate_own_index(ds, a.index, a.embedder, a.settings, ["bm25", "hybrid"])
    assert res["synthetic"] == METHOD
    assert res["retrievers"]["bm25"]["recall@10"] > 0.5  # answerable, yet not trivially at rank 1 always


def test_compare_variants_writes_one_table(tmp_path):
    from assistant.config import load_settings
    from assistant.evaluation.compare import compare, load_variants
    from assistant.models.embedder import HashEmbedder

    f = tmp_path / "s.json"
    f.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": "T",
                        "paragraphs": [
                            {
                                "context": "حصلت روسيا على مليار يورو من مبيعات الوقود",
                                "qas": [{"id": "a", "question": "مبيعات الوقود الروسية", "answers": []}],
                            },
                            {
                                "context": "فاز المنتخب الأرجنتيني بكأس العالم",
                                "qas": [{"id": "b", "question": "من فاز بكأس العالم", "answers": []}],
                            },
                        ],
                    }
                ]
            }
        )
    )
    cfg = tmp_path / "v.toml"
    cfg.write_text(
        '[[variant]]\nname = "base"\n\n[[variant]]\nname = "no stem"\nanalyzer = "ar-norm-v1"\nretrievers = ["bm25"]\n'
    )
    base = load_settings(model_cache=tmp_path, embedder="hash-64")
    res = compare(load_squad(f), load_variants(cfg, base), HashEmbedder(), out_dir=tmp_path / "out")
    assert [(r["variant"], r["retriever"]) for r in res["rows"]] == [
        ("base", "bm25"),
        ("base", "dense"),
        ("base", "hybrid"),
        ("no stem", "bm25"),
    ]
    assert "| no stem | bm25 |" in (tmp_path / "out" / "compare.md").read_text()


def test_bad_variant_is_named(tmp_path):
    from assistant.config import load_settings
    from assistant.errors import ConfigError
    from assistant.evaluation.compare import load_variants

    cfg = tmp_path / "v.toml"
    cfg.write_text('[[variant]]\nname = "huge"\nchunk_max_tokens = 4000\n')
    with pytest.raises(ConfigError, match="variant 'huge'"):
        load_variants(cfg, load_settings())


def test_squad_in_the_shapes_it_is_published_in(tmp_path):
    ctx1, ctx2 = "فاز المنتخب الأرجنتيني بكأس العالم.", "حصلت روسيا على مليار يورو."
    flat = tmp_path / "flat.json"
    flat.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": "T",
                        "context": ctx1,
                        "qas": [{"id": "a", "question": "من فاز؟", "answers": [{"text": "المنتخب"}]}],
                    },
                    {"title": "T", "context": ctx2, "qas": [{"id": "b", "question": "كم حصلت روسيا؟", "answers": []}]},
                ]
            }
        )
    )
    hf = tmp_path / "export.jsonl"
    hf.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                {
                    "id": "a",
                    "title": "T",
                    "context": ctx1,
                    "question": "من فاز؟",
                    "answers": {"text": ["المنتخب"], "answer_start": [4]},
                },
                {
                    "id": "c",
                    "title": "T",
                    "context": ctx1,
                    "question": "بماذا فاز؟",
                    "answers": {"text": ["بكأس العالم"], "answer_start": [20]},
                },
                {
                    "id": "b",
                    "title": "T",
                    "context": ctx2,
                    "question": "كم حصلت روسيا؟",
                    "answers": {"text": [], "answer_start": []},
                },
            ]
        )
        + "\n"
    )
    for f in (flat, hf):
        ds = load_dataset(f)
        assert {t for _, t in ds.corpus.values()} == {ctx1, ctx2}
        assert ds.answers["a"] == ["المنتخب"] and ds.qrels["a"] == ds.qrels.get("c", ds.qrels["a"])
        assert next(iter(ds.qrels["b"])) != next(iter(ds.qrels["a"]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "بلا سياق"}\n')
    with pytest.raises(DatasetError, match="bad.jsonl: line 1: no 'context'"):
        load_dataset(bad)
