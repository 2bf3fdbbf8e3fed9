"""No silent damage: each kind of damage to an index's files is refused with one clear line (never
served), `check` names it, and `check --repair` restores exactly the results of before."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import IndexCorruptError

ARTICLES = {
    "a.txt": "تحالف الراغبين\n\nأكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية إلى أوكرانيا.\n",
    "b.txt": "سوق الطاقة\n\nحصلت روسيا على 1.1 مليار يورو من مبيعات الوقود إلى الاتحاد الأوروبي خلال عام واحد.\n",
    "c.txt": "الأمن البحري\n\nعززت البحرية دورياتها في البحر الأحمر بعد هجمات على سفن تجارية قرب مضيق باب المندب.\n",
}
LATER = {"d.txt": "الهدنة\n\nأعلنت الأطراف هدنة إنسانية لمدة ثلاثة أيام في غزة بوساطة قطرية ومصرية.\n"}
QUERIES = ["كم دولة التزمت بإرسال جنود", "مبيعات الوقود", "البحر الأحمر", "هدنة غزة", "Russia fuel"]


@pytest.fixture
def built(fake_assistant, tmp_path):
    """An index of two generations (three articles, then a fourth), and its results before any damage."""
    src = tmp_path / "src"
    src.mkdir()
    for batch in (ARTICLES, LATER):
        paths = []
        for name, text in batch.items():
            (src / name).write_text(text, encoding="utf-8")
            paths.append(src / name)
        a = fake_assistant()
        a.ingest(paths)
        a.close()
    # One rebuild first, so that "before" has the order a rebuild gives (the hash embedder's many tied
    # scores are ranked in insertion order; a patched generation inserts in another order).
    a = fake_assistant()
    a.index.repair()
    a.close()
    before = results(fake_assistant())
    return fake_assistant, tmp_path / "index", before


def results(a) -> list:  # noqa: ANN001
    """The hybrid hits, and the dense scores themselves (RRF keeps only ranks)."""
    try:
        hits = [[(h.chunk.doc_id, round(h.score, 5)) for h in a.search(q, k=4)] for q in QUERIES]
        dense = [sorted(a.index.dense_search(a.embedder.embed_queries([q])[0], 8)) for q in QUERIES]
        return hits + [[(i, round(s, 4)) for i, s in d] for d in dense]
    finally:
        a.close()


def gen_files(root: Path) -> tuple[Path, Path]:
    g = json.loads((root / "manifest.json").read_text())["generation"]
    return root / "vectors" / f"{g}.faiss", root / "bm25" / str(g)


def flip(path: Path, at: float = 0.6, n: int = 4) -> None:
    data = bytearray(path.read_bytes())
    i = int(len(data) * at)
    for k in range(i, min(i + n, len(data))):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))


def zero(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 3
    data[i : i + 64] = bytes(min(64, len(data) - i))
    path.write_bytes(bytes(data))


def permute_ids(folder: Path) -> None:
    ids = np.load(folder / "chunk_ids.npy")
    np.save(folder / "chunk_ids.npy", ids[::-1].copy())


def old_generation_over_current(root: Path) -> None:
    faiss, _ = gen_files(root)
    older = root / "vectors" / f"{int(faiss.stem) - 1}.faiss"
    shutil.copyfile(older, faiss)


DAMAGE = {
    "faiss flipped bytes": lambda root: flip(gen_files(root)[0]),
    "faiss zeroed region": lambda root: zero(gen_files(root)[0]),
    "older generation's faiss copied over": old_generation_over_current,
    "bm25 data flipped bytes": lambda root: flip(next(gen_files(root)[1].glob("bm25/data*.npy")), 0.9, 2),
    "bm25 ids permuted": lambda root: permute_ids(gen_files(root)[1]),
    "vocabulary emptied": lambda root: (gen_files(root)[1] / "vocab.json").write_text("{}"),
    "faiss truncated": lambda root: os.truncate(gen_files(root)[0], 100),
    "bm25 params missing": lambda root: next(gen_files(root)[1].glob("bm25/params*.json")).unlink(),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_is_refused_checked_and_repaired_exactly(built, kind):
    make, root, before = built
    DAMAGE[kind](root)
    a = make()
    with pytest.raises(IndexCorruptError, match=r"check --repair"):
        a.search(QUERIES[0])
    a.close()
    report = make().check()
    assert not report["consistent"] and report["problems"]
    fixed = make().check(repair=True)
    assert fixed["consistent"], fixed
    assert results(make()) == before


def test_a_commit_over_a_damaged_generation_rebuilds_instead_of_carrying_the_damage(built, tmp_path):
    """A writer patches the previous generation's FAISS file: a damaged one is rebuilt from the records."""
    make, root, _ = built
    clean = tmp_path / "clean"
    shutil.copytree(root, clean)
    for at in (0.3, 0.5, 0.7, 0.9):
        flip(gen_files(root)[0], at)
    for where in (root, clean):
        a = make(data_dir=where)
        a.remove(sorted(d["doc_id"] for d in a.documents())[0])
        a.close()
    a = make(data_dir=clean)
    a.index.repair()  # the order a rebuild gives, as in `built`
    a.close()
    assert make().check()["consistent"]
    assert results(make()) == results(make(data_dir=clean))
    assert served_vectors(root) == served_vectors(clean)


