"""The whole embedder through ONNX Runtime and the `tokenizers` library: no torch in the process.

The web app serves questions, answers and uploads with this: the same vectors as the
sentence-transformers model (the graph is exported from it), and bulk passages as fast (measured
in eval/performance.md), without torch and transformers in memory — about 0.7 GB less RSS. The graph
is exported once, in a child process (so this process never imports torch), into
``<folder>/onnx-query/model-ext.onnx`` with its weights beside it (mapped by ONNX Runtime); any
failure keeps the torch path and says why once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelError
from assistant.models.onnx_query import graph_path, mean_pooled

BATCH = 16
# A call of a few texts (an answer's candidate sentences) is read in runs of three of similar length, as the
# reader reads its pairs: padding the shortest to the longest of six costs more than a second session run
# (the whole answer 0.96 of the time per question, the same vectors: python -m eval.studies.answer_runs).
FEW, FEW_RUN = 8, 3


_TOKENIZERS: dict[str, Any] = {}
_SHARED_LOCK = threading.Lock()


def shared_tokenizer(folder: Path):  # noqa: ANN201
    """One tokenizer per model folder and process, without truncation or padding (a 250k-piece
    vocabulary costs ~0.3 GB each): the embedder and the cross-encoders share it and only read it,
    truncating and padding themselves."""
    from tokenizers import Tokenizer

    key = str(Path(folder).resolve())
    with _SHARED_LOCK:
        if key not in _TOKENIZERS:
            tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
            tok.no_truncation()
            tok.no_padding()
            _TOKENIZERS[key] = tok
        return _TOKENIZERS[key]


WORD_TABLE = "embeddings.word_embeddings.weight"  # e5's 250k × 384 table: 384 MB of its 470
_TABLES: dict[str, tuple[np.ndarray, Any]] = {}


def share_word_table(opts: Any, folder: Path, graph_name: str) -> None:
    """Give a session over ``folder``'s weights the process's one mapping of the word-embedding table.

    The embedder and the cross-encoders (whose training leaves that table frozen: it is the base
    model's, byte for byte) each held their own 384 MB copy; ONNX Runtime uses an initializer added to
    the session options instead of the graph's own of that name. The table is mapped read-only from
    the model folder's ``model.safetensors`` (sealed) and every session reads that one mapping: only
    the rows the texts touch cost memory, and the kernel may drop them again. A folder without that
    file or tensor (another embedder) is left alone: the session loads its own.
    """
    import onnxruntime as ort

    st = Path(folder) / "model.safetensors"
    key = str(st.resolve())
    with _SHARED_LOCK:
        if key not in _TABLES:
            table = map_f32_tensor(st, WORD_TABLE) if st.exists() else None
            if table is None:
                return
            # the mapping must outlive every session given it: it is kept here for the process's life
            _TABLES[key] = (table, ort.OrtValue.ortvalue_from_numpy(table))
        opts.add_initializer(graph_name, _TABLES[key][1])


def map_f32_tensor(path: Path, name: str) -> np.ndarray | None:
    """One float32 tensor of a safetensors file, mapped read-only (an array that keeps its own
    mapping open, not a view of one that closes with the file); None when the file has no float32
    tensor of that name. A file that ends inside the tensor is a ModelError naming it."""
    with open(path, "rb") as f:
        size = int.from_bytes(f.read(8), "little")
        meta = json.loads(f.read(size)).get(name)
    if not meta or meta.get("dtype") != "F32":
        return None
    start, end = meta["data_offsets"]
    shape = tuple(int(n) for n in meta["shape"])
    need = 4 * int(np.prod(shape))
    if need != end - start:
        raise ModelError(f"{path}: {name} holds {end - start} bytes, its shape {list(shape)} needs {need}")
    if Path(path).stat().st_size < 8 + size + end:
        raise ModelError(f"{path}: ends inside {name}; delete the model folder and start again to rebuild it")
    table = np.memmap(path, dtype="<f4", mode="r", offset=8 + size + start, shape=shape)
    # safetensors aligns its tensors; an unaligned one (another writer) is copied rather than read askew
    return table if (8 + size + start) % 4 == 0 else np.array(table)


def export_in_child(folder: Path) -> Path:
    """The folder's ONNX graph, exported (or converted from an earlier version's) in a separate
    process: torch and the 470 MB one-file graph are loaded there, not here."""
    path = graph_path(folder)
    if path.exists():
        return path
    code = (
        "import sys\nfrom pathlib import Path\nfrom assistant.models.onnx_query import build_graph\n"
        "build_graph(Path(sys.argv[1]))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env)
    if proc.returncode != 0 or not path.exists():
        raise RuntimeError((proc.stderr.strip().splitlines() or ["export failed"])[-1])
    return path


class OnnxEmbedder:
    """Embedder protocol over an exported sentence-transformers model (mean pooling, normalised)."""

    def __init__(
        self,
        folder: Path | str,
        model_id: str,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort

        folder = Path(folder)
        self.folder = folder
        self.model_id = model_id
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        cfg = (
            json.loads((folder / "sentence_bert_config.json").read_text())
            if (folder / "sentence_bert_config.json").exists()
            else {}
        )
        self.max_tokens = int(cfg.get("max_seq_length", 512))
        # the process's one tokenizer (shared_tokenizer): it also counts whole texts; _encode truncates and pads
        self._tok = shared_tokenizer(folder)
        pad = self._tok.token_to_id("<pad>")
        self._pad = pad if pad is not None else 0
        path = export_in_child(folder)
        opts = ort.SessionOptions()
        opts.add_session_config_entry("session.disable_prepacking", "1")  # ~60 MB less, same speed here
        opts.intra_op_num_threads = threads or (os.cpu_count() or 1)
        opts.log_severity_level = 3
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        share_word_table(opts, folder, "m." + WORD_TABLE)  # the name onnx_query.export gives it
        self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self.dim = int(self._encode(["dimension probe"]).shape[1])

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out: list[np.ndarray] = []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths: little padding
        run = FEW_RUN if len(texts) <= FEW else BATCH
        for i in range(0, len(order), run):
            idx = order[i : i + run]
            enc = [e.ids for e in self._tok.encode_batch([texts[j] for j in idx])]
            # Truncate as sentence-transformers does: keep the first tokens and the closing special token.
            enc = [e if len(e) <= self.max_tokens else e[: self.max_tokens - 1] + e[-1:] for e in enc]
            width = max(len(e) for e in enc)
            ids = np.full((len(enc), width), self._pad, np.int64)
            mask = np.zeros((len(enc), width), np.int64)
            for r, e in enumerate(enc):
                ids[r, : len(e)] = e
                mask[r, : len(e)] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, {n: feed[n] for n in self._inputs})[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out.append(vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12))
        if not out:
            return np.zeros((0, getattr(self, "dim", 0)), np.float32)
        vecs = np.concatenate(out).astype(np.float32)
        result = np.empty_like(vecs)
        result[order] = vecs
        return result

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(self._tok.encode(self.passage_prefix + text).ids)


def onnx_capable(folder: Path) -> bool:
    return mean_pooled(Path(folder)) and (Path(folder) / "tokenizer.json").exists()
