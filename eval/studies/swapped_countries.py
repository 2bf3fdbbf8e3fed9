"""Study: what the verifier's "a country in place of another" rule drops on the labelled LLM sentences.

    python -m eval.studies.swapped_countries             # ~1 min (the embedder aligns each sentence to its source)
    python -m eval.studies.swapped_countries --reversal  # a rule tried and not shipped (below)
    python -m eval.studies.swapped_countries --names     # another (below)
    python -m eval.studies.swapped_countries --numbers   # another, in both pairs (below)

The rule (``answer.grounding.swapped_countries``) rejects a sentence that names a country its source
sentence does not while leaving out one it does. It only ever adds a rejection, so what it changes is
exactly the sentences it fires on: this counts them on every hand-labelled sentence of
``eval/faithfulness`` (the labelled set, its perturbations, and the held-out sentences of
``heldout.jsonl`` with ``heldout-labels.json``), per kind, language pair and label, and lists them.
The source sentence is the one the shipped verifier aligns the claim to (e5 cosine).

``--reversal`` measures a rule that was tried and not shipped in this form (its successor,
``answer.facts.polarity_across``, shipped 2026-12-06: ``eval.studies.reversed_facts``): across scripts, a
positive English claim
whose closest clause of the source is negative («استبعدت بولندا علنًا إرسال قوات برية», "Poland committed
to sending ground troops") is rejected. Until then only the other direction was (a source's negation is too often
about something else). It prints the shipped verifier's supported kept and unsupported shown on the
English LLM sentences, without and with the rule. ``--names`` does the same for a rule that rejects an
English claim naming someone or something (a Latin name) that its source sentence does not name, though
the passage does (a fact moved from one sentence's subject to another's). ``--numbers``: a claim stating a
number its source sentence lacks though the passage has it (a figure moved between sentences), in both pairs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.answer.grounding import Verifier, swapped_countries
from assistant.text.arabic import split_sentences
from assistant.text.planted import is_planted

HERE = Path(__file__).resolve().parents[1] / "faithfulness"


def labelled() -> list[dict]:
    rows = [json.loads(line) for line in (HERE / "faithfulness.jsonl").read_text(encoding="utf-8").splitlines()]
    labels = json.loads((HERE / "heldout-labels.json").read_text(encoding="utf-8"))
    held = [json.loads(line) for line in (HERE / "heldout.jsonl").read_text(encoding="utf-8").splitlines()]
    for i, r in enumerate(held):
        r["label"] = next((k for k in ("supported", "unsupported") if i in labels[k]), "exclude")
        r["kind"] = "held-out LLM sentence"
    for r in rows:
        r["kind"] = "LLM sentence" if r["kind"] == "original" else f"perturbed: {r['kind']}"
    return [r for r in rows + held if r["label"] in ("supported", "unsupported")]


def _sentences(source: str) -> list[str]:
    """The source's sentences as the verifier reads them (planted instructions left out)."""
    return [source[a:b] for a, b in split_sentences(source) if not is_planted(source[a:b])] or [source]


def moved_name(v: Verifier, sentence: str, kept: list[str]) -> bool:
    """The claim names (in Latin letters) what its closest source sentence does not."""
    from assistant.text.questions import latin_name_phrases, phrase_found

    best, _ = v._best_sentence(sentence, kept)
    return any(not phrase_found(n, best) for n in latin_name_phrases(sentence))


def reversed_polarity(v: Verifier, sentence: str, kept: list[str]) -> bool:
    """A positive claim whose closest clause of its closest source sentence is negative."""
    from assistant.answer.facts import clauses, negative

    best, _ = v._best_sentence(sentence, kept)
    parts = clauses(best)
    clause = v._best_sentence(sentence, parts)[0] if len(parts) > 1 else best
    return negative(clause) and not negative(sentence)


def moved_number(v: Verifier, sentence: str, kept: list[str]) -> bool:
    """The claim states a number (digits, number words, after normalisation) that its closest source
    sentence does not, though the passage does (a figure moved from another sentence of the passage)."""
    from assistant.answer.facts import number_facts

    nums = number_facts(sentence)[0]
    if not nums:
        return False
    best, _ = v._best_sentence(sentence, kept)
    return bool(nums - number_facts(best)[0])


def tried(embedder, rule, pairs: tuple[str, ...] = ("en-ar",)) -> None:  # noqa: ANN001
    """The shipped verifier (without its IDF rule) on the LLM sentences of ``pairs``, without and with a
    rule tried beside it."""
    from assistant.answer.grounding import default_verifier

    v = default_verifier(embedder, None, None)  # for English claims the shipped verifier: no IDF rule
    counts: Counter = Counter()
    for r in labelled():
        if r["pair"] not in pairs or "LLM" not in r["kind"]:
            continue
        before = v.check(r["sentence"], r["source"]) is None
        kept = _sentences(r["source"])
        after = before and not rule(v, r["sentence"], kept)
        counts[(r["label"], "without")] += before
        counts[(r["label"], "with")] += after
        counts[r["label"]] += 1
        if before and not after:
            print(f"newly dropped ({r['label']}): {r['sentence']}")
    for way in ("without", "with"):
        shown = counts[("supported", way)] + counts[("unsupported", way)]
        print(
            f"{way} the rule: supported kept {counts[('supported', way)]} of {counts['supported']}, "
            f"unsupported shown {counts[('unsupported', way)]} of {shown} shown"
        )


def main() -> None:
    import sys

    from assistant.config import load_settings
    from assistant.models.loading import load_embedder

    embedder = load_embedder(load_settings(llm_backend="none"))
    for flag, rule in (("--reversal", reversed_polarity), ("--names", moved_name)):
        if flag in sys.argv[1:]:
            tried(embedder, rule)
            return
    if "--numbers" in sys.argv[1:]:
        for pair in ("ar-ar", "en-ar"):
            print(pair)
            tried(embedder, moved_number, (pair,))
        return
    verifier = Verifier(embed=lambda texts: embedder.embed_passages(list(texts)))
    counts: Counter = Counter()
    fired = []
    for r in labelled():
        kept = _sentences(r["source"])
        best, _ = verifier._best_sentence(r["sentence"], kept)
        why = swapped_countries(r["sentence"], best)
        counts[(r["kind"], r["pair"], r["label"], "dropped" if why else "passed")] += 1
        if why:
            fired.append({"kind": r["kind"], "label": r["label"], "sentence": r["sentence"], "why": why})
    for key in sorted({k[:3] for k in counts}):
        print(
            f"{' / '.join(key):48s} dropped by the rule {counts[(*key, 'dropped')]} of "
            f"{counts[(*key, 'dropped')] + counts[(*key, 'passed')]}"
        )
    for f in fired:
        print(json.dumps(f, ensure_ascii=False))


if __name__ == "__main__":
    main()
