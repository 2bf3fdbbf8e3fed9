"""Study (not used by the product): what should the "does the archive answer?" decision read?

    python -m eval.studies.abstention_features --record    # ~25 min on 2 cores; writes eval/runs/abstention-fold.jsonl
    python -m eval.studies.abstention_features             # seconds: the comparison, from that file

The shipped decision (issue #30) is a logistic regression per language pair over two numbers: the
reader's best logit and the scorer's answerability. Held out it turns away 46 % / 41 % of the
unanswerable questions (Arabic / English over Arabic) at ≤ 3 % / 5 % false abstention; the issue asks
for 70 %. This asks whether more of what the answer step already computes helps: the reader's other
logits (the second best, the gap, their log-sum-exp, the chosen sentence's own), whether the reader and
the scorer agree on the sentence, how many articles the candidates come from, and the scorer's
question-level evidence (cosines, word and name overlap) that its answerability summarises.

``--record`` asks the development fold exactly as ``eval/calibrate_reader.py`` does (the fold of the
*training* articles among 300 ANT articles of the training slice; nothing of any test split) and keeps,
per question, its kind, pair, whether the reader's choice is right and those numbers. The comparison
is grouped five-fold cross-validation on that fold (a question and its removed / nearmiss variants in
one group): per fold the model is fitted and its threshold set on the other four at the shipped
false-abstention target, then applied to the held-out fold.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from eval.progress import every, stamped

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "eval" / "runs" / "abstention-fold.jsonl"  # eval/runs/ is ignored


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _recording(seen: dict[str, list[dict]]):  # noqa: ANN202
    """A stand-in for ``reading.read`` that keeps what the decision read, per question, in ``seen``."""
    import assistant.answer.ask as ask_module
    from assistant.answer import reading
    from assistant.answer.scoring import question_features
    from eval.studies.abstention_passage import passage_evidence

    analysed = ask_module.analyse_question
    last: list = [None]

    def analysing(question, retriever):  # noqa: ANN001, ANN202
        last[0] = analysed(question, retriever)
        return last[0]

    ask_module.analyse_question = analysing  # type: ignore[assignment]

    original = reading.read

    def recording(question, scored, scorer_confidence, reader, threshold=None):  # noqa: ANN001, ANN202
        n = int(reading.calibration(reader)["candidates"])
        top = scored[:n]
        box: list = []
        plain = reader.logits

        def logits(q: str, sentences: list[str]) -> np.ndarray:
            z = plain(q, sentences)
            box.append([float(v) for v in z])
            return z

        reader.logits = logits
        try:  # never abstain here: "correct" is then whether the shipped choice is right
            decision = original(question, scored, scorer_confidence, reader, 0.0)
        finally:
            reader.logits = plain
        z = box[0] if box else []
        chosen = decision.ranked[0].text if decision.ranked else ""
        seen.setdefault(question, []).append(
            {
                "texts": [c.text for c in top],
                "probs": [c.prob for c in top],
                "z": z,  # in the scorer's order
                "chosen": next((i for i, c in enumerate(top) if c.text == chosen), 0),
                "docs": [c.hit.chunk.doc_id for c in top],
                "chunks": [c.hit.chunk.chunk_id for c in top],
                "ranks": [c.hit.rank for c in top],  # retrieval's rank of each candidate's passage (1: nearest)
                "q": question_features(scored, [c.prob for c in scored]),
                "scorer_confidence": scorer_confidence,
                "confidence": decision.confidence,
                "passage": [passage_evidence(last[0], c) for c in top],
                "question": question,
                "q_idf": last[0].idf,
                "passages": {str(c.hit.chunk.chunk_id): c.hit.chunk.text for c in top},
            }
        )
        return decision

    return recording


def record(out: Path, english_offtopic: int = 0, nearmiss_known: int = 0) -> None:
    import assistant.answer.ask as ask_module
    from assistant.answer.reading import one_pool
    from assistant.config import load_settings
    from assistant.evaluation.answers import contains, evaluate_answers
    from assistant.models.loading import load_embedder
    from assistant.models.reader import load_reader
    from eval.calibrate_reader import answer_sets, by_row

    t0 = time.time()
    settings = load_settings(llm_backend="none")
    reader = one_pool(load_reader(settings.model_cache))  # the decision's pool, as fitted
    seen: dict[str, list[dict]] = {}
    ask_module.read = _recording(seen)  # type: ignore[assignment]
    spec = answer_sets(english_offtopic=english_offtopic, nearmiss_known=nearmiss_known)
    progress = every(30, stamped)

    res = evaluate_answers(spec, load_embedder(settings), settings, None, "extractive", progress, reader=reader)
    rows = res["rows"]
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = 0
    with out.open("w", encoding="utf-8") as f:
        for r, got in zip(rows, by_row(rows, {q: v for q, v in seen.items()})):
            if got is None:
                continue
            gold = [contains(t, r["gold_answers"]) for t in got["texts"]] if r["kind"] == "answerable" else []
            keep = {k: r[k] for k in ("qid", "kind", "pair", "correct", "abstained", "scorer_correct")}
            f.write(json.dumps({**keep, **got, "gold": gold}) + "\n")  # texts kept: replays read them
            kept += 1
    print(f"wrote {kept} of {len(rows)} rows to {out} in {time.time() - t0:.0f} s")


def derived(r: dict) -> dict[str, float]:
    """Every candidate feature of one question (the shipped two first)."""
    z = np.asarray(r["z"], float)
    s = np.sort(z)[::-1]
    second = float(s[1]) if len(s) > 1 else -10.0
    reader_top = int(np.argmax(z))
    scorer_top = 0
    out = {
        "z_max": float(s[0]),
        "scorer_logit": _logit(r["scorer_confidence"]),
        "z_second": second,
        "z_gap": float(s[0]) - second,
        "z_lse": float(np.log(np.exp(z).sum())),
        "z_mean": float(z.mean()),
        "z_scorer_top": float(z[scorer_top]),
        "z_chosen": float(z[r["chosen"]]),
        "agree": float(reader_top == scorer_top),
        "docs": float(len(set(r["docs"]))),
        "top_doc_share": float(sum(d == r["docs"][reader_top] for d in r["docs"]) / len(r["docs"])),
    }
    for k, v in r["q"].items():
        out[f"q_{k}"] = float(v)
    if r.get("passage"):  # the chosen sentence's passage (records made since 2026-12-06)
        for k, v in r["passage"][r["chosen"]].items():
            out[f"c_{k}"] = float(v)
    return out


FEATURE_SETS = {
    "shipped (best logit, scorer)": ["z_max", "scorer_logit"],
    "+ second logit, gap": ["z_max", "scorer_logit", "z_second", "z_gap"],
    "+ log-sum-exp, mean": ["z_max", "scorer_logit", "z_lse", "z_mean"],
    "+ agreement, articles": ["z_max", "scorer_logit", "agree", "docs", "top_doc_share", "z_scorer_top"],
    "+ scorer's evidence": None,  # filled: shipped + every q_ feature
    "+ scorer's evidence but `missing`": None,  # … less the share of the question's words the archive lacks
    "all": None,
}


def groups_of(rows: list[dict]) -> np.ndarray:
    """A question and its variants in one group: "xquad:<id>" for its :x, :removed, :nearmiss; an off-topic
    question ("fit-fold:xquad:<id>", its English twin "fit-fold-en:xquad:<id>") with its twin only."""
    base = [_group(r["qid"]) for r in rows]
    ids = {b: i for i, b in enumerate(sorted(set(base)))}
    return np.array([ids[b] for b in base])


def _group(qid: str) -> str:
    parts = qid.split(":")
    if parts[0].startswith("fit-fold"):
        return ":".join(["fit-fold", *parts[1:3]])
    return ":".join(parts[:2])


def cross_validated(
    rows: list[dict], names: list[str], target: float, folds: int = 5, c: float = 1.0, unseen: str | None = None
) -> dict:
    """Out-of-fold figures of a model over ``names``; ``unseen``: a kind of unanswerable question left out
    of every fit (as a calibration that never asked it), still counted where it is judged."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    feats = [derived(r) for r in rows]
    x = np.array([[f[n] for n in names] for f in feats])
    y = np.array([r["kind"] == "answerable" for r in rows], int)
    right = np.array([r["kind"] == "answerable" and bool(r["correct"]) for r in rows])
    keep = np.zeros(len(rows), bool)
    oof = np.zeros(len(rows))
    for tr, te in GroupKFold(folds).split(x, y, groups_of(rows)):
        tr = tr[[rows[i]["kind"] != unseen for i in tr]]
        sc = StandardScaler().fit(x[tr])
        lr = LogisticRegression(C=c, max_iter=2000).fit(sc.transform(x[tr]), y[tr])
        p_tr = lr.predict_proba(sc.transform(x[tr]))[:, 1]
        pa = np.sort(p_tr[y[tr] == 1])
        thr = float(pa[int(math.floor(target * len(pa)))]) - 1e-9
        oof[te] = lr.predict_proba(sc.transform(x[te]))[:, 1]
        keep[te] = oof[te] >= thr
    # The same out-of-fold probabilities at one threshold that turns away exactly the target's share of
    # the answerable questions: how well the features *order* questions, apart from where a threshold
    # fitted on four fifths lands on the fifth.
    pa = np.sort(oof[y == 1])
    at = oof >= float(pa[int(math.floor(target * len(pa)))]) - 1e-12
    kinds = sorted({r["kind"] for r in rows} - {"answerable"})
    una = y == 0
    return {
        "accuracy": round(float((right & keep & (y == 1)).sum() / max(1, y.sum())), 4),
        "false_abstention": round(float((~keep[y == 1]).mean()), 4),
        "abstained": round(float((~keep[una]).mean()), 4) if una.any() else None,
        "at_target": {
            "false_abstention": round(float((~at[y == 1]).mean()), 4),
            "abstained": round(float((~at[una]).mean()), 4) if una.any() else None,
            "accuracy": round(float((right & at & (y == 1)).sum() / max(1, y.sum())), 4),
        },
        "by_kind": {k: round(float((~keep[np.array([r["kind"] == k for r in rows])]).mean()), 3) for k in kinds},
        "at_target_by_kind": {
            k: round(float((~at[np.array([r["kind"] == k for r in rows])]).mean()), 3) for k in kinds
        },
        "at_target_others": _others(rows, at, unseen),
    }


