"""Train the support checker shipped as assistant/data/support/ (delta.safetensors + support.json).

    python -m eval.train_support                 # ~50 min on 2 cores; resumes from eval/runs/support/
    python -m eval.train_support --limit 40 --epochs 1 --out /tmp/support   # a smoke run (minutes)
    python -m eval.train_support --llm 4 --out DIR   # also the LLM's own labelled training sentences, 4 times each

The checker reads a claim and the source it cites *together* and gives the probability that the
source supports it — for Arabic claims and for English claims over Arabic sources. It is the
reader's machinery (assistant/training/reader.py, assistant/models/reader.py) on another task.

Data (assistant/training/support_pairs.py says how each kind of claim is made): the *training*
articles of XQuAD (Arabic paragraphs; their English translations give the English claims), ARCD and
TyDi-ar (eval/splits.json, split by article). Never read: the test articles, and the articles of the
labelled faithfulness set that are held out for the checker's figures
(eval/faithfulness/common.py:held_out_articles). 15 % of the remaining articles (a seeded hash of
the title) are a development fold, for the figures recorded beside the model. ``--llm N`` adds the
default LLM's own sentences for training questions, labelled by hand (eval/faithfulness/trainset.py;
kind ``llm``), each in the fold of its article, the training ones N times.

The model: multilingual-e5-small as the product converts it, embeddings and lower layers frozen,
the top layers and a head trained with binary cross-entropy (the checker's output is a probability
that calibration reads) plus a listwise term over each anchor's claims (its true claims above its
edited ones: the difference between a copy and a copy with one name moved is what it must learn).
The record says the data (files and sha256), the split, the seed, the configuration, the time and
the development figures per kind of claim.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import load_splits, part, split_titles
from assistant.models.e5convert import ensure_converted
from assistant.models.reader import SUPPORT_DIR, base_digest, sha256_file
from assistant.models.reader_text import PASSAGE_PREFIX, QUERY_PREFIX, pair_tokenizer
from assistant.resources import update_manifest
from assistant.training import reader as T
from assistant.training import support_pairs as S
from eval.faithfulness.common import held_out_articles

HERE = Path(__file__).resolve().parent
DEV_SALT = "article-assistant-support-dev-v1"
TRUNCATION = "longest_first"  # a claim can be long too: the longer of the two texts is cut
DATA_VERSION = 2  # 2: every anchor's exact copy, attributions on any claim (v1 taught a shortcut)
_FOLDS = {"fit": 0.85, "dev": 0.15}
MAX_CLAIM_WORDS = 60  # longer claims are left out of training (the LLM's sentences are shorter)
DATASETS = {
    "xquad": bundled("xquad-ar"),
    "xquad-en": bundled("xquad-en"),
    "arcd": bundled("arcd"),
    "tydiqa": bundled("tydiqa-ar"),
}


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def gather(limit: int | None, embedder) -> tuple[list[S.Paragraph], list[S.Paragraph], dict, dict]:  # noqa: ANN001
    """(fit paragraphs, dev paragraphs, XQuAD sentence alignments, what was read) — training articles only,
    without the labelled set's held-out articles."""
    splits = load_splits()
    ds = {k: load_dataset(p) for k, p in DATASETS.items()}
    held = held_out_articles()
    fit: list[S.Paragraph] = []
    dev: list[S.Paragraph] = []
    record: dict = {"files": {}, "articles": {}}
    for name in ("xquad", "arcd", "tydiqa"):
        train = [t for t in splits[name]["train"] if t not in held.get(name, set())]
        parts = split_titles(train, _FOLDS, DEV_SALT)
        record["articles"][name] = {
            "fit": len(parts["fit"]),
            "dev": len(parts["dev"]),
            "held_out_for_the_labelled_set": len(held.get(name, set())),
            "test_never_read": len(splits[name]["test"]),
        }
        for fold, out in (("fit", fit), ("dev", dev)):
            ar = part(ds[name], parts[fold])
            en = part(ds["xquad-en"], parts[fold]) if name == "xquad" else None
            qa: dict[str, list] = defaultdict(list)
            for qid, rel in ar.qrels.items():
                pid = next(iter(rel))
                qa[pid].append((ar.queries[qid], tuple(ar.answers.get(qid, [])), "ar"))
                if en is not None and qid in en.queries:
                    qa[pid].append((en.queries[qid], tuple(en.answers.get(qid, [])), "en"))
            for pid, (title, text) in sorted(ar.corpus.items()):
                english = en.corpus[pid][1] if en is not None and pid in en.corpus else ""
                out.append(S.Paragraph(f"{name}:{pid}", title, name, text, english, tuple(qa.get(pid, ()))))
        for p in (DATASETS[name], DATASETS["xquad-en"]) if name == "xquad" else (DATASETS[name],):
            f = next(x for x in sorted(p.glob("*.json")) if x.name != "dataset.json")
            record["files"][str(f.relative_to(HERE.parent))] = sha256_file(f)
    if limit:
        fit, dev = fit[:limit], dev[: max(4, limit // 4)]
    aligned = {}
    for p in fit + dev:
        if p.english:
            ar, en = S.sentences(p.text), S.sentences(p.english)
            if ar and en:
                va, ve = embedder.embed_passages(ar), embedder.embed_passages(en)
                aligned[p.pid] = S.align(ar, en, (np.asarray(va) @ np.asarray(ve).T).tolist())
    record["aligned_sentences"] = sum(len(a) for a in aligned.values())
    return fit, dev, aligned, record


def llm_pairs(repeat: int) -> tuple[list[S.SupportPair], list[S.SupportPair], dict]:
    """The LLM's own sentences from training questions, labelled by hand (eval/faithfulness/trainset.py), as
    (fit, dev) pairs of kind ``llm``: each in the fold of its article, as the claims made from its paragraphs
    are; the fit ones ``repeat`` times (a few hundred among thousands), each copy its own group. Never a
    sentence of the labelled set's held-out articles (trainset.py does not ask them; checked again here)."""
    from eval.faithfulness import trainset
    from eval.faithfulness.common import article_of, is_held_out

    splits, held, of = load_splits(), held_out_articles(), article_of()
    dev_titles = {
        name: set(
            split_titles([t for t in splits[name]["train"] if t not in held.get(name, set())], _FOLDS, DEV_SALT)["dev"]
        )
        for name in ("xquad", "arcd")
    }
    fit: list[S.SupportPair] = []
    dev: list[S.SupportPair] = []
    rows = trainset.labelled()
    for r in rows:
        if is_held_out(r["qid"], held, of):
            raise SystemExit(f"{trainset.LABELS}: sentence {r['id']} is of a held-out article")
        section, title = of(r["qid"])
        label = int(r["label"] == "supported")
        one = S.SupportPair(f"llm:{r['id']}", r["source"], r["sentence"], label, "llm", r["pair"], title, section)
        if title in dev_titles[section]:
            dev.append(one)
        else:
            fit += [replace(one, group=f"llm:{r['id']}#{k}") for k in range(repeat)]
    file = trainset.LABELS
    record = {
        "sentences": len(rows),
        "fit": len(fit) // max(1, repeat),
        "dev": len(dev),
        "repeat": repeat,
        "files": {str(f.relative_to(HERE.parent)): sha256_file(f) for f in (trainset.OUT, file)},
    }
    return fit, dev, record


def build(paragraphs: list[S.Paragraph], aligned: dict, seed: int, max_anchors: int) -> list[S.SupportPair]:
    rng = random.Random(seed)
    out: list[S.SupportPair] = []
    for p in paragraphs:  # every sentence of an XQuAD paragraph: the only English claims there are
        out += S.pairs_of(p, rng, aligned.get(p.pid), max_anchors=99 if p.english else max_anchors)
    return [p for p in out if len(p.claim.split()) <= MAX_CLAIM_WORDS]


def by_kind(pairs: list[S.SupportPair], scores: np.ndarray, threshold: float = 0.0) -> dict:
    """Per language pair and kind: how many, and the share the checker calls supported (logit > threshold)."""
    out: dict = defaultdict(dict)
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for p, s in zip(pairs, scores):
        groups[(p.pair, p.kind)].append(float(s > threshold))
    for (pair, kind), v in sorted(groups.items()):
        out[pair][kind] = {"n": len(v), "called_supported": round(float(np.mean(v)), 3)}
    for pair in {p.pair for p in pairs}:
        y = np.array([p.label for p in pairs if p.pair == pair])
        s = np.array([float(x) for p, x in zip(pairs, scores) if p.pair == pair])
        out[pair]["auc"] = round(_auc(y, s), 4)
    return dict(out)


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    pos, neg = s[y == 1], s[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]))
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def as_question_pairs(pairs: list[S.SupportPair]) -> list:
    """The support pairs in the reader trainer's shape: the claim plays the question, the source the sentence."""
    from assistant.training.reader_pairs import Pair

    return [Pair(p.group, p.claim, p.source, p.label, p.pair, p.article, p.dataset) for p in pairs]


