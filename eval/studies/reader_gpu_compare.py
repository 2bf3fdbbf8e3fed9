"""Study (not used by the product): reader recipes compared on a GPU, on the product's own candidates.

    python3 -m eval.studies.reader_gpu_compare --bundle eval/runs/gpu/reader-bundle.npz --out results.json

Runs where torch and a GPU are and nothing of this install is (numpy, torch, scikit-learn): everything
it reads is in the bundle ``reader_gpu_prepare`` writes. Each recipe trains the cross-encoder as
``assistant/training/reader.py`` does (the same pairs, loss — BCE plus the listwise term —, AdamW,
warm-up and linear decay, clipping, questions per step, seeded order) but from the installed weights
with more of the encoder trainable; then reads the development fold's product candidates and reports,
per language pair, as ``eval/calibrate_reader.py`` does on the same rows: the first candidate right
(reader alone, and blended with the scorer at the fold's best blend), and with the answerability model
fitted at the same false-abstention target, the accuracy and the unanswerable questions abstained on.
The shipped reader's own logits (in the bundle) are measured the same way, as the reference.
Recipes run in order, each result written as soon as it is known; ``--budget`` seconds stop the list.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from torch import nn

from eval.studies.reader_gpu_model import CrossEncoder, by_question, pad, seqs

SMOKE = 0  # questions to train on in a smoke run (0: all)
BLENDS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 100.0)
TARGET = {"ar-ar": 0.025, "en-ar": 0.04}
RECIPES = [  # name, first trained layer (0: all twelve), embeddings trained, epochs, lr, seed
    ("top6 (shipped recipe)", 6, False, 2, 5e-5, 0),
    ("all12", 0, False, 2, 5e-5, 0),
    ("all12 + embeddings", 0, True, 2, 5e-5, 0),
    ("all12, 4 epochs", 0, False, 4, 5e-5, 0),
    ("top6, seed 1", 6, False, 2, 5e-5, 1),
    ("all12, seed 1", 0, False, 2, 5e-5, 1),
    ("all12, lr 1e-4", 0, False, 2, 1e-4, 0),
    ("top6, 4 epochs", 6, False, 4, 5e-5, 0),
    ("top6, seed 2", 6, False, 2, 5e-5, 2),
    ("all12, seed 2", 0, False, 2, 5e-5, 2),
]


def padded(rows: list[np.ndarray], idx: list[int], dev: str) -> tuple[torch.Tensor, torch.Tensor]:
    ids, mask = pad([rows[i] for i in idx])
    return torch.from_numpy(ids).to(dev), torch.from_numpy(mask).to(dev)


def loss_of(logits: torch.Tensor, labels: torch.Tensor, gid: list[int]) -> torch.Tensor:
    loss = nn.functional.binary_cross_entropy_with_logits(logits, labels)
    terms = []
    g = torch.tensor(gid, device=logits.device)
    for k in sorted(set(gid)):
        sel = g == k
        y = labels[sel]
        if y.sum() > 0:
            terms.append(-(torch.log_softmax(logits[sel], 0) * y / y.sum()).sum())
    return loss + torch.stack(terms).mean() if terms else loss


def train(b, rows: list[np.ndarray], recipe: tuple, dev: str) -> tuple[CrossEncoder, dict]:  # noqa: ANN001
    _, first, emb, epochs, lr, seed = recipe
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    model = CrossEncoder(b).to(dev)
    for name, p in model.named_parameters():
        if name.startswith("layers."):
            p.requires_grad = int(name.split(".")[1]) >= first
        elif not name.startswith("head."):
            p.requires_grad = emb
    groups: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(b["fit_group"]):
        groups[int(g)].append(i)
    names = sorted(groups)[:SMOKE] if SMOKE else sorted(groups)
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": lr}, {"params": model.head.parameters(), "lr": 1e-3}], weight_decay=0.01
    )
    steps = max(1, epochs * math.ceil(len(names) / 6))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    labels = torch.tensor(b["fit_label"], device=dev)
    t0, losses = time.time(), []
    for epoch in range(epochs):
        order = names[:]
        random.Random(seed * 1000 + epoch).shuffle(order)
        model.train()
        total = 0.0
        for s in range(0, len(order), 6):
            chosen = order[s : s + 6]
            idx = [i for g in chosen for i in groups[g]]
            gid = [k for k, g in enumerate(chosen) for _ in groups[g]]
            loss = loss_of(model(*padded(rows, idx, dev)), labels[idx], gid)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        losses.append(round(total / max(1, sum(len(groups[g]) for g in names)), 4))
    return model.eval(), {"seconds": round(time.time() - t0, 1), "loss_by_epoch": losses}


@torch.no_grad()
def logits(model: CrossEncoder, rows: list[np.ndarray], dev: str) -> np.ndarray:
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    out = np.zeros(len(rows), np.float32)
    for s in range(0, len(order), 256):
        idx = order[s : s + 256]
        out[idx] = model(*padded(rows, idx, dev)).float().cpu().numpy()
    return out


def pair_top1(b, z: np.ndarray) -> dict:  # noqa: ANN001
    """Training-style development pairs: the best-scored candidate holds the answer (per pair)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(b["dev_group"]):
        groups[int(g)].append(i)
    by: dict[str, list[float]] = defaultdict(list)
    labels, kinds = b["dev_label"], b["dev_pair"]
    for idx in groups.values():
        if labels[idx].any():
            by[str(kinds[idx[0]])].append(float(labels[max(idx, key=lambda i: z[i])]))
    return {k: round(float(np.mean(v)), 4) for k, v in sorted(by.items())}


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def product_figures(meta: list[dict], zs: list[np.ndarray]) -> dict:
    """Per pair, on the product's candidates: choice right (alone, blended), and with answerability fitted."""
    from sklearn.linear_model import LogisticRegression

    out = {}
    for pair, target in TARGET.items():
        sub = [(r, z) for r, z in zip(meta, zs) if r["pair"] == pair and len(z)]
        if not sub:  # a study of one pair only
            continue
        ans = [(r, z) for r, z in sub if r["kind"] == "answerable"]
        with_gold = [(r, z) for r, z in ans if any(r["gold"])]
        best = (-1.0, 0.0)
        for blend in BLENDS:
            hit = sum(
                r["gold"][int(np.argmax(z + blend * np.array([_logit(p) for p in r["probs"]])))] for r, z in with_gold
            )
            if hit / max(1, len(with_gold)) > best[0] + 1e-9:
                best = (hit / max(1, len(with_gold)), blend)
        alone = sum(r["gold"][int(np.argmax(z))] for r, z in with_gold) / max(1, len(with_gold))
        x = np.array([[float(np.max(z)), _logit(r["scorer_confidence"])] for r, z in sub])
        y = np.array([r["kind"] == "answerable" for r, _ in sub], int)
        p = LogisticRegression(C=1.0).fit(x, y).predict_proba(x)[:, 1]
        pa = np.sort(p[y == 1])
        thr = float(pa[int(math.floor(target * len(pa)))]) - 1e-6
        blend = best[1]
        right = [
            bool(r["gold"][int(np.argmax(z + blend * np.array([_logit(q) for q in r["probs"]])))])
            if r["gold"]
            else False
            for r, z in sub
        ]
        keep = p >= thr
        out[pair] = {
            "answer_among_candidates": round(len(with_gold) / max(1, len(ans)), 4),
            "first_right_alone": round(alone, 4),
            "first_right_blended": round(best[0], 4),
            "blend": blend,
            "accuracy": round(sum(rt and k for rt, k, yy in zip(right, keep, y) if yy) / max(1, int(y.sum())), 4),
            "false_abstention": round(float((~keep[y == 1]).mean()), 4),
            "unanswerable_abstained": round(float((~keep[y == 0]).mean()), 4) if (y == 0).any() else None,
            "answerable": int(y.sum()),
            "unanswerable": int((y == 0).sum()),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--budget", type=float, default=480.0, help="seconds: no recipe starts after this")
    ap.add_argument("--only", type=int, default=None, help="run the first N recipes")
    ap.add_argument("--smoke", type=int, default=0, help="train on N questions only (a check of the code path)")
    args = ap.parse_args()
    global SMOKE
    SMOKE = args.smoke
    t_start = time.time()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 as on the CPU
    b = dict(np.load(args.bundle))
    meta = json.loads(str(b["rows_json"]))
    fit_rows, dev_rows, cand_rows = seqs(b, "fit"), seqs(b, "dev"), seqs(b, "cand")
    if SMOKE:  # a check of the code path: a slice of each evaluation too
        groups = by_question(meta, cand_rows)
        picked = sorted(np.random.default_rng(0).choice(len(meta), min(120, len(meta)), replace=False))
        cand_rows = [row for i in picked for row in groups[i]]
        meta = [meta[i] for i in picked]
        keep = b["dev_group"] < 40
        dev_rows = [r for r, k in zip(dev_rows, keep) if k]
        b.update({k: b[k][keep] for k in ("dev_group", "dev_label", "dev_pair")})
    result = {
        "device": torch.cuda.get_device_name(0) if dev == "cuda" else "cpu",
        "torch": torch.__version__,
        "shipped": {"product": product_figures(meta, [np.asarray(r["shipped_z"], np.float32) for r in meta])},
        "recipes": [],
    }
    print(json.dumps(result["shipped"]), flush=True)
    for recipe in RECIPES[: args.only]:
        if time.time() - t_start > args.budget:
            result["stopped"] = f"budget of {args.budget:.0f} s reached before {recipe[0]!r}"
            break
        model, how = train(b, fit_rows, recipe, dev)
        entry = {
            "recipe": recipe[0],
            "first_trained_layer": recipe[1],
            "embeddings_trained": recipe[2],
            "epochs": recipe[3],
            "lr": recipe[4],
            "seed": recipe[5],
            **how,
            "dev_pairs_top1": pair_top1(b, logits(model, dev_rows, dev)),
            "product": product_figures(meta, by_question(meta, logits(model, cand_rows, dev))),
        }
        result["recipes"].append(entry)
        print(json.dumps(entry), flush=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    result["seconds"] = round(time.time() - t_start)
    args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
