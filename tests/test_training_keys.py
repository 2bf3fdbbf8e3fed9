"""A training run's cache keys (eval/train_reader.py): the frozen states and the checkpoint a run reads back are
its own — another seed, or code that builds other pairs at the same counts, never resumes another run."""

from __future__ import annotations

import argparse

from assistant.training.reader import TrainConfig
from assistant.training.reader_pairs import Pair


def _pairs(sentence: str) -> list[Pair]:
    return [
        Pair("q1", "كم دولة التزمت؟", sentence, 1, "ar-ar", "a", "xquad"),
        Pair("q1", "كم دولة التزمت؟", "قال الوزير إن الاجتماع مهم.", 0, "ar-ar", "a", "xquad"),
    ]


def test_another_seed_or_other_pairs_at_the_same_counts_get_their_own_keys():
    from eval.train_reader import run_keys

    args = argparse.Namespace(before=0)
    fit, dev = _pairs("التزمت 26 دولة بإرسال جنود."), _pairs("التزمت 26 دولة.")
    states, run = run_keys(args, TrainConfig(seed=0), 8, fit, dev)
    assert run_keys(args, TrainConfig(seed=0), 8, fit, dev) == (states, run)  # the same run resumes
    # another seed: the same pairs' states are reused, never the other seed's checkpoint
    other_seed = run_keys(args, TrainConfig(seed=1), 8, fit, dev)
    assert other_seed[0] == states and other_seed[1] != run
    # the same counts, another sentence (bedfec5 split sentences otherwise): nothing is shared
    drifted = run_keys(args, TrainConfig(seed=0), 8, _pairs("التزمت 26 دولة بإرسال جنود إلى أوكرانيا."), dev)
    assert drifted[0] != states and drifted[1] != run
    # read with the sentence before, or fewer layers frozen: other states
    assert run_keys(argparse.Namespace(before=24), TrainConfig(seed=0), 8, fit, dev)[0] != states
    assert run_keys(args, TrainConfig(seed=0), 6, fit, dev)[0] != states
