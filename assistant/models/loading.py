"""Which embedder and which LLM the settings choose: small registries of backends, one entry each.

An embedder backend is (name, applies, build): the first that applies to the settings is built. An LLM
backend is looked up by ``Settings.llm_backend``. A new backend is one entry here, not a branch in a
chain; the vector stores have the same shape in ``store.STORES``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.config import BUILTIN_EMBEDDER, Settings
from assistant.errors import ModelError
from assistant.models.embedder import Embedder, HashEmbedder, RemoteEmbedder, SentenceTransformerEmbedder
from assistant.models.llm import LLM, LlamaCppLLM, OpenAICompatLLM, llm_path


def local_model(settings: Settings) -> tuple[Path, str, str, str]:
    """The configured local embedder's sentence-transformers folder, model id, query and passage
    prompts: the built-in e5 (converted on first use), a bundled model assembled from its part packages
    (``assistant models install NAME``), or a local folder. Nothing is fetched from a hub."""
    name = settings.embedder
    qp, pp = "query: ", "passage: "  # e5's prompts, also the guess for a local folder
    from assistant.models.provision import catalogue

    bundled = {m.name: m for m in catalogue().values() if m.kind == "embedder"}
    if name == BUILTIN_EMBEDDER:
        from assistant.models.e5convert import ensure_converted

        folder = ensure_converted(settings.model_cache / "embeddings")
        model_id = BUILTIN_EMBEDDER
    elif name in bundled:
        from assistant.models.provision import provision

        folder = provision(name, settings.model_cache)
        model_id = name
        qp, pp = bundled[name].query_prefix, bundled[name].passage_prefix
    else:
        folder = Path(name).expanduser()
        model_id = str(folder.resolve())
        if not folder.exists():
            raise ModelError(
                f"embedder '{name}' is not a local folder; use '{BUILTIN_EMBEDDER}' (built in), one of "
                f"{', '.join(bundled) or 'none'} (`assistant models install NAME`), or the path of a "
                "sentence-transformers folder — nothing is downloaded from a hub"
            )
    return folder, model_id, _or(settings.query_prefix, qp), _or(settings.passage_prefix, pp)


def _remote(settings: Settings) -> Embedder:
    return RemoteEmbedder(
        settings.embedder_base_url or "",
        settings.embedder,
        settings.embedder_api_key,
        settings.embedder_remote_prefixes,
        _or(settings.query_prefix, "query: "),
        _or(settings.passage_prefix, "passage: "),
    )


def _hash(settings: Settings) -> Embedder:
    emb = HashEmbedder(int(settings.embedder.split("-", 1)[1]))
    return _parallel(emb, ("hash", emb.dim), settings.embed_workers)


def _local(settings: Settings) -> Embedder:
    """A local model (:func:`local_model`) through ONNX Runtime when it can, else sentence-transformers."""
    folder, model_id, qp, pp = local_model(settings)
    from assistant.models.model_seal import verify_folder

    verify_folder(folder, "embedding")  # every byte, before anything is embedded with it
    if settings.embed_backend == "onnx" and settings.embed_workers <= 1:
        fast = _onnx_embedder(folder, model_id, qp, pp)
        if fast is not None:
            return fast
    emb = SentenceTransformerEmbedder(folder, model_id, settings.embed_batch_size, qp, pp, settings.query_backend)
    return _parallel(emb, ("st", str(folder), model_id, settings.embed_batch_size, qp, pp), settings.embed_workers)


EMBEDDERS: list[tuple[str, Callable[[Settings], bool], Callable[[Settings], Embedder]]] = [
    ("remote", lambda s: bool(s.embedder_base_url), _remote),  # an OpenAI-compatible /v1/embeddings server
    ("hash", lambda s: s.embedder.startswith("hash-"), _hash),  # deterministic fake (tests)
    ("local", lambda s: True, _local),  # built-in e5, a bundled model, or a sentence-transformers folder
]


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedder: the first backend of ``EMBEDDERS`` that applies to the settings."""
    return next(build for _, applies, build in EMBEDDERS if applies(settings))(settings)


def _onnx_embedder(folder: Path, model_id: str, qp: str, pp: str) -> Embedder | None:
    from assistant.models.onnx_embedder import OnnxEmbedder, onnx_capable

    if not onnx_capable(folder):
        return None
    try:
        return OnnxEmbedder(folder, model_id, qp, pp)
    except ModelError:  # damaged files: refused, never a silent move to the slower path
        raise
    except Exception as exc:  # ONNX Runtime itself unusable: the torch path still works; say why once
        import sys

        print(f"note: embedding with torch (ONNX Runtime unavailable: {type(exc).__name__}: {exc})", file=sys.stderr)
        return None


def _or(value: str | None, default: str) -> str:
    return default if value is None else value


def _parallel(emb: Embedder, spec: tuple, workers: int) -> Embedder:
    if workers <= 1:
        return emb
    from assistant.models.parallel import ParallelEmbedder

    return ParallelEmbedder(emb, spec, workers)


def _openai(settings: Settings) -> LLM:
    if not settings.llm_base_url:
        raise ModelError("ASSISTANT_LLM_BACKEND=openai needs ASSISTANT_LLM_BASE_URL, e.g. http://127.0.0.1:8080/v1")
    return OpenAICompatLLM(
        settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout, settings.llm_n_ctx
    )


def _llama_cpp(settings: Settings) -> LLM:
    return LlamaCppLLM(
        llm_path(settings),
        settings.llm_n_ctx,
        settings.llm_threads,
        settings.llm_chat_format,
        settings.llm_mmap,
        settings.llm_batch_threads,
    )


LLMS: dict[str, Callable[[Settings], LLM | None]] = {
    "llama-cpp": _llama_cpp,  # a GGUF in this process
    "openai": _openai,  # any OpenAI-compatible server
    "none": lambda s: None,  # extractive answers only
}


def load_llm(settings: Settings) -> LLM | None:
    """The configured LLM (``Settings.llm_backend`` names its entry in ``LLMS``), or None."""
    return LLMS[settings.llm_backend](settings)
