"""Benchmark: how fast the default GGUF reads a prompt under llama.cpp options (flash attention,
micro-batch size, 8-bit KV cache).

    python -m eval.studies.llm_options      # ~2 min; run it with nothing else busy

The first streamed token waits for the sources to be read (eval/README.md, "Where the time goes"), so
this times only that: five 300-token texts, each read from an empty cache with 2 threads, per
option set in one process; prints the median milliseconds per prompt token of each.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from assistant.config import load_settings
from assistant.models.llm import llm_path

ROOT = Path(__file__).resolve().parents[2]  # the repository

OPTIONS = {
    "default": {},
    "flash attention": {"flash_attn": True},
    "micro-batch 128": {"n_ubatch": 128, "n_batch": 128},
    "flash attention + 8-bit KV": {"flash_attn": True, "type_k": 8, "type_v": 8},
}  # 8 = GGML_TYPE_Q8_0


def main() -> None:
    from llama_cpp import Llama

    settings = load_settings()
    path = llm_path(settings)  # the default GGUF, assembled from its parts on first use
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    print(f"{settings.llm}: ms per prompt token, 2 threads, 5 texts of 300 tokens each")
    for name, kw in OPTIONS.items():
        llm = Llama(model_path=str(path), n_ctx=2048, n_threads=2, n_threads_batch=2, verbose=False, **kw)
        per_token = []
        for i in range(5):
            tokens = llm.tokenize(text[2000 + i * 3000 : 3400 + i * 3000].encode("utf-8"))[:300]
            llm.reset()
            t0 = time.perf_counter()
            llm.eval(tokens)
            per_token.append((time.perf_counter() - t0) / len(tokens) * 1000)
        print(f"  {name:28s} median {statistics.median(per_token):5.1f}   ({', '.join(f'{x:.1f}' for x in per_token)})")
        del llm


if __name__ == "__main__":
    main()
