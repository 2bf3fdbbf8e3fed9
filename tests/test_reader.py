"""The reader: training pairs from SQuAD data, the shipped delta and its checks, a tiny training run."""

from __future__ import annotations

import json

from assistant.evaluation.datasets import load_squad
from assistant.evaluation.splits import part
from assistant.training.reader_pairs import build_pairs, holds_answer, questions_of, sentences

PARA_1 = (
    "أعلنت فرنسا أن 26 دولة التزمت بإرسال جنود ضمن قوة أمنية. وقالت بولندا إنها لن ترسل قوات برية. "
    "وعقد الاجتماع في باريس يوم الخميس."
)
PARA_2 = "استضافت لندن اجتماعا آخر للحلفاء. وناقش الوزراء العقوبات على روسيا وتمويل الجيش الأوكراني."
PARA_3 = "تقع مدينة حلب في شمال سوريا. وهي من أقدم المدن المأهولة في العالم."


def squad(tmp_path):
    data = {
        "data": [
            {
                "title": "قوة",
                "paragraphs": [
                    {
                        "context": PARA_1,
                        "qas": [
                            {
                                "id": "q1",
                                "question": "كم دولة التزمت بإرسال جنود؟",
                                "answers": [{"text": "26 دولة", "answer_start": 15}],
                            },
                            {
                                "id": "q2",
                                "question": "أين عقد الاجتماع؟",
                                "answers": [{"text": "باريس", "answer_start": 0}],
                            },
                        ],
                    }
                ],
            },
            {
                "title": "لندن",
                "paragraphs": [
                    {
                        "context": PARA_2,
                        "qas": [
                            {
                                "id": "q3",
                                "question": "ماذا ناقش الوزراء في لندن؟",
                                "answers": [{"text": "العقوبات على روسيا", "answer_start": 0}],
                            }
                        ],
                    }
                ],
            },
            {
                "title": "حلب",
                "paragraphs": [
                    {
                        "context": PARA_3,
                        "qas": [
                            {
                                "id": "q4",
                                "question": "أين تقع حلب؟",
                                "answers": [{"text": "شمال سوريا", "answer_start": 0}],
                            }
                        ],
                    }
                ],
            },
        ]
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_squad(path)


def test_sentences_and_answer_rule():
    assert sentences(PARA_1)[0].startswith("أعلنت فرنسا")
    assert len(sentences(PARA_1)) == 3
    assert holds_answer("التزمت 26 دولةً بإرسال جنود", ["26 دولة"])  # after normalisation (tanwin)
    assert not holds_answer("وقالت بولندا إنها لن ترسل قوات برية.", ["26 دولة"])


def test_pairs_label_the_answer_sentence_and_take_hard_negatives(tmp_path):
    ds = squad(tmp_path)
    qs = questions_of(ds, "tiny", "ar-ar")
    pool = {q.pid: q.paragraph for q in qs}
    pairs = build_pairs(qs, pool, seed=0, nogold=0.0)
    by_q = {}
    for p in pairs:
        by_q.setdefault(p.group, []).append(p)
    q1 = by_q["q1"]
    assert [p.sentence for p in q1 if p.label] == [sentences(PARA_1)[0]]
    # the other sentences of its own paragraph are negatives; none of the negatives holds the answer
    assert {p.sentence for p in q1 if not p.label} >= set(sentences(PARA_1)[1:])
    assert all(not holds_answer(p.sentence, ["26 دولة"]) for p in q1 if not p.label)
    # q3's words are found by BM25 in another article: one of its sentences is a negative there
    assert any(p.sentence in PARA_1 for p in by_q["q3"] if not p.label) or len(by_q["q3"]) >= 2
    assert all(p.pair == "ar-ar" and p.source == "tiny" for p in pairs)


def test_nogold_groups_have_no_positive(tmp_path):
    ds = squad(tmp_path)
    qs = questions_of(ds, "tiny", "ar-ar")
    pairs = build_pairs(qs, {q.pid: q.paragraph for q in qs}, seed=0, nogold=1.0)
    nogold = [p for p in pairs if p.group.endswith("#nogold")]
    assert nogold and all(p.label == 0 for p in nogold)
    assert all(p.sentence not in next(q.paragraph for q in qs if q.qid == p.group.split("#")[0]) for p in nogold)


def test_no_test_article_reaches_training(tmp_path):
    ds = squad(tmp_path)
    train, test = ["قوة", "لندن"], ["حلب"]
    qs = questions_of(part(ds, train), "tiny", "ar-ar")
    pairs = build_pairs(qs, {q.pid: q.paragraph for q in qs}, seed=0, nogold=0.5)
    assert pairs and {p.article for p in pairs} <= set(train)
    assert not any(s in PARA_3 for p in pairs for s in [p.sentence])
    assert not set(test) & {p.article for p in pairs}


def test_english_twin_reads_the_arabic_paragraph(tmp_path):
    ds = squad(tmp_path)
    en = ds.__class__(**{**ds.__dict__, "queries": {**ds.queries, "q1": "How many countries committed troops?"}})
    qs = questions_of(ds, "tiny", "en-ar", twin=en)
    q1 = next(q for q in qs if q.qid == "q1@en-ar")
    assert q1.text.startswith("How many") and q1.paragraph == PARA_1 and q1.search_text == ds.queries["q1"]
