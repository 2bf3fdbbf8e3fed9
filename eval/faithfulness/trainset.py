"""The LLM's own sentences from *training* questions, labelled by hand, for the support checker to train on.

    python -m eval.faithfulness.trainset --questions 60          # ~20 min: writes trainset.jsonl (unlabelled)
    python -m eval.faithfulness.trainset --questions 60 --more   # appends as many again, for further questions
    python -m eval.train_support --llm 4 --out DIR              # trains with them (trainset-labels.json)

The checker learnt from claims made on purpose (assistant/training/support_pairs.py) and barely separates
the LLM's real sentences (eval/README.md, "Support checker"): a right sentence that summarises or reorders
its source scores as low as a wrong one. The cure the note named first is the LLM's own sentences in
training. The labelled set (faithfulness.jsonl) is for calibrating and measuring, so these are new: the
training articles of XQuAD and ARCD (eval/splits.json) less the labelled set's held-out articles
(common.held_out_articles) are indexed as the labelled set was (common.training_retriever); a seeded
sample of their questions none of the labelled set asked — Arabic from both sets, and the English twins
of other XQuAD questions — is answered as the product answers (the reader choosing the sources, the
default LLM writing), and every sentence is kept with the source it cites, unlabelled. They are then
labelled by hand (trainset-labels.json; the rules of heldout-labels.json) before any checker reads them.
Tried once (2026-12-07, eval/README.md "The LLM's own sentences in training"): 126 of them in training did not
make a checker worth shipping.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from assistant.config import load_settings
from assistant.models.llm import LlamaCppLLM, llm_path
from assistant.models.loading import load_embedder
from assistant.models.reader import load_reader
from eval.faithfulness.common import (
    article_of,
    hand_labelled,
    held_out_articles,
    is_held_out,
    labelled_rows,
    training_parts,
    training_retriever,
)
from eval.faithfulness.heldout import draft_rows

HERE = Path(__file__).resolve().parent
OUT = HERE / "trainset.jsonl"
LABELS = HERE / "trainset-labels.json"
SEED = 41


def candidates(prefix: str, qids: list[str], asked: set[str], held: dict, of) -> list[str]:  # noqa: ANN001
    """The question ids of a training set that may be asked: not asked by the labelled set, not of its
    held-out articles; in a seeded order."""
    out = [q for q in sorted(qids) if f"{prefix}{q}" not in asked and not is_held_out(f"{prefix}{q}", held, of)]
    random.Random(f"{SEED}:{prefix}").shuffle(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=60, help="per language pair")
    ap.add_argument("--threads", type=int, default=2, help="llama.cpp threads (2: nothing else should run)")
    more = "append sentences for further questions: none that gave a sentence before, in either language (ids continue)"
    ap.add_argument("--more", action="store_true", help=more)
    args = ap.parse_args()
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    xq_ar, xq_en, arcd = training_parts()
    asked = {r["qid"] for r in labelled_rows()}
    held, of = held_out_articles(), article_of()
    xq = candidates("xq:", list(xq_ar.qrels), asked, held, of)
    ar = candidates("arcd:", list(arcd.qrels), asked, held, of)
    half = args.questions // 2
    # Arabic: half XQuAD, half ARCD (ARCD's own questions); English: the twins of XQuAD questions not asked in Arabic
    plan = [
        ("ar-ar", xq_ar, "xq:", xq[: half + 20]),
        ("ar-ar", arcd, "arcd:", ar[: args.questions - half + 20]),
        ("en-ar", xq_en, "xq:", xq[half + 20 :]),
    ]
    rows: list[dict] = []
    if args.more:  # the same orders less the questions that gave sentences: Arabic from the front, English from the end
        rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
        done = {r["qid"] for r in rows}
        xq, ar = [q for q in xq if f"xq:{q}" not in done], [q for q in ar if f"arcd:{q}" not in done]
        plan = [("ar-ar", xq_ar, "xq:", xq), ("ar-ar", arcd, "arcd:", ar), ("en-ar", xq_en, "xq:", xq[::-1])]
    first_new = len(rows)
    retriever = training_retriever(settings, embedder, Path(tempfile.mkdtemp(prefix="trainset-")) / "index")
    reader = load_reader(settings.model_cache)
    llm = LlamaCppLLM(llm_path(settings), 4096, args.threads)
    for i, step in enumerate(plan):
        draft_rows(
            [step], (half, args.questions - half, args.questions)[i], retriever, embedder, reader, llm, settings, rows
        )
    with OUT.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    new = len(rows) - first_new
    print(f"wrote {OUT}: {len(rows)} sentences ({new} new); label them in {LABELS.name} before any checker reads them")


def labelled() -> list[dict]:
    """The training sentences with their hand labels (supported / unsupported; excluded ones left out)."""
    return hand_labelled(OUT, LABELS)


if __name__ == "__main__":
    main()
