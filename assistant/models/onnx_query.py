"""Questions embedded with ONNX Runtime: same vectors as torch, ~3× less time per question.

Measured (eval/onnx_embed.py, 200 XQuAD-ar questions one at a time on 2 cores): p50/p95 46/72 ms
through sentence-transformers, 15/23 ms through ONNX Runtime fp32, cosine 1.00000 to torch. For
batches of passages the two are equally fast, so ingest stays on torch.

The ONNX graph is exported locally from the model folder on first use (torch.onnx.export; nothing
is downloaded) into ``<folder>/onnx-query/model.onnx``, written to a temporary name and renamed.
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
OPSET = 17


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
        path = Path(folder) / ONNX_DIR / "model.onnx"
        if not path.exists():
            from assistant.models.model_seal import add_to_seal

            export(st_model, path)
            add_to_seal(Path(folder), path)
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
    tmp = path.with_name(f"model.{os.getpid()}.tmp.onnx")
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
