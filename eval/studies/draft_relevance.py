"""Study (not used by the product): would the answer scorer have told the LLM's wrong drafts apart?

    python -m eval.studies.draft_relevance      # ~3 min on 2 cores: re-indexes the training sets, no LLM

Reads the rows of a `compare_llms.py --split train` run (default: the committed study), rebuilds the
same indexes and, for every answerable question whose verified draft was shown, rates the draft as
the answer step does (answer.draft_rating): an Arabic draft by its own text, scored as one more
candidate sentence beside the retrieved ones (the learned scorer, scoring.py); an English draft over
Arabic articles as the sentence it rests on (its own words echo the question). Prints, per set and
language, the draft's rating relative to the best candidate's, and the accuracy a rule "show the
draft only when that ratio ≥ r" would have had against the quote's.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from assistant.answer.ask import AnswerOptions, extract_answer
from assistant.answer.grounding import parse_claims
from assistant.answer.relevance import draft_home, draft_rating, is_span, rated_as
from assistant.answer.scoring import Candidate, default_scorer
from assistant.config import load_settings
from assistant.evaluation.answers import build_answer_index
from assistant.models.loading import load_embedder
from eval.compare_llms import sets

HERE = Path(__file__).resolve().parent.parent  # eval/

GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=Path, default=HERE / "results" / "llms-train-study-rows.jsonl")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--unanswerable", type=int, default=0)
    ap.add_argument("--split", default="train")
    ap.add_argument(
        "--spans",
        action="store_true",
        help="any draft that is a span of the sentence it quotes is rated as that sentence",
    )
    ap.add_argument(
        "--no-bare",
        action="store_true",
        help="rate bare answers ('51%%.') by their own text too, as the check did before",
    )
    args = ap.parse_args()
    runs: dict[str, dict[str, dict]] = {}
    for line in args.rows.read_text(encoding="utf-8").splitlines():
        run = json.loads(line)
        runs.setdefault(run["set"], {})[run["model"]] = {r["qid"]: r for r in run["rows"] if r["kind"] == "answerable"}
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    scorer = default_scorer()
    options = AnswerOptions(
        k=settings.top_k,
        retriever=settings.retriever,
        mode="extractive",
        abstain_threshold=settings.abstain_threshold,
        sentences=settings.answer_sentences,
    )
    for name, spec in sets(args.limit, args.unanswerable, args.split).items():
        quote_rows = runs[name]["extractive (quote)"]
        model = next(m for m in runs[name] if m != "extractive (quote)")
        with tempfile.TemporaryDirectory(prefix="draft-relevance-") as tmp:
            _, retriever, _, _ = build_answer_index(spec, embedder, settings, Path(tmp))
            for pair, lang, label in (("ar-ar", "ar", "Arabic"), ("en-ar", "en", "English-over-Arabic")):
                asked = [r for r in quote_rows.values() if r["pair"] == pair]
                if not asked:
                    continue
                drafts = {q: r for q, r in runs[name][model].items() if r["llm_status"] == "used" and r["pair"] == pair}
                found = []
                for qid, row in sorted(drafts.items()):
                    question = spec.cross.queries[qid[:-2]] if qid.endswith(":x") else spec.ds.queries[qid]
                    _, scored = extract_answer(question, lang, retriever, embedder, options, scorer)
                    ratio = _draft_ratio(
                        question, row, scored, retriever, embedder, scorer, args.spans, not args.no_bare, lang
                    )
                    found.append((ratio, bool(quote_rows[qid]["correct"]), bool(row["correct"])))
                print(f"{name}: {len(asked)} answerable {label} questions, {len(found)} drafts shown")
                for ratio, q, d in sorted(found):
                    print(
                        f"   draft/best {ratio:.2f}   quote {'right' if q else 'wrong'}   draft {'right' if d else 'wrong'}"  # noqa: E501
                    )
                base = sum(r["correct"] for r in asked)
                auto = base + sum(d - q for _, q, d in found)
                rules = "  ".join(f"r={r}: {base + sum(d - q for x, q, d in found if x >= r)}" for r in GRID)
                print(f"   right answers: quote {base}, auto {auto}; draft only when draft/best >= r: {rules}")


def _draft_ratio(
    question: str,
    row: dict,
    scored: list[Candidate],
    retriever,
    embedder,
    scorer,  # noqa: ANN001
    spans: bool = False,
    bare: bool = True,
    language: str = "ar",
) -> float:
    """The draft's rating as one more candidate sentence over the best candidate's, as the answer step
    rates it (answer.draft_rating: a bare answer of the asked kind, from the best sentence, is rated as
    that sentence). With ``spans``, any draft whose words all stand in the sentence it quotes is rated
    as that sentence; without ``bare``, every draft is rated by its own text."""
    text = " ".join(c.text for c in parse_claims(row["answer"]))
    if not scored or not text:
        return 0.0
    quotes = [row.get("quotes", "")]
    home = draft_home(scored, quotes)
    if spans and is_span(text, home.text):
        return rated_as(home, scored)
    return draft_rating(
        question, text, quotes, scored, retriever, embedder, scorer, bare_answers=bare, language=language
    )


if __name__ == "__main__":
    main()
