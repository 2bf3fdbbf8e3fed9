"""Study: do the names of an English question find its Arabic passage where the embedder alone does not?

    python -m eval.studies.english_names collect train   # ~6 min: index XQuAD train articles + 300 ANT, rank
    python -m eval.studies.english_names report train    # seconds: every variant on the cached rankings
    python -m eval.studies.english_names report train --write   # and write the chosen weight to fusion.json
    python -m eval.studies.english_names collect test    # once, for the variant chosen on train
    python -m eval.studies.english_names report test
    python -m eval.studies.english_names paired BEFORE.json AFTER.json OUT-summary.json   # two answer runs

For an English question over Arabic articles hybrid search is dense only (BM25 shares no words with
them: ``fusion.json``'s "other" factor is 0), and five passages hold the answer for only about three
English questions in four (eval/README.md, "English questions over Arabic text"). The question's names
("Fresno", "the Security Council", "Poles", 1973) are often in the passage, in Arabic letters or words:
``text.questions.phrase_found`` finds them there (transliteration skeletons, countries and peoples, the news'
translated institutions). Here the dense top 50 of each English question is re-ordered by
cosine + w for each passage that names every one of the question's names and numbers (shipped; first tried:
+ w · the share it names), for several w, and the gold paragraph's rank is read: recall@1/5/10 and MRR.
The Arabic questions are not asked: the change only touches questions mostly in words the archive lacks.
``eval/runs/english-names-<split>.pkl``; ``report`` writes ``eval/results/english-names-<split>.json``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]
DEPTH = 50  # the dense candidates re-ordered (Retriever.candidates)
WEIGHTS = (0.0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.06, 0.1)


def collect(split: str) -> Path:
    from assistant.config import load_settings
    from assistant.evaluation.answers import AnswerSet, build_answer_index
    from assistant.evaluation.datasets import bundled, load_dataset
    from assistant.evaluation.retrieval import discard
    from assistant.evaluation.splits import distractor_files, load_splits, part
    from assistant.models.loading import load_embedder
    from eval.train_reader import ANT

    splits = load_splits()
    titles = splits["xquad"][split]
    ar = part(load_dataset(bundled("xquad-ar")), titles)
    en = part(load_dataset(bundled("xquad-en")), titles)
    d = splits["distractors"]
    files = distractor_files(ANT, d[split]["count"], d[split]["offset"], d["seed"])
    settings = load_settings()
    embedder = load_embedder(settings)
    rows = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        spec = AnswerSet(ar, en, [], files)
        index, retriever, doc_of, _ = build_answer_index(spec, embedder, settings, Path(tmp))
        print(f"indexed {len(ar.corpus)} paragraphs + {len(files)} articles in {time.time() - t0:.0f} s", flush=True)
        qids = sorted(en.queries)
        vecs = embedder.embed_queries([en.queries[q] for q in qids])
        for qid, vec in zip(qids, vecs):
            ranked = retriever.dense(en.queries[qid], DEPTH, vec)
            records = index.chunks_by_id(c for c, _ in ranked)
            gold = {doc_of[p] for p in en.qrels[qid]}
            rows.append(
                {
                    "qid": qid,
                    "question": en.queries[qid],
                    "hits": [
                        {
                            "cos": s,
                            "gold": records[c][0].doc_id in gold,
                            "doc": records[c][0].doc_id,
                            "text": records[c][0].text,
                            "title": records[c][1].title,
                        }
                        for c, s in ranked
                        if c in records
                    ],
                }
            )
        discard(index)
    out = HERE / "runs" / f"english-names-{split}.pkl"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(pickle.dumps(rows))
    print(f"{len(rows)} English questions ranked in {time.time() - t0:.0f} s → {out}")
    return out


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "r@1": round(sum(r is not None and r <= 1 for r in ranks) / n, 4),
        "r@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        "r@10": round(sum(r is not None and r <= 10 for r in ranks) / n, 4),
        "r@50": round(sum(r is not None for r in ranks) / n, 4),
        "mrr@10": round(sum(1 / r for r in ranks if r is not None and r <= 10) / n, 4),
    }


def ranked(rows: list[dict], lifts: list[np.ndarray], w: float) -> list[int | None]:
    """The gold paragraph's rank per question with cosine + w · lift (ties: the embedder's order)."""
    ranks: list[int | None] = []
    for r, lift in zip(rows, lifts):
        cos = np.array([h["cos"] for h in r["hits"]])
        order = sorted(range(len(cos)), key=lambda i: (-(cos[i] + w * lift[i]), i))
        ranks.append(next((k + 1 for k, i in enumerate(order) if r["hits"][i]["gold"]), None))
    return ranks


def top5(rank: int | None) -> bool:
    return rank is not None and rank <= 5


def variants(rows: list[dict], lifts: list[np.ndarray]) -> dict[str, dict]:
    """Every weight's figures, with the questions whose gold paragraph entered / left the top five."""
    base = ranked(rows, lifts, 0.0)
    out = {}
    for w in WEIGHTS:
        ranks = ranked(rows, lifts, w)
        out[str(w)] = metrics(ranks)
        out[str(w)]["top5_won_lost"] = [
            sum(not top5(b) and top5(x) for b, x in zip(base, ranks)),
            sum(top5(b) and not top5(x) for b, x in zip(base, ranks)),
        ]
    return out


