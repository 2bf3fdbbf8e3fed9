"""The reader at run time: its weights mapped from the cache, the process's one tokenizer, no torch —
what keeps the web app's memory what it was before the reader (eval/reliability.md)."""

import pytest

from tests.test_reader import _trained_delta


def test_the_export_keeps_its_weights_beside_the_graph_and_a_damaged_one_is_refused(tmp_path):
    """The weights in reader.onnx.data (ONNX Runtime maps it: only the rows read cost memory); the
    export is made once in the cache, and a changed byte in either file is a clear error."""
    from assistant.errors import ModelError
    from assistant.models.reader import ensure_onnx

    base, out, *_ = _trained_delta(tmp_path)
    path = ensure_onnx(base, tmp_path / "cache", out)
    data = path.with_name("reader.onnx.data")
    assert path.parent.name.endswith("-ext") and data.stat().st_size > path.stat().st_size
    assert ensure_onnx(base, tmp_path / "cache", out) == path  # made once
    with data.open("r+b") as f:
        f.seek(data.stat().st_size // 2)
        f.write(b"\x00\x01")
    with pytest.raises(ModelError, match=r"reader.onnx.data beside it\): does not match its recorded sha256"):
        ensure_onnx(base, tmp_path / "cache", out)


@pytest.mark.parametrize("strategy", ["only_second", "longest_first"])
def test_the_shared_tokenizer_cuts_pairs_as_the_configured_one(tmp_path, strategy) -> None:
    """The product reads pairs through the process's one tokenizer (PairEncoder), training through a
    configured copy (encode_pairs): the same ids, special tokens included, whichever text is cut."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    from assistant.models.onnx_embedder import shared_tokenizer
    from assistant.models.reader_text import PairEncoder, encode_pairs, pair_tokenizer

    words = ["<s>", "</s>", "query:", "passage:", "ما", "هو", "جملة", "قصيرة", "[UNK]"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 1)]
    )
    tok.save(str(tmp_path / "tokenizer.json"))
    shared = PairEncoder(shared_tokenizer(tmp_path), 16, strategy)
    for questions, texts in [
        (["ما هو " * 20, "ما هو"], ["جملة قصيرة", "جملة " * 30]),  # a question alone over the budget
        (["ما هو", "ما"], ["جملة " * 30, "قصيرة"]),
        (["ما هو " * 4] * 2, ["جملة " * 9, "جملة قصيرة " * 2]),
    ]:
        want = encode_pairs(pair_tokenizer(tmp_path, 16, strategy), questions, texts)
        assert shared(questions, texts) == want
        assert all(len(r) <= 16 and r[0] == 0 and r[-1] == 1 for r in want)
    assert shared_tokenizer(tmp_path) is shared_tokenizer(tmp_path / ".")  # one per folder and process


def test_reading_never_imports_torch():
    """torch costs the web app ~0.5 GB: the reader's run-time path (ONNX Runtime) must not import it."""
    import subprocess
    import sys

    code = "import sys, assistant.models.reader, assistant.core.parts; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def _word_level_tokenizer(folder, size: int) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "[UNK]": 3, **{f"w{i}": i for i in range(4, size)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tok.save(str(folder / "tokenizer.json"))


def test_the_reader_reads_the_base_models_one_word_table_and_gives_the_same_logits(tmp_path):
    """The word-embedding table (384 MB in e5) is frozen in training: the reader's session is given
    the process's one copy, read from the base folder, instead of its own; the logits are unchanged,
    and the table it is given is the one it reads (another table under that name changes them)."""
    import numpy as np
    import onnxruntime as ort

    from assistant.models import onnx_embedder
    from assistant.models.reader import TABLE_NAME, Reader, ensure_onnx, initializer_names, load_record

    base, out, *_ = _trained_delta(tmp_path)
    _word_level_tokenizer(base, 120)
    path = ensure_onnx(base, tmp_path / "cache", out)
    assert TABLE_NAME in initializer_names(path)
    reader = Reader(path, base, load_record(out))
    assert str((base / "model.safetensors").resolve()) in onnx_embedder._TABLES
    questions, sentences = "w5 w6 w7", ["w8 w9 w10 w11", "w12 w5 w40", "w100 w101"]
    shared = reader.logits(questions, sentences)
    ids = np.array([[0, 5, 6, 2, 2, 8, 9, 2]])
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    own = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert np.allclose(reader.session.run(["logit"], feed)[0], own.run(["logit"], feed)[0], atol=1e-6)
    rows = reader.encode([questions] * 3, sentences)
    assert len(rows) == 3 and np.isfinite(shared).all()
    opts = ort.SessionOptions()
    zeros = ort.OrtValue.ortvalue_from_numpy(np.zeros((120, 32), np.float32))  # kept alive: the session reads it
    opts.add_initializer(TABLE_NAME, zeros)
    other = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    assert not np.allclose(other.run(["logit"], feed)[0], own.run(["logit"], feed)[0], atol=1e-4)


def test_a_delta_that_changes_the_embeddings_is_refused(tmp_path):
    """The run time shares the base model's word table, so a delta may not change it: a clear error."""
    import json

    import numpy as np
    from safetensors.numpy import load_file, save_file

    from assistant.errors import ModelError
    from assistant.models.reader import ensure_onnx, sha256_file

    base, out, *_ = _trained_delta(tmp_path)
    delta = load_file(str(out / "delta.safetensors"))
    delta["embeddings.word_embeddings.weight"] = np.ones((120, 32), np.float32)
    save_file(delta, str(out / "delta.safetensors"))
    record = json.loads((out / "reader.json").read_text())
    record["delta"]["sha256"] = sha256_file(out / "delta.safetensors")
    (out / "reader.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="changes the embeddings, which this machinery keeps frozen"):
        ensure_onnx(base, tmp_path / "cache", out)


def test_a_word_table_is_mapped_whole_or_refused_by_name(tmp_path):
    """The shared table is mapped read-only from the file (an array holding its own mapping: rows
    cost memory when read); a tensor the file cuts short is a ModelError naming the file, a missing
    or non-float32 one means no sharing (None)."""
    import gc
    import json

    import numpy as np
    from safetensors.numpy import save_file

    from assistant.errors import ModelError
    from assistant.models.onnx_embedder import map_f32_tensor

    path = tmp_path / "model.safetensors"
    table = np.arange(12, dtype=np.float32).reshape(3, 4)
    save_file({"t": table, "ids": np.ones(2, np.int64)}, str(path))
    got = map_f32_tensor(path, "t")
    assert isinstance(got, np.memmap) and not got.flags.writeable
    gc.collect()  # the file is closed; the array keeps its mapping
    assert np.array_equal(got, table)
    assert map_f32_tensor(path, "ids") is None and map_f32_tensor(path, "absent") is None
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    end = json.loads(raw[8 : 8 + size])["t"]["data_offsets"][1]
    del got
    path.write_bytes(raw[: 8 + size + end - 4])
    with pytest.raises(ModelError, match=r"model.safetensors: ends inside t; delete the model folder"):
        map_f32_tensor(path, "t")


def test_pairs_read_in_runs_of_similar_length_give_the_logits_of_one_padded_run(tmp_path):
    """The reader reads a question's pairs in runs of GROUP by length (less padding): each sentence
    keeps its own logit, in the caller's order, as if all were read at once."""
    import numpy as np

    from assistant.models.reader import GROUP, Reader, ensure_onnx, load_record

    base, out, *_ = _trained_delta(tmp_path)
    _word_level_tokenizer(base, 120)
    reader = Reader(ensure_onnx(base, tmp_path / "cache", out), base, load_record(out))
    sentences = ["w8 " * 30, "w9 w10", "w11 " * 12, "w12", "w13 w14 " * 9, "w15 w16 w17", "w18 " * 20]
    assert len(sentences) > GROUP
    rows = reader.encode(["w5 w6 w7"] * len(sentences), sentences)
    assert len({len(r) for r in rows}) >= 3  # lengths differ: the runs reorder them
    assert np.allclose(reader.logits("w5 w6 w7", sentences), reader.run(rows).reshape(-1), atol=1e-5)
    assert reader.logits("w5", []).shape == (0,)
