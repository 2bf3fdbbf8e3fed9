"""Does the LLM's own confidence in a sentence tell right sentences from wrong ones the verifier keeps?

    python -m eval.studies.faithfulness_confidence               # ~10 min on 2 cores: the 1.5B, no generation
    python -m eval.studies.faithfulness_confidence --out FILE    # also write every row's figures (JSON lines)

The answer step decodes greedily, so the probability the model gave each token of its draft is the
probability of that draft under its prompt. Here every labelled sentence of the faithfulness set
(hand-labelled originals, and the perturbed copies of the supported ones: a number changed, a name
swapped, a negation added) is forced, token by token, after the prompt the answer step builds today
for its question (the same sources, packing and system prompt), and the model's log-probabilities of
its tokens are read. A sentence whose cited source is not among today's sources is left out (counted).
Training questions only (the set's questions are all from the train parts of eval/splits.json).

Prints, per language pair, for the sentences the verifier keeps: the per-token statistics of the
supported and the unsupported ones, and what a floor on each would keep and drop, fitted on one half
of the source paragraphs and judged on the other (and swapped), as calibrate.py does.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.answer.ask import AnswerOptions, extract_answer, question_language
from assistant.answer.generate import answer_messages, sources_for
from assistant.answer.grounding import default_verifier
from assistant.answer.scoring import default_scorer
from assistant.config import load_settings
from assistant.models.llm import llm_path
from assistant.models.loading import load_embedder
from eval.faithfulness.common import labelled_rows, paragraph_of, training_retriever

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

STATS = ("mean", "min", "low3")


def token_stats(logprobs: list[float]) -> dict[str, float]:
    """Mean log-probability per token, the lowest one, and the mean of the three lowest."""
    lp = sorted(logprobs)
    return {"mean": float(np.mean(lp)), "min": lp[0], "low3": float(np.mean(lp[:3]))}


class Forcer:
    """The GGUF with every position's logits kept: the log-probability of a forced reply."""

    def __init__(self, path: Path, threads: int) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llm = Llama(
            model_path=str(path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, logits_all=True, verbose=False
        )
        m = self.llm._model  # noqa: SLF001
        self.fmt = Jinja2ChatFormatter(
            self.llm.metadata["tokenizer.chat_template"],
            m.token_get_text(self.llm.token_eos()),
            m.token_get_text(self.llm.token_bos()),
        )

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def logprobs(self, messages: list[dict[str, str]], reply: str) -> list[float]:
        prompt = self.llm.tokenize(self.fmt(messages=messages).prompt.encode("utf-8"), add_bos=False, special=True)
        forced = self.llm.tokenize(reply.encode("utf-8"), add_bos=False, special=False)
        tokens = prompt + forced
        keep = 0  # the longest prefix already evaluated (the system prompt; a question's earlier rows)
        cached = self.llm.input_ids[: self.llm.n_tokens]
        while keep < min(len(cached), len(tokens) - 1) and cached[keep] == tokens[keep]:
            keep += 1
        self.llm.n_tokens = keep
        self.llm.eval(tokens[keep:])
        rows = self.llm.scores[len(prompt) - 1 : len(tokens) - 1]  # the logits before each forced token
        top = rows.max(axis=1, keepdims=True)
        lse = (top + np.log(np.exp(rows - top).sum(axis=1, keepdims=True)))[:, 0]
        return [float(rows[i, t] - lse[i]) for i, t in enumerate(forced)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, help="write every forced row with its figures (JSON lines)")
    args = ap.parse_args()
    rows = [r for r in labelled_rows() if r["label"] in ("supported", "unsupported") and r["kind"] != "wrong_source"]
    settings = load_settings(llm_backend="none")
    embedder = load_embedder(settings)
    forcer = Forcer(llm_path(settings), args.threads)
    paragraph = paragraph_of()
    by_question: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_question[r["qid"]].append(r)
    out: list[dict] = []
    skipped = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="faithfulness-confidence-") as tmp:
        retriever = training_retriever(settings, embedder, Path(tmp) / "index")
        verifier = default_verifier(embedder, retriever.idf)
        options = AnswerOptions(abstain_threshold=-1.0)
        scorer = default_scorer()
        for i, (qid, group) in enumerate(sorted(by_question.items()), 1):
            if i % 20 == 0:
                print(f"  {i} of {len(by_question)} questions, {time.perf_counter() - t0:.0f} s", flush=True)
            question = group[0]["question"]
            lang = question_language(question)
            _, scored = extract_answer(question, lang, retriever, embedder, options, scorer)
            sources = sources_for(scored, settings.llm_sources, settings.llm_context_tokens, forcer.count_tokens)
            messages = answer_messages(question, sources, lang)
            for r in group:
                if not any(r["source"] in s.text or s.text in r["source"] for s in sources):
                    skipped += 1
                    continue
                lp = forcer.logprobs(messages, r["sentence"])
                out.append(
                    {
                        "id": r["id"],
                        "model": r["model"],
                        "pair": r["pair"],
                        "kind": r["kind"],
                        "label": r["label"],
                        "paragraph": paragraph(qid),
                        "sentence": r["sentence"],
                        "kept": verifier.check(r["sentence"], r["source"]) is None,
                        "tokens": len(lp),
                        **token_stats(lp),
                    }
                )
    print(
        f"forced {len(out)} sentences over {len(by_question)} questions in {time.perf_counter() - t0:.0f} s; "
        f"{skipped} left out (their source is not among today's sources)"
    )
    if args.out:
        args.out.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    for pair in ("ar-ar", "en-ar"):
        report(pair, [o for o in out if o["pair"] == pair])


