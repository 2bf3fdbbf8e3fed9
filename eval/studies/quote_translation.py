"""How well the bundled LLM renders a quoted Arabic sentence in English, and what the checks make of it.

    python -m eval.studies.quote_translation --limit 40          # ~10 min on 2 cores
    python -m eval.studies.quote_translation --report            # the figures again, from the rows

An English question over the Arabic archive whose draft does not pass gets the quoted Arabic sentence
rendered in English by the LLM (``answer.generate.render_sentence``), shown as "an English rendering of
the quoted sentence … checked against it". This asks how often that rendering says what the sentence
says. Sentences: for XQuAD questions of the *training* articles (eval/splits.json), the Arabic sentence
holding the gold answer, one per sentence, in a seeded order; the English paragraph's sentence holding
the English answer is kept beside it as a reference. For each rendering: the verifier's rules alone
(what the product checks with the support checker off, its default), the support checker's probability
and verdict at its English operating point, and whether the English gold answer is in the rendering.

Hand labels (``--labels``, JSON: sentence id → "supported" | "unsupported") are made reading the Arabic
sentence and the reference, with the checks' columns hidden (``--blind`` prints them so). Rows go to
eval/results/quote-translation-rows.jsonl (appended; a rerun resumes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ROWS = HERE / "results" / "quote-translation-rows.jsonl"
LABELS = HERE / "results" / "quote-translation-labels.json"


def sentences_to_render(limit: int, seed: int = 0) -> list[dict]:
    """Arabic answer sentences of XQuAD training articles, with the English reference and answer."""
    from assistant.evaluation.datasets import bundled, load_dataset
    from assistant.evaluation.splits import load_splits, part
    from assistant.training.reader_pairs import holds_answer, sentences

    train = load_splits()["xquad"]["train"]
    ar = part(load_dataset(bundled("xquad-ar")), train)
    en = part(load_dataset(bundled("xquad-en")), train)
    out, seen = [], set()
    order = sorted(ar.qrels, key=lambda q: hashlib.sha256(f"{seed}:{q}".encode()).hexdigest())
    for qid in order:
        pid = next(iter(ar.qrels[qid]))
        hits = [s for s in sentences(ar.corpus[pid][1]) if holds_answer(s, ar.answers.get(qid, []))]
        en_answers = en.answers.get(qid, [])
        if len(hits) != 1 or hits[0] in seen or not en_answers or pid not in en.corpus:
            continue
        refs = [s for s in sentences(en.corpus[pid][1]) if holds_answer(s, en_answers)]
        seen.add(hits[0])
        out.append(
            {
                "id": hashlib.sha256(hits[0].encode()).hexdigest()[:10],
                "qid": qid,
                "arabic": hits[0],
                "reference": refs[0] if len(refs) == 1 else "",
                "en_answers": en_answers,
            }
        )
        if len(out) >= limit:
            break
    return out


def render(items: list[dict], rows_file: Path) -> None:
    from assistant.answer.generate import render_sentence
    from assistant.answer.grounding import default_verifier
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder, load_llm
    from assistant.models.reader import SUPPORT_DIR, load_reader
    from assistant.training.reader_pairs import holds_answer

    done = (
        {json.loads(x)["id"] for x in rows_file.read_text(encoding="utf-8").splitlines()}
        if rows_file.exists()
        else set()
    )
    todo = [it for it in items if it["id"] not in done]
    if not todo:
        return
    settings = load_settings()
    embedder = load_embedder(settings)
    llm = load_llm(settings)
    if llm is None:
        raise SystemExit("no LLM configured: set ASSISTANT_LLM_BACKEND (see README)")
    checker = load_reader(settings.model_cache, SUPPORT_DIR)
    rules = default_verifier(embedder, None, None)
    checked = default_verifier(embedder, None, checker)
    need = (checker.record.get("calibration") or {}).get("min_support", {}).get("en-ar")
    rows_file.parent.mkdir(parents=True, exist_ok=True)
    for i, it in enumerate(todo, 1):
        t0 = time.perf_counter()
        text = render_sentence(llm, it["arabic"])
        row = {**it, "rendering": text, "seconds": round(time.perf_counter() - t0, 2)}
        if text is not None:
            row["rules"] = rules.check(text, it["arabic"])  # None: passed
            row["checker_p"] = round(checked.support_probability(text, it["arabic"]) or 0.0, 4)
            row["checker_accepts"] = need is not None and row["checker_p"] >= need
            row["answer_kept"] = holds_answer(text, it["en_answers"])
        with rows_file.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{i}/{len(todo)} {row['seconds']} s", flush=True)


def report(rows_file: Path, labels_file: Path) -> dict:
    rows = [json.loads(x) for x in rows_file.read_text(encoding="utf-8").splitlines()]
    labels = json.loads(labels_file.read_text(encoding="utf-8")) if labels_file.exists() else {}
    made = [r for r in rows if r.get("rendering")]
    passed = [r for r in made if r["rules"] is None]
    out: dict = {
        "sentences": len(rows),
        "rendered": len(made),
        "rules_pass": len(passed),
        "answer_kept_among_rules_pass": sum(r["answer_kept"] for r in passed),
        "checker_accepts_among_rules_pass": sum(r["checker_accepts"] for r in passed),
    }
    lab = [r for r in passed if r["id"] in labels]
    if lab:
        sup = [r for r in lab if labels[r["id"]] == "supported"]
        uns = [r for r in lab if labels[r["id"]] == "unsupported"]
        acc = [r for r in lab if r["checker_accepts"]]
        out["labelled_rules_pass"] = {
            "n": len(lab),
            "supported": len(sup),
            "unsupported": len(uns),
            "rules_alone_shown_unsupported": round(len(uns) / len(lab), 3),
            "with_checker_shown": len(acc),
            "with_checker_shown_unsupported": sum(labels[r["id"]] == "unsupported" for r in acc),
            "with_checker_supported_kept": sum(r["checker_accepts"] for r in sup),
            "with_checker_unsupported_dropped": sum(not r["checker_accepts"] for r in uns),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--rows", type=Path, default=ROWS)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--report", action="store_true", help="only the figures, from the rows")
    ap.add_argument("--blind", action="store_true", help="print the rows for labelling, checks hidden")
    args = ap.parse_args()
    if args.blind:
        for x in args.rows.read_text(encoding="utf-8").splitlines():
            r = json.loads(x)
            print(f"{r['id']}\n  AR: {r['arabic']}\n  REF: {r['reference']}\n  EN: {r['rendering']}\n")
        return
    if not args.report:
        render(sentences_to_render(args.limit), args.rows)
    print(json.dumps(report(args.rows, args.labels), indent=1))


if __name__ == "__main__":
    main()
