import json

import pytest
from click.testing import CliRunner

from assistant.cli import main


def _run(tmp_path, *args):
    env = {
        "ASSISTANT_EMBEDDER": "hash-64",
        "ASSISTANT_LLM_BACKEND": "none",
        "ASSISTANT_MODEL_CACHE": str(tmp_path / "models"),
        "ASSISTANT_ABSTAIN_THRESHOLD": "0",
    }
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "idx"), *args], env=env)


def test_help_is_instant_and_lists_commands():
    out = CliRunner().invoke(main, ["--help"])
    assert out.exit_code == 0
    for cmd in ("ingest", "search", "ask", "summarize", "docs", "remove", "serve", "eval"):
        assert cmd in out.output


def test_ingest_search_docs_remove_json_contract(tmp_path, seed_path):
    r = _run(tmp_path, "ingest", str(seed_path), "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert set(rep) >= {"added", "updated", "unchanged", "failed", "documents", "chunks"}
    assert rep["added"] == 1 and rep["failed"] == []

    r = _run(tmp_path, "search", "كم دولة التزمت بإرسال جنود ضمن قوة أمنية", "--json", "-k", "3")
    hits = json.loads(r.output)
    assert len(hits) == 3
    assert set(hits[0]) >= {"rank", "score", "doc_id", "title", "source", "chunk_id", "heading", "text", "start", "end"}
    assert [h["rank"] for h in hits] == [1, 2, 3]

    docs = json.loads(_run(tmp_path, "docs", "--json").output)
    assert len(docs) == 1 and docs[0]["date"] == "2025-09-05"
    r = _run(tmp_path, "remove", docs[0]["doc_id"])
    assert r.exit_code == 0 and "removed" in r.output
    assert json.loads(_run(tmp_path, "docs", "--json").output) == []


def test_ingest_exit_code_1_when_a_file_fails(tmp_path, seed_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    r = _run(tmp_path, "ingest", str(seed_path), str(bad), "--json")
    assert r.exit_code == 1
    rep = json.loads(r.output)
    assert rep["added"] == 1 and len(rep["failed"]) == 1
    assert rep["failed"][0]["path"].endswith("empty.txt") and "empty file" in rep["failed"][0]["error"]


def test_errors_are_one_line_not_tracebacks(tmp_path):
    r = _run(tmp_path, "remove", "nope")
    assert r.exit_code == 2
    assert "no document with id 'nope'" in r.output
    assert "Traceback" not in r.output


def test_ask_and_summarize_json(tmp_path, seed_path):
    _run(tmp_path, "ingest", str(seed_path))
    ans = json.loads(_run(tmp_path, "ask", "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", "--json").output)
    assert set(ans) >= {"question", "answer", "mode", "abstained", "citations", "dropped"}
    assert set(ans["citations"][0]) >= {"n", "doc_id", "title", "source", "chunk_id", "quote", "start", "end"}
    f = json.loads(_run(tmp_path, "summarize", str(seed_path), "--json").output)
    assert set(f) >= {"title", "language", "findings", "related"}
    assert 5 <= len(f["findings"]) <= 8


def _cli(tmp_path, *args, store="faiss", data="idx"):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "ASSISTANT_EMBEDDER": "hash-64",
        "ASSISTANT_LLM_BACKEND": "none",
        "ASSISTANT_MODEL_CACHE": str(tmp_path / "models"),
        "ASSISTANT_ABSTAIN_THRESHOLD": "0",
        "ASSISTANT_VECTOR_STORE": store,
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant", "--data-dir", str(tmp_path / data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.milvus
def test_cli_works_unchanged_on_milvus_and_moves_an_index_back(tmp_path, seed_path):
    """Each command is its own process, as for a user: Milvus Lite must be released between them."""
    pytest.importorskip("milvus_lite")
    q = "كم دولة التزمت بإرسال جنود ضمن قوة أمنية"
    r = _cli(tmp_path, "ingest", str(seed_path), "--json", store="milvus")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "idx" / "milvus.db").exists()
    doc = json.loads(_cli(tmp_path, "docs", "--json", store="milvus").stdout)[0]["doc_id"]
    hits = json.loads(_cli(tmp_path, "search", q, "--json", "--doc", doc, store="milvus").stdout)
    assert "26 دولة" in hits[0]["text"] and {h["doc_id"] for h in hits} == {doc}
    r = _cli(tmp_path, "search", "أي شيء", "--doc", "nope", store="milvus")
    assert r.returncode == 2 and "no document with id 'nope'" in r.stderr
    ans = json.loads(_cli(tmp_path, "ask", "كم دولة التزمت بإرسال جنود؟", "--json", store="milvus").stdout)
    assert "26" in ans["answer"] and ans["citations"]
    assert _cli(tmp_path, "check", store="milvus").returncode == 0
    r = _cli(tmp_path, "docs", store="faiss")  # the other store is refused, with the way out
    assert r.returncode == 2 and "assistant export" in r.stderr
    assert _cli(tmp_path, "export", str(tmp_path / "x.aidx"), store="milvus").returncode == 0
    r = _cli(tmp_path, "import", str(tmp_path / "x.aidx"), "--json", store="faiss", data="back")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["documents_added"] == 1
    on_milvus = json.loads(_cli(tmp_path, "search", q, "--json", store="milvus").stdout)
    on_faiss = json.loads(_cli(tmp_path, "search", q, "--json", store="faiss", data="back").stdout)
    assert [h["chunk_id"] for h in on_faiss] == [h["chunk_id"] for h in on_milvus]


def test_a_full_disk_is_one_line_and_the_last_generation_stays(tmp_path, seed_path, monkeypatch):
    """A write that fails with ENOSPC (injected where FAISS writes its file) ends in one line naming the
    disk and what to do; what was committed before answers exactly as before."""
    import errno

    from assistant.store.vectors import FaissVectors

    assert _run(tmp_path, "ingest", str(seed_path)).exit_code == 0
    before = _run(tmp_path, "search", "كم دولة التزمت بإرسال جنود", "--json").output
    other = tmp_path / "other.txt"
    other.write_text("مقال آخر\n\nعقد مجلس الأمن جلسة طارئة لمناقشة الوضع في السودان.\n", encoding="utf-8")

    def full(self, path):  # noqa: ANN001, ANN202
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(FaissVectors, "save", full)
    out = _run(tmp_path, "ingest", str(other))
    assert out.exit_code == 2
    lines = out.output.strip().splitlines()
    assert lines[-1].startswith("error: the disk is full") and "run the command again" in lines[-1]
    assert "Traceback" not in out.output
    monkeypatch.undo()
    assert _run(tmp_path, "search", "كم دولة التزمت بإرسال جنود", "--json").output == before
    assert _run(tmp_path, "check").exit_code == 0


def _articles(tmp_path, n):
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:02d}.txt").write_text(
            f"مقال رقم {i}\n\nعقد مجلس الأمن الجلسة {i} لمناقشة الوضع في السودان وتداعياته على المنطقة {i}.\n",
            encoding="utf-8",
        )
    return folder


