"""The choice-pool study's pairing and its rule (eval/studies/english_choice.py), on rows made here."""

from __future__ import annotations

import json

import pytest

from eval.studies.english_choice import compare, load, parse_choose, verdict


def _rows(correct_en: list[bool], abstained_una: list[bool], ar_quote: str = "ق") -> list[dict]:
    rows = [
        {"qid": f"e{i}", "kind": "answerable", "pair": "en-ar", "correct": c, "abstained": False, "quote": str(c)}
        for i, c in enumerate(correct_en)
    ]
    rows += [
        {"qid": f"u{i}", "kind": "removed", "pair": "en-ar", "correct": False, "abstained": a, "quote": ""}
        for i, a in enumerate(abstained_una)
    ]
    rows.append(
        {"qid": "a0", "kind": "answerable", "pair": "ar-ar", "correct": True, "abstained": False, "quote": ar_quote}
    )
    return rows


def _write(path, rows, choose=None):  # noqa: ANN001, ANN202
    path.write_text(
        "\n".join([json.dumps({"choose": choose}), *(json.dumps(r, ensure_ascii=False) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    return load(path)[1]


def test_parse_choose():
    assert parse_choose("none") is None
    assert parse_choose("10,8") == {"passages": 10, "candidates": 8, "names": False}
    assert parse_choose("10,6,names") == {"passages": 10, "candidates": 6, "names": True}
    with pytest.raises(SystemExit):
        parse_choose("10,8,lift")


def test_two_more_right_answers_and_no_abstention_lost_pass(tmp_path):
    base = _write(tmp_path / "a.jsonl", _rows([False, False, True], [True, False]))
    other = _write(tmp_path / "b.jsonl", _rows([True, True, True], [True, False]), {"passages": 10})
    c = compare(base, other)
    assert (c["en-ar"]["won"], c["en-ar"]["lost"]) == (2, 0) and c["ar-ar"]["rows_changed"] == 0
    assert verdict(c)


def test_abstentions_lost_or_an_arabic_row_changed_fail(tmp_path):
    base = _write(tmp_path / "a.jsonl", _rows([False, False, True], [True, True]))
    lost = _write(tmp_path / "b.jsonl", _rows([True, True, True], [False, False]))
    assert compare(base, lost)["en-ar"]["abstentions_lost"] == 2 and not verdict(compare(base, lost))
    arabic = _write(tmp_path / "c.jsonl", _rows([True, True, True], [True, True], ar_quote="غير"))
    assert not verdict(compare(base, arabic))
    assert verdict(compare(base, arabic), "ar-ar") is False  # and for Arabic: no Arabic answer won
