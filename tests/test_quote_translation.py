"""The quote-translation study's figures, from rows and hand labels (no LLM)."""

from __future__ import annotations

import json

from eval.studies.quote_translation import report


def _rows(tmp_path, rows, labels):
    f = tmp_path / "rows.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    lab = tmp_path / "labels.json"
    lab.write_text(json.dumps(labels), encoding="utf-8")
    return f, lab


def test_the_report_counts_what_each_check_would_show(tmp_path):
    base = {"arabic": "قال الوزير إن 26 دولة التزمت.", "reference": "", "en_answers": ["26"]}
    rows = [
        {
            **base,
            "id": "a",
            "rendering": "The minister said 26 countries committed.",
            "rules": None,
            "checker_p": 0.9,
            "checker_accepts": True,
            "answer_kept": True,
        },
        {
            **base,
            "id": "b",
            "rendering": "The minister denied 26 countries.",
            "rules": None,
            "checker_p": 0.2,
            "checker_accepts": False,
            "answer_kept": True,
        },
        {
            **base,
            "id": "c",
            "rendering": "Twenty countries.",
            "rules": "numbers not in the cited passage: 20",
            "checker_p": 0.1,
            "checker_accepts": False,
            "answer_kept": False,
        },
        {
            **base,
            "id": "d",
            "rendering": "The minister said 26 states refused.",
            "rules": None,
            "checker_p": 0.7,
            "checker_accepts": True,
            "answer_kept": True,
        },
        {**base, "id": "e", "rendering": None},
    ]
    f, lab = _rows(tmp_path, rows, {"a": "supported", "b": "unsupported", "d": "unsupported"})
    out = report(f, lab)
    assert (out["sentences"], out["rendered"], out["rules_pass"]) == (5, 4, 3)
    assert out["answer_kept_among_rules_pass"] == 3 and out["checker_accepts_among_rules_pass"] == 2
    lab_out = out["labelled_rules_pass"]
    assert (lab_out["supported"], lab_out["unsupported"]) == (1, 2)
    assert lab_out["rules_alone_shown_unsupported"] == round(2 / 3, 3)
    assert (lab_out["with_checker_shown"], lab_out["with_checker_shown_unsupported"]) == (2, 1)
    assert lab_out["with_checker_supported_kept"] == 1 and lab_out["with_checker_unsupported_dropped"] == 1
