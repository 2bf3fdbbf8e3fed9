"""Study: the verifier's name check across scripts — an English claim's names found in its Arabic source.

    python -m eval.studies.cross_script_names          # XQuAD's training articles (~1 min); --show lists misses
    python -m eval.studies.cross_script_names --test        # its test articles, read once the rules were fixed
    python -m eval.studies.cross_script_names --labelled    # the hand-labelled LLM sentences, both sets (~15 s)

The rules as they were are measured by the same script over the code as it was (it imports only what both
have): ``git worktree add ../before 2df49e8 && PYTHONPATH=../before python -m eval.studies.cross_script_names``.

What it measures, on real text nobody here wrote: XQuAD's Arabic and English paragraphs are translations,
so each English sentence aligned to its Arabic sentence (``training.support_pairs.align``: mutual best
match, same numbers) is a right claim; its names are in the Arabic paragraph, in Arabic letters. A check
that says one is not ("names not in the cited passage") rejects a right sentence — as it does a right
English draft or a right English rendering of a quote. The other side: the same claims with one name
replaced by a name that the English paragraph does not hold (so neither does its Arabic translation) —
taken from another paragraph of the same article (same topic, similar names) or from another article.
A check that finds the replacement lets a wrong name through. The names rule is counted alone (its
verdict is the only one these changes move); figures in eval/README.md, "Names across scripts".
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter

import numpy as np

from assistant.config import load_settings
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import load_splits, part
from assistant.models.loading import load_embedder
from assistant.text.questions import latin_name_phrases, phrase_found
from assistant.training.support_pairs import align, sentences

# A name to replace or to put in its place, picked the same way whatever the rules under test: a run of
# capitalised words, not the sentence's first word, none a function word.
_PHRASE = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})*")
_FIRST = re.compile(r"[A-Z][a-z]{2,}")
_NOT_NAMES = frozenset("The A An In On At Of For From By With And Or But This That These Those It".split())


def _names(text: str) -> list[str]:
    return [m for m in _PHRASE.findall(text) if not any(w in _NOT_NAMES for w in m.split())]


def aligned(split: str, embedder) -> list[tuple[str, list[str], list[str], str, int, int]]:  # noqa: ANN001
    """(article title, the Arabic paragraph's sentences, the English paragraph's, the English paragraph, i, j)
    for each Arabic sentence i aligned to English sentence j in XQuAD's ``split`` articles."""
    titles = load_splits()["xquad"][split]
    ar = part(load_dataset(bundled("xquad-ar")), titles)
    en = part(load_dataset(bundled("xquad-en")), titles)
    out = []
    for pid, (title, text) in sorted(ar.corpus.items()):
        if pid not in en.corpus:
            continue
        a, e = sentences(text), sentences(en.corpus[pid][1])
        if not a or not e:
            continue
        sim = (np.asarray(embedder.embed_passages(a)) @ np.asarray(embedder.embed_passages(e)).T).tolist()
        out += [(title, a, e, en.corpus[pid][1], i, j) for i, j in sorted(align(a, e, sim).items())]
    return out


def claims(split: str, embedder) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    """(article title, English claim, the Arabic paragraph, the English paragraph) for each aligned sentence
    of XQuAD's ``split`` articles."""
    return [(title, e[j], " ".join(a), en_text) for title, a, e, en_text, _, j in aligned(split, embedder)]


def lies(rows: list[tuple[str, str, str, str]], seed: int = 0) -> list[tuple[str, str, str]]:
    """(kind, claim with one name replaced, the Arabic paragraph): one lie of each kind per claim that names
    something, the replacement a name its English paragraph does not hold; and, for each claim whose first
    word is capitalised, that word replaced by a one-word name of another article ("first word")."""
    rng = random.Random(seed)
    pool: dict[str, list[str]] = {}
    for title, _, _, en_text in rows:
        pool.setdefault(title, []).extend(_names(en_text))
    single = {t: {w for n in ns for w in n.split()} for t, ns in pool.items()}
    first_rng = random.Random(seed + 1)
    out = []
    for title, claim, ar_text, en_text in rows:
        first = claim.split(" ", 1)[0]
        if _FIRST.fullmatch(first) and first not in _NOT_NAMES:  # the sentence's first word, a name or not
            words = sorted({w for t, ws in single.items() if t != title for w in ws} - set(en_text.split()))
            out.append(("first word", first_rng.choice(words) + claim[len(first) :], ar_text))
        names = _names(claim)
        if not names:
            continue
        old = rng.choice(names)
        for kind, candidates in (
            ("same article", pool[title]),
            ("another article", [n for t, ns in sorted(pool.items()) if t != title for n in ns]),
        ):
            fresh = sorted({n for n in candidates if not any(w in en_text for w in n.split())})
            if fresh:
                out.append((kind, claim.replace(old, rng.choice(fresh), 1), ar_text))
    return out


def missing(claim: str, text: str) -> list[str]:
    """The claim's name phrases the rule under test does not find in text."""
    return [p for p in latin_name_phrases(claim) if not phrase_found(p, text)]


def xquad(split: str, show: bool) -> None:
    rows = claims(split, load_embedder(load_settings(llm_backend="none")))
    c: Counter = Counter()
    for _, claim, ar_text, _ in rows:
        miss = missing(claim, ar_text)
        c["right"] += 1
        c["right passed"] += not miss
        if show and miss:
            print(f"rejected right: {miss} | {claim}")
    for kind, lie, ar_text in lies(rows):
        c[kind] += 1
        caught = bool(missing(lie, ar_text))
        c[(kind, "caught")] += caught
        if show and not caught:
            print(f"passed lie ({kind}): {lie}")
    print(f"\nXQuAD {split} articles, the names rule alone:")
    print(f"  right translations passed: {c['right passed']} of {c['right']}")
    for kind in ("same article", "another article", "first word"):
        print(f"  a name replaced ({kind}), caught: {c[(kind, 'caught')]} of {c[kind]}")


def labelled_figures() -> None:
    """The names rule alone on the hand-labelled English LLM sentences over Arabic sources: the labelled set
    (``faithfulness.jsonl``) and the held-out sentences (``heldout.jsonl``), per label."""
    from eval.studies.swapped_countries import labelled

    c: Counter = Counter()
    for r in labelled():
        if r["pair"] != "en-ar":
            continue
        kind = "held-out" if r["kind"].startswith("held-out") else "labelled" if "LLM" in r["kind"] else "perturbed"
        c[(kind, r["label"])] += 1
        c[(kind, r["label"], "passed")] += not missing(r["sentence"], r["source"])
    print("\nEnglish LLM sentences over Arabic sources, passed by the names rule alone:")
    for kind in ("labelled", "held-out", "perturbed"):
        print(
            f"  {kind}: supported {c[(kind, 'supported', 'passed')]} of {c[(kind, 'supported')]}, "
            f"unsupported {c[(kind, 'unsupported', 'passed')]} of {c[(kind, 'unsupported')]}"
        )


def main() -> None:
    args = sys.argv[1:]
    if "--labelled" in args:
        labelled_figures()
        return
    xquad("test" if "--test" in args else "train", "--show" in args)


if __name__ == "__main__":
    main()
