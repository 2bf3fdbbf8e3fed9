"""Extractive against generative answers with each bundled LLM, on held-out questions; and the seed
article's findings drafted by each. One table for eval/README.md.

    python -m eval.compare_llms                   # ~1 hour on 2 cores
    python -m eval.compare_llms --limit 30 --unanswerable 10   # ~30 min: the run in eval/README.md

Sets (none of them seen by any tuning): XQuAD-ar test articles with 300 ANT distractors (Arabic
questions, and their English twins: cross-lingual), ARCD test articles (Arabic). Each set is asked in
extractive mode (the quote alone) and in generative mode per model (the verified draft, or the
quote when nothing survives). Writes eval/results/llms.json (or ``--out``), and every answer's row to
<out>-rows.jsonl. To study a change without touching the held-out figures, ask the training articles'
questions instead: ``--split train --no-findings --out /tmp/llms-train.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from assistant.config import load_settings
from assistant.evaluation.answers import build_answer_set, evaluate_answers
from assistant.evaluation.datasets import bundled
from assistant.evaluation.machine import machine
from assistant.models.llm import LlamaCppLLM, llm_path
from assistant.models.loading import load_embedder

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

ANT = ROOT.parent / "shared" / "data" / "ant"


def sets(limit: int, unanswerable: int, split: str = "test") -> dict:
    """``unanswerable``: about this many of each kind per language (removed paragraphs hold ~6 questions).
    ``split``: "test" for the figures in eval/README.md; "train" to study a change without touching them."""
    xq = build_answer_set(
        bundled("xquad-ar"),
        split,
        True,
        "offtopic",
        ANT,
        300,
        removed=max(1, unanswerable // 6),
        nearmiss=unanswerable,
        limit=limit,
    )
    xq = replace(xq, offtopic=[replace(d, queries=dict(list(d.queries.items())[:unanswerable])) for d in xq.offtopic])
    ar = build_answer_set(
        bundled("arcd"), split, False, None, None, removed=max(1, unanswerable // 3), nearmiss=unanswerable, limit=limit
    )
    return {f"xquad-ar {split} (+ English twins)": xq, f"arcd {split}": ar}


def findings(model: str | None, settings, embedder, checker=None) -> dict:  # noqa: ANN001
    from assistant.answer.grounding import default_verifier
    from assistant.evaluation.summary import evaluate_summaries
    from assistant.findings.summarize import FindingsOptions

    llm = (
        None
        if model is None
        else LlamaCppLLM(llm_path(settings.model_copy(update={"llm": model})), 4096, settings.llm_threads)
    )
    t = time.perf_counter()
    res = evaluate_summaries(
        HERE / "findings" / "seed.jsonl",
        llm,
        FindingsOptions(),
        None,
        "extractive" if model is None else "generative",
        embedder=embedder,
        verifier=default_verifier(embedder, None, checker),
    )
    res["seconds"] = round(time.perf_counter() - t, 1)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="qwen2.5-coder-1.5b,qwen2.5-coder-0.5b")
    ap.add_argument("--limit", type=int, default=120, help="answerable questions per language and set")
    ap.add_argument("--unanswerable", type=int, default=40, help="unanswerable questions of each kind, roughly")
    ap.add_argument(
        "--split",
        choices=("test", "train"),
        default="test",
        help="train: questions of the training articles, for studying a change (default: held out)",
    )
    ap.add_argument(
        "--sets", default="xquad,arcd", help="which answer sets: xquad (Arabic and English-over-Arabic), arcd, or both"
    )
    ap.add_argument("--no-findings", action="store_true", help="skip the seed article's findings")
    ap.add_argument("--no-reader", action="store_true", help="the feature scorer chooses the sentences")
    ap.add_argument("--no-checker", action="store_true", help="the verifier's rules alone pass the LLM's sentences")
    ap.add_argument(
        "--out",
        type=Path,
        default=HERE / "results" / "llms.json",
        help="results file; each row is also appended to <out>-rows.jsonl",
    )
    args = ap.parse_args()
    rows_file = args.out.with_name(args.out.stem + "-rows.jsonl")
    settings = load_settings()
    embedder = load_embedder(settings)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    from assistant.models.reader import SUPPORT_DIR, load_reader

    # as the product answers: the reader chooses the sentences, the support checker passes the LLM's
    reader = None if args.no_reader else load_reader(settings.model_cache)
    checker = None if args.no_checker else load_reader(settings.model_cache, SUPPORT_DIR)
    out: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "limit": args.limit,
        "unanswerable": args.unanswerable,
        "threads": settings.llm_threads,
        "context_tokens": settings.llm_context_tokens,
        "answers": {},
        "findings": {},
    }
    chosen = {w.strip() for w in args.sets.split(",") if w.strip()}
    for name, spec in sets(args.limit, args.unanswerable, args.split).items():
        if name.split()[0].removesuffix("-ar") not in chosen:
            continue
        out["answers"][name] = {}
        for model in [None, *models]:
            t = time.perf_counter()
            llm = (
                None
                if model is None
                else LlamaCppLLM(llm_path(settings.model_copy(update={"llm": model})), 4096, settings.llm_threads)
            )
            res = evaluate_answers(
                spec,
                embedder,
                settings,
                llm,
                "extractive" if model is None else "generative",
                reader=reader,
                checker=None if model is None else checker,
            )
            key = model or "extractive (quote)"
            out["answers"][name][key] = {
                **{k: v for k, v in res.items() if k != "rows"},
                "seconds": round(time.perf_counter() - t),
            }
            rows_file.open("a", encoding="utf-8").write(
                json.dumps({"set": name, "model": key, "rows": res["rows"]}, ensure_ascii=False) + "\n"
            )
            print(name, key, json.dumps(res["by_pair"], ensure_ascii=False)[:900], flush=True)
    for model in [] if args.no_findings else [None, *models]:
        out["findings"][model or "extractive"] = findings(model, settings, embedder, checker)
        print("findings", model, out["findings"][model or "extractive"]["mean"], flush=True)
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
