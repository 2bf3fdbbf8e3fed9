"""Train the reader shipped as assistant/data/reader/ (delta.safetensors + reader.json).

    python -m eval.train_reader                 # the shipped recipe: 35-55 min on 2 cores; resumes: eval/runs/reader/
    python -m eval.train_reader --limit 40 --epochs 1 --out /tmp/reader   # a smoke run (minutes)
    python -m eval.train_reader --swap 0.2      # also questions about another entity (all negatives)
    python -m eval.train_reader --nearmiss 0.5  # also questions with their rarest word swapped for a name
    python -m eval.train_reader --nogold 0.5    # more questions also asked without their paragraph (0.25 shipped)
    python -m eval.train_reader --no-extra      # without ARCD's second file (the reader shipped before 2026-12-06)
    python -m eval.train_reader --mlqa DIR      # also MLQA's Arabic development questions (eval/data/MLQA.md)
    python -m eval.train_reader --mlqa DIR --mlqa-pairs en-ar   # only their English wording

The shipped reader was trained on the pairs this command built before bedfec5 (sentence splitting): its
record's ``rebuild`` says how to rebuild it (at commit 0343a76); on today's code it builds other pairs and
another reader, not shipped (eval/README.md; tests/test_recipes.py).

Data: the *training* articles of XQuAD (Arabic questions; their English twins over the same Arabic
paragraphs; the English questions over the English paragraphs), ARCD and TyDi-ar (eval/splits.json:
split by article, never by question; no test article is read), and ARCD's second
file (eval/data/arcd-second/: its articles that no evaluation set holds, all in the training fold). 20 % of
the evaluation sets' training articles (by a seeded hash of the title) are a development fold: not
trained on, used for the figures below and for calibration (eval/calibrate_reader.py). Hard negatives
come from BM25 over the training paragraphs and 300 ANT news articles (the training slice of
distractors).

The model: multilingual-e5-small as the product converts it, its embeddings and lower layers frozen,
the top layers and a head trained (assistant/reader/train.py). The record beside the delta says the
data (files and sha256), the split, the seed, the configuration, the time and the development figures,
with the e5 bi-encoder cosine on the same candidates as the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.evaluation.datasets import (
    Dataset,
    bundled,
    load_dataset,
)
from assistant.evaluation.splits import distractor_files, load_splits, part, split_titles
from assistant.models.e5convert import ensure_converted
from assistant.models.reader import READER_DIR, base_digest, sha256_file
from assistant.models.reader_text import BEFORE_WORDS, PASSAGE_PREFIX, QUERY_PREFIX, encode_pairs, pair_tokenizer
from assistant.resources import update_manifest
from assistant.training import reader as T
from assistant.training import reader_pairs as P
from eval.reader_extra import mlqa_questions, more_questions, without_extra

HERE = Path(__file__).resolve().parent
ANT = HERE.parent.parent / "shared" / "data" / "ant"
DEV_SALT = "article-assistant-reader-dev-v1"
DATASETS = {
    "xquad": bundled("xquad-ar"),
    "xquad-en": bundled("xquad-en"),
    "arcd": bundled("arcd"),
    "tydiqa": bundled("tydiqa-ar"),
}


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def folds(ds: Dataset, titles: list[str]) -> tuple[list[str], list[str]]:
    parts = split_titles(titles, {"fit": 0.8, "dev": 0.2}, DEV_SALT)
    return parts["fit"], parts["dev"]


def entity_names(fit_q: list[P.Question]) -> list[str]:
    """Names for swapped questions: the titles of the training fold's articles (Wikipedia titles: places,
    people, things), in both scripts, never a name of the evaluation's pool of unknown names."""
    from assistant.evaluation.unanswerable import NAME_POOL

    unknown = {n for pair in NAME_POOL for n in pair}
    titles = {q.article.replace("_", " ").strip() for q in fit_q}
    return sorted(t for t in titles if len(t) >= 3 and t not in unknown)


def swap_metrics(pairs: list, scores: np.ndarray, suffix: str = "#swap") -> dict[str, dict[str, float]]:
    """Per language pair: how often the reader scores an answer sentence higher for its own question
    than for the question with an entity (``#swap``) or its rarest word (``#nearmiss``) swapped, and the
    mean margin."""
    own = {(p.group, p.sentence): scores[i] for i, p in enumerate(pairs) if p.label}
    by_pair: dict[str, list[float]] = {}
    for i, p in enumerate(pairs):
        base = p.group.removesuffix(suffix)
        if base != p.group and (base, p.sentence) in own:
            by_pair.setdefault(p.pair, []).append(float(own[(base, p.sentence)] - scores[i]))
    return {
        k: {
            "own_above_swapped": round(float(np.mean(np.array(v) > 0)), 4),
            "margin": round(float(np.mean(v)), 3),
            "n": len(v),
        }
        for k, v in sorted(by_pair.items())
    }


