"""Calibrate the verifier on the labelled faithfulness set; write assistant/data/verifier.json.

    python -m eval.faithfulness.calibrate

For each language pair (Arabic from Arabic, English from Arabic) the semantic floor (cosine between a
sentence and its best sentence in the cited source) and, for same-language sentences, the IDF above
which a word the source lacks counts as invented, are chosen as the values that keep the most
supported sentences while dropping at least TARGET_DROPPED of the perturbed ones. The report lists
kept/dropped rates per kind of perturbation, with the reasons the verifier gave.
"""

from __future__ import annotations

import json
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.answer.grounding import VERIFIER_FILE, Verifier
from assistant.config import load_settings
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import load_splits, part
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.pipeline import index_documents
from assistant.models.loading import load_embedder
from assistant.resources import update_manifest
from assistant.retrieval import Retriever
from assistant.store import open_index
from assistant.text.arabic import detect_language
from eval.faithfulness.common import paragraph_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

TARGET_DROPPED = 0.98
TARGET_KEPT = 0.85
PAIRS = ("ar-ar", "en-ar")


def main() -> None:
    rows = [json.loads(line) for line in (HERE / "faithfulness.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["label"] in ("supported", "unsupported")]
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    splits = load_splits()
    tmp = Path(tempfile.mkdtemp(prefix="calibrate-"))
    index = open_index(settings, embedder.model_id, embedder.dim, data_dir=tmp / "index")
    docs = []
    for name, key in (("xquad-ar", "xquad"), ("arcd", "arcd")):
        ds = part(load_dataset(bundled(name)), splits[key]["train"])
        docs += [
            (clean(Loaded(text=t, fmt="text", title=title, scraped=False), source=pid), f"{name}:{pid}")
            for pid, (title, t) in ds.corpus.items()
        ]
    index_documents(index, embedder, docs, settings.chunk_max_tokens)
    retriever = Retriever(index, embedder)
    cache: dict[str, np.ndarray] = {}

    def embed(texts):  # noqa: ANN001, ANN202
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            cache.update(zip(todo, embedder.embed_passages(todo)))
        return np.stack([cache[t] for t in texts])

    # Every check but the semantic floor is fixed; collect each row's cosine and its other verdict.
    probe = Verifier(embed=embed, idf=retriever.idf, min_cosine={}, rare_idf=1e9)
    facts = []
    t0 = time.perf_counter()
    for r in rows:
        reason = probe.check(r["sentence"], r["source"])
        _, cos = probe._best_sentence(
            r["sentence"], [r["source"][a:b] for a, b in _sents(r["source"])] or [r["source"]]
        )
        missing = _missing_idf(r["sentence"], r["source"], probe, retriever)
        # Grouped as the verifier picks its floor: by the sentence's language and the source's.
        r["pair"] = f"{detect_language(r['sentence'])}-{detect_language(r['source'])}"
        facts.append((r, reason, cos if cos is not None else 1.0, missing))
    print(f"checked {len(rows)} sentences in {time.perf_counter() - t0:.0f} s")
    grid_cos = [round(x, 3) for x in np.arange(0.70, 0.951, 0.005)]
    grid_idf = [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1e9]
    paragraph = paragraph_of()
    folds = {id(f): zlib.crc32(paragraph(f[0]["qid"]).encode()) % 2 for f in facts}
    # Held out: fit on the sentences of one half of the paragraphs, judge the other half, and swap.
    held: dict[int, str | None] = {}
    for k in (0, 1):
        rare, floors = _fit([f for f in facts if folds[id(f)] != k], grid_cos, grid_idf)
        for f in facts:
            if folds[id(f)] == k:
                held[id(f)] = _verdict(f, rare, floors.get(f[0]["pair"], 0.0))  # other pairs: no floor
    best_idf, floors = _fit(facts, grid_cos, grid_idf)
    spec = {
        "embedder": embedder.model_id,
        "min_cosine": dict(floors),
        "rare_idf": best_idf,
        "min_overlap": probe.min_overlap,
        "report": {},
    }
    for pair in (*PAIRS, "other"):
        sub = [f for f in facts if f[0]["pair"] == pair or (pair == "other" and f[0]["pair"] not in PAIRS)]
        floor = floors.get(pair, 0.0)
        spec["report"][pair] = {
            "fitted_on_all": _rates(sub, lambda f, fl=floor: _verdict(f, best_idf, fl), detail=True),
            "held_out_2fold": _rates(sub, lambda f: held[id(f)]),
        }
        print(pair, json.dumps(spec["report"][pair], ensure_ascii=False, indent=1))
    spec["min_cosine"]["en-en"] = spec["min_cosine"]["ar-ar"]  # no English-from-English set: the same-language floor
    spec["min_cosine"]["ar-en"] = spec["min_cosine"]["en-ar"]
    spec["calibrated_on"] = {
        "file": "eval/faithfulness/faithfulness.jsonl",
        "rows": len(rows),
        "models": sorted({r["model"] for r in rows}),
        "targets": {"perturbed_dropped": TARGET_DROPPED, "supported_kept": TARGET_KEPT},
        "held_out": "2 folds by source paragraph (fit on one, judge the other)",
        "script": "eval/faithfulness/calibrate.py",
        "date": time.strftime("%Y-%m-%d"),
    }
    VERIFIER_FILE.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    update_manifest()  # the package lists every data file with its checksum
    print(f"wrote {VERIFIER_FILE}")


def _fit(facts: list[tuple], grid_cos: list[float], grid_idf: list[float]) -> tuple[float, dict[str, float]]:
    """The rare-word IDF and per-pair floors that keep the most supported sentences at the drop target."""
    best: tuple[float, float, dict[str, float]] = (-1.0, 1e9, {})
    for rare in grid_idf:
        total, floors = 0.0, {}
        for pair in PAIRS:
            sub = [f for f in facts if f[0]["pair"] == pair]
            pick = _choose(sub, rare, grid_cos)
            floors[pair] = pick if pick is not None else max(grid_cos)
            fl = floors[pair]
            total += _rates(sub, lambda f, fl=fl: _verdict(f, rare, fl))["kept"] if pick is not None else 0.0  # noqa: B023
        if total > best[0]:
            best = (total, rare, floors)
    return best[1], best[2]


def _sents(text: str) -> list[tuple[int, int]]:
    from assistant.text.arabic import split_sentences
    from assistant.text.planted import is_planted

    return [(a, b) for a, b in split_sentences(text) if not is_planted(text[a:b])]


def _missing_idf(sentence: str, source: str, verifier: Verifier, retriever: Retriever) -> float:
    if detect_language(sentence) != detect_language(source):
        return 0.0
    missing = sorted(verifier.missing_terms(sentence, source))
    return max(retriever.idf(missing).values(), default=0.0) if missing else 0.0


def _verdict(fact: tuple, rare: float, floor: float) -> str | None:
    _row, reason, cos, missing = fact
    if reason is not None:
        return reason
    if missing >= rare:
        return "rare words not in the cited passage"
    if cos < floor:
        return "the cited passage does not say this"
    return None


def _rates(sub: list[tuple], verdict: Callable[[tuple], str | None], detail: bool = False) -> dict:
    """Kept rate of supported sentences, dropped rate of perturbed copies and of the LLM's own unsupported ones."""
    sup = [f for f in sub if f[0]["label"] == "supported"]
    bad = [f for f in sub if f[0]["label"] == "unsupported" and f[0]["kind"] != "original"]
    real = [f for f in sub if f[0]["label"] == "unsupported" and f[0]["kind"] == "original"]
    out = {
        "supported": len(sup),
        "perturbed": len(bad),
        "llm_unsupported": len(real),
        "kept": round(sum(verdict(f) is None for f in sup) / max(len(sup), 1), 4),
        "dropped": round(sum(verdict(f) is not None for f in bad) / max(len(bad), 1), 4),
        "llm_unsupported_dropped": round(sum(verdict(f) is not None for f in real) / max(len(real), 1), 4),
    }
    # Of the LLM's own sentences the verifier lets through, the share a reader would see unsupported.
    shown = [f for f in sup + real if verdict(f) is None]
    out["shown_unsupported"] = round(sum(f[0]["label"] == "unsupported" for f in shown) / max(len(shown), 1), 4)
    if detail:
        by_kind = defaultdict(list)
        for f in bad:
            by_kind[f[0]["kind"]].append(f)
        out["dropped_by_kind"] = {
            k: round(sum(verdict(f) is not None for f in v) / len(v), 4) for k, v in sorted(by_kind.items())
        }
        out["n_by_kind"] = {k: len(v) for k, v in sorted(by_kind.items())}
        out["why_supported_dropped"] = dict(
            Counter((verdict(f) or "").split(":")[0].split(" (")[0] for f in sup if verdict(f)).most_common(6)
        )
        out["perturbed_kept"] = [f[0]["sentence"] for f in bad if verdict(f) is None][:10]
        out["llm_unsupported_kept"] = [f[0]["sentence"] for f in real if verdict(f) is None][:10]
    return out


def _choose(sub: list[tuple], rare: float, grid: list[float]) -> float | None:
    """The lowest floor at which at least TARGET_DROPPED of the perturbed sentences are dropped."""
    for floor in grid:
        if _rates(sub, lambda f, fl=floor: _verdict(f, rare, fl))["dropped"] >= TARGET_DROPPED:
            return floor
    return None


if __name__ == "__main__":
    main()
