"""How the web app is served: upload names, binding and login rules, the samples on first run."""

from __future__ import annotations

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
