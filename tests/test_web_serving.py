"""How the web app is served: upload names, binding and login rules, the samples on first run."""

from __future__ import annotations

import contextlib

from assistant.text.words import safe_name
from assistant.web.api import is_loopback, parse_auth


def test_upload_names_cannot_escape():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("/abs/path/تقرير.txt") == "تقرير.txt"
    assert safe_name("a\x00b.txt") == "ab.txt"
    assert safe_name("..") == "upload"
    assert "/" not in safe_name("..\\..\\win.txt")


def test_binding_rules():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert parse_auth("ana:secret,bob:pw") == [("ana", "secret"), ("bob", "pw")]


def test_refuses_public_bind_without_login(monkeypatch, tmp_path):
    import pytest

    from assistant.errors import ConfigError
    from assistant.web.app import serve

    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    with pytest.raises(ConfigError, match="refusing to listen on 0.0.0.0 without a login"):
        serve(data_dir=tmp_path, host="0.0.0.0", port=1, block=False)


def test_refuses_a_public_share_link_without_login(monkeypatch, tmp_path):
    import pytest

    from assistant.errors import ConfigError
    from assistant.web.app import serve

    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    for value in ("true", "1"):
        monkeypatch.setenv("GRADIO_SHARE", value)
        with pytest.raises(ConfigError, match="public share link"):
            serve(data_dir=tmp_path, host="127.0.0.1", port=1, block=False)
    assert not any(tmp_path.iterdir())  # refused before anything was opened


def test_samples_only_on_first_run(fake_assistant):
    from assistant.web.app import ensure_samples

    a = fake_assistant()
    ensure_samples(a)
    docs = a.documents()
    assert len(docs) == 4 and any(d["language"] == "en" for d in docs)
    for d in docs:
        a.remove(d["doc_id"])
    ensure_samples(a)  # the user emptied the library on purpose: do not refill it
    assert a.documents() == []


def test_failed_logins_are_slowed_per_user_and_a_right_one_resets():
    from assistant.web.api import LoginGuard

    waits: list[float] = []
    guard = LoginGuard([("ana", "سر-123")], cap=8.0, sleep=waits.append)
    assert [guard("ana", f"wrong{i}") for i in range(6)] == [False] * 6
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert guard("bob", "x") is False and waits[-1] == 0.5  # another name counts on its own
    assert guard("ana", "سر-123") is True and len(waits) == 7  # no wait for the right password
    assert guard("ana", "nope") is False and waits[-1] == 0.5  # and the count starts again
    assert guard("", "") is False and guard("ana", None) is False


@contextlib.contextmanager
def _served(tmp_path, **env: str):
    """The real app (hash embedder, no LLM) served by `assistant serve` in its own process."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, free_port, wait_for_http

    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDER": "hash-64",
        "ASSISTANT_LLM_BACKEND": "none",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ASSISTANT_MODEL_CACHE": str(tmp_path / "models"),
        **env,
    }
    cmd = [sys.executable, "-m", "assistant.cli", "-d", str(tmp_path / "idx"), "serve", "--no-sample"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(url + "/", proc, 60, "the web app")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_real_server_slows_wrong_passwords_and_lets_the_right_one_in(tmp_path):
    """The guard as Gradio calls it: the app served with a login, three POSTs to /login."""
    import time

    import httpx

    with _served(tmp_path, ASSISTANT_AUTH="analyst:كلمة-سر") as url:
        spent = []
        for pw in ("guess1", "guess2", "كلمة-سر"):
            t = time.perf_counter()
            r = httpx.post(url + "/login", data={"username": "analyst", "password": pw}, timeout=30)
            spent.append((r.status_code, time.perf_counter() - t))
        assert spent[0][0] >= 400 and spent[1][0] >= 400 and spent[2][0] == 200
        assert spent[1][1] >= 1.0  # the second wrong password waited its second (the first, half of one)


def _call(url: str, name: str, data: list) -> tuple[str, dict]:
    """One call through Gradio's REST route, without a session: the event's kind and its data."""
    import json

    import httpx

    event = httpx.post(f"{url}/gradio_api/call/{name}", json={"data": data}, timeout=30).json()["event_id"]
    lines = httpx.get(f"{url}/gradio_api/call/{name}/{event}", timeout=60).text.splitlines()
    kind = next(ln.split(": ", 1)[1] for ln in lines if ln.startswith("event: "))
    return kind, json.loads(next(ln.split(": ", 1)[1] for ln in lines if ln.startswith("data: ")))


def test_a_server_path_given_to_ingest_is_refused_with_a_message_not_a_null_error(tmp_path, seed_path):
    """/ingest takes uploads only; a path on the server (a secret, or an article) is refused by name."""
    with _served(tmp_path) as url:
        for path in ("/etc/passwd", str(seed_path)):
            kind, data = _call(url, "ingest", [[{"path": path, "meta": {"_type": "gradio.FileData"}}]])
            assert kind == "error" and "was not uploaded by a user" in data["error"], data
        kind, data = _call(url, "ask", ["؟؟؟", 5, "hybrid", "auto"])
        assert kind == "error" and "the question has no words" in data["error"]
        kind, docs = _call(url, "documents", [])
        assert kind == "complete" and docs == [[]]


def test_rest_calls_without_a_session_do_not_pile_up_state(monkeypatch, tmp_path):
    """Each REST call without a session is a session of its own, and Gradio keeps a copy of the
    page's state per session (~0.1 MB): ASSISTANT_WEB_SESSIONS bounds how many are kept."""
    from tests.conftest import free_port

    monkeypatch.setenv("ASSISTANT_EMBEDDER", "hash-64")
    monkeypatch.setenv("ASSISTANT_LLM_BACKEND", "none")
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE", str(tmp_path / "models"))
    monkeypatch.setenv("ASSISTANT_WEB_SESSIONS", "4")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.web.app import serve

    port = free_port()
    demo = serve(data_dir=tmp_path / "idx", host="127.0.0.1", port=port, sample=False, block=False)
    try:
        for _ in range(12):
            assert _call(f"http://127.0.0.1:{port}", "documents", [])[0] == "complete"
        assert 1 <= len(demo.state_holder.session_data) <= 4
    finally:
        demo.close()
