"""The shipped models' one command still builds the pairs each was trained on.

A model ships with its record (reader.json, support.json): the pairs it was trained on, counted, and since
2026-12-07 their sha256 in order. A change to what the pair builders read (sentence splitting, the
negative pool, the claim makers) silently makes `python -m eval.train_reader` / `eval.train_support`
train another model than the one shipped; these tests rebuild the pairs as those commands do and
compare. When one fails: retrain (and recalibrate, and re-measure held out), or restore the builder.
Both shipped models are strict known failures today (bedfec5's sentence splitting; their reasons say
more): a model retrained on today's code and shipped makes its test pass, and its mark must then go.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest

pytestmark = pytest.mark.real  # the real datasets, and for the support checker the real embedder (alignment)


def _record(name: str) -> dict:
    from assistant.models.reader import READER_DIR

    return json.loads((READER_DIR.parent / name).read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known: the shipped reader was trained on pairs split by the sentence splitter before bedfec5 (20,479 / "
    "4,380; today's code builds 20,411 / 4,507); retrained on today's code it abstained less on the development "
    "fold and was not shipped (eval/README.md); reader.json 'rebuild' says which commit rebuilds it",
)
def test_the_reader_recipe_builds_the_pairs_the_shipped_reader_was_trained_on(monkeypatch):
    from assistant.training.reader_pairs import digest
    from eval import train_reader as R

    if not R.ANT.exists():
        pytest.fail(
            f"{R.ANT}: the 300 ANT articles of the negative pool are needed beside the checkout (../shared/data/ant)"
        )
    record = _record("reader/reader.json")
    monkeypatch.setattr(sys, "argv", ["train_reader"])
    args = R.arguments()
    fit_q, dev_q, pool, data = R.gather(None, extra=args.extra)
    fit, dev, _ = R.training_pairs(args, record["config"]["seed"], fit_q, dev_q, pool)
    assert data["files"] == record["data"]["files"]  # the same files, byte for byte
    shipped = record["pairs"]
    assert (len(fit_q), len(dev_q)) == (shipped["fit_questions"], shipped["dev_questions"])
    assert (len(fit), len(dev)) == (shipped["fit"], shipped["dev"]), "retrain the reader: its pairs changed"
    assert {"fit": digest(fit), "dev": digest(dev)} == shipped["sha256"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known: the shipped checker (off by default) was trained on claims split by the sentence splitter "
    "before bedfec5 (8,842 pairs; today's code builds 8,834); retrained on today's code it failed the rule set before "
    "the run on the held-out LLM sentences and was not shipped (eval/README.md); support.json 'rebuild' says which "
    "commit rebuilds it",
)
def test_the_support_recipe_builds_the_claims_the_shipped_checker_was_trained_on():
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder
    from eval import train_support as S

    record = _record("support/support.json")
    fit_p, dev_p, aligned, data = S.gather(None, load_embedder(load_settings(llm_backend="none")))
    seed, anchors = record["config"]["seed"], record["anchors_per_paragraph"]
    fit, dev = S.build(fit_p, aligned, seed, anchors), S.build(dev_p, aligned, seed + 1, anchors)
    assert data["files"] == record["data"]["files"]
    shipped = record["pairs"]
    for name, built in (("fit", fit), ("dev", dev)):
        assert dict(Counter(f"{p.pair}/{p.kind}" for p in built)) == shipped[name], f"{name}: retrain the checker"
    assert {"fit": S.digest_of(fit), "dev": S.digest_of(dev)} == shipped["sha256"]
