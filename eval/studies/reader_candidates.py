"""Study (not used by the product): how many of the scorer's candidates should the reader read?

    python -m eval.studies.reader_candidates            # ~2 min; reads eval/runs/gpu/reader-bundle.npz
    python -m eval.studies.reader_candidates --time     # also times the shipped ONNX reader per count

The reader's cost grows with each candidate it reads (six today: about half a second on two cores).
On the development fold as the product sees it (the bundle ``reader_gpu_prepare`` writes: every
question of the fold with the scorer's six candidates, in the scorer's order, and the shipped reader's
logits for each), this replays the reader's decision reading only the scorer's first ``k``: the blend
chosen on the fold, the answerability model refitted at the same false-abstention target
(``reader_gpu_compare.product_figures``, as ``eval/calibrate_reader.py`` does). ``--time`` runs the
shipped ONNX reader on the same questions' first ``k`` candidates (the tokens as the reader tokenised
them) and prints the median and 95th percentile per question.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from eval.studies.reader_gpu_compare import product_figures
from eval.studies.reader_gpu_model import by_question, pad, seqs
from eval.studies.reader_gpu_prepare import BUNDLE


def replay(meta: list[dict], k: int) -> dict:
    cut = [{**r, "probs": r["probs"][:k], "gold": r["gold"][:k]} for r in meta]
    return product_figures(cut, [np.asarray(r["shipped_z"][:k], np.float32) for r in meta])


def timings(b, meta: list[dict], counts: list[int], questions: int = 120) -> dict:  # noqa: ANN001
    """Per count: the shipped reader's time per question (ms, median and p95) on its first k candidates."""
    import onnxruntime as ort

    from assistant.config import load_settings
    from assistant.models.reader import load_record, onnx_path

    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.inter_op_num_threads = 2, 1
    path = onnx_path(load_settings().model_cache, load_record())
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    vocab, groups = b["vocab"], by_question(meta, seqs(b, "cand"))
    out = {}
    for k in counts:
        took = []
        for cands in groups[:questions]:
            ids, mask = pad([vocab[c] for c in cands[:k]])  # the bundle's rows back to the tokenizer's ids
            t = time.perf_counter()
            session.run(["logit"], {"input_ids": ids, "attention_mask": mask})
            took.append(1000 * (time.perf_counter() - t))
        out[k] = {"p50_ms": round(float(np.median(took))), "p95_ms": round(float(np.percentile(took, 95)))}
        print(k, out[k], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=str(BUNDLE))
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    b = dict(np.load(args.bundle))
    meta = json.loads(str(b["rows_json"]))
    result: dict = {"figures": {k: replay(meta, k) for k in range(1, 7)}}
    for k, fig in result["figures"].items():
        print(k, json.dumps(fig), flush=True)
    if args.time:
        result["timing"] = timings(b, meta, [1, 2, 3, 4, 5, 6])
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
