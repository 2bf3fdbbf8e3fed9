"""How many source tokens the LLM's prompt gets at each budget (`LLM_CONTEXT_TOKENS`), and in how many
sources: the packing of `generate.sources_for`, counted with the default model's tokenizer over the
latency questions (eval/llm_latency.py) and the bundled sample articles. No generation: ~1 minute.

    python -m eval.studies.source_tokens --budgets 240,180,120

Reading the sources is most of the wait before the first token (~17 ms a token with 2 threads,
eval/README.md), so this is the latency side of a budget without running the LLM. To count another
packing, run the same script with that version of assistant/generate.py.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budgets", default="240,180,120", help="comma-separated token budgets")
    args = ap.parse_args()
    from llama_cpp import Llama
    from llm_latency import QUESTIONS

    from assistant import Assistant
    from assistant.answer.ask import AnswerOptions, extract_answer, question_language
    from assistant.answer.generate import sources_for
    from assistant.answer.scoring import default_scorer
    from assistant.config import load_settings
    from assistant.models.llm import llm_path
    from assistant.resources import sample_articles

    settings = load_settings()
    vocab = Llama(model_path=str(llm_path(settings)), vocab_only=True, verbose=False)

    def count(text: str) -> int:
        return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    a = Assistant(data_dir=Path(tempfile.mkdtemp(prefix="source-tokens-")) / "index", llm="none")
    a.ingest(sample_articles())
    options, scorer = AnswerOptions.from_settings(a.settings), default_scorer()
    budgets = [int(b) for b in args.budgets.split(",")]
    seen: dict[int, list[tuple[int, int]]] = {b: [] for b in budgets}
    for q in QUESTIONS:
        quote, scored = extract_answer(q, question_language(q), a.retriever, a.embedder, options, scorer)
        if quote.abstained:
            continue
        for b in budgets:
            sources = sources_for(scored, options.llm_sources, b, count)
            seen[b].append((sum(count(s.text) for s in sources), len(sources)))
    print(f"{settings.llm} tokenizer, {len(seen[budgets[0]])} questions answered over the samples")
    print("| budget | median source tokens | mean tokens | mean sources |\n|---|---|---|---|")
    for b, rows in seen.items():
        print(
            f"| {b} | {statistics.median(t for t, _ in rows):g} | {statistics.mean(t for t, _ in rows):.0f} "
            f"| {statistics.mean(n for _, n in rows):.2f} |"
        )


if __name__ == "__main__":
    main()