def served_vectors(root: Path) -> dict[int, bytes]:
    import faiss

    index = faiss.read_index(str(gen_files(root)[0]))
    ids = faiss.vector_to_array(faiss.downcast_index(index).id_map)
    rows = faiss.downcast_index(index).index.reconstruct_n(0, index.ntotal)
    return {int(i): r.tobytes() for i, r in zip(ids, rows)}


def test_damaged_records_database_is_one_line_never_a_traceback(built):
    make, root, _ = built
    db = root / "records.sqlite"
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    data = bytearray(db.read_bytes())
    data[100:4096] = os.urandom(3996)  # the header's tail and the schema page
    db.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="records database is damaged"):
        make().search(QUERIES[0])
    with pytest.raises(IndexCorruptError, match="cannot be rebuilt"):
        make().check(repair=True)
    assert db.read_bytes() == bytes(data)  # nothing was changed


@pytest.mark.parametrize("command", [["search", "البحر"], ["serve", "--no-sample", "--port", "7991"]])
def test_the_cli_and_the_web_app_say_one_line_for_a_damaged_index(built, command):
    _, root, _ = built
    flip(gen_files(root)[0])
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "-d", str(root), *command],
        timeout=120,
        capture_output=True,
        text=True,
        env={**os.environ, "ASSISTANT_EMBEDDER": "hash-64", "ASSISTANT_LLM_BACKEND": "none"},
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "check --repair" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_deleted_manifest_is_never_started_afresh_and_repair_rebuilds_it(built):
    make, root, before = built
    (root / "manifest.json").unlink()
    with pytest.raises(IndexCorruptError, match="no manifest.json"):
        make().search(QUERIES[0])
    assert not (root / "manifest.json").exists()  # not initialised as a new index
    fixed = make().check(repair=True)
    assert fixed["consistent"] and fixed["documents"] == 4
    assert any("manifest.json rebuilt" in line for line in fixed["repaired"])
    assert results(make()) == before


def test_an_unreadable_manifest_is_repaired_and_kept(built):
    make, root, before = built
    (root / "manifest.json").write_text('{"embedder": ')
    with pytest.raises(IndexCorruptError, match="unreadable manifest"):
        make().search(QUERIES[0])
    fixed = make().check(repair=True)
    assert fixed["consistent"] and fixed["documents"] == 4
    assert (root / "manifest.json.unreadable").read_text() == '{"embedder": '
    assert results(make()) == before


