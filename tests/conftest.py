from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# The machine is shared and noisy: no per-example deadline (properties, not timings, are tested).
hypothesis_settings.register_profile("project", deadline=None, derandomize=False)
hypothesis_settings.load_profile("project")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
SEED = SHARED / "seed" / "article-ar.txt"
if not SEED.exists():  # CI copies shared/ beside the clone; fall back to the bundled sample
    SEED = ROOT / "assistant" / "samples" / "articles" / "article-ar.txt"
FIXTURES = Path(__file__).parent / "fixtures"


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc, seconds: float = 120.0, what: str = "the server") -> None:  # noqa: ANN001
    """Poll url until it answers; fail the test if proc exits or time runs out."""
    import time
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"{what} exited before answering at {url}")
            time.sleep(0.25)
    proc.kill()
    pytest.fail(f"{what} did not answer at {url} within {seconds:.0f} s")


@contextmanager
def serving(cmd: list[str], url: str, what: str, seconds: float = 120.0, **popen):  # noqa: ANN003, ANN201
    """Start a real server process, wait until url answers, stop it afterwards (whatever happened)."""
    proc = subprocess.Popen(cmd, **popen)
    try:
        wait_for_http(url, proc, seconds, what)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


class ScriptedLLM:
    """A fake LLM whose answers are queued; records the messages it was sent."""

    def __init__(self, *answers: str, instruction_tuned: bool = True, n_ctx: int = 4096) -> None:
        self.answers = list(answers)
        self.sent: list[list[dict[str, str]]] = []
        self.name = "scripted"
        self.instruction_tuned = instruction_tuned
        self.n_ctx = n_ctx

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 1

    def chat(self, messages, max_tokens=400, on_token=None, json_schema=None, stop=None):  # noqa: ANN001
        self.sent.append(messages)
        out = self.answers.pop(0) if self.answers else ""
        if on_token:
            for piece in out.split(" "):
                on_token(piece + " ")
        return out


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture
def fake_assistant(tmp_path):
    """An Assistant over a fresh index, with the deterministic hash embedder and no LLM."""
    from assistant import Assistant
    from assistant.models.embedder import HashEmbedder

    def make(llm=None, **overrides):  # noqa: ANN001, ANN202
        overrides.setdefault("data_dir", tmp_path / "index")
        overrides.setdefault("llm_backend", "none")
        # The shipped scorer is calibrated on e5's cosines, not the hash fake's: never abstain unless asked.
        overrides.setdefault("abstain_threshold", 0.0)
        overrides.setdefault("related_min_score", 0.05)
        overrides.setdefault("model_cache", tmp_path / "models")
        return Assistant(embedder=HashEmbedder(), llm=llm, **overrides)

    return make


@pytest.fixture
def seed_among_news(fake_assistant, seed_path, tmp_path):
    """A fake Assistant over the seed article and four short Arabic news items that share its words (more
    passages than a small k: what a reader reading from more passages finds)."""
    a = fake_assistant()
    a.ingest([seed_path])
    for i in range(4):
        (tmp_path / f"n{i}.txt").write_text(
            f"خبر {i}\n\nناقش وزراء الخارجية العرب في الاجتماع {i} أمن الملاحة في البحر الأحمر وإرسال جنود.\n",
            encoding="utf-8",
        )
    a.ingest([tmp_path / f"n{i}.txt" for i in range(4)])
    return a


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The real model cache: conversion runs once per machine, as for a user."""
    path = Path(os.environ.get("ASSISTANT_MODEL_CACHE", Path.home() / ".cache" / "article-assistant"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def real_embedder(model_cache):
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder

    return load_embedder(load_settings(model_cache=model_cache))
