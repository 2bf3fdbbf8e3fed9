"""The reader: training pairs from SQuAD data, the shipped delta and its checks, a tiny training run."""

from __future__ import annotations

import json

import numpy as np
import pytest

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


# ------------------------------------------------------------------ the delta, its checks, training
def _tiny_bert(folder):
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=120,
        hidden_size=32,
        num_hidden_layers=3,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=1,
        pad_token_id=1,
    )
    bert = BertModel(cfg, add_pooling_layer=False).eval()
    bert.save_pretrained(folder)
    return bert


def _tiny_pairs():
    from assistant.training.reader_pairs import Pair

    out = []
    for g in range(4):
        for j in range(3):
            out.append(Pair(f"q{g}", "سؤال", f"جملة {j}", int(j == g % 3), "ar-ar", f"a{g}", "tiny"))
    return out


def _trained_delta(tmp_path, train_layers=1):
    """A 2-step training run on a tiny BERT, its delta saved with a record as eval/train_reader.py writes."""

    from assistant.models.reader import base_digest, sha256_file
    from assistant.training import reader as T

    base = tmp_path / "base"
    bert = _tiny_bert(base)
    pairs = _tiny_pairs()
    rng = np.random.default_rng(0)
    encoded = [{"input_ids": [0, *rng.integers(5, 120, 6).tolist(), 2]} for _ in pairs]
    first = 3 - train_layers
    states = T.frozen_states(bert, encoded, first)
    top = T.TopModel(bert, train_layers)
    before = {k: v.clone() for k, v in top.state_dict().items()}
    cfg = T.TrainConfig(train_layers=train_layers, epochs=1, batch_groups=2, threads=1)
    result = T.fit(top, states, pairs, cfg, tmp_path / "ckpt.pt", log=lambda m: None)
    out = tmp_path / "reader"
    T.save_delta(top, out)
    record = {
        "base": {"model": "tiny", "sha256": base_digest(bert.state_dict(), first)},
        "train_layers_from": first,
        "max_length": 16,
        "pad_id": 1,
        "delta": {"file": "delta.safetensors", "sha256": sha256_file(out / "delta.safetensors")},
    }
    (out / "reader.json").write_text(json.dumps(record), encoding="utf-8")
    return base, out, top, before, result, states


def test_two_training_steps_change_only_the_top_and_save_a_small_delta(tmp_path):
    base, out, top, before, result, _ = _trained_delta(tmp_path)
    assert len(result["history"]) == 1 and result["history"][0]["loss"] > 0
    after = top.state_dict()
    assert any(not np.allclose(before[k].numpy(), after[k].numpy()) for k in before)
    from safetensors.numpy import load_file

    names = set(load_file(str(out / "delta.safetensors")))
    assert names >= {"head.proj.weight", "head.proj.bias"}
    assert all(n.startswith("encoder.layer.2.") or n.startswith("head.") for n in names)  # only the trained layer
    # resuming after the last epoch does nothing more
    from assistant.training import reader as T

    again = T.fit(top, [], [], T.TrainConfig(train_layers=1, epochs=1, threads=1), tmp_path / "ckpt.pt", log=print)
    assert again["history"] == result["history"]


def test_the_delta_applied_and_exported_reads_like_torch(tmp_path):
    import onnxruntime as ort
    import torch

    from assistant.models.reader import build

    base, out, top, _, _, states = _trained_delta(tmp_path)
    target = build(base, tmp_path / "onnx" / "reader.onnx", out)
    ids = np.array([[0, 7, 9, 2, 2, 11, 12, 2], [0, 7, 2, 2, 13, 2, 1, 1]], np.int64)
    mask = (ids != 1).astype(np.int64)
    got = ort.InferenceSession(str(target)).run(["logit"], {"input_ids": ids, "attention_mask": mask})[0]
    from transformers import BertModel

    bert = BertModel.from_pretrained(str(base), local_files_only=True, add_pooling_layer=False).eval()
    from assistant.training.reader import run_layers

    with torch.no_grad():
        t_ids, t_mask = torch.tensor(ids), torch.tensor(mask)
        h = run_layers(bert.encoder.layer[:2], bert.embeddings(input_ids=t_ids), t_mask)
        want = top(h, t_mask).numpy()
    assert np.allclose(got, want, atol=2e-2), (got, want)  # the delta ships in fp16
    assert (target.parent / "reader.onnx.sha256").exists()