def test_a_manifest_one_generation_behind_loses_no_document_on_repair(built):
    make, root, before = built
    m = json.loads((root / "manifest.json").read_text())
    older = dict(m, generation=m["generation"] - 1, documents=3, seal={})
    (root / "manifest.json").write_text(json.dumps(older))
    flip(gen_files(root)[0])  # something else is wrong too, so repair runs
    fixed = make().check(repair=True)
    assert fixed["consistent"] and fixed["documents"] == 4, fixed
    assert results(make()) == before


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_missing_or_empty_records_are_refused_never_replaced(built, how):
    make, root, _ = built
    for side in ("", "-wal", "-shm"):
        Path(f"{root / 'records.sqlite'}{side}").unlink(missing_ok=True)
    if how == "empty":
        (root / "records.sqlite").write_bytes(b"")
    for action in (lambda a: a.search(QUERIES[0]), lambda a: a.check(repair=True)):
        with pytest.raises(IndexCorruptError, match="missing or empty"):
            action(make())
    assert not (root / "records.sqlite").exists() or (root / "records.sqlite").stat().st_size == 0


def test_an_index_from_before_checksums_opens_and_repair_records_them(built):
    make, root, before = built
    m = json.loads((root / "manifest.json").read_text())
    (root / "manifest.json").write_text(json.dumps({k: v for k, v in m.items() if k != "seal"}))
    assert results(make()) == before  # still served
    report = make().check()
    assert not report["consistent"] and "no recorded checksums" in report["problems"][0]
    assert make().check(repair=True)["consistent"]
    assert json.loads((root / "manifest.json").read_text())["seal"]["files"]


def test_the_manifest_records_every_file_of_the_generation(built):
    _, root, _ = built
    faiss, bm25 = gen_files(root)
    seal = json.loads((root / "manifest.json").read_text())["seal"]["files"]
    on_disk = {p.relative_to(root).as_posix() for p in [faiss, *bm25.rglob("*")] if p.is_file()}
    assert set(seal) == on_disk and len(on_disk) >= 5
    assert all(size == (root / rel).stat().st_size for rel, (size, _) in seal.items())


def test_sqlite_integrity_is_part_of_check(built):
    """A damaged page that ordinary reads never touch (an index b-tree) is still found by `check`."""
    make, root, _ = built
    db = root / "records.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = con.execute("PRAGMA page_size").fetchone()[0]
        rootpage = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'paths_doc'").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    start = (rootpage - 1) * page
    data[start + page - 200 : start + page] = os.urandom(200)  # the cells at the page's end
    db.write_bytes(bytes(data))
    report = make().check()
    assert not report["consistent"]
    assert "records database is damaged" in report["problems"][0]


class _Broken:
    """An embedder whose weights were damaged: NaN for every passage (as a few changed bytes in model.onnx did)."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.inner, name)

    def embed_passages(self, texts):  # noqa: ANN001, ANN201
        return np.full((len(texts), self.dim), np.nan, np.float32)

    def embed_queries(self, texts):  # noqa: ANN001, ANN201
        return np.full((len(texts), self.dim), np.nan, np.float32)


def test_a_model_that_makes_nan_vectors_is_refused_and_nothing_is_stored(built, tmp_path):
    from assistant import Assistant
    from assistant.errors import ModelError
    from assistant.models.embedder import HashEmbedder

    make, root, before = built
    new = tmp_path / "new.txt"
    new.write_text("مقال جديد\n\nعقد مجلس الأمن جلسة طارئة لمناقشة الوضع في السودان.\n", encoding="utf-8")
    a = Assistant(embedder=_Broken(HashEmbedder()), data_dir=root, llm_backend="none", model_cache=tmp_path / "m")
    with pytest.raises(ModelError, match="non-finite.*assistant models"):
        a.ingest([new])
    with pytest.raises(ModelError, match="non-finite"):
        a.search(QUERIES[0])
    a.close()
    after = make()
    assert after.check()["consistent"] and len(after.documents()) == 4
    assert results(make()) == before
