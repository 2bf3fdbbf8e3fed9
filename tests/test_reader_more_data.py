"""More training questions for the reader (ARCD's second file, MLQA) never share an article with an evaluation set."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.datasets import load_dataset
from assistant.models.reader import sha256_file
from assistant.training.reader_pairs import unseen_titles
from eval.reader_extra import mlqa_questions, without_extra
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


def _mlqa(folder, articles):
    """MLQA's two Arabic-context files: the same ids, Arabic questions in one and English in the other."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, lang in (("dev-context-ar-question-ar.json", "ar"), ("dev-context-ar-question-en.json", "en")):
        data = {"version": "1.0", "data": []}
        for i, (title, context, ar, en) in enumerate(articles):
            qa = {"id": f"m{i}", "question": ar if lang == "ar" else en}
            qa["answers"] = [{"text": context.split()[0], "answer_start": 0}]
            data["data"].append({"title": title, "paragraphs": [{"context": context, "qas": [qa]}]})
        (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return {p.name: sha256_file(p) for p in sorted(folder.glob("*.json"))}


def test_mlqa_questions_arabic_and_english_over_the_arabic_paragraph_none_from_an_evaluation_article(tmp_path):
    known = squad(tmp_path)
    sums = _mlqa(
        tmp_path / "mlqa",
        [
            ("دمشق", "دمشق عاصمة سوريا وأقدم مدينة مأهولة.", "ما عاصمة سوريا؟", "What is the capital of Syria?"),
            ("لندن", "لندن مدينة على نهر التايمز.", "أين تقع لندن؟", "Where is London?"),  # an evaluation article
        ],
    )
    pool: dict[str, str] = {}
    record: dict = {"files": {}, "articles": {}}
    ds = {"xquad": known, "arcd": known, "tydiqa": known}
    got = mlqa_questions(tmp_path / "mlqa", ds, pool, record, expected=sums)
    assert sorted((q.pair, q.text) for q in got) == [
        ("ar-ar", "ما عاصمة سوريا؟"),
        ("en-ar", "What is the capital of Syria?"),
    ]
    assert {q.article for q in got} == {"دمشق"} and all(q.qid.startswith("mlqa:") for q in got)
    assert all(q.search_text == "ما عاصمة سوريا؟" for q in got)  # negatives are found with the Arabic wording
    assert list(pool.values()) == ["دمشق عاصمة سوريا وأقدم مدينة مأهولة."] and all(k.startswith("mlqa:") for k in pool)
    seen = record["articles"]["mlqa-dev"]
    assert seen == {"fit": 1, "left_out_shared_with_other_sets": 1, "pairs": ["ar-ar", "en-ar"]}
    assert sorted(record["files"].values()) == sorted(sums.values())
    assert without_extra({**pool, "xquad:1": "x", "arcd2:2": "y"}) == {"xquad:1": "x"}
    english = mlqa_questions(tmp_path / "mlqa", ds, {}, {"files": {}, "articles": {}}, expected=sums, pairs=("en-ar",))
    assert [q.text for q in english] == ["What is the capital of Syria?"]


def test_mlqa_files_missing_or_different_stop_the_run_naming_the_file(tmp_path):
    known = squad(tmp_path)
    sums = _mlqa(tmp_path / "mlqa", [("دمشق", "دمشق عاصمة سوريا.", "ما عاصمة سوريا؟", "What is it?")])
    ds = {"xquad": known, "arcd": known, "tydiqa": known}
    wrong = {**sums, "dev-context-ar-question-en.json": "0" * 64}
    with pytest.raises(SystemExit, match="dev-context-ar-question-en.json: sha256 .* not the expected 0000"):
        mlqa_questions(tmp_path / "mlqa", ds, {}, {"files": {}, "articles": {}}, expected=wrong)
    (tmp_path / "mlqa" / "dev-context-ar-question-ar.json").unlink()
    with pytest.raises(SystemExit, match="dev-context-ar-question-ar.json: not found.*eval/data/MLQA.md"):
        mlqa_questions(tmp_path / "mlqa", ds, {}, {"files": {}, "articles": {}}, expected=sums)


def test_mlqa_pairs_other_than_arabic_or_english_stop_the_run(tmp_path):
    known = squad(tmp_path)
    sums = _mlqa(tmp_path / "mlqa", [("دمشق", "دمشق عاصمة سوريا.", "ما عاصمة سوريا؟", "What is it?")])
    ds = {"xquad": known, "arcd": known, "tydiqa": known}
    for wrong in (("ar",), ("en-en",), ()):
        with pytest.raises(SystemExit, match="--mlqa-pairs .*ar-ar or en-ar"):
            mlqa_questions(tmp_path / "mlqa", ds, {}, {"files": {}, "articles": {}}, expected=sums, pairs=wrong)