def _others(rows: list[dict], keep: np.ndarray, unseen: str | None) -> float | None:
    """The share abstained of the unanswerable questions of every kind but ``unseen``."""
    sel = np.array([r["kind"] not in ("answerable", unseen) for r in rows])
    return round(float((~keep[sel]).mean()), 4) if sel.any() else None


def curve(rows: list[dict], shares: tuple[float, ...] = (0.025, 0.04, 0.06, 0.1, 0.2)) -> dict:
    """The shipped features' trade-off: out-of-fold, the unanswerable share abstained on when a given
    share of the answerable questions is turned away (and how many of those had a wrong choice)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    x = np.array([[f["z_max"], f["scorer_logit"]] for f in map(derived, rows)])
    y = np.array([r["kind"] == "answerable" for r in rows])
    right = np.array([r["kind"] == "answerable" and bool(r["correct"]) for r in rows])
    oof = np.zeros(len(rows))
    for tr, te in GroupKFold(5).split(x, y, groups_of(rows)):
        oof[te] = LogisticRegression().fit(x[tr], y[tr]).predict_proba(x[te])[:, 1]
    out = {}
    for share in shares:
        keep = oof >= np.sort(oof[y])[int(share * y.sum())]
        out[str(share)] = {
            "abstained": round(float((~keep[~y]).mean()), 4),
            "accuracy": round(float((keep & right).sum() / y.sum()), 4),
            "wrong_choice_turned_away": round(float((~keep[y & ~right]).sum() / max(1, (y & ~right).sum())), 4),
        }
    return out


def separation(rows: list[dict]) -> dict:
    """How well each of the two shipped numbers alone tells answerable questions from each kind (AUC)."""
    from sklearn.metrics import roc_auc_score

    out = {}
    for kind in sorted({r["kind"] for r in rows} - {"answerable"}):
        sub = [r for r in rows if r["kind"] in ("answerable", kind)]
        y = [r["kind"] == "answerable" for r in sub]
        out[kind] = {
            f: round(float(roc_auc_score(y, [derived(r)[f] for r in sub])), 3) for f in ("z_max", "scorer_logit")
        }
    return out


def compare(path: Path) -> dict:
    from eval.studies.abstention_passage import country_rule, passage_runs

    if not path.exists():
        raise SystemExit(f"{path}: no record of the fold yet; make it with --record (~15 min)")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["z"]]  # a question the reader read nothing for is decided before it
    names_q = sorted(k for k in derived(rows[0]) if k.startswith("q_"))
    every = [k for k in derived(rows[0]) if not k.startswith("q_")]
    sets = dict(FEATURE_SETS)
    sets["+ scorer's evidence"] = ["z_max", "scorer_logit", *names_q]
    sets["+ scorer's evidence but `missing`"] = ["z_max", "scorer_logit", *(n for n in names_q if n != "q_missing")]
    sets["all"] = every + names_q
    targets = {"ar-ar": 0.025, "en-ar": 0.04}
    out: dict = {}
    for pair, target in targets.items():
        sub = [r for r in rows if r["pair"] == pair]
        n_ans = sum(r["kind"] == "answerable" for r in sub)
        print(f"\n{pair}: {n_ans} answerable, {len(sub) - n_ans} unanswerable; target false abstention {target}")
        out[pair] = {}
        runs = [(label, names, None) for label, names in sets.items()]
        if any(r["kind"] == "offtopic" for r in sub):
            shipped = sets["shipped (best logit, scorer)"]
            runs.append(("shipped, fitted without off-topic questions", shipped, "offtopic"))
        for label, names, unseen in runs:
            res = cross_validated(sub, names, target, unseen=unseen)
            out[pair][label] = res
            kinds = " ".join(f"{k} {v:.2f}" for k, v in res["by_kind"].items())
            print(
                f"  {label:32s} acc {res['accuracy']:.3f}  false abst {res['false_abstention']:.3f}  "
                f"abstained {res['abstained']:.3f}  ({kinds})  | at the target: "
                f"abstained {res['at_target']['abstained']:.3f}, acc {res['at_target']['accuracy']:.3f}"
            )
        if any(r["kind"] == "nearmiss-known" for r in sub) and "c_missing_max_idf_chunk" in derived(sub[0]):
            out[pair]["passage evidence, fitted without nearmiss-known"] = passage_runs(sub, target)
        if sub and "passages" in sub[0]:
            out[pair]["a country the chosen passage does not name"] = country_rule(sub)
        out[pair]["auc against each kind"] = auc = separation(sub)
        print(f"  AUC, answerable against each kind: {auc}")
        out[pair]["trade-off (shipped features)"] = tradeoff = curve(sub)
        for share, v in tradeoff.items():
            print(f"  turning away {float(share):.1%} of answerable: {v}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--record", action="store_true", help="ask the development fold and write the record first")
    ap.add_argument("--path", type=Path, default=RECORD)
    ap.add_argument("--out", type=Path, default=None, help="write the comparison as JSON")
    ap.add_argument(
        "--english-offtopic",
        type=int,
        default=0,
        help="with --record: also ask this many English questions of XQuAD articles not in the index",
    )
    ap.add_argument(
        "--nearmiss-known",
        type=int,
        default=0,
        help="with --record: also ask this many near misses (per language) naming a country the archive knows",
    )
    args = ap.parse_args()
    if args.record:
        record(args.path, args.english_offtopic, args.nearmiss_known)
    res = compare(args.path)
    if args.out:
        args.out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
