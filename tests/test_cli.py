import json

from click.testing import CliRunner

from assistant.cli import main


def _run(tmp_path, *args):
    env = {"ASSISTANT_EMBEDDER": "hash-64", "ASSISTANT_LLM_BACKEND": "none",
           "ASSISTANT_MODEL_CACHE": str(tmp_path / "models"), "ASSISTANT_ABSTAIN_THRESHOLD": "0.05"}
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
