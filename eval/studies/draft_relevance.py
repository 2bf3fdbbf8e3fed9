"""Study (not used by the product): would the answer scorer have told the LLM's wrong drafts apart?

    python -m eval.studies.draft_relevance      # ~3 min on 2 cores: re-indexes the training sets, no LLM

Reads the rows of a `compare_llms.py --split train` run (default: the committed study), rebuilds the
same indexes and, for every answerable question whose verified draft was shown, rates the draft as
the answer step does (answer.draft_rating): an Arabic draft by its own text, scored as one more
candidate sentence beside the retrieved ones (the learned scorer, scoring.py); an English draft over
Arabic articles as the sentence it rests on (its own words echo the question). Prints, per set and
language, the draft's rating relative to the best candidate's, and the accuracy a rule "show the
draft only when that ratio ≥ r" would have had against the quote's.

    python -m eval.studies.draft_relevance --reader    # ~6 min: as shipped, the reader choosing the quote

With ``--reader`` the quote is the reader's (judged again against the gold answers) and every shown
draft is rated both ways: by the scorer, and by the reader reading the question and the draft
together (``relevance.reader_rating``; an English draft still as the sentence it rests on, and, for
comparison, by the reader reading its own text). Counts are also given for the questions of the
reader's development fold (articles it was not trained on; on the others its quotes are flattered).
For held-out questions, rows of a run that shows every verified draft:
``ASSISTANT_LLM_DRAFT_MIN_RATIO=0 python -m eval.compare_llms … --out eval/results/llms-unchecked.json``,
then ``--reader --rows eval/results/llms-unchecked-rows.jsonl --split test --limit 30 --unanswerable 10``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from assistant.answer.ask import AnswerOptions, extract_answer
from assistant.answer.grounding import parse_claims
from assistant.answer.relevance import draft_home, draft_rating, is_span, rated_as, reader_rating
from assistant.answer.scoring import Candidate, default_scorer
from assistant.config import load_settings
from assistant.evaluation.answers import build_answer_index, contains
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
    ap.add_argument(
        "--reader",
        action="store_true",
        help="the reader chooses the quote (as shipped); each draft rated by the scorer and by the reader",
    )
    args = ap.parse_args()
    runs: dict[str, dict[str, dict]] = {}
    for line in args.rows.read_text(encoding="utf-8").splitlines():
        run = json.loads(line)
        runs.setdefault(run["set"], {})[run["model"]] = {r["qid"]: r for r in run["rows"] if r["kind"] == "answerable"}
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    reader = None
    if args.reader:
        from assistant.models.reader import load_reader

        reader = load_reader(settings.model_cache)
    options = AnswerOptions(
        k=settings.top_k,
        retriever=settings.retriever,
        mode="extractive",
        abstain_threshold=settings.abstain_threshold,
        sentences=settings.answer_sentences,
    )
    for name, spec in sets(args.limit, args.unanswerable, args.split).items():
        with tempfile.TemporaryDirectory(prefix="draft-relevance-") as tmp:
            _, retriever, _, _ = build_answer_index(spec, embedder, settings, Path(tmp))
            ctx = (retriever, embedder, default_scorer(), options)
            for pair, lang, label in (("ar-ar", "ar", "Arabic"), ("en-ar", "en", "English-over-Arabic")):
                if reader is None:
                    _study_pair(name, spec, runs[name], pair, lang, label, ctx, args)
                else:
                    _study_reader(name, spec, runs[name], pair, lang, label, ctx, reader)


def _question(spec, qid: str) -> str:  # noqa: ANN001
    return spec.cross.queries[qid[:-2]] if qid.endswith(":x") else spec.ds.queries[qid]


def _study_pair(name: str, spec, run: dict, pair: str, lang: str, label: str, ctx: tuple, args) -> None:  # noqa: ANN001
    """The drafts of one language pair rated as the answer step rates them without a reader."""
    retriever, embedder, scorer, options = ctx
    quote_rows = run["extractive (quote)"]
    model = next(m for m in run if m != "extractive (quote)")
    asked = [r for r in quote_rows.values() if r["pair"] == pair]
    if not asked:
        return
    drafts = {q: r for q, r in run[model].items() if r["llm_status"] == "used" and r["pair"] == pair}
    found = []
    for qid, row in sorted(drafts.items()):
        question = _question(spec, qid)
        _, scored = extract_answer(question, lang, retriever, embedder, options, scorer)
        ratio = _draft_ratio(question, row, scored, retriever, embedder, scorer, args.spans, not args.no_bare, lang)
        found.append((ratio, bool(quote_rows[qid]["correct"]), bool(row["correct"])))
    print(f"{name}: {len(asked)} answerable {label} questions, {len(found)} drafts shown")
    for ratio, q, d in sorted(found):
        print(f"   draft/best {ratio:.2f}   quote {'right' if q else 'wrong'}   draft {'right' if d else 'wrong'}")
    base = sum(r["correct"] for r in asked)
    print(f"   right answers: quote {base}, auto {base + sum(d - q for _, q, d in found)}; {_rules(base, found)}")


def _rules(base: int, found: list[tuple[float, bool, bool]]) -> str:
    """Right answers had a draft been shown only when its rating was at least r, for each r of GRID."""
    return "draft only when draft/best >= r: " + "  ".join(
        f"r={r}: {base + sum(d - q for x, q, d in found if x >= r)}" for r in GRID
    )


def _dev_fold(spec, qid: str) -> bool:  # noqa: ANN001
    """Whether the question's article is in the reader's development fold (left out of its training)."""
    from assistant.evaluation.splits import load_splits
    from eval.train_reader import folds

    section = "xquad" if spec.ds.name.startswith("xquad") else spec.ds.name.split("-")[0]
    key = (spec.ds.name, section)
    if key not in _DEV:
        _DEV[key] = set(folds(spec.ds, load_splits()[section]["train"])[1])
    pid = next(iter(spec.ds.qrels[qid.removesuffix(":x")]))
    return spec.ds.corpus[pid][0] in _DEV[key]


_DEV: dict[tuple[str, str], set[str]] = {}


def _study_reader(name: str, spec, run: dict, pair: str, lang: str, label: str, ctx: tuple, reader) -> None:  # noqa: ANN001
    """With the reader choosing the quote (its correctness judged again): each shown draft rated by the
    scorer (draft_rating without a reader), by the reader (with it) and, for an English draft, by the
    reader reading its own text; the rules' right answers, on all questions and on the reader's
    development fold (articles it was not trained on)."""
    retriever, embedder, scorer, options = ctx
    model = next(m for m in run if m != "extractive (quote)")
    rows = {q: r for q, r in run[model].items() if r["pair"] == pair}
    if not rows:
        return
    raters = ("scorer", "reader", "reader, own text")
    found: dict[str, list] = {r: [] for r in raters}
    base = {"all": 0, "dev": 0}
    differ = 0  # questions whose quote, judged again here, is not judged as in the run's own quote rows
    for qid, row in sorted(rows.items()):
        question, dev = _question(spec, qid), _dev_fold(spec, qid)
        quote, scored = extract_answer(question, lang, retriever, embedder, options, scorer, reader)
        gold = spec.ds.answers.get(qid.removesuffix(":x"), [])
        right = (not quote.abstained) and contains(" ".join(c.quote for c in quote.citations), gold)
        base["all"] += right
        base["dev"] += right and dev
        differ += right != bool(run["extractive (quote)"].get(qid, {}).get("correct", right))
        if row["llm_status"] != "used" or quote.abstained or not scored:
            continue
        text = " ".join(c.text for c in parse_claims(row["answer"]))
        quotes = [row.get("quotes", "")]
        rating = {
            "scorer": draft_rating(question, text, quotes, scored, retriever, embedder, scorer, language=lang),
            "reader": draft_rating(
                question, text, quotes, scored, retriever, embedder, scorer, language=lang, reader=reader
            ),
            "reader, own text": reader_rating(question, text, scored, reader),
        }
        for r in raters:
            found[r].append((rating[r], right, bool(row["correct"]), dev))
    n_dev = sum(_dev_fold(spec, q) for q in rows)
    print(
        f"{name}: {len(rows)} answerable {label} questions ({n_dev} of the reader's development fold); "
        f"the quote judged otherwise than in the run for {differ}"
    )
    for r in raters:
        for part, keep in (("all", lambda f: True), ("dev", lambda f: f[3])):
            got = [f[:3] for f in found[r] if keep(f)]
            print(f"   {r:16s} {part}: quote {base[part]}, {len(got)} drafts; {_rules(base[part], got)}")
    for by_scorer, f in sorted(zip(found["scorer"], found["reader"]), key=lambda t: t[1][0]):
        print(
            f"   scorer {by_scorer[0]:.2f}  reader {f[0]:.2f}  quote {'right' if f[1] else 'wrong'}"
            f"  draft {'right' if f[2] else 'wrong'}{'  (dev fold)' if f[3] else ''}"
        )


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