def report(pair: str, rows: list[dict]) -> None:
    kept = [o for o in rows if o["kept"]]
    sup = [o for o in kept if o["kind"] == "original" and o["label"] == "supported"]
    bad = [o for o in kept if o["kind"] == "original" and o["label"] == "unsupported"]
    pert = [o for o in kept if o["kind"] != "original"]
    print(
        f"\n{pair}: the verifier keeps {len(sup)} supported, {len(bad)} unsupported (the LLM's own), "
        f"{len(pert)} perturbed"
    )
    for stat in STATS:
        q = lambda xs: " ".join(f"{np.quantile([o[stat] for o in xs], p):6.2f}" for p in (0.1, 0.5, 0.9)) if xs else "–"  # noqa: B023,E731
        print(
            f"  {stat:5} p10/p50/p90  supported {q(sup)} | unsupported {q(bad)} | perturbed {q(pert)}"
            f"  AUC {auc([o[stat] for o in sup], [o[stat] for o in bad]):.2f}"
        )
        # A floor fitted on one half of the paragraphs (keep >= 85 % of its supported), judged on the other.
        judged = {"sup": 0, "sup_kept": 0, "bad": 0, "bad_kept": 0, "pert": 0, "pert_kept": 0}
        for k in (0, 1):
            fold = lambda o, k=k: zlib.crc32(o["paragraph"].encode()) % 2 == k  # noqa: E731
            fit = sorted(o[stat] for o in sup if not fold(o))
            floor = fit[int(0.15 * len(fit))] if fit else -1e9
            for name, xs in (("sup", sup), ("bad", bad), ("pert", pert)):
                test = [o for o in xs if fold(o)]
                judged[name] += len(test)
                judged[name + "_kept"] += sum(o[stat] >= floor for o in test)
        print(
            f"        floor at the 15th percentile of supported, held out: supported kept "
            f"{judged['sup_kept']}/{judged['sup']}, unsupported shown {judged['bad_kept']}/{judged['bad']}, "
            f"perturbed kept {judged['pert_kept']}/{judged['pert']}"
        )


def auc(pos: list[float], neg: list[float]) -> float:
    """P(a supported sentence scores above an unsupported one), ties half."""
    if not pos or not neg:
        return float("nan")
    return float(np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg]))


if __name__ == "__main__":
    main()
