"""Study: the quoted sentence that refers back («وهو كذلك الظهير الرباعي الأكبر سناً…», "This paved the
way…") quoted with the sentence before it (``quote._REFERS_BACK``) — how often, and does it answer more?

    python -m eval.studies.refers_back           # ~5 min on 2 cores; results/refers-back.json
    python -m eval.studies.refers_back --pointer # only the pointer rule's widenings; results/points-back.json
    python -m eval.studies.refers_back --chain   # only the second step back; results/refers-back-chain.json

``--pointer``: the sentence that points back at what the question asks about («… هذا النوع من الشبكة.» for
«ما هو نوع الشبكة …؟», ``quote._points_back``), judged against the same answers without it. Its rule, set
before the first run: ship when no answer is lost (none can be: a quote only grows, abstention cannot move)
and the mean quote grows by at most 1.5 words in each pair, on this fold and then held out.

``--chain``: the quote that reaches back a second sentence because the one it took in opens by referring back
itself («وهذا ما ينتج عنه…» before «… هذا النوع من الشبكة.», ``quote.BACK_AT_MOST``), judged against the same answers
reaching back one sentence only; the same rule as ``--pointer``.

Asks the development fold as ``eval/calibrate_reader.py`` asks it (the 20 % of the training articles of
XQuAD, ARCD and TyDi-ar the reader did not train on, XQuAD's English twins, among 300 ANT articles of
the training slice; nothing of a test split), the reader deciding, with the rule on. Every widening is
recorded (the quoted text with and without the sentence before), so each answer is also judged as it
would have been without the rule, from the same run. Reported per language pair: answers widened,
accuracy with and without (paired), and the quote's length in words.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from eval.progress import every

OUT = Path(__file__).resolve().parents[1] / "results" / "refers-back.json"


def record_widenings(pointer_only: bool = False, chain_only: bool = False) -> dict[str, str]:
    """Wrap ``quote._widen``: widened quoted text → the text it would have been without the sentence before
    (``pointer_only``: only where the sentence does not open by referring back, the pointer rule's own;
    ``chain_only``: only quotes reaching back two sentences → the text reaching back one)."""
    from assistant.answer import quote
    from assistant.text.arabic import split_sentences

    seen: dict[str, str] = {}
    original = quote._widen

    def widen(c, qtype, question=""):  # noqa: ANN001, ANN202
        start, end = original(c, qtype, question)
        chunk = c.hit.chunk
        was = c.start
        if chain_only and start < c.start:
            was = chunk.start + split_sentences(chunk.text)[c.position - 1][0]
        if start < was and not (pointer_only and quote._REFERS_BACK.match(c.text)):
            seen[chunk.text[start - chunk.start : end - chunk.start]] = chunk.text[
                was - chunk.start : end - chunk.start
            ]
        return start, end

    quote._widen = widen  # type: ignore[assignment]
    return seen


def figures(rows: list[dict], seen: dict[str, str]) -> dict:
    from assistant.evaluation.answers import contains

    out: dict = {}
    for pair in sorted({r["pair"] for r in rows}):
        ans = [r for r in rows if r["pair"] == pair and r["kind"] == "answerable"]
        if not ans:
            continue
        won = lost = widened = 0
        words_with, words_without, examples = [], [], []
        for r in ans:
            without = r["quotes"]
            for long, short in seen.items():
                without = without.replace(long, short)
            was = (not r["abstained"]) and contains(without, r["gold_answers"])
            widened += without != r["quotes"]
            won += r["correct"] and not was
            lost += was and not r["correct"]
            if not r["abstained"]:
                words_with.append(len(r["quotes"].split()))
                words_without.append(len(without.split()))
            if without != r["quotes"] and len(examples) < 12:
                examples.append({"question": r["question"], "gold": r["gold_answers"][:2], "quote": r["quotes"]})
        n = len(ans)
        out[pair] = {
            "answerable": n,
            "answers_widened": widened,
            "accuracy_with": round(sum(r["correct"] for r in ans) / n, 4),
            "accuracy_without": round((sum(r["correct"] for r in ans) - won + lost) / n, 4),
            "won": won,
            "lost": lost,
            "quote_words_mean_with": round(sum(words_with) / max(1, len(words_with)), 1),
            "quote_words_mean_without": round(sum(words_without) / max(1, len(words_without)), 1),
            "examples": examples,
        }
    return out


def main() -> None:
    import sys

    from assistant.config import load_settings
    from assistant.evaluation.answers import evaluate_answers
    from assistant.models.loading import load_embedder
    from assistant.models.reader import load_reader
    from eval.calibrate_reader import answer_sets

    t0 = time.time()
    settings = load_settings(llm_backend="none")
    pointer, chain = "--pointer" in sys.argv[1:], "--chain" in sys.argv[1:]
    seen = record_widenings(pointer, chain)
    out = OUT.with_name("points-back.json") if pointer else OUT.with_name("refers-back-chain.json") if chain else OUT
    progress = every(30)

    res = evaluate_answers(
        answer_sets(),
        load_embedder(settings),
        settings,
        None,
        "extractive",
        progress,
        reader=load_reader(settings.model_cache),
    )
    result = {
        "command": "python -m eval.studies.refers_back" + (" --pointer" if pointer else " --chain" if chain else ""),
        "pairs": figures(res["rows"], seen),
        "widenings_recorded": len(seen),
        "seconds": round(time.time() - t0),
        "date": time.strftime("%Y-%m-%d"),
    }
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for pair, fig in result["pairs"].items():
        print(pair, json.dumps({k: v for k, v in fig.items() if k != "examples"}))
    print(f"wrote {out} in {result['seconds']} s")


if __name__ == "__main__":
    main()
