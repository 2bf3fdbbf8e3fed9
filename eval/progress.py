"""A progress callback for long evaluation runs that says where it is at most every so often."""

from __future__ import annotations

import time
from collections.abc import Callable


def indented(line: str) -> None:
    print(f"  {line}", flush=True)


def stamped(line: str) -> None:
    print(time.strftime("%H:%M:%S"), line, flush=True)


def every(seconds: float, say: Callable[[str], None] = indented) -> Callable[[int, int, str], None]:
    """``progress(done, total, what)`` as ``evaluate_answers`` calls it: a line ("asked answerable: 96", with
    "/total" when known) through ``say``, when more than ``seconds`` have passed since the last one."""
    last = [0.0]

    def progress(done: int, total: int, what: str) -> None:
        if time.time() - last[0] > seconds:
            last[0] = time.time()
            say(f"{what}: {done}" + (f"/{total}" if total else ""))

    return progress
