"""Study: the verifier's polarity check across scripts — a reversed fact, an English claim over Arabic text.

    python -m eval.studies.reversed_facts                 # XQuAD's training articles (~2 min), --show lists
    python -m eval.studies.reversed_facts --test          # its test articles, read once the rule was fixed
    python -m eval.studies.reversed_facts --whole [--test]  # the whole verifier on the same claims (~4 min)
    python -m eval.studies.reversed_facts --labelled      # the hand-labelled LLM sentences (~10 s)

What it measures, on real text nobody here wrote: XQuAD's Arabic and English paragraphs are translations,
so each English sentence aligned to its Arabic sentence (``training.support_pairs.align``: mutual best
match, same numbers) is a claim its source supports, with the source's polarity. A check that rejects one
of them rejects a right sentence. Each aligned English sentence with one negation ("not", "n't", "never")
over a negative Arabic sentence, with that negation taken out ("did not survive" → "did survive"), is a
reversed fact in the source's own words; each positive one over a positive sentence with "not" added after
its first auxiliary is reversed the other way.

The polarity check as shipped until 2026-12-06 (``shipped_before``) and as it is (``answer.facts.polarity_across``)
are counted alone (the other rules' verdicts are not what it changes), then with the whole verifier
(``--whole``), and on the labelled LLM sentences of ``eval/faithfulness`` in both cross-script pairs. Figures:
eval/README.md, "A reversed fact across scripts".
"""

from __future__ import annotations

import re
import sys
from collections import Counter

from assistant.answer.facts import clauses, negations, negative, polarity_across
from assistant.answer.grounding import default_verifier
from assistant.config import load_settings
from assistant.models.loading import load_embedder
from assistant.training.claim_edits import _EN_AUX
from eval.studies.cross_script_names import aligned as aligned_sentences

# A negation taken out of an English sentence: "not"/"never" dropped, "n't" dropped ("didn't" → "did"),
# "cannot" → "can", "won't" → "will".
_UNNEGATE = ((re.compile(r"\bwon't\b"), "will"), (re.compile(r"\bcannot\b|\bcan't\b"), "can"))
_UNNEGATE += ((re.compile(r"n't\b"), ""), (re.compile(r"\s(not|never)\b"), ""))


def unnegated(sentence: str) -> str | None:
    """The sentence with its one negation taken out, or None when it holds none or several."""
    if negations(sentence) != 1:
        return None
    for pattern, repl in _UNNEGATE:
        out, n = pattern.subn(repl, sentence)
        if n == 1 and not negative(out):
            return out
    return None


def pairs(split: str, embedder) -> list[tuple[str, list[str], str]]:  # noqa: ANN001
    """(English claim, the Arabic paragraph's sentences, the aligned Arabic sentence) for each aligned
    sentence of XQuAD's ``split`` articles."""
    return [(e[j], a, a[i]) for _, a, e, _, i, j in aligned_sentences(split, embedder)]


def shipped_before(claim: str, source: str, clause: str) -> bool:
    """The cross-script polarity check as shipped until 2026-12-06: a negative claim over a positive closest
    clause, or more negations than the source sentence."""
    return (negative(claim) and not negative(clause)) or negations(claim) > negations(source)


def negated(sentence: str) -> str | None:
    """The positive sentence with "not" after its first auxiliary ("was built" → "was not built")."""
    if negations(sentence) or not _EN_AUX.search(sentence):
        return None
    return _EN_AUX.sub(lambda m: m.group(0) + " not", sentence, count=1)


RULES = {"before": shipped_before, "now": polarity_across}


def verdicts(v, claim: str, kept: list[str]) -> dict[str, bool]:  # noqa: ANN001
    best, _ = v._best_sentence(claim, kept)
    parts = clauses(best)
    clause = v._best_sentence(claim, parts)[0] if len(parts) > 1 else best
    return {name: rule(claim, best, clause) for name, rule in RULES.items()}