def report(split: str) -> dict:
    """Both forms: the lift for a passage naming every name (shipped) and, first tried, for the share it names
    (on the held-out articles its partial matches lifted passages for near misses: eval/README.md)."""
    from assistant.text.crossing import all_named, name_share, question_names

    rows = pickle.loads((HERE / "runs" / f"english-names-{split}.pkl").read_bytes())
    shares, every = [], []
    for r in rows:
        names = question_names(r["question"])
        shares.append(np.array([name_share(names, h["text"], h["title"]) for h in r["hits"]]))
        every.append(np.array([float(all_named(names, h["text"], h["title"])) for h in r["hits"]]))
    out: dict = {
        "split": split,
        "questions": len(rows),
        "with_names": sum(bool(question_names(r["question"])) for r in rows),
        "variants": variants(rows, every),
        "first_form_share": variants(rows, shares),
    }
    v = out["variants"]
    best = max(WEIGHTS, key=lambda w: (v[str(w)]["r@5"], v[str(w)]["mrr@10"], -w))
    out["chosen"] = best if split == "train" else None  # the best recall@5, then MRR, then the smaller weight
    path = HERE / "results" / f"english-names-{split}.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))
    return out


def write(chosen: float, before: dict, after: dict) -> None:
    """The chosen weight into assistant/data/fusion.json, for the configured embedder (the one ranked)."""
    from assistant.config import load_settings
    from assistant.resources import update_manifest
    from assistant.retrieval import FUSION_FILE

    model_id = load_settings().embedder
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    entry = spec["embedders"].setdefault(model_id, {"k": 60, "bm25_factor": {}, "long_query": 6})
    entry["names"] = chosen
    entry["names_chosen"] = (
        "eval/studies/english_names.py on XQuAD's training articles among 300 ANT: the lift for a passage naming "
        "all an English question's names and numbers with the best recall@5 of the gold paragraph "
        f"({before['r@5']} -> {after['r@5']}); search only: the answer step keeps the embedder's order"
    )
    FUSION_FILE.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    update_manifest()
    print(f"wrote {FUSION_FILE}: {model_id} names = {chosen}")


def paired(before: Path, after: Path, out: Path) -> dict:
    """Two runs of ``assistant eval answers`` on the same questions (before and after a change), question by
    question: per pair, answerable questions won / lost and unanswerable ones newly abstained on / answered;
    the after-run's figures and every changed row are written to ``out``."""
    rows_b = {r["qid"]: r for r in json.loads(before.read_text(encoding="utf-8"))["rows"]}
    res = json.loads(after.read_text(encoding="utf-8"))
    rows_a = {r["qid"]: r for r in res.pop("rows")}
    if rows_b.keys() != rows_a.keys():
        raise SystemExit(f"{before} and {after} asked different questions")
    tally: dict[str, dict[str, int]] = {}
    changed = []
    for qid, b in rows_b.items():
        a = rows_a[qid]
        key = "correct" if b["kind"] == "answerable" else "abstained"
        if (b["correct"], b["abstained"]) == (a["correct"], a["abstained"]):
            continue
        t = tally.setdefault(f"{b['pair']} {b['kind']}", {"won": 0, "lost": 0, "other": 0})
        t["won" if a[key] and not b[key] else "lost" if b[key] and not a[key] else "other"] += 1
        changed.append(
            {k: b[k] for k in ("qid", "pair", "kind", "question")}
            | {
                "before": {"correct": b["correct"], "abstained": b["abstained"], "quotes": b.get("quotes")},
                "after": {"correct": a["correct"], "abstained": a["abstained"], "quotes": a.get("quotes")},
            }
        )
    summary = {**res, "before": str(before), "after": str(after), "paired": tally, "changed": changed}
    out.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"by_pair": res["by_pair"], "paired": tally}, indent=1))
    return summary


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=("collect", "report", "paired"))
    p.add_argument(
        "split", help="train or test; for paired: the run before, the run after, the summary to write", nargs="+"
    )
    p.add_argument("--write", action="store_true", help="report train: write the chosen weight to fusion.json")
    a = p.parse_args()
    if a.what == "paired":
        paired(*(Path(x) for x in a.split))
        return
    if a.split[0] not in ("train", "test") or len(a.split) != 1:
        p.error("collect and report take one split: train or test")
    split = a.split[0]
    if a.what == "collect":
        collect(split)
        return
    out = report(split)
    if a.write and split == "train":
        write(out["chosen"], out["variants"]["0.0"], out["variants"][str(out["chosen"])])


if __name__ == "__main__":
    main()
