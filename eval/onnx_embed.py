"""Would ONNX Runtime embed faster than torch, at the same quality? Measured, not assumed.

    pip install onnxruntime onnx          # measurement only; not a dependency of the product
    python -m eval.onnx_embed --rounds 3

Exports the converted multilingual-e5-small folder's transformer locally with ``torch.onnx.export``
(nothing downloaded), runs it with ONNX Runtime (fp32, and dynamically quantised to int8) with
the same tokenizer, mean pooling and normalisation as sentence-transformers, and compares with the
torch path on XQuAD-ar: embedding time of the 240 paragraphs (length-sorted batches of 10, medians
of alternating rounds, one process), cosine to the torch vectors, dense nDCG@10.

(sentence-transformers' own ``backend="onnx"`` needs optimum-onnx, which pins transformers < 4.58
and huggingface-hub < 1 — it cannot share an environment with this project's transformers 5 and
gradio 6, so ONNX Runtime is driven directly here.)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from assistant.config import load_settings
    from assistant.evaluation.datasets import load_dataset
    from assistant.evaluation.retrieval import score
    from assistant.models.loading import load_embedder

    settings = load_settings(llm_backend="none")
    emb = load_embedder(settings)
    st = emb._model
    tok = st.tokenizer
    from assistant.evaluation.datasets import bundled

    ds = load_dataset(bundled("xquad-ar"))
    pids = list(ds.corpus)
    passages = ["passage: " + ds.corpus[p][1] for p in pids]
    qids = list(ds.queries)
    queries = ["query: " + ds.queries[q] for q in qids]

    tmp = Path(tempfile.mkdtemp(prefix="onnx-e5-"))
    fp32 = tmp / "e5.onnx"
    model = st[0].auto_model.eval()
    dummy = tok(["passage: مثال قصير", "passage: a second, longer example text"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in dummy]

    class Wrapped(torch.nn.Module):  # keyword arguments, plain tensor out
        def __init__(self, m: torch.nn.Module) -> None:
            super().__init__()
            self.m = m

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.m(**dict(zip(names, inputs))).last_hidden_state

    with torch.no_grad():
        torch.onnx.export(
            Wrapped(model),
            tuple(dummy[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["last_hidden_state"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in names}, "last_hidden_state": {0: "batch", 1: "seq"}},
        )
    int8 = tmp / "e5-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)

    def session(path: Path):  # noqa: ANN202
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    def ort_encode(sess, texts: list[str], batch: int = 10) -> np.ndarray:  # noqa: ANN001
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), emb.dim), np.float32)
        for i in range(0, len(order), batch):
            idx = order[i : i + batch]
            enc = tok([texts[j] for j in idx], padding=True, truncation=True, max_length=512, return_tensors="np")
            hidden = sess.run(None, {n: enc[n].astype(np.int64) for n in names})[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            vec = (hidden * mask).sum(1) / mask.sum(1)
            out[idx] = vec / np.linalg.norm(vec, axis=1, keepdims=True)
        return out

    def torch_encode(texts: list[str]) -> np.ndarray:
        return np.asarray(
            st.encode(texts, batch_size=10, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False),
            np.float32,
        )

    sessions = {"onnxruntime fp32": session(fp32), "onnxruntime int8": session(int8)}
    encoders = {"torch (ours)": torch_encode, **{k: (lambda t, s=s: ort_encode(s, t)) for k, s in sessions.items()}}
    times: dict[str, list[float]] = {k: [] for k in encoders}
    vecs: dict[str, np.ndarray] = {}
    for enc in encoders.values():
        enc(passages[:20])  # warm up
    for r in range(args.rounds):
        for k, enc in encoders.items():
            t = time.perf_counter()
            vecs[k] = enc(passages)
            times[k].append(time.perf_counter() - t)
            print(f"round {r + 1} {k}: {times[k][-1]:.2f} s", file=sys.stderr)
    base = statistics.median(times["torch (ours)"])
    print(f"\nXQuAD-ar, {len(passages)} paragraphs, {args.threads} threads, medians of {args.rounds} rounds\n")
    print("| encoder | embed (s) | vs torch | min cosine to torch | dense nDCG@10 |")
    print("|---|---|---|---|---|")
    for k, enc in encoders.items():
        qv = enc(queries)
        sims = qv @ vecs[k].T
        run = {q: {pids[j]: float(sims[i, j]) for j in np.argsort(-sims[i])[:100]} for i, q in enumerate(qids)}
        ndcg = score(ds.qrels, run)[0]["ndcg@10"]
        cos = float((vecs[k] * vecs["torch (ours)"]).sum(1).min())
        med = statistics.median(times[k])
        print(f"| {k} | {med:.2f} | {med / base:.2f}× | {cos:.5f} | {ndcg:.4f} |")

    # One question at a time, as a user asks: where does a query's embedding time go?
    def lean_torch(texts: list[str]) -> np.ndarray:
        enc = tok(texts, padding=True, truncation=True, max_length=512, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**{n: enc[n] for n in names}).last_hidden_state
        mask = enc["attention_mask"][..., None].float()
        vec = ((hidden * mask).sum(1) / mask.sum(1)).numpy()
        return vec / np.linalg.norm(vec, axis=1, keepdims=True)

    single = {
        "torch via sentence-transformers (ours)": torch_encode,
        "torch, direct forward": lean_torch,
        "onnxruntime fp32": lambda t: ort_encode(sessions["onnxruntime fp32"], t),
    }
    lat: dict[str, list[float]] = {k: [] for k in single}
    for q in queries[:200]:
        for k, enc in single.items():
            t = time.perf_counter()
            enc([q])
            lat[k].append(time.perf_counter() - t)
    print(f"\nOne query at a time ({min(200, len(queries))} XQuAD-ar questions, interleaved)\n")
    print("| query encoder | p50 (ms) | p95 (ms) |")
    print("|---|---|---|")
    for k, xs in lat.items():
        xs.sort()
        print(f"| {k} | {1000 * xs[len(xs) // 2]:.1f} | {1000 * xs[int(0.95 * len(xs))]:.1f} |")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
