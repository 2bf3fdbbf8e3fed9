"""The real GGUFs through llama-cpp-python: the default instruction-tuned model assembled from its part
packages (a handful of generations: a few seconds each), and the small base model for plumbing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.text.arabic import numbers_in
from tests.conftest import free_port, serving

pytestmark = pytest.mark.real

ARTICLE = (
    "ضمانات أمنية لأوكرانيا\n\n"
    "تجلى هذا في الرابع من سبتمبر 2025 بعد مداولات تحالف الراغبين في باريس. وكانت الرسالة الأهم من الرئيس "
    "الفرنسي، إيمانويل ماكرون، أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.\n\n"
    "وقدّر الرئيس الأمريكي أن روسيا حصلت على 1.1 مليار يورو من مبيعات الوقود من الاتحاد الأوروبي خلال عام واحد.\n\n"
    "بينما استبعدت بولندا علنًا إرسال قوات برية إلى أوكرانيا.\n"
)


@pytest.fixture(scope="module")
def default_llm(model_cache):
    """The configured default model, as a user gets it: joined from its installed part packages."""
    from assistant.config import load_settings
    from assistant.models.loading import load_llm

    settings = load_settings(model_cache=model_cache, llm_backend="llama-cpp")
    llm = load_llm(settings)
    assert llm is not None and llm.instruction_tuned, f"{settings.llm} should be instruction-tuned"
    return llm


@pytest.fixture(scope="module")
def archive(tmp_path_factory, real_embedder, default_llm):
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("llm")
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    a = Assistant(data_dir=folder / "index", embedder=real_embedder, llm=default_llm)
    a.ingest([folder / "a.txt"])
    return a


def test_the_default_model_is_assembled_from_its_parts_and_verified(model_cache, default_llm):
    """Loaded as a user loads it (default_llm: joined from its part packages on first use, so this
    holds on a fresh cache whichever test runs first), then the file checked: size and GGUF name."""
    from assistant.config import load_settings
    from assistant.models.provision import get, gguf_metadata

    settings = load_settings(model_cache=model_cache)
    model = get(settings.llm)
    path = model_cache / "llm" / model.filename
    assert path.stat().st_size == model.size
    assert gguf_metadata(path)["general.name"] == model.gguf_name


def test_arabic_answer_streams_with_its_citation(archive):
    pieces: list[str] = []
    events = [e.kind for e in archive.ask_events("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", mode="generative")]
    assert events[0] == "quote" and "drafting" in events and events[-1] == "final"
    ans = archive.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", mode="generative", on_token=pieces.append)
    assert len(pieces) > 1 and ans.timings["tokens"] >= 2
    assert ans.mode == "generative", (ans.llm_status, ans.dropped)
    assert "26" in ans.answer and ans.citations and "26 دولة" in ans.citations[0].quote


def test_an_english_answer_from_an_arabic_passage_is_kept(archive):
    ans = archive.ask("How many countries committed to sending troops to a security force?", mode="generative")
    assert ans.language == "en"
    assert ans.mode == "generative", (ans.llm_status, [(d.sentence, d.reason) for d in ans.dropped])
    assert "26" in ans.answer and any(ch.isascii() and ch.isalpha() for ch in ans.answer)
    assert "26 دولة" in ans.citations[0].quote  # the English sentence cites the Arabic quote
    # Known: asked "How much money did Russia make …?", the 1.5B copies the worked example's answer
    # ("The project cost 12 million dinars"); the verifier drops it and the quote is shown
    # (test_a_planted_wrong_number_is_dropped covers that path).


def test_a_planted_wrong_number_is_dropped(archive, default_llm):
    """The model's own context, with one figure changed before verification: the verifier drops it."""
    from assistant.answer.generate import draft_answer
    from assistant.answer.grounding import default_verifier
    from tests.conftest import ScriptedLLM

    q = "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟"
    raw = default_llm.chat([{"role": "user", "content": f"{ARTICLE}\n\nأجب بجملة واحدة: {q}"}], max_tokens=60)
    planted = raw.replace("26", "34") if "26" in raw else "التزمت 34 دولة على الأقل بإرسال جنود ضمن قوة أمنية"
    from assistant.answer.ask import AnswerOptions, extract_answer, question_language
    from assistant.answer.generate import sources_for
    from assistant.answer.scoring import default_scorer

    _, scored = extract_answer(
        q, question_language(q), archive.retriever, archive.embedder, AnswerOptions(), default_scorer()
    )
    sources = sources_for(scored, 3)
    verifier = default_verifier(archive.embedder, archive.retriever.idf)
    draft = draft_answer(q, sources, "ar", ScriptedLLM(f"{planted.strip().rstrip('.')} [1]."), verifier)
    assert draft.answer is None and draft.status == "no usable sentence"
    assert "34" in draft.dropped[0].reason


