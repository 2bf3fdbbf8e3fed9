"""`assistant …` — a thin command line over the Assistant facade.

Commands by topic: ``library`` (ingest, docs, remove, check, export, import, models, serve),
``questions`` (search, ask, summarize) and ``evaluate`` (the ``eval`` group). Defaults not given
on the command line come from Settings (``ASSISTANT_*``), never from here.
"""

from __future__ import annotations

from assistant.cli import evaluate, library, questions  # noqa: F401  (their commands register on main)
from assistant.cli.base import assistant, emit, main

__all__ = ["assistant", "emit", "main"]
