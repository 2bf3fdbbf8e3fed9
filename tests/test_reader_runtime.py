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
    from assistant.models.reader import PairEncoder, encode_pairs, pair_tokenizer

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