def digest_of(pairs: list[S.SupportPair]) -> str:
    from assistant.training.reader_pairs import digest

    return digest(as_question_pairs(pairs))


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=SUPPORT_DIR)
    ap.add_argument("--work", type=Path, default=HERE / "runs" / "support")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--train-layers", type=int, default=6)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--anchors", type=int, default=3, help="anchor sentences per paragraph")
    ap.add_argument(
        "--listwise",
        type=float,
        default=0.5,
        help="weight of the term that ranks an anchor's true claims above its edits",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="paragraphs (smoke runs)")
    llm = "also the LLM's own hand-labelled sentences from training questions (eval/faithfulness/trainset.py), N times"
    ap.add_argument("--llm", type=int, default=0, metavar="N", help=llm)
    ap.add_argument("--pairs-only", action="store_true", help="build and count the pairs, then stop")
    return ap.parse_args()


def main() -> None:
    args = arguments()
    import torch
    from transformers import BertModel

    from assistant.models.loading import load_embedder

    cfg = T.TrainConfig(
        train_layers=args.train_layers,
        max_length=args.max_length,
        epochs=args.epochs,
        seed=args.seed,
        listwise=args.listwise,
        batch_groups=4,
    )
    torch.set_num_threads(cfg.threads)
    T.set_seed(cfg.seed)
    t0 = time.time()
    settings = load_settings(llm_backend="none")
    fit_p, dev_p, aligned, data = gather(args.limit, load_embedder(settings))
    fit, dev = build(fit_p, aligned, cfg.seed, args.anchors), build(dev_p, aligned, cfg.seed + 1, args.anchors)
    if args.llm:
        llm_fit, llm_dev, data["llm_sentences"] = llm_pairs(args.llm)
        fit, dev = fit + llm_fit, dev + llm_dev
    counts = {
        "fit": dict(Counter(f"{p.pair}/{p.kind}" for p in fit)),
        "dev": dict(Counter(f"{p.pair}/{p.kind}" for p in dev)),
        "sha256": {"fit": digest_of(fit), "dev": digest_of(dev)},  # tests/test_recipes.py rebuilds and compares
    }
    log(f"{len(fit)} training pairs ({len(fit_p)} paragraphs), {len(dev)} development pairs ({len(dev_p)})")
    log(json.dumps(counts["fit"], ensure_ascii=False))
    if args.pairs_only:
        for p in random.Random(0).sample(fit, min(30, len(fit))):
            print(p.pair, p.kind, p.label, "|", p.claim, "|", p.source[:160])
        return
    model_dir = ensure_converted(settings.model_cache / "embeddings")
    bert = BertModel.from_pretrained(str(model_dir), local_files_only=True, add_pooling_layer=False).eval()
    first = len(bert.encoder.layer) - cfg.train_layers
    digest = base_digest(bert.state_dict(), first)
    args.work.mkdir(parents=True, exist_ok=True)
    # the claims themselves (their sha256), not their counts: a change of code that builds other claims at the same
    # counts must not read another run's states or resume its checkpoint
    key = hashlib.sha256(
        json.dumps([DATA_VERSION, T.asdict(cfg), first, digest_of(fit), digest_of(dev), args.anchors]).encode()
    ).hexdigest()[:12]
    tok = pair_tokenizer(model_dir, cfg.max_length, TRUNCATION)
    qfit, qdev = as_question_pairs(fit), as_question_pairs(dev)
    from eval.train_reader import frozen

    states_fit, states_dev = frozen(bert, tok, qfit, qdev, first, args.work / f"states-{key}.pt")
    t_states = time.time() - t0
    top = T.TopModel(bert, cfg.train_layers)
    result = T.fit(top, states_fit, qfit, cfg, args.work / f"checkpoint-{key}.pt", log)
    dev_scores = T.predict(top, states_dev)
    figures = by_kind(dev, dev_scores)
    log(f"development fold: {json.dumps(figures, ensure_ascii=False)}")
    np.save(args.work / f"dev-scores-{key}.npy", dev_scores)
    record = record_of(args, cfg, bert, first, digest, data, counts, figures, result, t0, t_states)
    write(top, args.out, record)
    log(f"wrote {args.out} ({record['delta']['bytes'] / 1e6:.1f} MB) in {time.time() - t0:.0f} s")


