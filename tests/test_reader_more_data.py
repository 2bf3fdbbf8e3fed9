"""More training questions for the reader never share an article with an evaluation set."""

from __future__ import annotations

import json

from assistant.evaluation.datasets import load_dataset
from assistant.training.reader_pairs import unseen_titles
from tests.test_reader import PARA_1, squad


def _extra(tmp_path, articles):
    data = {"version": "1.1", "data": []}
    for i, (title, context) in enumerate(articles):
        qa = {"id": f"x{i}", "question": "ما هذا؟", "answers": [{"text": context.split()[0], "answer_start": 0}]}
        data["data"].append({"title": title, "paragraphs": [{"context": context, "qas": [qa]}]})
    path = tmp_path / "extra" / "more.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_dataset(path)


def test_articles_an_evaluation_set_holds_are_left_out_by_title_or_by_paragraph(tmp_path):
    known = squad(tmp_path)  # articles «قوة» and «لندن», …
    extra = _extra(
        tmp_path,
        [
            ("دمشق", "دمشق عاصمة سوريا وأقدم مدينة مأهولة في العالم."),  # new: kept
            ("لندن", "لندن مدينة كبيرة على نهر التايمز في إنجلترا."),  # same title: out
            ("قوة_أمنية", "  " + PARA_1.replace(" ", "  ") + " "),  # another title, a known paragraph: out
            ("قوه", "نص آخر لا يحمله أي مقال معروف هنا أبدا."),  # the same title after normalisation (ة/ه): out
        ],
    )
    kept, left = unseen_titles(extra, [known])
    assert kept == ["دمشق"]
    assert left == sorted(["لندن", "قوة_أمنية", "قوه"])
    # nothing known: everything kept
    assert unseen_titles(extra, [])[0] == sorted(["دمشق", "لندن", "قوة_أمنية", "قوه"])
