"""Every script under eval/ imports (a refactor of assistant/ cannot break one unseen), and none edits
sys.path: they import the installed package and each other as the ``eval`` package."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parent.parent / "eval"
SCRIPTS = sorted(p for p in EVAL.rglob("*.py") if "runs" not in p.parts and p.name != "__init__.py")


def test_there_are_scripts():
    assert len(SCRIPTS) > 20


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(EVAL)))
def test_script_imports(path: Path):
    text = path.read_text(encoding="utf-8")
    assert "sys.path.insert" not in text and "sys.path.append" not in text
    name = ".".join(("eval", *path.relative_to(EVAL).with_suffix("").parts))
    module = importlib.import_module(name)
    if "__main__" in text:
        assert callable(getattr(module, "main", None)), f"{name}: a script's entry point is main()"
