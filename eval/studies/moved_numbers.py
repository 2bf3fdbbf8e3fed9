"""Study: would a rule against figures moved between sentences drop the LLM's wrong sentences and keep
its right ones?

    python -m eval.studies.moved_numbers      # ~1 min on 2 cores (the embedder only)

#31's first failure mode: a draft sentence states a number that its cited passage holds, but in
another sentence than the one the draft rests on ("The Amazon represents approximately 10% of the
world's rainforests" from a passage that says «more than half» there and has a 10 elsewhere). The
verifier checks a sentence's numbers against the whole passage, so it passes. The rule studied: the
sentence's numbers (``facts.number_facts``: digits, number words, after normalisation) must occur in
the source sentence it rests on (the closest by the embedder's cosine, as the verifier picks it),
or in that sentence with the one before and after (``window``).

Read on the LLM's own sentences, hand-labelled (eval/faithfulness/labels.json and heldout-labels.json),
with the verdict of the verifier as shipped recorded by ``python -m eval.calibrate_support``
(results/support-heldout-rows.jsonl): among the sentences the verifier shows, how many with numbers,
and how many of those (supported / unsupported) each variant would drop — on the labelled set's fit
half first, then its held-out half and the newly labelled sentences, which decide nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.answer.facts import number_facts
from assistant.text.arabic import split_sentences
from assistant.text.planted import is_planted

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"


def sources() -> dict[tuple[str, int], dict]:
    """Every labelled LLM sentence with its cited source, by (set, id)."""
    from eval.faithfulness import heldout
    from eval.faithfulness.common import labelled_rows

    out = {("labelled", r["id"]): r for r in labelled_rows() if r["kind"] == "original"}
    out.update({("new", r["id"]): r for r in heldout.labelled()})
    return out


def moved(sentence: str, source: str, embed) -> dict[str, bool]:  # noqa: ANN001
    """Whether the sentence's numbers are missing from the source sentence it rests on / from its window."""
    nums = number_facts(sentence)[0]
    kept = [source[a:b] for a, b in split_sentences(source) if not is_planted(source[a:b])] or [source]
    vecs = embed([sentence, *kept])
    i = int((vecs[1:] @ vecs[0]).argmax())
    window = " ".join(kept[max(0, i - 1) : i + 2])
    return {
        "sentence": bool(nums - number_facts(kept[i])[0]),
        "window": bool(nums - number_facts(window)[0]),
    }


def main() -> None:
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder

    embedder = load_embedder(load_settings(llm_backend="none"))
    given = sources()
    verdicts = [json.loads(line) for line in (RESULTS / "support-heldout-rows.jsonl").read_text().splitlines()]
    table: Counter = Counter()
    examples: list[dict] = []
    for v in verdicts:
        if v["kind"] not in ("original", "heldout") or v["label"] not in ("supported", "unsupported"):
            continue
        part = "new" if v["held_out"] is None else ("held out" if v["held_out"] else "fit")
        row = given.get(("new" if part == "new" else "labelled", v["id"]))
        if row is None or not v["before"]:  # only what the verifier as shipped shows
            continue
        key = (part, v["pair"], v["label"])
        table[key + ("shown",)] += 1
        if not number_facts(row["sentence"])[0]:
            continue
        table[key + ("with numbers",)] += 1
        got = moved(row["sentence"], row["source"], embedder.embed_passages)
        for variant, drops in got.items():
            table[key + (f"dropped: not in its {variant}",)] += drops
        if any(got.values()):
            examples.append({"part": part, "pair": v["pair"], "label": v["label"], "sentence": row["sentence"], **got})
    for part in ("fit", "held out", "new"):
        for pair in ("ar-ar", "en-ar"):
            for label in ("supported", "unsupported"):
                counts = {k[-1]: n for k, n in table.items() if k[:3] == (part, pair, label)}
                print(f"{part:8} {pair} {label:11} {json.dumps(counts, ensure_ascii=False)}")
    out = RESULTS / "moved-numbers.json"
    out.write_text(
        json.dumps(
            {"counts": {" | ".join(k): n for k, n in sorted(table.items())}, "dropped": examples},
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
