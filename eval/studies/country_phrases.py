"""Study: the answer step's country rule against the paragraph that answers — how often it would turn away a
question whose own paragraph is quoted, and how often Arabic news names the United States only as
«الولايات المتحدة».

    python -m eval.studies.country_phrases            # training articles of XQuAD (both pairs), ARCD, TyDi-ar (seconds)
    python -m eval.studies.country_phrases --test     # their test articles, read once the rule was fixed
    python -m eval.studies.country_phrases --show     # list every question the rule fires on

The rule (``text.countries.countries_not_named``, read by ``answer.ask._not_named``) abstains when the
question names a country that the chosen passage and its article's title never name. Over the paragraph that
answers each question, every firing is a right answer the rule would turn away if that paragraph were
chosen. The code as it was: ``git worktree add ../before <commit> && PYTHONPATH=../before python -m
eval.studies.country_phrases`` (run from ../before with this file copied into its eval/studies/).

The ANT count: passages (paragraphs of more than eight words) of the 5,611 news articles that name the
United States by «الولايات المتحدة» and by no word the rule reads as America — over each, a question about
«أمريكا» was turned away before two-word country names were read.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import load_splits, part
from assistant.text.countries import countries_in_passage, countries_not_named

ANT = Path(__file__).resolve().parents[3] / "shared" / "data" / "ant"
SETS = (("xquad", "xquad-ar", "ar-ar"), ("xquad", "xquad-ar", "en-ar"), ("arcd", "arcd", "ar-ar"))
SETS += (("tydiqa", "tydiqa-ar", "ar-ar"),)


def firings(split: str, show: bool) -> Counter:
    splits = load_splits()
    english = load_dataset(bundled("xquad-en"))
    out: Counter = Counter()
    for section, name, pair in SETS:
        ds = part(load_dataset(bundled(name)), splits[section][split])
        for qid, rel in sorted(ds.qrels.items()):
            question = english.queries.get(qid) if pair == "en-ar" else ds.queries[qid]
            if not question:
                continue
            title, text = ds.corpus[next(iter(rel))]
            out[f"{name} {pair}: questions"] += 1
            absent = countries_not_named(question, f"{title}\n{text}")
            if absent:
                out[f"{name} {pair}: fires"] += 1
                if show:
                    print(f"{name} {pair}: {question} -> {sorted(absent.values())}")
    return out


def ant_passages() -> Counter:
    out: Counter = Counter()
    if not ANT.exists():
        return out
    for f in sorted(ANT.rglob("*")):
        if not f.is_file():
            continue
        for para in f.read_text(encoding="utf-8", errors="ignore").split("\n"):
            if len(para.split()) <= 8:
                continue
            out["passages"] += 1
            if re.search("الولايات المتحدة", para):
                out["name «الولايات المتحدة»"] += 1
                out["…and no word read as America"] += "america" not in countries_in_passage(para)
    return out


def main() -> None:
    args = sys.argv[1:]
    split = "test" if "--test" in args else "train"
    counts = firings(split, "--show" in args)
    print(f"\nThe country rule over each question's own paragraph ({split} articles):")
    for key in sorted(k for k in counts if k.endswith("questions")):
        name = key.removesuffix(": questions")
        print(f"  {name}: fires on {counts[name + ': fires']} of {counts[key]}")
    if split == "train":
        print("\nANT news passages:")
        for k, v in ant_passages().items():
            print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
