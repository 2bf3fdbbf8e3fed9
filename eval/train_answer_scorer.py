"""Train the answer-sentence scorer shipped as assistant/data/answer_scorer.json.

    python -m eval.train_answer_scorer            # ~40 min on 2 cores (features cached in eval/runs/)
    python -m eval.train_answer_scorer --refit    # refit from the cached features only

Training data (eval/splits.json; split by article, never by question; nothing of the test parts):
- ar-ar: the training articles of XQuAD-ar and of ARCD, over an index of their paragraphs plus 300
  ANT news articles (distractors, the training slice);
- en-ar: the English questions of the same XQuAD articles over that Arabic index (cross-lingual);
- en-en: the English questions over the English paragraphs.
Three rotations: in each, a third of the training articles is left out of the index (their questions
are "offtopic"), a fifth of the other articles' paragraphs too ("removed"), the rest is indexed and
its questions are answerable; a third of those is asked again with its rarest entity swapped for a
name the index does not know ("nearmiss"). Each rotation's index is really built without what it
leaves out, so every feature (IDF, missing terms, retrieval) sees what a user's archive would.

A candidate is every sentence of the 5 retrieved passages; its label is 1 when it comes from the
question's own paragraph and holds the gold answer. One logistic regression per pair (sklearn,
standardised features, C chosen by 5-fold cross-validation grouped by article), plus a cheap one
(no sentence embedding) that picks which sentences to embed. The abstention threshold per pair is
the highest probability at which at most TARGET_FALSE_ABSTENTION of answerable training questions
would be refused, measured on out-of-fold predictions.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.answer.scoring import (
    CHEAP,
    FEATURES,
    MODEL_FILE,
    QUESTION_FEATURES,
    analyse_question,
    candidates,
    cheap_features,
    embed_features,
)
from assistant.config import load_settings
from assistant.evaluation.compare import CachingEmbedder
from assistant.evaluation.datasets import (
    bundled,
    load_dataset,
)
from assistant.evaluation.splits import distractor_files, load_splits, part
from assistant.evaluation.unanswerable import swap_entity, unknown_names
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders import load_file
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.pipeline import index_documents
from assistant.models.loading import load_embedder
from assistant.resources import update_manifest
from assistant.retrieval import Retriever
from assistant.store import open_index
from assistant.text.arabic import normalize

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

ANT = ROOT.parent / "shared" / "data" / "ant"
CACHE = HERE / "runs" / "answer-scorer"
OUT = MODEL_FILE
TARGET_FALSE_ABSTENTION = {"ar-ar": 0.02, "en-ar": 0.035, "en-en": 0.02}
KINDS = ("removed", "offtopic", "nearmiss")
K = 5


@dataclass
class Item:
    qid: str
    text: str
    pid: str  # the gold paragraph (its source in the index)
    article: str
    answers: list[str]
    kind: str  # answerable | removed | offtopic | nearmiss


def contains(sentence: str, answers: list[str]) -> bool:
    s = " ".join(normalize(sentence).split())
    return any(a.strip() and " ".join(normalize(a).split()) in s for a in answers)


def build(folder: Path, corpora: list, ant: list[Path], embedder, settings):  # noqa: ANN001, ANN201
    index = open_index(settings, embedder.model_id, embedder.dim, data_dir=folder)
    docs = []
    for ds, prefix in corpora:
        docs += [
            (
                clean(Loaded(text=text, fmt="text", title=title or None, scraped=False), source=f"{prefix}{pid}"),
                f"{prefix}{pid}",
            )
            for pid, (title, text) in ds.corpus.items()
        ]
    for f in ant:
        docs.append((clean(load_file(f), str(f)), str(f)))
    t = time.perf_counter()
    index_documents(index, embedder, docs, settings.chunk_max_tokens)
    print(f"  indexed {len(docs)} documents in {time.perf_counter() - t:.0f} s", flush=True)
    return index, Retriever(index, embedder, settings.rrf_k, settings.candidates)


def _swap(it: Item, retriever: Retriever, pool, rng: random.Random) -> Item | None:  # noqa: ANN001
    idf = retriever.idf(retriever.analyze(it.text))
    swapped = swap_entity(
        it.text, lambda w: max((idf.get(t, 0.0) for t in retriever.analyze(w)), default=0.0), pool, rng
    )
    if swapped is None or swapped == it.text:
        return None
    return replace(it, qid=it.qid + ":nearmiss", text=swapped, kind="nearmiss")


def features_for(items: list[Item], pair: str, retriever: Retriever, embedder) -> tuple:  # noqa: ANN001
    rows, labels, groups, qids = [], [], [], []
    qvecs = embedder.embed_queries([it.text for it in items])
    for n, (it, qvec) in enumerate(zip(items, qvecs)):
        hits = retriever.search(it.text, k=K, qvec=qvec)
        q = analyse_question(it.text, retriever)
        cands = [c for c in candidates(it.text, hits) if c.pair == pair]
        if not cands:
            continue
        vecs = retriever.chunk_vectors([h.chunk.chunk_id for h in hits])
        cheap_features(q, cands, {cid: float(v @ qvec) for cid, v in vecs.items()})
        embed_features(cands, embedder.embed_passages([c.text for c in cands]) @ qvec)
        for c in cands:
            rows.append([c.x[f] for f in FEATURES])
            labels.append(int(it.kind == "answerable" and c.hit.source == it.pid and contains(c.text, it.answers)))
            groups.append(it.article)
            qids.append(it.qid)
        if n % 300 == 0:
            print(f"    {pair}: {n}/{len(items)} questions", flush=True)
    return np.array(rows, np.float64), np.array(labels), groups, qids


def _questions(ds, prefix: str, pids: set[str], kind: str, answers_from=None) -> list[Item]:  # noqa: ANN001
    """Items for the questions whose paragraph is in ``pids`` (answers from ``answers_from``: the
    Arabic twin labels English questions asked over Arabic text)."""
    gold = answers_from or ds
    out = []
    for qid in sorted(ds.qrels):
        pid = next(iter(ds.qrels[qid]))
        if pid in pids:
            tag = "" if kind == "answerable" else f":{kind}"
            out.append(
                Item(qid + tag, ds.queries[qid], prefix + pid, ds.corpus[pid][0], gold.answers.get(qid, []), kind)
            )
    return out


def rotation(r: int, corpora: dict, ant: list[Path], embedder, settings, work: Path) -> dict:  # noqa: ANN001
    """Rotation r of 3: a third of the training articles is left out of the index (off-topic), a fifth
    of the others' paragraphs too (removed); the rest is indexed and answerable."""
    rng = random.Random(100 + r)
    xq_ar, xq_en, arcd = corpora["xq_ar"], corpora["xq_en"], corpora["arcd"]
    plan: dict[str, dict[str, set[str]]] = {}
    for name, ds in (("xq", xq_ar), ("arcd", arcd)):
        titles = sorted({t for t, _ in ds.corpus.values()}, key=lambda t: hash_title(t))
        off = {t for i, t in enumerate(titles) if i % 3 == r}
        kept = sorted(pid for pid, (t, _) in ds.corpus.items() if t not in off)
        removed = set(rng.sample(kept, len(kept) // 5))
        plan[name] = {
            "offtopic": {pid for pid, (t, _) in ds.corpus.items() if t in off},
            "removed": removed,
            "answerable": set(kept) - removed,
        }

    def only(ds, pids):  # noqa: ANN001, ANN202
        return replace(ds, corpus={p: v for p, v in ds.corpus.items() if p in pids})

    print(f"rotation {r}: Arabic index", flush=True)
    _, ar = build(
        work / f"ar{r}",
        [(only(xq_ar, plan["xq"]["answerable"]), "xq:"), (only(arcd, plan["arcd"]["answerable"]), "arcd:")],
        ant,
        embedder,
        settings,
    )
    print(f"rotation {r}: English index", flush=True)
    _, en = build(work / f"en{r}", [(only(xq_en, plan["xq"]["answerable"]), "xq:")], [], embedder, settings)
    pool_ar = unknown_names(lambda w: bool(ar.known(ar.analyze(w))))
    pool_en = unknown_names(lambda w: bool(en.known(en.analyze(w))) or bool(ar.known(ar.analyze(w))))
    items: dict[str, tuple[list[Item], Retriever]] = {}
    for pair, sets, retr, pool in (
        ("ar-ar", [(xq_ar, "xq:", "xq", None), (arcd, "arcd:", "arcd", None)], ar, pool_ar),
        ("en-ar", [(xq_en, "xq:", "xq", xq_ar)], ar, pool_en),
        ("en-en", [(xq_en, "xq:", "xq", None)], en, pool_en),
    ):
        lst: list[Item] = []
        for ds, prefix, name, gold in sets:
            answerable = _questions(ds, prefix, plan[name]["answerable"], "answerable", gold)
            lst += answerable
            lst += _questions(ds, prefix, plan[name]["removed"], "removed", gold)
            lst += _questions(ds, prefix, plan[name]["offtopic"], "offtopic", gold)
            for it in answerable[r::3]:
                if (sw := _swap(it, retr, pool, rng)) is not None:
                    lst.append(sw)
        items[pair] = ([replace(it, qid=f"r{r}:{it.qid}") for it in lst], retr)
    return items


def hash_title(title: str) -> str:
    import hashlib

    return hashlib.sha256(title.encode()).hexdigest()


def gather(args) -> None:  # noqa: ANN001
    settings = (
        load_settings(llm_backend="none", model_cache=args.model_cache)
        if args.model_cache
        else load_settings(llm_backend="none")
    )
    embedder = CachingEmbedder(load_embedder(settings))
    splits = load_splits()
    corpora = {
        "xq_ar": part(load_dataset(bundled("xquad-ar")), splits["xquad"]["train"]),
        "xq_en": part(load_dataset(bundled("xquad-en")), splits["xquad"]["train"]),
        "arcd": part(load_dataset(bundled("arcd")), splits["arcd"]["train"]),
    }
    d = splits["distractors"]
    ant = distractor_files(ANT, d["train"]["count"], d["train"]["offset"], d["seed"])
    CACHE.mkdir(parents=True, exist_ok=True)
    work = CACHE / "indexes"
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    acc: dict[str, list] = {pair: [[], [], [], [], []] for pair in ("ar-ar", "en-ar", "en-en")}
    meta: dict[str, dict] = {pair: {"questions": 0, "seconds": 0} for pair in acc}
    for r in range(3):
        for pair, (items, retr) in rotation(r, corpora, ant, embedder, settings, work).items():
            t = time.perf_counter()
            x, y, groups, qids = features_for(items, pair, retr, embedder)
            kinds = {it.qid: it.kind for it in items}
            for lst, v in zip(acc[pair], (x, y, groups, qids, [kinds[q] for q in qids])):
                lst.append(v) if isinstance(v, np.ndarray) else lst.extend(v)
            meta[pair]["questions"] += len(items)
            meta[pair]["seconds"] += round(time.perf_counter() - t)
        shutil.rmtree(work, ignore_errors=True)
    for pair, (xs, ys, groups, qids, kinds) in acc.items():
        x, y = np.concatenate(xs), np.concatenate(ys)
        np.savez_compressed(
            CACHE / f"{pair}.npz",
            x=x,
            y=y,
            groups=np.array(groups),
            qids=np.array(qids),
            kinds=np.array(kinds),
            names=np.array(FEATURES),
        )
        meta[pair].update(
            {
                "candidates": int(len(y)),
                "positives": int(y.sum()),
                "by_kind": {k: int(sum(1 for q in set(zip(qids, kinds)) if q[1] == k)) for k in ("answerable", *KINDS)},
            }
        )
        print(f"  {pair}: {meta[pair]}", flush=True)
    (CACHE / "meta.json").write_text(json.dumps(meta, indent=2))


def _fit(x, y, groups, c_values=(0.03, 0.1, 0.3, 1.0, 3.0)):  # noqa: ANN001, ANN202
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    folds = list(GroupKFold(n_splits=5).split(x, y, groups))
    best = None
    for c in c_values:
        oof = np.zeros(len(y))
        for tr, te in folds:
            sc = StandardScaler().fit(x[tr])
            m = LogisticRegression(C=c, max_iter=5000).fit(sc.transform(x[tr]), y[tr])
            oof[te] = m.predict_proba(sc.transform(x[te]))[:, 1]
        loss = log_loss(y, oof)
        if best is None or loss < best[0]:
            best = (loss, c, oof)
    loss, c, oof = best
    sc = StandardScaler().fit(x)
    m = LogisticRegression(C=c, max_iter=5000).fit(sc.transform(x), y)
    spec = {
        "mean": sc.mean_.tolist(),
        "scale": sc.scale_.tolist(),
        "coef": m.coef_[0].tolist(),
        "intercept": float(m.intercept_[0]),
        "C": c,
        "cv_log_loss": round(float(loss), 5),
    }
    return spec, oof


def _select(x: np.ndarray, qids: np.ndarray, cheap_p: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the candidates inference would embed: per question the ``limit`` best by the cheap
    model, with the features relative to the embedded set recomputed over that set."""
    keep = []
    by_q: dict[str, list[int]] = {}
    for i, q in enumerate(qids):
        by_q.setdefault(q, []).append(i)
    x = x.copy()
    col = {f: FEATURES.index(f) for f in ("cos", "cos_gap", "cos_best")}
    for ii in by_q.values():
        ii = np.array(ii)
        sel = ii[np.argsort(-cheap_p[ii], kind="stable")[:limit]] if limit else ii
        cos = x[sel, col["cos"]]
        x[sel, col["cos_gap"]] = cos - cos.max()
        x[sel, col["cos_best"]] = (cos == cos.max()).astype(float)
        keep.extend(sel.tolist())
    keep = np.array(sorted(keep))
    return keep, x


def _question_table(
    x: np.ndarray, qids: np.ndarray, kinds: np.ndarray, groups: np.ndarray, y: np.ndarray, p: np.ndarray
) -> dict[str, dict]:
    """Per question: its features (QUESTION_FEATURES), kind, group, and what quoting would show."""
    from assistant.answer.scoring import Candidate, question_features

    by_q: dict[str, list[int]] = {}
    for i, q in enumerate(qids):
        by_q.setdefault(q, []).append(i)
    out = {}
    for q, ii in by_q.items():
        ii = sorted(ii, key=lambda i: -p[i])
        cands = []
        for i in ii:
            c = Candidate.__new__(Candidate)
            c.x = dict(zip(FEATURES, x[i]))
            cands.append(c)
        feats = question_features(cands, [p[i] for i in ii])
        second = ii[1] if len(ii) > 1 else None
        out[q] = {
            "x": [feats[f] for f in QUESTION_FEATURES],
            "kind": kinds[ii[0]],
            "group": groups[ii[0]],
            "p1": p[ii[0]],
            "c1": int(y[ii[0]]),
            "p2": p[second] if second is not None else 0.0,
            "c2": int(y[second]) if second is not None else 0,
        }
    return out


def _operating_point(table: dict, qprob: dict[str, float], pair: str) -> dict:
    ans = [q for q, v in table.items() if v["kind"] == "answerable"]
    target = TARGET_FALSE_ABSTENTION[pair]
    probs = sorted(qprob[q] for q in ans)
    tau = max(0.0, probs[int(target * len(probs))] - 1e-9)
    shown = [q for q in ans if qprob[q] >= tau]
    best_ratio, best_acc = 1.01, -1.0
    for ratio in (0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
        right = sum(1 for q in shown if table[q]["c1"] or (table[q]["p2"] >= ratio * table[q]["p1"] and table[q]["c2"]))
        seconds = sum(1 for q in shown if table[q]["p2"] >= ratio * table[q]["p1"])
        if right / len(ans) > best_acc + 0.003 and seconds / len(shown) <= 0.5:
            best_ratio, best_acc = ratio, right / len(ans)
    report = {
        "threshold": round(tau, 6),
        "second_ratio": best_ratio,
        "answerable": len(ans),
        "false_abstention": round(1 - len(shown) / len(ans), 4),
        "accuracy": round(best_acc, 4),
    }
    una = [q for q, v in table.items() if v["kind"] != "answerable"]
    report["abstained_unanswerable"] = round(sum(qprob[q] < tau for q in una) / len(una), 4)
    for kind in KINDS:
        ks = [q for q, v in table.items() if v["kind"] == kind]
        if ks:
            report[f"abstained_{kind}"] = round(sum(qprob[q] < tau for q in ks) / len(ks), 4)
            report[f"n_{kind}"] = len(ks)
    # the trade-off, for the README: abstention on unanswerables at other false-abstention rates
    report["curve"] = {}
    for fa in (0.02, 0.05, 0.10, 0.20):
        t = probs[int(fa * len(probs))]
        report["curve"][f"{fa:.2f}"] = round(sum(qprob[q] < t for q in una) / len(una), 4)
    return report


def refit(embedder_id: str, limit: int = 6) -> None:
    import sklearn

    meta = json.loads((CACHE / "meta.json").read_text())
    pairs, report, ratios = {}, {}, []
    cheap_cols = [FEATURES.index(f) for f in CHEAP]
    for pair in ("ar-ar", "en-ar", "en-en"):
        z = np.load(CACHE / f"{pair}.npz")
        x, y, groups, qids, kinds = z["x"], z["y"], z["groups"], z["qids"], z["kinds"]
        names = list(z["names"]) if "names" in z else ["cos", "cos_gap", "cos_best", "cos_ctx", "cos_ctx_gap", *CHEAP]
        x = x[:, [names.index(f) for f in FEATURES]]  # cached features may hold columns no longer used
        cheap, cheap_oof = _fit(x[:, cheap_cols], y, groups)
        keep, xs = _select(x, qids, cheap_oof, limit)
        full, full_oof = _fit(xs[keep], y[keep], groups[keep])
        table = _question_table(xs[keep], qids[keep], kinds[keep], groups[keep], y[keep], full_oof)
        qs = sorted(table)
        qx = np.array([table[q]["x"] for q in qs])
        qy = np.array([int(table[q]["kind"] == "answerable") for q in qs])
        qg = np.array([table[q]["group"] for q in qs])
        question, q_oof = _fit(qx, qy, qg)
        op = _operating_point(table, dict(zip(qs, q_oof)), pair)
        ratios.append(op["second_ratio"])
        pairs[pair] = {"cheap": cheap, "full": full, "question": question, "threshold": op["threshold"]}
        report[pair] = {**meta[pair], "embedded_per_question": limit, "out_of_fold": op}
        print(pair, json.dumps(op), flush=True)
    spec = {
        "version": 2,
        "features": list(FEATURES),
        "cheap_features": list(CHEAP),
        "question_features": list(QUESTION_FEATURES),
        "embedder": embedder_id,
        "second_ratio": min(ratios),
        "pairs": pairs,
        "training": {
            "script": "eval/train_answer_scorer.py",
            "splits": "eval/splits.json (train parts only)",
            "data": "XQuAD-ar/en train articles, ARCD train articles, 300 ANT distractors (train slice), "
            "three rotations of what is left out of the index",
            "label": "sentence of the gold paragraph that contains the gold answer; question: answerable or not",
            "target_false_abstention": TARGET_FALSE_ABSTENTION,
            "report": report,
            "sklearn": sklearn.__version__,
            "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d"),
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    update_manifest()
    print(f"wrote {OUT}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--refit", action="store_true", help="fit from the cached features only")
    ap.add_argument("--model-cache", type=Path, default=None)
    args = ap.parse_args()
    if not args.refit:
        gather(args)
    refit(load_settings().embedder)


if __name__ == "__main__":
    main()
