"""The LLM's own hand-labelled training sentences as support-checker pairs (eval/faithfulness/trainset.py)."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.splits import load_splits
from eval import train_support as T
from eval.faithfulness import trainset
from eval.faithfulness.common import article_of, held_out_articles


def _qid(held: bool) -> str:
    """An XQuAD training question of a held-out article of the labelled set (or of one that is not)."""
    ds, of, h = load_dataset(bundled("xquad-ar")), article_of(), held_out_articles()
    train = set(load_splits()["xquad"]["train"])
    for qid in sorted(ds.qrels):
        section, title = of(f"xq:{qid}")
        if title in train and (title in h.get(section, set())) == held:
            return f"xq:{qid}"
    raise AssertionError("no such question")


def _write(tmp_path, monkeypatch, rows: list[dict], labels: dict) -> None:
    out, lab = tmp_path / "trainset.jsonl", tmp_path / "trainset-labels.json"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    lab.write_text(json.dumps(labels), encoding="utf-8")
    monkeypatch.setattr(trainset, "OUT", out)
    monkeypatch.setattr(trainset, "LABELS", lab)
    monkeypatch.setattr(T, "HERE", tmp_path / "eval")  # the record names the files relative to the checkout


def _row(i: int, qid: str, sentence: str) -> dict:
    return {
        "id": i,
        "pair": "ar-ar",
        "qid": qid,
        "question": "كم دولة التزمت بإرسال جنود؟",
        "sentence": sentence,
        "source": "والتزمت 26 دولة على الأقل بإرسال جنود ضمن قوة أمنية.",
        "kind": "original",
        "label": "unlabelled",
    }


def test_labelled_training_sentences_become_pairs_repeated_with_their_label_and_excluded_ones_left_out(
    tmp_path, monkeypatch
):
    q = _qid(held=False)
    rows = [
        _row(0, q, "التزمت 26 دولة بإرسال جنود."),
        _row(1, q, "التزمت 62 دولة بإرسال جنود."),
        _row(2, q, "لا أعرف."),
    ]
    _write(tmp_path, monkeypatch, rows, {"supported": [0], "unsupported": [1], "exclude": [2]})
    fit, dev, record = T.llm_pairs(3)
    pairs = fit + dev
    assert {(p.claim, p.label, p.kind) for p in pairs} == {
        ("التزمت 26 دولة بإرسال جنود.", 1, "llm"),
        ("التزمت 62 دولة بإرسال جنود.", 0, "llm"),
    }
    assert len(fit) in (0, 6) and len(dev) in (0, 2) and len(fit) + 3 * len(dev) == 6  # one fold: its article's
    assert len({p.group for p in fit}) == len(fit)  # each copy its own group
    assert record["sentences"] == 2 and record["repeat"] == 3


def test_a_sentence_of_a_held_out_article_or_without_a_label_is_refused(tmp_path, monkeypatch):
    _write(
        tmp_path,
        monkeypatch,
        [_row(0, _qid(held=True), "التزمت 26 دولة.")],
        {"supported": [0], "unsupported": [], "exclude": []},
    )
    with pytest.raises(SystemExit, match="held-out article"):
        T.llm_pairs(1)
    _write(
        tmp_path,
        monkeypatch,
        [_row(0, _qid(held=False), "التزمت 26 دولة.")],
        {"supported": [], "unsupported": [], "exclude": []},
    )
    with pytest.raises(SystemExit, match="has no label"):
        T.llm_pairs(1)