def development(dev: list, scores: np.ndarray, base: np.ndarray, swap: bool, nearmiss: bool = False) -> dict:
    """The development fold's figures: the reader's and e5's cosine's, and with swaps, how each tells a
    question from its swapped twin."""
    figures = {"reader": T.ranking_metrics(dev, scores), "e5_cosine": T.ranking_metrics(dev, base)}
    for on, key, suffix in ((swap, "swapped", "#swap"), (nearmiss, "nearmiss", "#nearmiss")):
        if on:
            figures[key] = {"reader": swap_metrics(dev, scores, suffix), "e5_cosine": swap_metrics(dev, base, suffix)}
    return figures


def swap_record(share: float, names: list[str], fit: list, kind: str = "swap") -> dict:
    if not share:
        return {}
    groups = len({p.group for p in fit if p.group.endswith("#" + kind)})
    return {kind: {"share": share, "names": len(names), "groups": groups}}


def cache_key(parts: list) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:12]


def gather(
    limit: int | None, extra: bool = False, mlqa: Path | None = None, mlqa_pairs: tuple[str, ...] = ("ar-ar", "en-ar")
) -> tuple[list[P.Question], list[P.Question], dict[str, str], dict]:
    """(fit questions, dev questions, the negative pool, what was read) — training articles only; with
    ``extra``, ARCD's second file's unseen articles too (``more_questions``); with ``mlqa``, MLQA's."""
    splits = load_splits()
    ds = {k: load_dataset(p) for k, p in DATASETS.items()}
    fit_q: list[P.Question] = []
    dev_q: list[P.Question] = []
    pool: dict[str, str] = {}
    record: dict = {"files": {}, "articles": {}}
    for name, section, pairs in (
        ("xquad", "xquad", ("ar-ar", "en-ar", "en-en")),
        ("arcd", "arcd", ("ar-ar",)),
        ("tydiqa", "tydiqa", ("ar-ar",)),
    ):
        train = splits[section]["train"]
        fit, dev = folds(ds[name], train)
        record["articles"][name] = {"fit": len(fit), "dev": len(dev), "test_never_read": len(splits[section]["test"])}
        for titles, out in ((fit, fit_q), (dev, dev_q)):
            ar = part(ds[name], titles)
            if "ar-ar" in pairs:
                out += P.questions_of(ar, name, "ar-ar")
            if "en-ar" in pairs:
                out += P.questions_of(ar, name, "en-ar", twin=part(ds["xquad-en"], titles))
            if "en-en" in pairs:
                en = part(ds["xquad-en"], titles)
                out += [
                    q.__class__(**{**q.__dict__, "qid": q.qid + "@en-en", "pair": "en-en", "pid": "en:" + q.pid})
                    for q in P.questions_of(en, "xquad", "en-en")
                ]
                pool.update({f"en:xquad:{pid}": t for pid, (_, t) in en.corpus.items()})
            pool.update({f"{name}:{pid}": t for pid, (_, t) in ar.corpus.items()})
        for p in (DATASETS[name], DATASETS["xquad-en"]) if name == "xquad" else (DATASETS[name],):
            f = next(x for x in sorted(p.glob("*.json")) if x.name != "dataset.json")
            record["files"][str(f.relative_to(HERE.parent))] = sha256_file(f)
    if extra:
        fit_q += more_questions(ds, pool, record)
    if mlqa:
        fit_q += mlqa_questions(mlqa, ds, pool, record, pairs=mlqa_pairs)
    d = splits["distractors"]
    if ANT.exists():
        from assistant.ingest.loaders import load_file

        for f in distractor_files(ANT, d["train"]["count"], d["train"]["offset"], d["seed"]):
            for i, para in enumerate(x for x in load_file(f).text.split("\n") if len(x.split()) > 8):
                pool[f"ant:{f.name}:{i}"] = para
        record["distractors"] = f"ANT training slice: {d['train']['count']} articles (offset {d['train']['offset']})"
    if limit:
        fit_q, dev_q = fit_q[:limit], dev_q[: max(4, limit // 4)]
    return fit_q, dev_q, pool, record


def cosine_baseline(bert, encoded_q, encoded_s) -> np.ndarray:  # noqa: ANN001
    """e5's own bi-encoder cosine (mean pooling), what the product's scorer reads today."""
    import torch

    def embed(rows: list[list[int]]) -> np.ndarray:
        out = []
        for b in range(0, len(rows), 32):
            ids, mask = T._pad(rows[b : b + 32])
            with torch.no_grad():
                h = bert(input_ids=ids, attention_mask=mask).last_hidden_state
            v = T.mean_pool(h, mask)
            out.append(torch.nn.functional.normalize(v, dim=-1).numpy())
        return np.concatenate(out)

    return (embed(encoded_q) * embed(encoded_s)).sum(1)


def frozen(bert, tok, fit: list, dev: list, first: int, cache: Path, before: int = 0) -> tuple[list, list]:  # noqa: ANN001
    """The frozen layers' output for the training and development pairs, computed once and cached (with
    ``before``, each sentence read with that many opening words of the one before it)."""
    import torch

    if cache.exists():
        log(f"frozen layers' output read from {cache}")
        return torch.load(cache, weights_only=False)
    both = fit + dev
    texts = [P.reader_text(p, before) for p in both]
    enc = [{"input_ids": r} for r in encode_pairs(tok, [p.question for p in both], texts)]
    states = T.frozen_states(bert, enc, first, lambda i, n: log(f"frozen layers: {i}/{n}") if i % 1024 < 32 else None)
    torch.save((states[: len(fit)], states[len(fit) :]), cache)
    log(f"frozen layers' output cached in {cache}")
    return states[: len(fit)], states[len(fit) :]


def baseline(bert, model_dir: Path, dev: list, max_length: int) -> np.ndarray:  # noqa: ANN001
    """e5's bi-encoder cosine on the development candidates (before the top layers are trained)."""
    single = pair_tokenizer(model_dir, max_length)
    single.enable_truncation(max_length)  # one text at a time, as the product embeds them
    qs = single.encode_batch([QUERY_PREFIX + p.question for p in dev])
    ss = single.encode_batch([PASSAGE_PREFIX + p.sentence for p in dev])
    return cosine_baseline(bert, [e.ids for e in qs], [e.ids for e in ss])


def write(top, out: Path, record: dict) -> None:  # noqa: ANN001
    """The delta and its record; the package manifest updated when it is the shipped reader."""
    T.save_delta(top, out)
    delta = out / "delta.safetensors"
    record["delta"] = {"file": delta.name, "sha256": sha256_file(delta), "bytes": delta.stat().st_size}
    old = out / "reader.json"
    if old.exists() and "calibration" in (prev := json.loads(old.read_text(encoding="utf-8"))):
        record["calibration_stale"] = prev["calibration"]  # recalibrate: python -m eval.calibrate_reader
    old.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if out.resolve() == READER_DIR.resolve():
        update_manifest()


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=READER_DIR)
    ap.add_argument("--work", type=Path, default=HERE / "runs" / "reader")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--train-layers", type=int, default=6)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="questions (smoke runs)")
    ap.add_argument(
        "--extra",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="ARCD's second file (eval/data/arcd-second/) as more training questions (default: yes, as shipped)",
    )
    ap.add_argument("--mlqa", type=Path, help="a folder holding MLQA v1's two Arabic-context dev files")
    ap.add_argument("--mlqa-pairs", default="ar-ar,en-ar", help="which MLQA questions: ar-ar, en-ar or both")
    ap.add_argument(
        "--before",
        type=int,
        nargs="?",
        const=BEFORE_WORDS,
        default=0,
        help=f"read each sentence with the opening words of the one before it (default {BEFORE_WORDS} words)",
    )
    ap.add_argument(
        "--nogold",
        type=float,
        default=P.NOGOLD,
        help=f"share of questions also asked without their paragraph (all negatives; {P.NOGOLD} as shipped)",
    )
    ap.add_argument("--swap", type=float, default=0.0, help="share of questions also asked about another entity")
    ap.add_argument(
        "--nearmiss",
        type=float,
        default=0.0,
        help="share of questions also asked with their rarest word swapped for a name (all negatives)",
    )
    return ap.parse_args()


def shape(bert, cfg: T.TrainConfig, first: int, digest: str, before: int) -> dict:  # noqa: ANN001
    """The record's part that says what the reader is and what it reads (the answer step follows it)."""
    return {
        "what": "question-sentence cross-encoder over multilingual-e5-small (top layers and head trained)",
        "base": T.base_record(digest, first),
        "train_layers_from": first,
        "max_length": cfg.max_length,
        "pad_id": int(bert.config.pad_token_id or 1),
        "prefixes": [QUERY_PREFIX, PASSAGE_PREFIX],
        "pooling": "mean",
        **({"context": "before", "before_words": before} if before else {}),
    }


def training_pairs(args: argparse.Namespace, seed: int, fit_q: list, dev_q: list, pool: dict) -> tuple:
    """(training pairs, development pairs, the training titles swapped groups may name)."""
    names = entity_names(fit_q)
    more = {"nogold": args.nogold, "swap": args.swap, "names": names, "nearmiss": args.nearmiss}  # all-negative groups
    fit = P.build_pairs(fit_q, pool, seed=seed, **more)
    # the development pairs as the shipped reader was measured on (no-gold groups hold no answer to rank)
    dev = P.build_pairs(dev_q, without_extra(pool), seed=seed + 1, **{**more, "nogold": P.NOGOLD})
    return fit, dev, names


def run_keys(args: argparse.Namespace, cfg: T.TrainConfig, first: int, fit: list, dev: list) -> tuple[str, str]:
    """(the frozen states' cache key, the checkpoint's): the states follow from the pairs themselves (their
    sha256, so a seed or a change of code that builds other pairs never reads another run's states, even at the
    same counts) and how they are encoded; the checkpoint also from the training configuration, its seed among
    them, so that no run resumes another's. (Before 2026-12-07 the key was the pairs' counts and options: a
    second seed would have resumed the first one's finished checkpoint.)"""
    states = cache_key([cfg.max_length, first, P.digest(fit), P.digest(dev), args.before])
    return states, cache_key([states, T.asdict(cfg)])


def main() -> None:
    args = arguments()
    import torch
    from transformers import BertModel

    cfg = T.TrainConfig(train_layers=args.train_layers, max_length=args.max_length, epochs=args.epochs, seed=args.seed)
    torch.set_num_threads(cfg.threads)
    T.set_seed(cfg.seed)
    t0 = time.time()
    mlqa_pairs = tuple(args.mlqa_pairs.split(","))
    fit_q, dev_q, pool, data = gather(args.limit, extra=args.extra, mlqa=args.mlqa, mlqa_pairs=mlqa_pairs)
    fit, dev, names = training_pairs(args, cfg.seed, fit_q, dev_q, pool)
    log(f"{len(fit)} training pairs ({len(fit_q)} questions), {len(dev)} development pairs ({len(dev_q)})")
    model_dir = ensure_converted(load_settings().model_cache / "embeddings")
    bert = BertModel.from_pretrained(str(model_dir), local_files_only=True, add_pooling_layer=False).eval()
    first = len(bert.encoder.layer) - cfg.train_layers
    digest = base_digest(bert.state_dict(), first)
    args.work.mkdir(parents=True, exist_ok=True)
    key, run = run_keys(args, cfg, first, fit, dev)
    tok = pair_tokenizer(model_dir, cfg.max_length)
    states_fit, states_dev = frozen(bert, tok, fit, dev, first, args.work / f"states-{key}.pt", args.before)
    t_states = time.time() - t0
    base_scores = baseline(bert, model_dir, dev, cfg.max_length)
    top = T.TopModel(bert, cfg.train_layers)
    result = T.fit(top, states_fit, fit, cfg, args.work / f"checkpoint-{run}.pt", log)
    dev_scores = T.predict(top, states_dev)
    figures = development(dev, dev_scores, base_scores, bool(args.swap), bool(args.nearmiss))
    log(f"development fold, best candidate holds the answer: {json.dumps(figures)}")
    np.save(args.work / f"dev-scores-{run}.npy", dev_scores)
    record = {
        **shape(bert, cfg, first, digest, args.before),
        "config": T.asdict(cfg),
        "data": data,
        "pairs": {
            "fit": len(fit),
            "dev": len(dev),
            "fit_questions": len(fit_q),
            "dev_questions": len(dev_q),
            "nogold_share": args.nogold,
            "sha256": {"fit": P.digest(fit), "dev": P.digest(dev)},  # tests/test_recipes.py rebuilds and compares
        },
        **swap_record(args.swap, names, fit),
        **swap_record(args.nearmiss, P.name_like(names), fit, "nearmiss"),
        "split": {
            "test": "eval/splits.json train parts only",
            "dev_fold": f"20% of training articles by sha256({DEV_SALT}:title)",
        },
        "development": figures,
        "training": result["history"],
        "seconds": {"total": round(time.time() - t0), "frozen_states": round(t_states)},
        "machine": f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {cfg.threads} threads",
        "command": "python -m eval.train_reader" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""),
        "date": time.strftime("%Y-%m-%d"),
    }
    write(top, args.out, record)
    log(f"wrote {args.out} ({record['delta']['bytes'] / 1e6:.1f} MB) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
