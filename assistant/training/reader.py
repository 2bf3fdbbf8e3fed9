"""Training the reader (torch; CPU is enough): e5-small with its embeddings and lower layers frozen.

The frozen part's output is computed once per pair and cached, so each epoch runs only the top
``train_layers`` layers and the head. Loss: binary cross-entropy per pair (the probability that the
sentence holds the answer, what abstention reads) plus a listwise term over each question's
candidates that hold a positive (what choosing the sentence reads). Seeded; checkpoints after every
epoch so an interrupted run resumes.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from assistant.models.e5convert import MODEL_DIR_NAME
from assistant.models.reader import HEAD_KEYS, delta_state, layer_prefix
from assistant.models.reader_head import Head
from assistant.training.reader_pairs import Pair


@dataclass
class TrainConfig:
    train_layers: int = 6
    max_length: int = 128
    epochs: int = 2
    lr: float = 5e-5
    head_lr: float = 1e-3
    batch_groups: int = 6  # questions per optimizer step (all their candidates together)
    listwise: float = 1.0  # weight of the listwise term
    seed: int = 0
    threads: int = 2


def base_record(digest: str, first: int) -> dict:
    """What a delta's record says of the installed weights it was trained over (the frozen part)."""
    return {
        "model": MODEL_DIR_NAME,
        "sha256": digest,
        "covers": f"embeddings and encoder layers 0-{first - 1}, fp32 as converted",
    }


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _extended(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def run_layers(layers, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
    ext = _extended(mask, hidden.dtype)
    for layer in layers:
        out = layer(hidden, attention_mask=ext)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def _pad(rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), n, dtype=torch.long)
    mask = torch.zeros(len(rows), n, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids, mask


@torch.no_grad()
def frozen_states(
    bert,
    encoded: list[dict[str, list[int]]],
    frozen: int,  # noqa: ANN001
    progress: Callable[[int, int], None] | None = None,
    batch: int = 32,
) -> list[torch.Tensor]:
    """The output of the embeddings and the first ``frozen`` layers for every pair (fp16, unpadded)."""
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]["input_ids"]))
    out: list[torch.Tensor | None] = [None] * len(encoded)
    for b in range(0, len(order), batch):
        idx = order[b : b + batch]
        ids, mask = _pad([encoded[i]["input_ids"] for i in idx])
        tt = _pad([encoded[i].get("token_type_ids", [0] * len(encoded[i]["input_ids"])) for i in idx])[0]
        hidden = bert.embeddings(input_ids=ids, token_type_ids=tt)
        hidden = run_layers(bert.encoder.layer[:frozen], hidden, mask)
        for j, i in enumerate(idx):
            out[i] = hidden[j, : len(encoded[i]["input_ids"])].to(torch.float16).clone()
        if progress:
            progress(min(b + batch, len(order)), len(order))
    return [t for t in out if t is not None]


class TopModel(nn.Module):
    """The trainable part: the top layers of e5 and the head."""

    def __init__(self, bert, train_layers: int) -> None:  # noqa: ANN001
        super().__init__()
        n = len(bert.encoder.layer)
        self.first = n - train_layers
        self.layers = nn.ModuleList(bert.encoder.layer[self.first :])
        self.head = Head(bert.config.hidden_size)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.head(mean_pool(run_layers(self.layers, hidden, mask), mask))