def labelled_figures(embedder) -> None:  # noqa: ANN001
    """The shipped verifier (its IDF rule left out, as for English claims) on the hand-labelled LLM sentences
    of ``eval/faithfulness`` in both cross-script pairs, with the polarity check as it was and as it is."""
    import assistant.answer.grounding as G
    from eval.studies.swapped_countries import labelled

    v = default_verifier(embedder, None, None)
    rows = [r for r in labelled() if r["pair"] in ("en-ar", "ar-en")]
    for name, rule in RULES.items():
        G.polarity_across = rule
        c: Counter = Counter()
        for r in rows:
            key = "LLM" if "LLM" in r["kind"] else "perturbed"
            c[(key, r["label"])] += 1
            c[(key, r["label"], "kept")] += v.check(r["sentence"], r["source"]) is None
        G.polarity_across = polarity_across
        print(
            f"{name}: LLM sentences supported kept {c[('LLM', 'supported', 'kept')]} of {c[('LLM', 'supported')]}, "
            f"unsupported shown {c[('LLM', 'unsupported', 'kept')]} of {c[('LLM', 'unsupported')]}; "
            f"perturbed shown {c[('perturbed', 'unsupported', 'kept')]} of {c[('perturbed', 'unsupported')]}"
        )


def whole(split: str, embedder) -> None:  # noqa: ANN001
    """The whole verifier (its IDF rule left out, as for English claims) on the right translations and on the
    reversed ones, with the polarity check as it was and as it is, at the English cosine floor shipped (0.785)
    and at the one re-running the calibration would write (0.80)."""
    from dataclasses import replace

    import assistant.answer.grounding as G
    from eval.studies.swapped_countries import _sentences

    v = replace(default_verifier(embedder, None, None), min_cosine=None)
    c: Counter = Counter()
    for claim, kept, aligned in pairs(split, embedder):
        cases = [("right translation", claim)]
        lie = unnegated(claim)
        if lie is not None and negative(aligned):
            cases.append(("negation taken out", lie))
        lie = negated(claim)
        if lie is not None and not negative(aligned):
            cases.append(("negation added", lie))
        for kind, text in cases:
            cos = v._best_sentence(text, _sentences(" ".join(kept)))[1] or 0.0
            c[kind] += 1
            for name, rule in RULES.items():
                G.polarity_across = rule
                passed = v.check(text, " ".join(kept)) is None
                G.polarity_across = polarity_across
                for floor in (0.785, 0.8):
                    c[(kind, name, floor)] += passed and cos >= floor
    print(f"\nXQuAD {split} articles: passed by the whole verifier (polarity check before / now, English floor)")
    for kind in ("right translation", "negation taken out", "negation added"):
        row = ", ".join(f"{n} {f}: {c[(kind, n, f)]}" for n in RULES for f in (0.785, 0.8))
        print(f"  {kind} ({c[kind]}): {row}")


def main() -> None:
    if "--whole" in sys.argv[1:]:
        whole("test" if "--test" in sys.argv[1:] else "train", load_embedder(load_settings(llm_backend="none")))
        return
    if "--labelled" in sys.argv[1:]:
        labelled_figures(load_embedder(load_settings(llm_backend="none")))
        return
    split = "test" if "--test" in sys.argv[1:] else "train"
    show = "--show" in sys.argv[1:]
    embedder = load_embedder(load_settings(llm_backend="none"))
    v = default_verifier(embedder, None, None)
    counts: Counter = Counter()
    for claim, kept, aligned in pairs(split, embedder):
        cases = [("right translation", claim, False)]
        lie = unnegated(claim)
        if lie is not None and negative(aligned):
            cases.append(("negation taken out", lie, True))
        lie = negated(claim)
        if lie is not None and not negative(aligned):
            cases.append(("negation added", lie, True))
        for kind, text, wrong in cases:
            got = verdicts(v, text, kept)
            counts[kind] += 1
            for name, rejected in got.items():
                counts[(kind, name)] += rejected
            if show and got["now"] != (wrong or got["before"]):
                print(f"{kind} {got}: {text}")
    print(f"\nXQuAD {split} articles: rejected by the cross-script polarity check, before / now")
    for kind in ("right translation", "negation taken out", "negation added"):
        print(f"  {kind}: {counts[(kind, 'before')]} / {counts[(kind, 'now')]} of {counts[kind]}")


if __name__ == "__main__":
    main()
