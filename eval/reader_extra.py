"""More training questions for the reader, beyond the evaluation sets' training articles: ARCD's second
file (eval/data/arcd-second/, shipped since 2026-12-06) and MLQA's Arabic development questions
(``--mlqa``; eval/data/MLQA.md). None shares an article with an evaluation set, in any split.
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.evaluation.datasets import Dataset, load_dataset
from assistant.evaluation.splits import part
from assistant.models.reader import sha256_file
from assistant.training import reader_pairs as P

HERE = Path(__file__).resolve().parent

EXTRA_ARCD = HERE / "data" / "arcd-second" / "arcd-test.json"  # more training questions (its README)
MLQA = {  # MLQA v1 (CC BY-SA 3.0) development files, Arabic paragraphs: not in the repository (eval/data/MLQA.md)
    "dev-context-ar-question-ar.json": "804d8e1a5355486d837432af08c68e33cf4ea16361142775f0ba700bcde91b40",
    "dev-context-ar-question-en.json": "8120087c2510b993222397c86c3d18b209ec5c791f277a8eeb8725d5bbd9b5e7",
}


def more_questions(ds: dict[str, Dataset], pool: dict[str, str], record: dict) -> list[P.Question]:
    """ARCD's second file as more training questions (all in the training fold, so the development fold
    is the one the shipped reader was measured on): only its articles that no evaluation set holds."""
    extra = load_dataset(EXTRA_ARCD)
    kept, left = P.unseen_titles(extra, [ds["xquad"], ds["arcd"], ds["tydiqa"]])
    ar = part(extra, kept)
    record["files"][str(EXTRA_ARCD.relative_to(HERE.parent))] = sha256_file(EXTRA_ARCD)
    record["articles"]["arcd-second"] = {"fit": len(kept), "left_out_shared_with_evaluation_sets": len(left)}
    pool.update({f"arcd2:{pid}": t for pid, (_, t) in ar.corpus.items()})
    return [q.__class__(**{**q.__dict__, "qid": "arcd2:" + q.qid}) for q in P.questions_of(ar, "arcd2", "ar-ar")]


def mlqa_questions(
    folder: Path,
    ds: dict[str, Dataset],
    pool: dict[str, str],
    record: dict,
    expected: dict[str, str] = MLQA,
    pairs: tuple[str, ...] = ("ar-ar", "en-ar"),
) -> list[P.Question]:
    """MLQA's development questions over Arabic paragraphs, in Arabic and in English (the same ids), as
    more training questions (all in the training fold): only its articles no evaluation set holds.
    ``expected``: file name → sha256 (MLQA v1's two files); a missing or different file stops the run.
    ``pairs``: which of the two askings to keep (``ar-ar`` the Arabic questions, ``en-ar`` the English)."""
    if not pairs or set(pairs) - {"ar-ar", "en-ar"}:
        sys.exit(f"--mlqa-pairs {','.join(pairs)}: MLQA's Arabic paragraphs are asked as ar-ar or en-ar (one or both).")
    files = {name: folder / name for name in expected}
    for name, f in files.items():
        if not f.is_file():
            sys.exit(f"{f}: not found. MLQA's files are not in this repository (eval/data/MLQA.md: where to get them).")
        digest = sha256_file(f)
        if digest != expected[name]:
            sys.exit(f"{f}: sha256 {digest}, not the expected {expected[name]}: another file (eval/data/MLQA.md).")
        record["files"][f"MLQA_V1/dev/{name}"] = digest
    ar_all, en_all = (load_dataset(folder / f"dev-context-ar-question-{q}.json") for q in ("ar", "en"))
    kept, left = P.unseen_titles(ar_all, [ds["xquad"], ds["arcd"], ds["tydiqa"], load_dataset(EXTRA_ARCD)])
    ar, en = part(ar_all, kept), part(en_all, kept)
    seen = {"fit": len(kept), "left_out_shared_with_other_sets": len(left), "pairs": list(pairs)}
    record["articles"]["mlqa-dev"] = seen
    pool.update({f"mlqa:{pid}": t for pid, (_, t) in ar.corpus.items()})
    own = P.questions_of(ar, "mlqa", "ar-ar") + P.questions_of(ar, "mlqa", "en-ar", twin=en)
    return [q.__class__(**{**q.__dict__, "qid": "mlqa:" + q.qid}) for q in own if q.pair in pairs]


def without_extra(pool: dict[str, str]) -> dict[str, str]:
    """The negative pool less ARCD's second file and MLQA: the development pairs' negatives come from
    it, so the development pairs are those the readers trained without those files were measured on."""
    return {k: v for k, v in pool.items() if not k.startswith(("arcd2:", "mlqa:"))}
