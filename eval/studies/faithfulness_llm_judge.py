"""Experiment (not used by the product): the bundled LLM as a yes/no judge of each sentence the verifier
keeps, on the labelled set — would it catch the LLM's own wrong sentences that pass every check?

    python -m eval.studies.faithfulness_llm_judge      # ~15 min on 2 cores (1 llama.cpp thread)

Judges only rows the verifier (calibrated floors, without the rare-word check) lets through, and prints
how often the judge said YES per label and kind. Result (eval/README.md, "Citation verifier"): YES to
64 of 65 supported sentences and to 16 of 18 of the LLM's own unsupported ones — no better than the checks.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from assistant.answer.grounding import default_verifier
from assistant.config import load_settings
from assistant.models.llm import LlamaCppLLM, llm_path
from assistant.models.loading import load_embedder
from assistant.text.arabic import detect_language

HERE = Path(__file__).resolve().parent

SYSTEM = (
    "You check whether a statement is supported by a passage. The passage may be in Arabic and the statement "
    "in English. Reply with one word: YES if the passage states what the statement says (same facts, "
    "numbers, names and meaning), NO if it does not, says something else, or says the opposite."
)


def main() -> None:
    settings = load_settings()
    verifier = default_verifier(load_embedder(settings), None)
    llm = LlamaCppLLM(llm_path(settings), 4096, 1)
    rows = [
        json.loads(line)
        for line in (HERE.parent / "faithfulness" / "faithfulness.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    counts: Counter = Counter()
    t0 = time.perf_counter()
    for r in rows:
        if r["label"] not in ("supported", "unsupported") or verifier.check(r["sentence"], r["source"]) is not None:
            continue
        user = (
            f"Passage: {' '.join(r['source'].split())}\n\nStatement: {r['sentence']}\n\n"
            "Is the statement supported by the passage? YES or NO."
        )
        reply = llm.chat([{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}], max_tokens=3)
        key = (f"{detect_language(r['sentence'])}-ar", r["label"], r["kind"], reply.strip().upper().startswith("YES"))
        counts[key] += 1
        print(*key, flush=True)
    for key, n in sorted(counts.items()):
        print(key, n)
    print(f"{sum(counts.values())} sentences judged in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
