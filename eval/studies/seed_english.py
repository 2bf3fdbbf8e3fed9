"""Study: English questions over the seed article in ``auto`` mode with the bundled LLM — what is shown, what is
dropped and why. Eight questions written by the team over sentences that name what Arabic translates (the White
House, the United States, NATO, the Black Sea, the Prime Minister …): a check of the verifier's names rule
(``text.entities``) as an analyst meets it, not a measure of accuracy.

    python -m eval.studies.seed_english OUT.json      # ~1.5 min on 2 cores after the models are loaded

The code as it was: the same command from a worktree of the earlier commit (``python -m`` puts its folder first).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).resolve().parents[3] / "shared" / "data" / "seed" / "article-ar.txt"
QUESTIONS = (
    "What did the White House confirm, according to Axios?",
    "What did Pentagon officials tell European diplomats in August 2025?",
    "Which countries gave Ukraine territorial guarantees in the 1994 Budapest Memorandum?",
    "How did Putin distinguish between Ukraine joining the European Union and NATO?",
    "What could increase in the Black Sea as part of American support?",
    "Who is the NATO Secretary General?",
    "What did the British Prime Minister Keir Starmer welcome?",
    "What is the main reason behind that, the economic risks linked to whom?",
)


def main() -> None:
    from assistant import Assistant
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder, load_llm

    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    if not SEED.exists():
        raise SystemExit(f"{SEED} not found: the seed article is read from ../shared/data/seed")
    settings = load_settings(llm_backend="llama-cpp")
    folder = Path(tempfile.mkdtemp())
    shutil.copy(SEED, folder / "seed.txt")
    a = Assistant(data_dir=folder / "index", embedder=load_embedder(settings), llm=load_llm(settings))
    a.ingest([folder / "seed.txt"])
    out = []
    for q in QUESTIONS:
        t0 = time.perf_counter()
        ans = a.ask(q, mode="auto")
        row = {
            "q": q,
            "answer": ans.answer,
            "mode": ans.mode,
            "llm": ans.llm_status,
            "dropped": [[x.sentence, str(x.reason)] for x in ans.dropped],
            "s": round(time.perf_counter() - t0, 1),
        }
        out.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    Path(sys.argv[1]).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
