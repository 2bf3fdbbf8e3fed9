"""The real bundled GGUF (Gemma 3 270M base) through llama-cpp-python, in process and over HTTP."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.arabic import numbers_in
from tests.conftest import free_port, serving

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def gguf(model_cache):
    from assistant.models.llm import provision_gemma

    return provision_gemma(model_cache / "llm")


@pytest.fixture(scope="module")
def gemma(gguf):
    from assistant.models.llm import LlamaCppLLM

    return LlamaCppLLM(gguf, n_ctx=4096, threads=1)


def test_gemma_loads_as_a_base_model_with_explicit_chat_format(gemma):
    assert gemma.instruction_tuned is False  # no chat template in the GGUF
    assert gemma.chat_format == "gemma"


def test_gemma_streams(gemma):
    pieces: list[str] = []
    out = gemma.chat([{"role": "user", "content": "اكتب جملة عن الأمن الأوروبي."}], max_tokens=24, on_token=pieces.append)
    assert len(pieces) >= 5 and "".join(pieces) == out


def test_json_schema_output_is_bounded_and_parses(gemma):
    from assistant.prompts import FINDINGS_SCHEMA

    out = gemma.chat([{"role": "user", "content": "Findings as JSON."}], max_tokens=400, json_schema=FINDINGS_SCHEMA)
    data = json.loads(out)
    assert 1 <= len(data["findings"]) <= 8


def test_context_overflow_is_avoided_by_trimming(gemma, real_embedder, seed_path, tmp_path):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "idx", embedder=real_embedder, llm=gemma)
    a.ingest([seed_path])
    a.settings.llm_n_ctx = gemma.n_ctx
    ans = a.ask("ما موقف ترامب من العقوبات على روسيا؟", k=20, mode="generative")  # 20 passages > 4096 tokens
    assert ans.answer


def test_forced_generative_gemma_never_shows_unsupported_numbers(gemma, real_embedder, seed_path, tmp_path):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "idx", embedder=real_embedder, llm=gemma)
    a.ingest([seed_path])
    for q in ("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", "كم حصلت روسيا من مبيعات الوقود؟",
              "ما نسبة تأييد البولنديين لانضمام أوكرانيا إلى الاتحاد الأوروبي؟"):
        ans = a.ask(q, mode="generative")
        assert not ans.abstained
        by_n = {c.n: c for c in ans.citations}
        for claim in _shown_claims(ans.answer):
            text, cited = claim
            assert cited, f"shown sentence without citation: {text}"
            passages = " ".join(a.index.chunks_by_id([by_n[n].chunk_id])[by_n[n].chunk_id][0].text for n in cited)
            assert numbers_in(text) <= numbers_in(passages), (text, passages)


def _shown_claims(answer: str):
    from assistant.grounding import parse_claims

    return [(c.text, c.cited) for c in parse_claims(answer)]


@pytest.fixture(scope="module")
def llama_server(gguf):
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    with serving([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                  "--port", str(port), "--n_threads", "1", "--n_threads_batch", "1", "--chat_format", "gemma",
                  "--n_ctx", "4096"], base + "/models", "llama_cpp.server (needs llama-cpp-python[server])", 60,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        yield base


def test_openai_compatible_backend_against_a_real_server(llama_server):
    from assistant.models.llm import OpenAICompatLLM

    llm = OpenAICompatLLM(llama_server, model="gemma")
    plain = llm.chat([{"role": "user", "content": "Hello"}], max_tokens=16)
    assert isinstance(plain, str) and plain
    pieces: list[str] = []
    streamed = llm.chat([{"role": "user", "content": "Hello"}], max_tokens=16, on_token=pieces.append)
    assert len(pieces) > 1 and "".join(pieces) == streamed


def test_generative_answer_over_http_is_verified(llama_server, real_embedder, seed_path, tmp_path):
    from assistant import Assistant
    from assistant.models.llm import OpenAICompatLLM

    a = Assistant(data_dir=tmp_path / "idx", embedder=real_embedder, llm=OpenAICompatLLM(llama_server))
    a.ingest([seed_path])
    ans = a.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")  # auto: a server counts as instruction-tuned
    assert ans.mode in ("generative", "extractive")
    by_n = {c.n: c for c in ans.citations}
    for text, cited in _shown_claims(ans.answer):
        passages = " ".join(a.index.chunks_by_id([by_n[n].chunk_id])[by_n[n].chunk_id][0].text for n in cited)
        assert numbers_in(text) <= numbers_in(passages)
