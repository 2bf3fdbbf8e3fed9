"""Build the labelled faithfulness set: real sentences written by the bundled LLMs, and perturbed copies.

    python -m eval.faithfulness.build --models qwen2.5-coder-1.5b,qwen2.5-coder-0.5b --questions 90

For training-part questions of XQuAD (Arabic and English) and ARCD (eval/splits.json; never the test
parts), the answer pipeline picks its sources exactly as in production and the LLM writes its answer.
Every sentence it writes is kept with the source it cites. The automatic label (``supported`` when the
cited source holds the gold answer and the sentence states it) proved unreliable, so the sentences were
then labelled by hand (labels.json: supported / unsupported / exclude) and

    python -m eval.faithfulness.build --relabel

applies those labels and gives every supported sentence perturbed copies, all ``unsupported``: a
number changed, an entity swapped for one the source does not mention, a negation added, and the
right sentence citing another question's source.

Writes eval/faithfulness/faithfulness.jsonl (one sentence a line) and prints counts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

from assistant.answer.ask import AnswerOptions, extract_answer, question_language
from assistant.answer.generate import STOP, answer_messages, clean_reply, sources_for
from assistant.answer.grounding import parse_claims
from assistant.answer.scoring import default_scorer
from assistant.config import load_settings
from assistant.evaluation.unanswerable import NAME_POOL
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders.base import Loaded
from assistant.ingest.pipeline import index_documents
from assistant.models.llm import LlamaCppLLM, llm_path
from assistant.models.loading import load_embedder
from assistant.retrieval import Retriever
from assistant.store import open_index
from assistant.text.arabic import normalize, numbers_in
from assistant.text.questions import latin_names
from eval.faithfulness.common import training_parts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

OUT = HERE / "faithfulness.jsonl"
LABELS = HERE / "labels.json"


def has(text: str, answers: list[str]) -> bool:
    t = " ".join(normalize(text).split())
    return any(a.strip() and " ".join(normalize(a).split()) in t for a in answers)


def change_number(sentence: str, rng: random.Random) -> str | None:
    nums = re.findall(r"\d+(?:[.,]\d+)?", sentence)
    if not nums:
        return None
    target = rng.choice(nums)
    digits = target.replace(",", "").replace(".", "")
    new = str(int(digits) + rng.choice([1, 2, 3, 7, 10, 11])) if digits.isdigit() else "17"
    if "." in target:
        new = new[:-1] + "." + new[-1] if len(new) > 1 else new
    return sentence.replace(target, new, 1)


def swap_entity(sentence: str, source: str, rng: random.Random) -> str | None:
    """Replace the sentence's name (English) or its rarest-looking word (Arabic) with a name the source lacks."""
    en, ar = rng.choice(NAME_POOL)
    names = [n for n in latin_names(sentence) if n.lower() not in ("no", "yes")]
    if names:
        return sentence.replace(rng.choice(names), en, 1)
    words = [w for w in re.findall(r"[^\W\d_]{4,}", sentence) if normalize(w) in normalize(source)]
    if not words:
        return None
    return re.sub(rf"(?<!\w){re.escape(max(words, key=len))}(?!\w)", ar, sentence, count=1)