def test_a_damaged_delta_or_another_base_is_refused(tmp_path):
    from assistant.errors import ModelError
    from assistant.models.reader import build, load_record

    base, out, *_ = _trained_delta(tmp_path)
    record = json.loads((out / "reader.json").read_text())
    record["base"]["sha256"] = "0" * 64
    (out / "reader.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="not the ones the reader was trained over"):
        build(base, tmp_path / "x" / "reader.onnx", out)
    data = bytearray((out / "delta.safetensors").read_bytes())
    data[-5] ^= 0xFF
    (out / "delta.safetensors").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match the sha256 recorded"):
        load_record(out)
    (out / "delta.safetensors").unlink()
    with pytest.raises(ModelError, match="weights are missing"):
        load_record(out)


# ------------------------------------------------------------------ the reader's decision
class FakeReader:
    """Logits from a table: the sentence holding the right words reads high."""

    def __init__(self, good: str, calibration: dict) -> None:
        self.good, self.record = good, {"calibration": calibration}

    def logits(self, question, sentences):
        return np.array([4.0 if self.good in s else -4.0 for s in sentences], np.float32)


CAL = {"candidates": 6, "blend": 0.0, "pairs": {"ar-ar": {"coef": [1.0, 0.0], "intercept": 0.0, "threshold": 0.5}}}


def _cands(texts, probs):
    from assistant.answer.scoring import Candidate
    from assistant.records import Chunk, Hit

    out = []
    for i, (t, p) in enumerate(zip(texts, probs)):
        chunk = Chunk(chunk_id=i + 1, doc_id="d", ordinal=i, start=0, end=len(t), text=t)
        out.append(
            Candidate(Hit(chunk=chunk, score=1.0, rank=i + 1, title="t", source="s"), 0, len(t), t, 0, "ar-ar", prob=p)
        )
    return out


def test_the_reader_reorders_and_decides():
    from assistant.answer.reading import read

    scored = _cands(["قال الوزير إن الاجتماع مهم.", "التزمت 26 دولة بإرسال جنود."], [0.8, 0.3])
    d = read("كم دولة التزمت؟", scored, 0.9, FakeReader("26 دولة", CAL))
    assert d.ranked[0].text.startswith("التزمت 26") and d.confidence > 0.9 and d.by == "reader"
    assert scored[0].prob == 0.8  # the scorer's own candidates are left as they were
    nothing = read("من فاز بكأس العالم؟", scored, 0.9, FakeReader("كأس", CAL))
    assert nothing.confidence < nothing.threshold  # nothing reads as an answer: abstain


def test_a_reader_without_calibration_is_a_clear_error():
    from assistant.answer.reading import read
    from assistant.errors import ModelError

    with pytest.raises(ModelError, match="eval.calibrate_reader"):
        read("س", _cands(["جملة طويلة بما يكفي."], [0.5]), 0.5, FakeReader("x", {}))


def test_the_blend_is_per_language_pair_and_weighs_the_scorer_in():
    """With a blend, a sentence the scorer is sure of can outrank one the reader slightly prefers."""
    from assistant.answer.reading import read

    class Close(FakeReader):
        def logits(self, question, sentences):
            return np.array([0.5 if self.good in s else 0.0 for s in sentences], np.float32)

    scored = _cands(["التزمت 26 دولة بإرسال جنود.", "قال الوزير إن 26 دولة مهمة."], [0.95, 0.2])
    alone = read("كم دولة التزمت؟", scored, 0.9, Close("الوزير", CAL))
    assert alone.ranked[0].text.startswith("قال الوزير")
    blended = {**CAL, "pairs": {"ar-ar": {**CAL["pairs"]["ar-ar"], "blend": 1.0}}}
    assert read("كم دولة التزمت؟", scored, 0.9, Close("الوزير", blended)).ranked[0].text.startswith("التزمت 26")
    other_pair = {
        **CAL,
        "pairs": {**blended["pairs"], "en-ar": {"coef": [1.0, 0.0], "intercept": 0.0, "threshold": 0.5}},
    }
    # the en-ar model has no blend of its own and the record's default is 0: the reader alone decides
    en = _cands([c.text for c in scored], [0.95, 0.2])
    for c in en:
        c.pair = "en-ar"
    assert read("how many?", en, 0.9, Close("الوزير", other_pair)).ranked[0].text.startswith("قال الوزير")


def test_a_question_longer_than_the_budget_is_cut_not_fatal(tmp_path) -> None:
    """only_second cannot cut a pair whose question alone fills the budget; the pair is cut both ways."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    from assistant.models.reader_text import encode_pairs, pair_tokenizer

    words = ["query:", "passage:", "ما", "هو", "جملة", "قصيرة", "[UNK]"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.save(str(tmp_path / "tokenizer.json"))
    pair = pair_tokenizer(tmp_path, 16)
    rows = encode_pairs(pair, ["ما هو " * 20, "ما هو"], ["جملة قصيرة", "جملة " * 30])
    assert [len(r) for r in rows] == [16, 16]
    assert rows[0][-3:] == [1, 4, 5]  # the sentence kept whole, the question cut
    assert encode_pairs(pair, ["ما"], ["جملة"]) == [[0, 2, 1, 4]]  # short pairs as before


def test_calibration_pairs_each_row_with_its_own_reading_when_a_question_is_asked_twice():
    """The ``removed`` kind asks an answerable question again after its paragraph is gone: each row
    gets the candidates of its own asking (the first, with the gold sentence), not the last one."""
    from eval.calibrate_reader import by_row

    q, other = "كم دولة التزمت بإرسال جنود؟", "من أعلن ذلك؟"
    first, second = (["26 دولة التزمت"], [0.9], [2.0]), (["جملة أخرى"], [0.2], [-1.0])
    rows = [{"question": q, "kind": "answerable"}, {"question": other}, {"question": q, "kind": "removed"}]
    assert by_row(rows, {q: [first, second], other: [first]}) == [first, first, second]
    # a question read fewer times than asked (no candidate once): no row of it gets a reading
    assert by_row(rows, {q: [second], other: [first]}) == [None, first, None]


def test_the_reader_rates_a_draft_against_the_best_sentence_it_read():
    """A draft the reader reads as an answer rates as high as the best candidate; a restatement of the
    question with a wrong completion (the scorer's blind spot) rates far below it."""
    from assistant.answer.reading import read
    from assistant.answer.relevance import reader_rating

    reader = FakeReader("26 دولة", CAL)
    scored = _cands(["قال الوزير إن الاجتماع مهم.", "التزمت 26 دولة بإرسال جنود."], [0.8, 0.3])
    ranked = read("كم دولة التزمت بإرسال جنود؟", scored, 0.9, reader).ranked
    assert reader_rating("كم دولة التزمت بإرسال جنود؟", "التزمت 26 دولة بإرسال جنود.", ranked, reader) > 0.99
    restated = reader_rating("كم دولة التزمت بإرسال جنود؟", "التزمت دول كثيرة بإرسال جنود.", ranked, reader)
    assert restated < 0.05
