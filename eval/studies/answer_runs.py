"""Study: the whole extractive answer (the reader deciding) with its few candidate sentences embedded in
runs of similar length (``onnx_embedder.FEW_RUN``, shipped) against one batch padded to the longest.

    python -m eval.studies.answer_runs              # ~4 min on 2 cores
    python -m eval.studies.answer_runs --questions 120 --distractors 60

Indexes XQuAD-ar's test articles with a slice of the ANT test distractors, then asks the first
``--questions`` Arabic questions and their English twins through ``ask.decide_answers`` as the
product does, each question both ways in a random order (so that a slower moment of a shared machine
hits both alike), after two warm-up questions. Prints p50 / p95 per way and per language pair, the
per-question ratio, and checks that both ways give the same answer (the vectors differ by float
noise only). Test articles only timed, nothing fitted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.models import onnx_embedder

HERE = Path(__file__).resolve().parent
ANT = HERE.parents[1].parent / "shared" / "data" / "ant"
WAYS = {"runs of 3 (shipped)": onnx_embedder.FEW_RUN, "one padded batch": onnx_embedder.BATCH}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=120, help="Arabic questions (and as many English twins)")
    ap.add_argument("--distractors", type=int, default=60, help="ANT test-slice articles indexed beside them")
    args = ap.parse_args()
    from assistant.answer.ask import AnswerOptions, decide_answers, question_language
    from assistant.answer.scoring import default_scorer
    from assistant.config import load_settings
    from assistant.evaluation.answers import build_answer_index, build_answer_set
    from assistant.evaluation.datasets import bundled
    from assistant.evaluation.machine import machine
    from assistant.models.loading import load_embedder
    from assistant.models.reader import load_reader

    settings = load_settings(llm_backend="none")
    embedder, reader = load_embedder(settings), load_reader(settings.model_cache)
    spec = build_answer_set(bundled("xquad-ar"), "test", distractors=ANT, distractor_count=args.distractors)
    with tempfile.TemporaryDirectory(prefix="answer-runs-") as tmp:
        _, retriever, _, _ = build_answer_index(spec, embedder, settings, Path(tmp))
        options = AnswerOptions.from_settings(settings, mode="extractive")
        qids = sorted(spec.ds.queries)[: args.questions]
        asked = [spec.ds.queries[q] for q in qids]
        asked += [spec.cross.queries[q] for q in qids if spec.cross is not None and q in spec.cross.queries]

        def answer(question: str) -> tuple[float, str]:
            t = time.perf_counter()
            got, _, _ = decide_answers(
                question, question_language(question), retriever, embedder, options, default_scorer(), reader
            )
            decided = got.get("reader", got["scorer"])
            return 1000 * (time.perf_counter() - t), decided.answer

        for q in asked[:2]:
            answer(q)
        rng, times, same = random.Random(0), {w: {} for w in WAYS}, 0
        for q in asked:
            said = set()
            for way in rng.sample(list(WAYS), len(WAYS)):
                onnx_embedder.FEW_RUN = WAYS[way]
                times[way][q], text = answer(q)
                said.add(text)
            same += len(said) == 1
        onnx_embedder.FEW_RUN = WAYS["runs of 3 (shipped)"]
    m = machine()
    print(f"{m['cpu']}, {m['cores']} cores; {len(asked)} questions, {args.distractors} distractors")
    print(f"the same answer both ways: {same} of {len(asked)}")
    for pair, picked in (("all", asked), ("ar-ar", asked[: len(qids)]), ("en-ar", asked[len(qids) :])):
        for way in WAYS:
            ms = [times[way][q] for q in picked]
            print(f"  {pair:5} {way:20}: p50 {np.median(ms):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms")
        ratio = [times["runs of 3 (shipped)"][q] / times["one padded batch"][q] for q in picked]
        print(f"  {pair:5} per-question ratio, runs / one batch: median {statistics.median(ratio):.3f}")


if __name__ == "__main__":
    main()