def record_of(args, cfg, bert, first, digest, data, counts, figures, result, t0, t_states) -> dict:  # noqa: ANN001
    """What support.json says about the trained checker: input, base, data, split, configuration, figures."""
    import torch

    return {
        "what": "source-claim support checker over multilingual-e5-small (top layers and head trained)",
        "input": "first: 'query: ' + claim; second: 'passage: ' + source window (cut, never the claim)",
        "base": T.base_record(digest, first),
        "train_layers_from": first,
        "max_length": cfg.max_length,
        "truncation": TRUNCATION,
        "pad_id": int(bert.config.pad_token_id or 1),
        "prefixes": [QUERY_PREFIX, PASSAGE_PREFIX],
        "pooling": "mean",
        "config": T.asdict(cfg),
        "anchors_per_paragraph": args.anchors,
        "data_version": DATA_VERSION,
        "data": data,
        "pairs": counts,
        "split": {
            "test": "eval/splits.json train parts only",
            "held_out": "the labelled faithfulness set's held-out articles (eval/faithfulness/common.py) never read",
            "dev_fold": f"15% of the remaining training articles by sha256({DEV_SALT}:title)",
        },
        "development": figures,
        "training": result["history"],
        "seconds": {"total": round(time.time() - t0), "frozen_states": round(t_states)},
        "machine": f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {cfg.threads} threads",
        "command": "python -m eval.train_support" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""),
        "date": time.strftime("%Y-%m-%d"),
    }


def write(top, out: Path, record: dict) -> None:  # noqa: ANN001
    T.save_delta(top, out)
    delta = out / "delta.safetensors"
    record["delta"] = {"file": delta.name, "sha256": sha256_file(delta), "bytes": delta.stat().st_size}
    old = out / "support.json"
    if old.exists() and "calibration" in (prev := json.loads(old.read_text(encoding="utf-8"))):
        record["calibration_stale"] = prev["calibration"]  # recalibrate: python -m eval.calibrate_support
    old.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if out.resolve() == SUPPORT_DIR.resolve():
        update_manifest()


if __name__ == "__main__":
    main()
