"""Archive-scale ingestion: clutter-wrapped copies, a folder of bad files, and kills mid-ingest."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.ingest.loaders import load_file
from tests.conftest import FIXTURES, ROOT, SHARED

ANT = SHARED / "ant"
HEADER = [
    "الرئيسية | أخبار | سياسة | اقتصاد | رياضة",
    "تابعنا على تويتر",
    "الإشتراك في نشرتنا الإخبارية المجانية",
    "الأكثر قراءة",
]
FOOTER = ["شارك هذا المقال", "جميع الحقوق محفوظة © 2018", "تابعنا على فيسبوك", "جاري التحميل ... جاري التحميل ..."]


def ant_files(n: int) -> list[Path]:
    files = sorted(p for p in ANT.rglob("*.txt") if not p.name.startswith("LICENSE"))
    assert len(files) >= n, f"{ANT} holds the ANT corpus subset (copied beside the checkout)"
    return files[:n]


def scraped_copy(src: Path, dest: Path, variant: int) -> None:
    """The same article as a scraper would save it from a web page, clutter and all."""
    loaded = load_file(src)
    lines = HEADER[variant % 2 :] + ["", loaded.title or "", "", "فبراير 18, 2018", "", loaded.title or "", ""]
    lines += [p for p in loaded.text.split("\n") if p.strip()] + [""] + FOOTER[: 2 + variant % 3]
    dest.write_text("\n\n".join(lines), encoding="utf-8")


def test_ant_articles_plus_clutter_wrapped_copies(fake_assistant, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    srcs = ant_files(200)
    for f in srcs:
        shutil.copy(f, folder / f.name)
    for i, f in enumerate(srcs[:25]):
        scraped_copy(f, folder / f"rescraped-{i:02d}.txt", i)
    a = fake_assistant()
    r = a.ingest([folder])
    assert r.failed == []
    assert r.added == 200 and r.documents == 200  # no copy was indexed twice
    dup_paths = {Path(d["path"]).name for d in r.duplicates}
    assert dup_paths == {f"rescraped-{i:02d}.txt" for i in range(25)}
    assert all(d["similarity"] >= 0.8 for d in r.duplicates)
    # the same folder again changes nothing
    again = a.ingest([folder])
    assert again.added == 0 and again.documents == 200


BAD = {
    "empty.txt": "empty file",
    "binary.txt": "binary file, not text",
    "truncated.pdf": "corrupt or truncated PDF",
    "encrypted.pdf": "encrypted PDF",
    "image-only.pdf": "no text layer: scanned or image-only PDF, OCR not supported",
    "empty.html": "empty file",
}


def test_bad_files_folder_one_line_per_bad_file(fake_assistant, tmp_path, seed_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    rng = random.Random(1)
    (folder / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    for name in ("truncated.pdf", "encrypted.pdf", "image-only.pdf"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "empty.html").write_bytes(b"")
    article = "تقرير قصير\n\nأكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية إلى أوكرانيا.\n"
    (folder / "utf16.txt").write_bytes(article.encode("utf-16"))
    (folder / "cp1256.txt").write_bytes(article.replace("26", "27").encode("cp1256"))
    (folder / "   تقرير   مهم  (نسخة 2) .txt").write_bytes(seed_path.read_bytes())
    (folder / "notes.xyz").write_text("not an article")
    a = fake_assistant()
    r = a.ingest([folder])
    failed = {Path(f["path"]).name: f["error"] for f in r.failed}
    assert set(failed) == set(BAD)  # exactly one line per bad file
    for name, message in BAD.items():
        assert message in failed[name]
        assert name in failed[name] and "\n" not in failed[name]
    assert r.added == 3 and r.documents == 3  # utf-16, cp1256, the file with spaces and Arabic in its name
    assert [Path(s["path"]).name for s in r.skipped] == ["notes.xyz"]


KILLER = """
import sys, json
from assistant import Assistant
a = Assistant(data_dir=sys.argv[1])
a.ingest([sys.argv[2]], on_commit=lambda ids: (print(json.dumps(ids), flush=True)))
print("DONE", flush=True)
"""


@pytest.mark.slow
def test_killed_ingest_leaves_a_consistent_index_with_every_committed_document(tmp_path):
    """SIGKILL an ingest at random points; every kill must leave an index that opens, is consistent
    (records, FAISS ids and BM25 entries agree) and holds every document whose commit was reported."""
    from assistant.models.embedder import HashEmbedder
    from assistant.store import Index

    folder = tmp_path / "archive"
    folder.mkdir()
    for f in ant_files(400):
        shutil.copy(f, folder / f.name)
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDER": "hash-64",
        "ASSISTANT_LLM_BACKEND": "none",
        "ASSISTANT_MODEL_CACHE": str(tmp_path / "models"),
        "PYTHONPATH": str(ROOT),
    }
    emb = HashEmbedder()
    rng = random.Random(7)
    kills, data, committed = 0, tmp_path / "index-0", set()
    want = int(os.environ.get("RELIABILITY_KILLS", "20"))
    for attempt in range(want * 3):
        if kills >= want:
            break
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLER, str(data), str(folder)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
        time.sleep(rng.uniform(0.3, 3.0))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        out, _ = proc.communicate()
        for line in out.splitlines():
            if line.startswith("["):
                committed.update(json.loads(line))
        idx = Index.open(data, emb.model_id, emb.dim, 320)
        assert idx.check() == [], f"attempt {attempt}: {idx.check()}"
        have = {d["doc_id"] for d in idx.documents()}
        assert committed <= have, f"attempt {attempt}: lost {len(committed - have)} committed documents"
        idx.close()
        if not killed:  # it finished: start again from an empty index for more kills
            assert "DONE" in out
            data, committed = tmp_path / f"index-{attempt + 1}", set()
    assert kills >= want
    from tests.test_reliability import _record

    _record("killed ingest", {"kills": kills, "attempts": attempt + 1, "inconsistent": 0, "lost_committed": 0})
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(data), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert "DONE" in done.stdout, done.stderr
    idx = Index.open(data, emb.model_id, emb.dim, 320)
    assert idx.check() == [] and idx.counts()[0] == len({d["doc_id"] for d in idx.documents()})
    assert idx.counts()[0] >= 390  # 400 files, a few exact duplicates across sections


def test_check_detects_and_repairs_a_damaged_index(fake_assistant, tmp_path, seed_path):
    a = fake_assistant()
    a.ingest([seed_path])
    g = a.index.generation
    (tmp_path / "index" / "vectors" / f"{g}.faiss").write_bytes(b"garbage")
    problems = a.index.check()
    assert any("unreadable" in p for p in problems)
    a.index.repair()
    assert a.index.check() == []
    assert "26 دولة" in a.search("كم دولة التزمت بإرسال جنود", k=3)[0].chunk.text


@pytest.mark.parametrize("n", [1])
def test_cli_check_reports_consistency(tmp_path, seed_path, n):
    from click.testing import CliRunner

    from assistant.cli import main

    env = {"ASSISTANT_EMBEDDER": "hash-64", "ASSISTANT_LLM_BACKEND": "none", "ASSISTANT_MODEL_CACHE": str(tmp_path)}
    added = CliRunner().invoke(main, ["-d", str(tmp_path / "i"), "ingest", str(seed_path), "--json"], env=env)
    assert added.exit_code == 0 and json.loads(added.output)["added"] == 1
    out = CliRunner().invoke(main, ["-d", str(tmp_path / "i"), "check", "--json"], env=env)
    assert out.exit_code == 0 and json.loads(out.output)["consistent"] is True
