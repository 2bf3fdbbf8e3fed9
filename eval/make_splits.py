"""Write eval/splits.json: which articles of each bundled QA set are for training/tuning and which are
held out, and which distractor articles each side uses. Split by article, never by question.

    python -m eval.make_splits
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evaluation.datasets import (
    bundled,
    load_dataset,
)
from assistant.evaluation.splits import split_titles, titles_of
from assistant.resources import DATA, update_manifest

HERE = Path(__file__).resolve().parent

SALT = "article-assistant-splits-v1"


def main() -> None:
    xquad = titles_of(load_dataset(bundled("xquad-ar")))
    arcd = titles_of(load_dataset(bundled("arcd")))
    tydiqa = titles_of(load_dataset(bundled("tydiqa-ar")))
    splits = {
        "method": "articles ordered by sha256(salt:title); parts in the given shares; a question goes where its "
        "article goes. 'offtopic' articles are neither indexed nor trained on: their questions are "
        "off-topic unanswerables for the test index.",
        "salt": SALT,
        "xquad": split_titles(xquad, {"train": 20 / 48, "test": 20 / 48, "offtopic": 8 / 48}, SALT),
        "arcd": split_titles(arcd, {"train": 0.6, "test": 0.4}, SALT),
        "tydiqa": split_titles(tydiqa, {"train": 0.6, "test": 0.4}, SALT),
        "distractors": {
            "corpus": "ANT v2.1 subset (../shared/data/ant), files sorted then shuffled with seed 0",
            "seed": 0,
            "train": {"offset": 0, "count": 300},
            "test": {"offset": 300, "count": 300},
        },
    }
    old = json.loads((DATA / "splits.json").read_text(encoding="utf-8")) if (DATA / "splits.json").exists() else {}
    splits.update({k: v for k, v in old.items() if k not in splits})  # parts other scripts add (easc)
    (DATA / "splits.json").write_text(json.dumps(splits, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    update_manifest()
    print({k: {p: len(v) for p, v in splits[k].items()} for k in ("xquad", "arcd", "tydiqa")})


if __name__ == "__main__":
    main()
