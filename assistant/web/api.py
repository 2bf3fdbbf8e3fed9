"""The web app's rules that need no Gradio layout: the one error rule of every handler, answers made
safe for a web client (no server paths), and the bind/login rules of ``serve``."""

from __future__ import annotations

import functools
import inspect
import ipaddress
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, ConfigError

log = logging.getLogger("assistant.web.app")


def user_errors(fn: Callable) -> Callable:
    """The one error rule of every handler: our errors as they are, anything else logged and named."""

    def fail(exc: Exception) -> None:
        import gradio as gr

        if isinstance(exc, gr.Error):
            raise exc
        if isinstance(exc, AssistantError):
            raise gr.Error(no_paths(str(exc))) from exc
        log.exception("unexpected error in a web handler")
        raise gr.Error(f"unexpected error ({type(exc).__name__}); the details are in the server log") from exc

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


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