def test_an_ingest_stopped_by_a_full_disk_says_what_it_committed_and_leaves_no_temp_file(tmp_path, monkeypatch):
    """One commit per file; the disk fills during the third commit, after FAISS half-wrote its temp file."""
    import errno

    from assistant.ingest import pipeline
    from assistant.store.vectors import FaissVectors

    monkeypatch.setattr(pipeline, "_BATCH_CHUNKS", 1)
    save, calls = FaissVectors.save, []

    def fills_up(self, path):  # noqa: ANN001, ANN202
        calls.append(path)
        if len(calls) == 3:
            path.with_suffix(".tmp").write_bytes(b"half a FAISS file")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return save(self, path)

    monkeypatch.setattr(FaissVectors, "save", fills_up)
    out = _run(tmp_path, "ingest", str(_articles(tmp_path, 5)))
    assert out.exit_code == 2 and "Traceback" not in out.output
    lines = out.output.strip().splitlines()
    assert lines[-2] == (
        "stopped: 2 added and 0 updated were committed before it stopped (the index holds 2 documents, 2 chunks); "
        "run the same command again for the rest: files already in the index are skipped as unchanged"
    )
    assert lines[-1].startswith("error: the disk is full")
    idx = tmp_path / "idx"
    assert not list(idx.rglob("*.tmp")) and not (idx / "vectors" / "3.faiss").exists()
    monkeypatch.undo()
    assert _run(tmp_path, "check").exit_code == 0
    again = json.loads(_run(tmp_path, "ingest", str(tmp_path / "batch"), "--json").output)
    assert (again["added"], again["unchanged"], again["documents"]) == (3, 2, 5)


def test_an_ingest_interrupted_by_ctrl_c_says_what_it_committed(tmp_path, monkeypatch):
    from assistant.ingest import pipeline

    monkeypatch.setattr(pipeline, "_BATCH_CHUNKS", 1)
    commit, calls = pipeline._flush, []

    def interrupted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return commit(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_flush", interrupted)
    out = _run(tmp_path, "ingest", str(_articles(tmp_path, 4)))
    assert out.exit_code == 130
    assert "stopped: 1 added and 0 updated were committed before it stopped" in out.output
    monkeypatch.undo()
    assert [ln for ln in _run(tmp_path, "docs").output.splitlines() if ln.endswith("documents")] == ["1 documents"]


def test_ask_after_an_earlier_question_says_what_it_answered(tmp_path, seed_path):
    assert _run(tmp_path, "ingest", str(seed_path)).exit_code == 0
    r = _run(tmp_path, "ask", "وماذا عن فرنسا؟", "--after", "هل ترسل ألمانيا قوات برية؟", "--mode", "extractive")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("(answered as: هل ترسل فرنسا قوات برية؟)\n")
    r = _run(tmp_path, "ask", "وماذا عن فرنسا؟", "--mode", "extractive", "--json")
    assert json.loads(r.output)["question"] == "وماذا عن فرنسا؟"  # nothing before it: asked as typed