def test_schema_bounded_json(default_llm):
    schema = {
        "type": "object",
        "properties": {"points": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 80}}},
        "required": ["points"],
    }
    out = default_llm.chat(
        [{"role": "user", "content": f"{ARTICLE}\n\nList the key points as JSON."}], max_tokens=200, json_schema=schema
    )
    data = json.loads(out)
    assert 1 <= len(data["points"]) <= 3


# --------------------------------------------------------------- the base model: plumbing only
@pytest.fixture(scope="module")
def gguf(model_cache):
    from assistant.models.llm import provision_gemma

    return provision_gemma(model_cache / "llm")


def test_the_base_model_is_never_used_to_answer_in_auto_mode(gguf, real_embedder, tmp_path):
    from assistant import Assistant
    from assistant.models.llm import LlamaCppLLM

    gemma = LlamaCppLLM(gguf, n_ctx=4096, threads=1)
    assert gemma.instruction_tuned is False and gemma.chat_format == "gemma"
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    a = Assistant(data_dir=tmp_path / "idx", embedder=real_embedder, llm=gemma)
    a.ingest([tmp_path / "a.txt"])
    ans = a.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")
    assert ans.mode == "extractive" and ans.llm_status == ""
    forced = a.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", mode="generative")
    by_n = {c.n: c for c in forced.citations}
    from assistant.answer.grounding import parse_claims

    for claim in parse_claims(forced.answer):  # whatever it wrote, nothing unsupported is shown
        passages = " ".join(a.passages([by_n[n].chunk_id])[by_n[n].chunk_id][0] for n in claim.cited)
        assert numbers_in(claim.text) <= numbers_in(passages)


@pytest.fixture(scope="module")
def llama_server(gguf):
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    with serving(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_threads",
            "1",
            "--n_threads_batch",
            "1",
            "--chat_format",
            "gemma",
            "--n_ctx",
            "4096",
        ],
        base + "/models",
        "llama_cpp.server (needs llama-cpp-python[server])",
        60,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        yield base


def test_openai_compatible_backend_against_a_real_server(llama_server, real_embedder, tmp_path):
    from assistant import Assistant
    from assistant.models.llm import OpenAICompatLLM

    llm = OpenAICompatLLM(llama_server, model="gemma")
    pieces: list[str] = []
    streamed = llm.chat(
        [{"role": "user", "content": "Hello"}], max_tokens=16, on_token=pieces.append, stop=["\nQuestion"]
    )
    assert len(pieces) > 1 and "".join(pieces) == streamed
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    a = Assistant(data_dir=tmp_path / "idx", embedder=real_embedder, llm=llm)
    a.ingest([tmp_path / "a.txt"])
    ans = a.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")  # auto: a server counts as instruction-tuned
    assert ans.llm_status in ("used", "no answer", "no usable sentence", "nothing written")
    by_n = {c.n: c for c in ans.citations}
    from assistant.answer.grounding import parse_claims

    for claim in parse_claims(ans.answer):
        passages = " ".join(a.passages([by_n[n].chunk_id])[by_n[n].chunk_id][0] for n in claim.cited)
        assert numbers_in(claim.text) <= numbers_in(passages)