def _batch(states: list[torch.Tensor], idx: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(states[i].shape[0] for i in idx)
    hidden = torch.zeros(len(idx), n, states[idx[0]].shape[1])
    mask = torch.zeros(len(idx), n, dtype=torch.long)
    for j, i in enumerate(idx):
        hidden[j, : states[i].shape[0]] = states[i].float()
        mask[j, : states[i].shape[0]] = 1
    return hidden, mask


def loss_of(logits: torch.Tensor, labels: torch.Tensor, groups: list[int], listwise: float) -> torch.Tensor:
    loss = nn.functional.binary_cross_entropy_with_logits(logits, labels)
    if listwise <= 0:
        return loss
    terms = []
    for g in set(groups):
        sel = torch.tensor([k for k, x in enumerate(groups) if x == g])
        y = labels[sel]
        if y.sum() > 0:
            terms.append(-(torch.log_softmax(logits[sel], 0) * y / y.sum()).sum())
    return loss + listwise * torch.stack(terms).mean() if terms else loss


def predict(top: TopModel, states: list[torch.Tensor], batch: int = 64) -> np.ndarray:
    top.eval()
    order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
    out = np.zeros(len(states), np.float32)
    with torch.no_grad():
        for b in range(0, len(order), batch):
            idx = order[b : b + batch]
            out[idx] = top(*_batch(states, idx)).numpy()
    return out


def fit(
    top: TopModel,
    states: list[torch.Tensor],
    pairs: list[Pair],
    cfg: TrainConfig,
    checkpoint: Path,
    log: Callable[[str], None] = print,
) -> dict:
    """Train ``top`` on the cached states; resumes from ``checkpoint`` when it holds finished epochs."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        groups[p.group].append(i)
    names = sorted(groups)
    params = [
        {"params": [p for n, p in top.named_parameters() if not n.startswith("head.")], "lr": cfg.lr},
        {"params": list(top.head.parameters()), "lr": cfg.head_lr},
    ]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    steps = max(1, cfg.epochs * math.ceil(len(names) / cfg.batch_groups))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    done, history = 0, []
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        top.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        done, history = saved["epoch"], saved["history"]
        log(f"resumed after epoch {done}")
    labels = torch.tensor([float(p.label) for p in pairs])
    for epoch in range(done, cfg.epochs):
        t0 = time.time()
        seen, total = _epoch(top, states, labels, groups, names, cfg, epoch, opt, sched, log)
        history.append(
            {
                "epoch": epoch + 1,
                "loss": round(total / max(seen, 1), 4),
                "pairs_per_s": round(seen / (time.time() - t0), 1),
                "seconds": round(time.time() - t0),
            }
        )
        torch.save(
            {
                "model": top.state_dict(),
                "opt": opt.state_dict(),
                "sched": sched.state_dict(),
                "epoch": epoch + 1,
                "history": history,
            },
            checkpoint,
        )
        log(f"epoch {epoch + 1} done: {history[-1]}")
    return {"history": history}


def _epoch(top, states, labels, groups, names, cfg, epoch, opt, sched, log) -> tuple[int, float]:  # noqa: ANN001
    """One pass over the questions in a seeded order, a few questions' candidates a step."""
    rng = random.Random(cfg.seed * 1000 + epoch)
    order = names[:]
    rng.shuffle(order)
    top.train()
    t0, seen, total = time.time(), 0, 0.0
    for b in range(0, len(order), cfg.batch_groups):
        chosen = order[b : b + cfg.batch_groups]
        idx = [i for g in chosen for i in groups[g]]
        gid = [k for k, g in enumerate(chosen) for _ in groups[g]]
        loss = loss_of(top(*_batch(states, idx)), labels[idx], gid, cfg.listwise)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(top.parameters(), 1.0)
        opt.step()
        sched.step()
        seen += len(idx)
        total += float(loss.detach()) * len(idx)
        if (b // cfg.batch_groups) % 20 == 0:
            log(
                f"epoch {epoch + 1} step {b // cfg.batch_groups + 1}/{math.ceil(len(order) / cfg.batch_groups)}"
                f" loss {total / seen:.4f} {seen / (time.time() - t0):.1f} pairs/s"
            )
    return seen, total


def ranking_metrics(pairs: list[Pair], scores: np.ndarray) -> dict[str, dict[str, float]]:
    """Per language pair: the share of questions (with a positive) whose best-scored candidate is a
    positive, and the mean candidates per question."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        groups[p.group].append(i)
    by_pair: dict[str, list[float]] = defaultdict(list)
    for idx in groups.values():
        if any(pairs[i].label for i in idx):
            best = max(idx, key=lambda i: scores[i])
            by_pair[pairs[idx[0]].pair].append(float(pairs[best].label))
    return {k: {"top1": round(float(np.mean(v)), 4), "questions": len(v)} for k, v in sorted(by_pair.items())}


def save_delta(top: TopModel, out_dir: Path) -> Path:
    """The trained layers and head as fp16 safetensors (``out_dir/delta.safetensors``)."""
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    state = delta_state(top.layers, top.first, top.head)
    save_file({k: v.to(torch.float16).contiguous() for k, v in state.items()}, str(out_dir / "delta.safetensors"))
    return out_dir / "delta.safetensors"


__all__ = [
    "TrainConfig",
    "TopModel",
    "asdict",
    "fit",
    "frozen_states",
    "predict",
    "ranking_metrics",
    "save_delta",
    "set_seed",
    "HEAD_KEYS",
    "layer_prefix",
]
