"""Study: do the answer step's later input rules touch the held-out answer evaluations?

    python -m eval.studies.heldout_unchanged        # seconds; no model

The held-out answer figures (eval/README.md, "Answers (extractive)") were measured before two rules
were added to the answer step: lines that address the model (``text.planted``) are never
candidates, and a one-word question whose word no indexed article holds is answered as such
(``answer.ask._unknown_word``, only when its nearest passage is in the question's language). This
counts what those rules could change in those runs: the sentences of the test articles of XQuAD,
ARCD and TyDi-ar and of the 300 ANT test-slice distractors that the detector flags, and the test
questions of one analysed word that the test articles do not hold (with the language of the
archive: an English question over the Arabic articles is answered on, whatever its word).
"""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import distractor_files, load_splits, part
from assistant.ingest.loaders import load_file
from assistant.text.arabic import analyze
from assistant.text.planted import is_planted
from assistant.training.reader_pairs import sentences

ANT = Path(__file__).resolve().parents[3] / "shared" / "data" / "ant"
SETS = (("xquad-ar", "xquad"), ("xquad-en", "xquad"), ("arcd", "arcd"), ("tydiqa-ar", "tydiqa"))


def main() -> None:
    splits = load_splits()
    texts: list[str] = []
    vocab: set[str] = set()
    one_word: list[tuple[str, str]] = []
    for name, section in SETS:
        ds = part(load_dataset(bundled(name)), splits[section]["test"])
        if not name.endswith("-en"):  # the English paragraphs are never indexed: questions only
            for title, text in ds.corpus.values():
                texts += sentences(text)
                vocab.update(analyze(f"{title} {text}"))
        one_word += [(name, q) for q in ds.queries.values() if len(analyze(q)) <= 1]
    d = splits["distractors"]
    if ANT.exists():
        for f in distractor_files(ANT, d["test"]["count"], d["test"]["offset"], d["seed"]):
            texts += sentences(load_file(f).text)
    flagged = [t for t in texts if is_planted(t)]
    print(f"planted-instruction detector: {len(flagged)} of {len(texts)} test sentences flagged")
    for t in flagged:
        print("  ", t[:160])
    unknown = [(n, q) for n, q in one_word if not set(analyze(q)) <= vocab]
    print(f"test questions of one analysed word: {len(one_word)}; absent from the test articles: {len(unknown)}")
    for n, q in unknown:
        print(f"   {n}: {q}" + ("  (English over the Arabic archive: answered on)" if n == "xquad-en" else ""))


if __name__ == "__main__":
    main()