def negate(sentence: str, lang: str) -> str:
    body = sentence.rstrip(" .")
    if lang == "en":
        m = re.search(r"\b(is|are|was|were|has|have|had|will|can|did|does|do)\b", body)
        if m:
            return body[: m.end()] + " not" + body[m.end() :] + "."
        return "It is not true that " + body[0].lower() + body[1:] + "."
    return "ليس صحيحاً أن " + body + "."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="qwen2.5-coder-1.5b,qwen2.5-coder-0.5b")
    ap.add_argument("--questions", type=int, default=90, help="per language pair and model")
    ap.add_argument("--threads", type=int, default=2, help="llama.cpp threads (2: nothing else should run)")
    ap.add_argument(
        "--relabel",
        action="store_true",
        help="no generation: apply labels.json to the written sentences and rebuild the perturbed copies",
    )
    args = ap.parse_args()
    if args.relabel:
        relabel()
        return
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    xq_ar, xq_en, arcd = training_parts()
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="faithfulness-"))
    index = open_index(settings, embedder.model_id, embedder.dim, data_dir=tmp / "index")
    docs = [
        (clean(Loaded(text=t, fmt="text", title=title, scraped=False), source=f"{pre}{pid}"), f"{pre}{pid}")
        for ds, pre in ((xq_ar, "xq:"), (arcd, "arcd:"))
        for pid, (title, t) in ds.corpus.items()
    ]
    index_documents(index, embedder, docs, settings.chunk_max_tokens)
    retriever = Retriever(index, embedder, settings.rrf_k, settings.candidates)
    options = AnswerOptions(abstain_threshold=-1.0)
    rng = random.Random(5)
    qsets = [("ar-ar", xq_ar, "xq:", None), ("ar-ar", arcd, "arcd:", None), ("en-ar", xq_en, "xq:", xq_ar)]
    rows: list[dict] = []
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        llm = LlamaCppLLM(llm_path(settings.model_copy(update={"llm": model})), 4096, args.threads)
        for pair, ds, pre, twin in qsets:
            qids = sorted(ds.qrels)
            rng.shuffle(qids)
            n = args.questions // (2 if pair == "ar-ar" else 1)
            t0 = time.perf_counter()
            done = 0
            for qid in qids[:n]:
                question = ds.queries[qid]
                lang = question_language(question)
                _, scored = extract_answer(question, lang, retriever, embedder, options, default_scorer())
                sources = sources_for(scored, settings.llm_sources, settings.llm_context_tokens, llm.count_tokens)
                if not sources:
                    continue
                raw = llm.chat(
                    answer_messages(question, sources, lang), max_tokens=settings.llm_answer_tokens, stop=STOP
                )
                done += 1
                if done % 15 == 0:
                    print(f"  {model} {pair}: {done} questions, {time.perf_counter() - t0:.0f} s", flush=True)
                gold_src = (twin or ds).answers.get(qid, [])  # the Arabic gold answer, found in the sources
                gold_out = ds.answers.get(qid, [])  # the answer in the language the sentence is written in
                for claim in parse_claims(clean_reply(raw)):
                    for num in claim.cited:
                        src = next((s for s in sources if s.n == num), None)
                        if src is None:
                            continue
                        ok = has(src.text, gold_src) and has(claim.text, gold_out)
                        rows.append(
                            {
                                "model": model,
                                "pair": pair,
                                "qid": f"{pre}{qid}",
                                "question": question,
                                "sentence": claim.text,
                                "source": src.text,
                                "kind": "original",
                                "label": "supported" if ok else "unlabelled",
                            }
                        )
            print(
                f"{model} {pair} {pre}: {n} questions in {time.perf_counter() - t0:.0f} s, "
                f"{sum(1 for r in rows if r['model'] == model and r['pair'] == pair)} sentences",
                flush=True,
            )
        del llm
    write(perturbed(rows, rng))


def perturbed(rows: list[dict], rng: random.Random) -> list[dict]:
    """The original sentences followed by unsupported copies of every supported one."""
    rows = [r for r in rows if r["kind"] == "original"]
    out = list(rows)
    all_sources = [r["source"] for r in rows]
    for r in [r for r in rows if r["label"] == "supported"]:
        lang = "en" if r["pair"].startswith("en") else "ar"
        variants = {
            "number": change_number(r["sentence"], rng),
            "entity": swap_entity(r["sentence"], r["source"], rng),
            "negation": negate(r["sentence"], lang),
        }
        others = [s for s in all_sources if s != r["source"] and not (numbers_in(r["sentence"]) & numbers_in(s))]
        for kind, text in variants.items():
            if text and text != r["sentence"]:
                out.append({**r, "sentence": text, "kind": kind, "label": "unsupported", "label_source": "perturbed"})
        if others:
            out.append(
                {
                    **r,
                    "source": rng.choice(others),
                    "kind": "wrong_source",
                    "label": "unsupported",
                    "label_source": "perturbed",
                }
            )
    return out


def write(rows: list[dict]) -> None:
    with OUT.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            r = {k: v for k, v in r.items() if k != "id"}
            fh.write(json.dumps({"id": i, **r}, ensure_ascii=False) + "\n")
    from collections import Counter

    print(Counter((r["pair"], r["kind"], r["label"]) for r in rows))


def relabel() -> None:
    """Apply the hand labels (labels.json, by id of the original sentences) and rebuild the perturbed copies."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    verdict = {i: name for name in ("supported", "unsupported", "exclude") for i in labels[name]}
    rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
    originals = [r for r in rows if r["kind"] == "original"]
    if any(r["id"] != i for i, r in enumerate(originals)):
        raise SystemExit("faithfulness.jsonl: the original sentences must come first, numbered from 0")
    missing = [r["id"] for r in originals if r["id"] not in verdict]
    if missing:
        raise SystemExit(f"labels.json has no label for sentences {missing[:10]}...")
    for r in originals:
        r["label"] = verdict[r["id"]]
        r["label_source"] = "hand"
    write(perturbed(originals, random.Random(5)))


if __name__ == "__main__":
    main()
