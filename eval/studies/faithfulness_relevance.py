"""What the relevance check adds to the verifier, on the labelled faithfulness set.

    python -m eval.studies.faithfulness_relevance                # Arabic drafts; ~1 min on 2 cores, no LLM
    python -m eval.studies.faithfulness_relevance --pair en-ar   # English drafts over Arabic passages

The answer step shows a draft only when (1) the verifier keeps its sentences and (2) the answer
scorer rates it at least ``llm_draft_min_ratio`` (0.8) of the best quoted sentence (answer.py
``on_the_question``: an Arabic draft by its kept text, an English one by the sentence it rests on).
The labelled set (training questions only) holds the sentences the bundled LLMs wrote, each labelled
supported or unsupported by hand. This rebuilds the index the set
was written from (eval/faithfulness/build.py), and for each question drafts what the answer step
would have shown from the labelled sentences — the ones the verifier keeps, joined — and asks
whether the relevance check lets it through. Prints, per model, the sentences shown and the share of
them labelled unsupported, with and without the check, at a few ratios.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path

from assistant.answer.ask import AnswerOptions, extract_answer
from assistant.answer.grounding import default_verifier
from assistant.answer.relevance import draft_rating
from assistant.answer.scoring import default_scorer
from assistant.config import load_settings
from assistant.models.loading import load_embedder
from eval.faithfulness.common import labelled_rows, training_retriever

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

RATIOS = (0.0, 0.5, 0.8, 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", action="store_true", help="print the drafts holding an unsupported sentence")
    ap.add_argument(
        "--pair",
        choices=("ar-ar", "en-ar"),
        default="ar-ar",
        help="Arabic drafts, or English drafts over Arabic passages (rated by the sentence they rest on)",
    )
    args = ap.parse_args()
    rows = [
        r
        for r in labelled_rows()
        if r["kind"] == "original" and r["pair"] == args.pair and r["label"] in ("supported", "unsupported")
    ]
    lang = args.pair[:2]
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    with tempfile.TemporaryDirectory(prefix="faithfulness-relevance-") as tmp:
        retriever = training_retriever(settings, embedder, Path(tmp) / "index")
        verifier = default_verifier(embedder, retriever.idf)
        scorer = default_scorer()
        options = AnswerOptions(abstain_threshold=-1.0)
        drafts: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in rows:
            drafts[(r["model"], r["qid"])].append(r)
        shown: list[tuple[str, float, list[str]]] = []  # model, ratio, labels of the kept sentences
        for (model, _), group in sorted(drafts.items()):
            kept = [r for r in group if verifier.check(r["sentence"], r["source"]) is None]
            if not kept:
                continue
            question = kept[0]["question"]
            _, scored = extract_answer(question, lang, retriever, embedder, options, scorer)
            quotes = [r["source"][slice(*verifier.locate(r["sentence"], r["source"]))] for r in kept]
            ratio = draft_rating(
                question,
                " ".join(r["sentence"] for r in kept),
                quotes,
                scored,
                retriever,
                embedder,
                scorer,
                language=lang,
            )
            shown.append((model, ratio, [r["label"] for r in kept]))
            if args.show and any(r["label"] == "unsupported" for r in kept):
                print(
                    f"{ratio:.2f}  {question}\n      " + "\n      ".join(f"{r['label']}: {r['sentence']}" for r in kept)
                )
    for model in sorted({m for m, _, _ in shown}):
        mine = [(x, labels) for m, x, labels in shown if m == model]
        total = sum(r["model"] == model for r in rows)
        sup = sum(r["model"] == model and r["label"] == "supported" for r in rows)
        print(
            f"{model}: {total} labelled {args.pair} sentences ({sup} supported) over "
            f"{len({q for m, q in drafts if m == model})} questions; the verifier keeps {sum(len(v) for _, v in mine)}"
        )
        for ratio in RATIOS:
            labels = [lab for x, v in mine if x >= ratio for lab in v]
            bad = labels.count("unsupported")
            print(
                f"   relevance ratio >= {ratio}: {len(labels)} sentences shown, supported kept "
                f"{labels.count('supported')}/{sup}, unsupported shown {bad} ({bad / max(len(labels), 1):.0%})"
            )


if __name__ == "__main__":
    main()
