"""Answers on SQuAD-format data, as a user meets them: an index of the articles (plus distractor news),
questions in Arabic and in English, and three kinds of questions the archive cannot answer.

Reported per language pair (ar-ar, en-ar, …) and per question type: answer accuracy (the gold answer
inside the quoted sentence(s); an abstention counts as wrong), citation precision (cited passages
that are the question's own paragraph), false abstention, abstention on each kind of unanswerable
(``removed`` paragraph, ``offtopic`` article, ``nearmiss`` entity swap), latency p50/p95.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answer.grounding import default_verifier
from assistant.config import Settings
from assistant.evaluation.datasets import Dataset
from assistant.evaluation.retrieval import discard, eval_settings
from assistant.evaluation.unanswerable import known_names, not_named_in, swap_entity, unknown_names
from assistant.models.embedder import Embedder
from assistant.models.llm import LLM

if TYPE_CHECKING:
    from assistant.answer.reading import Reads
from assistant.text.arabic import normalize

KINDS = ("removed", "offtopic", "nearmiss", "nearmiss-known")


@dataclass
class AnswerSet:
    """What to ask: the indexed dataset and, optionally, its other-language twin, off-topic questions
    (same qids in both languages when given twice) and distractor articles to index as well."""

    ds: Dataset
    cross: Dataset | None = None
    offtopic: list[Dataset] = field(default_factory=list)
    distractors: list[Path] = field(default_factory=list)
    removed: int = 25  # paragraphs taken out of the index after the answerable round
    nearmiss: int = 150
    nearmiss_known: int = 0  # swapped for a name the archive knows but the paragraph does not (studies)
    limit: int | None = None  # answerable questions (per language) to ask; None: all
    seed: int = 13


def contains(haystack: str, needles: list[str]) -> bool:
    h = " ".join(normalize(haystack).split())
    return any(" ".join(normalize(n).split()) in h for n in needles if n.strip())


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(1000 * xs[min(len(xs) - 1, int(q * len(xs)))], 1) if xs else 0.0


def build_answer_index(
    spec: AnswerSet,
    embedder: Embedder,
    settings: Settings,
    tmp: Path,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple:
    """The index an answer evaluation asks (the dataset's articles and the distractors, in ``tmp``):
    (index, retriever, document id per paragraph id, the archive's language)."""
    from assistant.answer.ask import question_language
    from assistant.ingest.cleaning import clean
    from assistant.ingest.loaders import load_file
    from assistant.ingest.loaders.base import Loaded
    from assistant.ingest.pipeline import index_documents
    from assistant.retrieval import Retriever
    from assistant.store import open_index

    ds = spec.ds
    index = open_index(eval_settings(settings), embedder.model_id, embedder.dim, data_dir=tmp / "index")
    retriever = Retriever(index, embedder, settings.rrf_k, settings.candidates)
    docs = [
        (clean(Loaded(text=text, fmt="text", title=title or None, scraped=False), source=pid), pid)
        for pid, (title, text) in sorted(ds.corpus.items())
    ]
    docs += [(clean(load_file(f), str(f)), str(f)) for f in spec.distractors]
    index_documents(index, embedder, docs, settings.chunk_max_tokens, progress)
    archive = question_language(" ".join(text for _, text in list(ds.corpus.values())[:20]))
    return index, retriever, {pid: d.doc_id for d, pid in docs}, archive


def evaluate_answers(
    spec: AnswerSet,
    embedder: Embedder,
    settings: Settings,
    llm: LLM | None = None,
    mode: str = "extractive",
    progress: Callable[[int, int, str], None] | None = None,
    reader: Reads | None = None,
    checker: Any = None,
) -> dict:
    """Ask every question of ``spec`` as the product does; with a ``reader``, the reader decides and, in
    extractive mode, the scorer's own answer from the same retrieval and scoring is reported beside it
    (``result["scorer"]``). With a ``checker`` (the support checker) the LLM's sentences pass it too."""
    from assistant.answer.ask import AnswerOptions

    ds, rng = spec.ds, random.Random(spec.seed)
    options = AnswerOptions.from_settings(settings, mode=mode)
    with tempfile.TemporaryDirectory(prefix="assistant-eval-answers-") as tmp:
        index, retriever, doc_of, archive = build_answer_index(spec, embedder, settings, Path(tmp), progress)
        asker = _Asker(retriever, embedder, llm, options, archive, reader, progress, checker)
        ask = asker.ask
        rows = asker.rows
        langs = [(ds, "")] + ([(spec.cross, ":x")] if spec.cross is not None else [])
        qids = sorted(ds.qrels)
        rng.shuffle(qids)
        asked = qids[: spec.limit] if spec.limit else qids
        removed_pids = rng.sample(sorted(ds.corpus), min(spec.removed, len(ds.corpus)))
        pool = unknown_names(lambda w: bool(retriever.known(retriever.analyze(w))))
        for d, tag in langs:
            for qid in asked:
                if qid in d.queries:
                    ask(qid + tag, d.queries[qid], next(iter(ds.qrels[qid])), ds.answers.get(qid, []), "answerable")
            _nearmisses(ask, d, tag, qids, spec, retriever, pool, rng)
        for off in spec.offtopic:
            for qid in sorted(off.queries):
                ask(f"{off.name}:{qid}", off.queries[qid], None, [], "offtopic")
        if removed_pids:
            with index.writer() as w:
                for pid in removed_pids:
                    w.remove_document(doc_of[pid])
            gone = set(removed_pids)
            for d, tag in langs:
                for qid in sorted(ds.qrels):
                    if next(iter(ds.qrels[qid])) in gone and qid in d.queries:
                        ask(f"{qid}{tag}:removed", d.queries[qid], None, [], "removed")
        discard(index)
    side_by_side = {"scorer": scorer_view(rows)} if rows and "scorer_correct" in rows[0] else {}
    return (
        summarize_rows(rows)
        | side_by_side
        | {
            "decided_by": "reader" if reader is not None else "scorer",
            "dataset": ds.name,
            "questions": len(rows),
            "mode": mode,
            "distractors": len(spec.distractors),
            "removed_paragraphs": len(removed_pids),
            "embedder": embedder.model_id,
        }
    )


def _nearmiss(  # noqa: ANN001
    ask, d: Dataset, tag: str, qids: list[str], limit: int, retriever, pool, rng, corpus=None, qrels=None
) -> None:
    """Up to ``limit`` questions asked again with their rarest entity swapped for one the archive lacks;
    with ``corpus`` and ``qrels``, for a name of ``pool`` (known to the archive) the question's own
    paragraph does not name (kind ``nearmiss-known``)."""
    made, kind = 0, "nearmiss" if corpus is None else "nearmiss-known"
    for qid in qids:
        if made >= limit or qid not in d.queries:
            continue
        names = pool if corpus is None else not_named_in(pool, " ".join(corpus[next(iter(qrels[qid]))]))
        idf = retriever.idf(retriever.analyze(d.queries[qid]))
        swapped = swap_entity(
            d.queries[qid],
            lambda w: max((idf.get(t, 0.0) for t in retriever.analyze(w)), default=0.0),  # noqa: B023
            names,
            rng,
        )
        if swapped and swapped != d.queries[qid]:
            ask(f"{qid}{tag}:{kind}", swapped, None, [], kind)
            made += 1


def _nearmisses(ask, d: Dataset, tag: str, qids: list[str], spec: AnswerSet, retriever, pool, rng) -> None:  # noqa: ANN001
    """``spec.nearmiss`` near misses naming what the archive lacks, then ``spec.nearmiss_known`` naming a
    country the archive knows (their own random stream: the other kinds' questions stay as they were)."""
    _nearmiss(ask, d, tag, qids, spec.nearmiss, retriever, pool, rng)
    if spec.nearmiss_known:
        known = known_names(lambda w: bool(retriever.known(retriever.analyze(w))))
        own = random.Random(spec.seed + len(tag))
        _nearmiss(ask, d, tag, qids, spec.nearmiss_known, retriever, known, own, spec.ds.corpus, spec.ds.qrels)


class _Asker:
    """Asks one question as the product does and keeps its row (and, with a reader in extractive mode, the
    scorer's answer from the same retrieval beside it)."""

    def __init__(self, retriever, embedder, llm, options, archive: str, reader, progress, checker=None) -> None:  # noqa: ANN001
        self.retriever, self.embedder, self.llm, self.options = retriever, embedder, llm, options
        self.archive, self.progress = archive, progress
        self.timed = _Timed(reader) if reader is not None else None
        self.rows: list[dict] = []
        # the verifier the LLM's sentences pass: with the support checker, or (None) the rules alone
        self.verifier = None if checker is None else default_verifier(embedder, retriever.idf, checker)

    def ask(self, qid: str, text: str, gold: str | None, answers: list[str], kind: str) -> None:
        from assistant.answer.ask import answer_question, decide_answers, question_language
        from assistant.answer.scoring import default_scorer

        t0 = time.perf_counter()
        base = None
        if self.options.mode == "extractive":
            lang = question_language(text)
            both, _, _ = decide_answers(
                text, lang, self.retriever, self.embedder, self.options, default_scorer(), self.timed
            )
            ans, base = both.get("reader", both["scorer"]), both["scorer"]
        else:
            ans = answer_question(
                text, self.retriever, self.embedder, self.llm, self.options, verifier=self.verifier, reader=self.timed
            )
        seconds = time.perf_counter() - t0
        side = {}
        if self.timed is not None and base is not None:
            side = {f"scorer_{k}": v for k, v in _judged(base, gold, answers).items()}
            side["reader_seconds"] = self.timed.take()
        row = {**side, "qid": qid, "kind": kind, "pair": f"{question_language(text)}-{self.archive}"}
        self.rows.append(row | _described(text, ans, gold, answers, seconds))
        if self.progress is not None:
            self.progress(len(self.rows), 0, f"asked {kind}")


def _judged(ans, gold: str | None, answers: list[str]) -> dict:  # noqa: ANN001
    quotes = " ".join(c.quote for c in ans.citations)
    return {
        "abstained": ans.abstained,
        "confidence": round(ans.confidence, 4),
        "correct": (not ans.abstained) and gold is not None and contains(quotes, answers),
        "citations": len(ans.citations),
        "citations_to_gold": sum(1 for c in ans.citations if c.source == gold),
    }


def _described(text: str, ans, gold: str | None, answers: list[str], seconds: float) -> dict:  # noqa: ANN001
    from assistant.text.questions import question_type

    return {
        "question": text,
        "gold_answers": answers,
        "qtype": question_type(text),
        **_judged(ans, gold, answers),
        "mode": ans.mode,
        "dropped": len(ans.dropped),
        "seconds": seconds,
        "llm_status": ans.llm_status,
        "kept_sentences": len(ans.citations) if ans.mode == "generative" else 0,
        "answer": ans.answer,
        "quotes": " ".join(c.quote for c in ans.citations),
        **{f"llm_{k}": v for k, v in ans.timings.items()},
    }


class _Timed:
    """A reader whose time is counted (what the reader adds to an answer)."""

    def __init__(self, reader: Reads) -> None:
        self.reader, self.record, self.spent = reader, reader.record, 0.0

    def logits(self, question: str, sentences: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return self.reader.logits(question, sentences)
        finally:
            self.spent += time.perf_counter() - t0

    def take(self) -> float:
        spent, self.spent = self.spent, 0.0
        return spent


def scorer_view(rows: list[dict]) -> dict:
    """The scorer's metrics on the same rows (its answer was decided from the same retrieval)."""
    view = [
        r
        | {
            "abstained": r["scorer_abstained"],
            "correct": r["scorer_correct"],
            "citations": r["scorer_citations"],
            "citations_to_gold": r["scorer_citations_to_gold"],
            "seconds": r["seconds"] - r["reader_seconds"],
        }
        for r in rows
    ]
    out = summarize_rows(view)
    out.pop("rows")
    return out


def _metrics(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["kind"] == "answerable"]
    shown = [r for r in ans if not r["abstained"]]
    cits = sum(r["citations"] for r in shown)
    out: dict = {"answerable": len(ans)}
    if ans:
        out.update(
            {
                "accuracy": round(sum(r["correct"] for r in ans) / len(ans), 4),
                "false_abstention": round(1 - len(shown) / len(ans), 4),
                "citation_precision": round(sum(r["citations_to_gold"] for r in shown) / cits, 4) if cits else 0.0,
            }
        )
    for kind in KINDS:
        una = [r for r in rows if r["kind"] == kind]
        if una:
            out[f"abstained_{kind}"] = round(sum(r["abstained"] for r in una) / len(una), 4)
            out[f"n_{kind}"] = len(una)
    una = [r for r in rows if r["kind"] in KINDS]
    if una:
        out["abstained_unanswerable"] = round(sum(r["abstained"] for r in una) / len(una), 4)
    secs = [r["seconds"] for r in rows]
    out["latency_p50_ms"], out["latency_p95_ms"] = _percentile(secs, 0.5), _percentile(secs, 0.95)
    asked = [r for r in rows if r.get("llm_status")]
    if asked:  # generative: what became of the LLM's drafts
        written = sum(r["kept_sentences"] + r["dropped"] for r in asked)
        out["llm_used"] = round(sum(r["llm_status"] == "used" for r in asked) / len(asked), 4)
        out["llm_fallback"] = round(1 - out["llm_used"], 4)
        out["llm_no_sentence"] = round(sum(r["llm_status"] == "nothing written" for r in asked) / len(asked), 4)
        out["llm_no_answer"] = round(sum(r["llm_status"] == "no answer" for r in asked) / len(asked), 4)
        out["llm_off_question"] = round(sum(r["llm_status"] == "off the question" for r in asked) / len(asked), 4)
        out["llm_translated_quote"] = round(sum(r["llm_status"] == "translated quote" for r in asked) / len(asked), 4)
        answerable = [r for r in asked if r["kind"] == "answerable"]
        if answerable:  # the question's language: a verified draft, or the quote's checked rendering
            out["in_question_language"] = round(
                sum(r["llm_status"] in ("used", "translated quote") for r in answerable) / len(answerable), 4
            )
        out["drop_rate"] = round(sum(r["dropped"] for r in asked) / written, 4) if written else 0.0
        first = [r["llm_first_token_s"] for r in asked if "llm_first_token_s" in r]
        speed = [r["llm_tokens_per_s"] for r in asked if r.get("llm_tokens")]
        out["first_token_p50_s"] = round(sorted(first)[len(first) // 2], 2) if first else 0.0
        out["first_token_p95_s"] = (
            round(sorted(first)[min(len(first) - 1, int(0.95 * len(first)))], 2) if first else 0.0
        )
        out["tokens_per_s"] = round(sorted(speed)[len(speed) // 2], 1) if speed else 0.0
    return out


def summarize_rows(rows: list[dict]) -> dict:
    """Metrics overall, per language pair (of the question and the archive) and per question type."""
    pairs = sorted({r["pair"] for r in rows})
    by_pair = {p: _metrics([r for r in rows if r["pair"] == p]) for p in pairs}
    qtypes = sorted({r["qtype"] for r in rows if r["kind"] == "answerable"})
    by_type = {t: _metrics([r for r in rows if r["qtype"] == t and r["kind"] == "answerable"]) for t in qtypes}
    return {"overall": _metrics(rows), "by_pair": by_pair, "by_qtype": by_type, "rows": rows}


def build_answer_set(
    path: Path,
    split: str | None = None,
    cross: Path | None | bool = True,
    offtopic: str | None = "offtopic",
    distractors: Path | None = None,
    distractor_count: int = 300,
    removed: int = 25,
    nearmiss: int = 150,
    limit: int | None = None,
) -> AnswerSet:
    """An AnswerSet from a dataset folder: ``split`` (a part of eval/splits.json, e.g. "test") is what is
    indexed and asked; ``offtopic`` another part whose questions the index cannot answer; ``cross``:
    the twin in the other language (True: the one dataset.json names); ``distractors``: a folder of news
    articles, of which the splits file's test slice is indexed too."""
    from assistant.evaluation.datasets import cross_lingual_companion, load_dataset
    from assistant.evaluation.splits import distractor_files, load_splits, part

    ds = load_dataset(path)
    twin = cross_lingual_companion(path) if cross is True else (load_dataset(cross) if cross else None)
    splits = load_splits() if (split or distractors) else {}
    off: list[Dataset] = []
    if split:
        if not ds.splits or split not in splits.get(ds.splits, {}):
            from assistant.errors import DatasetError

            raise DatasetError(
                f"{path}: no part '{split}' in eval/splits.json for this dataset "
                f"(parts: {', '.join(splits.get(ds.splits or '', {})) or 'none'})"
            )
        parts = splits[ds.splits]
        whole, twin_whole = ds, twin
        ds = part(whole, parts[split])
        twin = part(twin_whole, parts[split]) if twin_whole is not None else None
        if offtopic and offtopic in parts and offtopic != split:
            off = [part(whole, parts[offtopic], name=f"{whole.name}-{offtopic}")]
            if twin_whole is not None:
                off.append(part(twin_whole, parts[offtopic], name=f"{twin_whole.name}-{offtopic}"))
    files: list[Path] = []
    if distractors is not None:
        d = splits.get("distractors", {})
        offset = d.get("test", {}).get("offset", 0)
        files = distractor_files(distractors, distractor_count, offset, d.get("seed", 0))
    return AnswerSet(ds, twin, off, files, removed, nearmiss, limit=limit)
