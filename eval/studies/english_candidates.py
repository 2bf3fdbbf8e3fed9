"""Study (not used by the product): do English questions over Arabic text lose their answer before the reader?

    python -m eval.studies.english_candidates            # ~30 min on 2 cores; results/english-candidates.json

The answer step embeds only the sentences its cheap model likes best (``answer_sentences``: 6), and the
reader reads those six. For an English question over Arabic text the cheap model has little to go on
(no shared words), and on the development fold the answer was among the six for 0.667 of English
questions against 0.937 of Arabic ones (results/reader-candidates.json). This study asks the fold as
``eval/calibrate_reader.py`` asks it (with 150 English off-topic questions too) and, for every English
question, also scores the cheap model's best 8, 10, 12 and 16 sentences as the product would (each count
a run of the scorer of its own: the scorer's features are relative to the sentences embedded) and reads
them with the shipped reader. Then, per variant (sentences embedded, sentences read), it replays the
product's decision (blend and answerability refitted at the shipped false-abstention target, as
``reader_candidates`` does). Nothing of any test split is read. The reader's time grows with each pair
it reads (about 60 ms a pair on these cores; ``reader_candidates --time``).
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np

from assistant.answer.reading import one_pool
from assistant.config import load_settings
from assistant.evaluation.answers import contains, evaluate_answers
from assistant.models.loading import load_embedder
from assistant.models.reader import load_reader
from eval.calibrate_reader import answer_sets, by_row
from eval.progress import every

COUNTS = (6, 8, 10, 12, 16)
VARIANTS = ((6, 6), (8, 8), (10, 10), (12, 12), (16, 16), (10, 6), (12, 6), (16, 6), (16, 10))  # (embedded, read)
OUT = Path(__file__).resolve().parents[1] / "results" / "english-candidates.json"
RAW = Path(__file__).resolve().parents[1] / "runs" / "english-candidates-raw.json"


def recording(reader) -> dict[str, list[dict]]:  # noqa: ANN001
    """Wrap the answer step's scoring: for an English question, also score the cheap model's best ``n``
    for each count (on copies; the product's own run is left as it is) and keep texts, probabilities,
    answerability and the reader's logits."""
    import assistant.answer.ask as ask_module
    from assistant.answer.scoring import answerable

    seen: dict[str, list[dict]] = {}
    original = ask_module.score_candidates

    def wrapped(q, cands, retriever, embedder, qvec, limit, scorer):  # noqa: ANN001, ANN202
        if cands and cands[0].pair == "en-ar":
            got: dict = {"all": [c.text for c in cands], "by_count": {}}
            logit_of: dict[str, float] = {}
            for n in COUNTS:
                scored = original(q, copy.deepcopy(cands), retriever, embedder, qvec, n, scorer)
                texts = [c.text for c in scored]
                new = [t for t in dict.fromkeys(texts) if t not in logit_of]
                if new:
                    logit_of.update(zip(new, (float(v) for v in reader.logits(q.text, new))))
                got["by_count"][n] = {
                    "texts": texts,
                    "probs": [c.prob for c in scored],
                    "z": [logit_of[t] for t in texts],
                    "scorer_confidence": answerable(scored, scorer),
                }
            seen.setdefault(q.text, []).append(got)
        return original(q, cands, retriever, embedder, qvec, limit, scorer)

    ask_module.score_candidates = wrapped  # type: ignore[assignment]
    return seen


def meta_rows(rows: list[dict], seen: dict) -> list[dict]:
    """One entry per English row that was recorded: its kind, gold answers and what each count gave."""
    out = []
    for r, got in zip(rows, by_row(rows, seen)):
        if got is None or r["pair"] != "en-ar":
            continue
        gold = r.get("gold_answers") or []
        out.append(
            {
                "kind": r["kind"],
                "gold_all": any(contains(t, gold) for t in got["all"]) if gold else False,
                "candidates_all": len(got["all"]),
                "by_count": {
                    n: {**v, "gold": [contains(t, gold) for t in v["texts"]] if gold else [False] * len(v["texts"])}
                    for n, v in got["by_count"].items()
                },
            }
        )
    return out


def replay(meta: list[dict], embedded: int, read: int) -> dict:
    from eval.studies.reader_gpu_compare import product_figures

    rows, zs = [], []
    for m in meta:
        v = m["by_count"][embedded]
        rows.append(
            {
                "pair": "en-ar",
                "kind": m["kind"],
                "probs": v["probs"][:read],
                "gold": v["gold"][:read],
                "scorer_confidence": v["scorer_confidence"],
            }
        )
        zs.append(np.asarray(v["z"][:read], np.float32))
    fig = product_figures(rows, zs)["en-ar"]
    answerable = [m for m in meta if m["kind"] == "answerable"]
    fig["answer_among_embedded"] = round(
        sum(any(m["by_count"][embedded]["gold"]) for m in answerable) / max(1, len(answerable)), 4
    )
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--english-offtopic", type=int, default=150)
    ap.add_argument("--replay", type=Path, default=None, help="a raw file of an earlier run: replay it only")
    args = ap.parse_args()
    t0 = time.time()
    raw = RAW if args.replay is None else args.replay
    if args.replay is None:
        meta = ask_fold(args.english_offtopic)
        raw.parent.mkdir(exist_ok=True)
        raw.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")  # before anything can fail
        print(f"wrote {raw} ({len(meta)} English rows) in {time.time() - t0:.0f} s", flush=True)
    meta = json.loads(raw.read_text(encoding="utf-8"))
    for m in meta:
        m["by_count"] = {int(n): v for n, v in m["by_count"].items()}
    answerable = [m for m in meta if m["kind"] == "answerable"]
    result = {
        "command": "python -m eval.studies.english_candidates",
        "english_rows": len(meta),
        "answerable": len(answerable),
        "answer_among_all_candidates": round(sum(m["gold_all"] for m in answerable) / max(1, len(answerable)), 4),
        "candidates_per_question_median": float(np.median([m["candidates_all"] for m in answerable] or [0])),
        "variants": {f"embed {e}, read {k}": replay(meta, e, k) for e, k in VARIANTS},
        "seconds": round(time.time() - t0),
    }
    for name, fig in result["variants"].items():
        print(name, json.dumps(fig), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.time() - t0:.0f} s")


def ask_fold(english_offtopic: int) -> list[dict]:
    settings = load_settings(llm_backend="none")
    reader = one_pool(load_reader(settings.model_cache))  # the decision's pool, as fitted
    spec = answer_sets(english_offtopic=english_offtopic)
    seen = recording(reader)
    progress = every(30)

    res = evaluate_answers(spec, load_embedder(settings), settings, None, "extractive", progress, reader=reader)
    meta = meta_rows(res["rows"], seen)
    english = sum(r["pair"] == "en-ar" for r in res["rows"])
    print(f"{len(meta)} of {english} English rows recorded ({len(seen)} questions read)", flush=True)
    return meta


if __name__ == "__main__":
    main()
