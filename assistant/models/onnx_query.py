"""Questions embedded with ONNX Runtime: same vectors as torch, ~3× less time per question.

Measured (eval/onnx_embed.py, 200 XQuAD-ar questions one at a time on 2 cores): p50/p95 46/72 ms
through sentence-transformers, 15/23 ms through ONNX Runtime fp32, cosine 1.00000 to torch. For
batches of passages the two are equally fast, so ingest stays on torch.

The ONNX graph is exported locally from the model folder on first use (torch.onnx.export; nothing
is downloaded) into ``<folder>/onnx-query/model-ext.onnx``, its weights in ``model-ext.onnx.data``
beside it (ONNX Runtime maps that file: weights cost memory as they are read, and loading no longer
parses a 470 MB graph), written elsewhere and renamed into place. The one-file ``model.onnx`` of
earlier versions is converted once (no torch) and removed.
Only mean-pooled, normalised sentence-transformers folders qualify (the built-in e5 is one);
anything else, or any failure to export or load, keeps the torch path and says why once.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from assistant.errors import ModelError

ONNX_DIR = "onnx-query"
GRAPH = "model-ext.onnx"  # its weights in GRAPH + ".data"
LEGACY_GRAPH = "model.onnx"  # one file, weights inside: earlier versions
OPSET = 17


def graph_path(folder: Path) -> Path:
    return Path(folder) / ONNX_DIR / GRAPH


def build_graph(folder: Path, st_model=None) -> Path:  # noqa: ANN001
    """Write the folder's graph with its weights beside it, and record both in its seal.

    From the one-file graph of earlier versions when the folder has one (no torch: that file was
    verified with the folder), else exported from ``st_model`` (loaded here when not given). The files
    are made in a folder beside the model folder and renamed in, the weights first, so a graph in
    place always has its weights; the legacy graph is then dropped from the seal and deleted.
    """
    from assistant.models.model_seal import add_to_seal, drop_from_seal

    folder = Path(folder)
    target, legacy = graph_path(folder), folder / ONNX_DIR / LEGACY_GRAPH
    clear_stale_work(folder)
    work = folder.parent / f".{folder.name}.onnx-{os.getpid()}.tmp"
    work.mkdir(parents=True, exist_ok=True)
    try:
        whole = legacy
        if not legacy.exists():
            if st_model is None:
                from sentence_transformers import SentenceTransformer

                st_model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
            whole = work / "whole.onnx"
            export(st_model, whole)
        externalize(whole, work / GRAPH)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work / (GRAPH + ".data"), target.with_name(GRAPH + ".data"))
        os.replace(work / GRAPH, target)
    finally:
        for f in work.glob("*"):
            f.unlink()
        work.rmdir()
    add_to_seal(folder, target, target.with_name(GRAPH + ".data"))
    if legacy.exists():
        drop_from_seal(folder, legacy)
        legacy.unlink()
    return target


def clear_stale_work(folder: Path) -> None:
    """Remove the work folders of exports whose process is gone (killed mid-export: ~1 GB each)."""
    import shutil

    for work in Path(folder).parent.glob(f".{Path(folder).name}.onnx-*.tmp"):
        pid = work.name.rsplit("-", 1)[-1].removesuffix(".tmp")
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def externalize(whole: Path, target: Path) -> None:
    """Save a one-file ONNX graph again at ``target``, its weights in ``target.data`` beside it."""
    import onnx

    graph = onnx.load(str(whole))
    onnx.save_model(graph, str(target), save_as_external_data=True, location=target.name + ".data")


def mean_pooled(folder: Path) -> bool:
    modules = json.loads((folder / "modules.json").read_text()) if (folder / "modules.json").exists() else []
    types = [m.get("type", "") for m in modules]
    if types[1:] != ["sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"]:
        return False
    pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text())
    return bool(pooling.get("pooling_mode_mean_tokens")) and not any(
        pooling.get(k)
        for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    )


class OnnxQueryEncoder:
    def __init__(self, st_model, folder: Path, threads: int | None = None) -> None:  # noqa: ANN001
        import onnxruntime as ort

        self._tok = st_model.tokenizer
        self._max = int(st_model.max_seq_length or 512)
        path = graph_path(folder)
        if not path.exists():
            build_graph(Path(folder), st_model)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or (os.cpu_count() or 1)
        opts.log_severity_level = 3
        # No busy-waiting between runs: its threads would take the cores from torch, which embeds the
        # answer's sentences right after the question.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        out: list[np.ndarray] = []
        for i in range(0, len(texts), batch_size):
            enc = self._tok(
                texts[i : i + batch_size], padding=True, truncation=True, max_length=self._max, return_tensors="np"
            )
            hidden = self._session.run(None, {n: enc[n].astype(np.int64) for n in self._inputs})[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            vec = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            out.append(vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12))
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 0), np.float32)


def export(st_model, path: Path) -> None:  # noqa: ANN001
    """Export the transformer of a sentence-transformers model to ONNX (dynamic batch and length)."""
    import torch

    model = st_model[0].auto_model.eval()
    tok = st_model.tokenizer
    dummy = tok(["query: مثال", "query: a longer second example"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in dummy]

    class _Forward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.m = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.m(**dict(zip(names, inputs))).last_hidden_state

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"whole.{os.getpid()}.tmp.onnx")
    axes = {**{n: {0: "batch", 1: "seq"} for n in names}, "hidden": {0: "batch", 1: "seq"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about the model's Python control flow
        torch.onnx.export(
            _Forward(),
            tuple(dummy[n] for n in names),
            str(tmp),
            input_names=names,
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    os.replace(tmp, path)


def try_onnx_queries(st_model, folder: Path) -> OnnxQueryEncoder | None:  # noqa: ANN001
    """The ONNX query encoder, or None (with one line on stderr) when it cannot be used."""
    if not mean_pooled(Path(folder)):
        return None
    try:
        return OnnxQueryEncoder(st_model, Path(folder))
    except ModelError:  # damaged files: refused, never a silent move to the slower path
        raise
    except Exception as exc:  # ONNX Runtime unusable: the torch path still works
        print(
            f"note: questions are embedded with torch (ONNX Runtime unavailable: {type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return None
