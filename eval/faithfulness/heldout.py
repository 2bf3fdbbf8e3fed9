"""Newly labelled LLM sentences from *held-out* questions: what the support checker is measured on last.

    python -m eval.faithfulness.heldout --questions 45     # ~15 min: writes heldout.jsonl (unlabelled)

The test articles of XQuAD (eval/splits.json; never trained or calibrated on) are indexed; for a
seeded sample of their Arabic questions and of other questions' English twins, the answer step
(with the reader) picks the sources exactly as in production and the default LLM writes its
answer. Every sentence it writes is kept with the source it cites, unlabelled and without any
checker's verdict. The sentences are then labelled by hand, reading each against its source
(heldout-labels.json: supported / unsupported / exclude, the rules of labels.json), before the
checker is run on them; figures:
``python -m eval.calibrate_support`` (its "relabelled" section).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from assistant.answer.ask import AnswerOptions, extract_answer, question_language
from assistant.answer.generate import STOP, answer_messages, clean_reply, sources_for
from assistant.answer.grounding import parse_claims
from assistant.answer.scoring import default_scorer
from assistant.config import load_settings
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import load_splits, part
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.pipeline import index_documents
from assistant.models.llm import LlamaCppLLM, llm_path
from assistant.models.loading import load_embedder
from assistant.models.reader import load_reader
from assistant.retrieval import Retriever
from assistant.store import open_index
from eval.faithfulness.common import hand_labelled

HERE = Path(__file__).resolve().parent
OUT = HERE / "heldout.jsonl"
LABELS = HERE / "heldout-labels.json"


def test_retriever(settings, embedder, xq_ar) -> Retriever:  # noqa: ANN001
    """XQuAD's test articles indexed in a fresh folder, as the product indexes an archive."""
    index = open_index(settings, embedder.model_id, embedder.dim, data_dir=Path(tempfile.mkdtemp()) / "index")
    docs = [
        (clean(Loaded(text=t, fmt="text", title=title, scraped=False), source=f"xq:{pid}"), f"xq:{pid}")
        for pid, (title, t) in xq_ar.corpus.items()
    ]
    index_documents(index, embedder, docs, settings.chunk_max_tokens)
    retriever = Retriever(index, embedder, settings.rrf_k, settings.candidates)
    return retriever


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=45, help="per language pair")
    ap.add_argument("--threads", type=int, default=2, help="llama.cpp threads (2: nothing else should run)")
    more = "append sentences for further questions, none asked before (ids continue); label them too"
    ap.add_argument("--more", action="store_true", help=more)
    args = ap.parse_args()
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    test = load_splits()["xquad"]["test"]
    xq_ar = part(load_dataset(bundled("xquad-ar")), test)
    xq_en = part(load_dataset(bundled("xquad-en")), test)
    retriever = test_retriever(settings, embedder, xq_ar)
    reader = load_reader(settings.model_cache)  # the sources are chosen as the product chooses them
    llm = LlamaCppLLM(llm_path(settings), 4096, args.threads)
    qids, rows = question_order(sorted(xq_ar.qrels), args.more)
    first_new = len(rows)
    # different questions for the two pairs: the English ones are not the Arabic ones' twins
    asked = (("ar-ar", xq_ar, "xq:", qids[: args.questions]), ("en-ar", xq_en, "xq:", qids[args.questions :]))
    draft_rows(asked, args.questions, retriever, embedder, reader, llm, settings, rows)
    with OUT.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    new = f"{len(rows) - first_new} new, ids {first_new}-{len(rows) - 1}"
    print(f"wrote {OUT}: {len(rows)} sentences ({new}); label them in {LABELS.name} before running the checker")


def draft_rows(asked, per_pair: int, retriever, embedder, reader, llm, settings, rows: list[dict]) -> None:  # noqa: ANN001
    """For each (pair, dataset, id prefix, question ids) of ``asked``, ``per_pair`` questions answered as the product
    answers them (the sources chosen with the reader, the default LLM writing): every sentence it writes, with the
    source it cites, appended to ``rows`` unlabelled. A question whose answer step finds no source is passed over."""
    options = AnswerOptions(abstain_threshold=-1.0)
    t0 = time.perf_counter()
    for pair, ds, prefix, chosen in asked:
        done = 0
        for qid in chosen:
            if done == per_pair:
                break
            question = ds.queries.get(qid)
            if not question:
                continue
            lang = question_language(question)
            _, scored = extract_answer(question, lang, retriever, embedder, options, default_scorer(), reader)
            sources = sources_for(scored, settings.llm_sources, settings.llm_context_tokens, llm.count_tokens)
            if not sources:
                continue
            raw = llm.chat(answer_messages(question, sources, lang), max_tokens=settings.llm_answer_tokens, stop=STOP)
            done += 1
            for claim in parse_claims(clean_reply(raw)):
                for num in claim.cited:
                    src = next((s for s in sources if s.n == num), None)
                    if src is not None:
                        rows.append(
                            {
                                "id": len(rows),
                                "model": settings.llm,
                                "pair": pair,
                                "qid": f"{prefix}{qid}",
                                "question": question,
                                "sentence": claim.text,
                                "source": src.text,
                                "kind": "original",
                                "label": "unlabelled",
                            }
                        )
            print(f"{pair}: {done} questions, {len(rows)} sentences, {time.perf_counter() - t0:.0f} s", flush=True)


def question_order(qids: list[str], more: bool) -> tuple[list[str], list[dict]]:
    """The seeded order questions are taken in, and the rows kept so far. ``more``: a second batch,
    from the far end of the same order, no question (in either language) asked before."""
    random.Random(31).shuffle(qids)
    if not more:
        return qids, []
    rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
    asked = {r["qid"].removeprefix("xq:") for r in rows}
    return [q for q in reversed(qids) if q not in asked], rows


def labelled() -> list[dict]:
    """The held-out sentences with their hand labels (supported / unsupported; excluded ones left out)."""
    return hand_labelled(OUT, LABELS)


if __name__ == "__main__":
    main()
