"""The web app's rules that need no Gradio layout: the one error rule of every handler, answers made
safe for a web client (no server paths), and the bind/login rules of ``serve``."""

from __future__ import annotations

import functools
import inspect
import ipaddress
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, ConfigError, storage_error
from assistant.prompts import GENERAL_ERROR_AR, UNEXPECTED_ERROR_AR

log = logging.getLogger("assistant.web.app")


def both_languages(exc: AssistantError) -> str:
    """What the page says of one of our errors: Arabic first, then the English the CLI prints (a general
    Arabic line where the error has no Arabic of its own), server paths removed from both."""
    arabic = exc.message_ar or GENERAL_ERROR_AR
    return f"{no_paths(arabic)} · {no_paths(str(exc))}"


def error_message(exc: Exception) -> str:
    """What the page says of a failure: our errors as they are (Arabic first), anything else logged and named."""
    import gradio as gr

    if isinstance(exc, gr.Error):
        return str(exc.message)
    partial = getattr(exc, "ingest_report", None)  # an ingest that stopped part-way: what it kept
    kept = f" — {partial.stopped_summary()}" if partial is not None else ""
    if isinstance(exc, AssistantError):
        return both_languages(exc) + kept
    if (found := storage_error(exc)) is not None:
        log.error("storage error in a web handler: %s", exc)
        return both_languages(found) + kept
    log.exception("unexpected error in a web handler")
    name = type(exc).__name__
    english = f"unexpected error ({name}); the details are in the server log"
    return f"{UNEXPECTED_ERROR_AR.format(name=name)} · {english}"


def user_errors(fn: Callable) -> Callable:
    """The one error rule of every handler: a failure becomes one gr.Error saying ``error_message``."""

    def fail(exc: Exception) -> None:
        import gradio as gr

        if isinstance(exc, gr.Error):
            raise exc
        raise gr.Error(error_message(exc)) from exc

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                fail(exc)

        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            fail(exc)

    return call


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s:'\"]+)+[\\/]([^\\/\s:'\"]+)")


def no_paths(text: str) -> str:
    """A message for a web page: every server path reduced to its file name."""
    return _PATH.sub(r"\1", text)


def public(obj: Any) -> Any:
    """A JSON answer for a web client: "source" fields hold the file name, never a server path."""
    if isinstance(obj, dict):
        return {k: (Path(v).name if k == "source" and isinstance(v, str) else public(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [public(v) for v in obj]
    return obj


def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    if not value:
        return None
    pairs = []
    for item in value.split(","):
        user, sep, pw = item.strip().partition(":")
        if not sep or not user or not pw:
            raise ConfigError("ASSISTANT_AUTH must look like 'user:password' (comma-separated for several users)")
        pairs.append((user, pw))
    return pairs


class LoginGuard:
    """Gradio's login check, slowed after failures: each wrong password for a user name doubles the wait
    before the answer (0.5 s, 1 s, 2 s … up to ``cap``), so 100 guesses take hours, not a second. Gradio
    hands the check only the name and password, so the count is per user name; a right password resets it.
    Passwords are compared in constant time."""

    def __init__(self, pairs: list[tuple[str, str]], cap: float = 30.0, sleep: Callable[[float], None] = time.sleep):
        self.pairs, self.cap, self.sleep = dict(pairs), cap, sleep
        self.failures: dict[str, int] = {}
        self.lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        import hmac

        expected = self.pairs.get(user, "")
        ok = bool(expected) and hmac.compare_digest(expected.encode(), str(password).encode())
        with self.lock:
            n = 0 if ok else self.failures.get(user, 0) + 1
            self.failures[user] = n
        if not ok:
            self.sleep(min(self.cap, 0.5 * 2 ** (n - 1)))
        return ok


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
