"""Answers on SQuAD-format data: answer recall, citation precision, and abstention on questions made
unanswerable (their paragraph is left out of the index), with a sweep of the abstention threshold."""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from ..arabic import normalize
from ..config import Settings
from ..models.embedder import Embedder
from .datasets import Dataset
from .retrieval import discard, eval_settings

THRESHOLDS = [round(0.70 + 0.01 * i, 2) for i in range(21)]


def _contains(haystack: str, needles: list[str]) -> bool:
    h = " ".join(normalize(haystack).split())
    return any(" ".join(normalize(n).split()) in h for n in needles if n.strip())


def evaluate_answers(ds: Dataset, embedder: Embedder, settings: Settings, limit: int = 200,
                     seed: int = 13) -> dict:
    from ..answer import AnswerOptions, answer_question
    from ..cleaning import clean
    from ..ingest import index_documents
    from ..loaders.base import Loaded
    from ..retrieval import Retriever
    from ..store import open_index

    pids = sorted(ds.corpus)
    indexed = set(pids[0::2])  # every other paragraph; questions on the rest have no answer here
    by_pid: dict[str, list[str]] = {}
    for qid, rel in ds.qrels.items():
        by_pid.setdefault(next(iter(rel)), []).append(qid)
    rng = random.Random(seed)
    answerable = [q for p in sorted(indexed) for q in by_pid.get(p, [])]
    unanswerable = [q for p in pids if p not in indexed for q in by_pid.get(p, [])]
    rng.shuffle(answerable)
    rng.shuffle(unanswerable)
    answerable, unanswerable = answerable[: limit // 2], unanswerable[: limit - limit // 2]
    rows: list[dict] = []
    latency: list[float] = []
    # Every answer is kept (threshold -1); abstention is decided afterwards, threshold by threshold.
    options = AnswerOptions(k=settings.top_k, retriever=settings.retriever, mode="extractive",
                            abstain_threshold=-1.0, sentences=settings.answer_sentences)
    with tempfile.TemporaryDirectory(prefix="assistant-eval-answers-") as tmp:
        index = open_index(eval_settings(settings), embedder.model_id, embedder.dim, data_dir=Path(tmp) / "index")
        retriever = Retriever(index, embedder, settings.rrf_k, settings.candidates)
        docs = [(clean(Loaded(text=ds.corpus[p][1], fmt="text", title=ds.corpus[p][0] or None, scraped=False),
                       source=p), p) for p in sorted(indexed)]
        index_documents(index, embedder, docs, settings.chunk_max_tokens)
        for kind, qids in (("answerable", answerable), ("unanswerable", unanswerable)):
            for qid in qids:
                t0 = time.perf_counter()
                ans = answer_question(ds.queries[qid], retriever, embedder, None, options)
                latency.append(time.perf_counter() - t0)
                gold = next(iter(ds.qrels[qid]))
                quotes = " ".join(c.quote for c in ans.citations)
                rows.append({
                    "qid": qid, "kind": kind, "confidence": round(ans.confidence, 4),
                    "answer_found": _contains(quotes, ds.answers.get(qid, [])),
                    "citations": len(ans.citations),
                    "citations_to_gold": sum(1 for c in ans.citations if c.source == gold),
                })
        discard(index)
    latency.sort()
    timing = {"answer_p50_ms": round(1000 * latency[len(latency) // 2], 1) if latency else 0.0,
              "answer_p95_ms": round(1000 * latency[min(len(latency) - 1, int(0.95 * len(latency)))], 1)
              if latency else 0.0}
    return summarize_rows(rows, settings.abstain_threshold) | {"dataset": ds.name, "questions": len(rows),
                                                               "timing": timing}


def summarize_rows(rows: list[dict], threshold: float) -> dict:
    ans = [r for r in rows if r["kind"] == "answerable"]
    una = [r for r in rows if r["kind"] == "unanswerable"]

    def at(t: float) -> dict:
        shown = [r for r in ans if r["confidence"] >= t]
        cits = sum(r["citations"] for r in shown)
        return {
            "threshold": t,
            "answer_recall": round(sum(r["answer_found"] for r in shown) / len(ans), 4) if ans else 0.0,
            "citation_precision": round(sum(r["citations_to_gold"] for r in shown) / cits, 4) if cits else 0.0,
            "false_abstention": round(1 - len(shown) / len(ans), 4) if ans else 0.0,
            "abstention_on_unanswerable": round(sum(r["confidence"] < t for r in una) / len(una), 4) if una else 0.0,
        }

    sweep = [at(t) for t in THRESHOLDS]
    best = max(sweep, key=lambda s: (1 - s["false_abstention"]) + s["abstention_on_unanswerable"])
    return {"at_threshold": at(threshold), "sweep": sweep, "best_balanced_threshold": best["threshold"],
            "answerable": len(ans), "unanswerable": len(una), "rows": rows}
