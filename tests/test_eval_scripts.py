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


def _named_paths(module, tree) -> list[Path]:  # noqa: ANN001
    """Module-level Path constants, and ``default=`` expressions built from them (``HERE / "results"``),
    evaluated in the module's namespace. Nothing of the script runs."""
    import ast

    out = [v for v in vars(module).values() if isinstance(v, Path)]
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "default" and isinstance(node.value, ast.BinOp):
            names = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            if names and all(isinstance(vars(module).get(n), Path) for n in names):
                out.append(eval(compile(ast.Expression(node.value), "<default>", "eval"), dict(vars(module))))
    return out


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(EVAL)))
def test_paths_a_script_names_exist(path: Path):
    """The folders a script reads from or writes into exist: a script moved into a sub-folder must not
    point its results, labels or data at a folder that is not there."""
    import ast

    name = ".".join(("eval", *path.relative_to(EVAL).with_suffix("").parts))
    module = importlib.import_module(name)
    repo = EVAL.parent
    for p in _named_paths(module, ast.parse(path.read_text(encoding="utf-8"))):
        p = p.resolve()
        if repo in p.parents and "runs" not in p.parts and "test-output" not in p.parts:
            assert p.exists() or p.parent.exists(), f"{name} names {p.relative_to(repo)}, whose folder does not exist"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(EVAL)))
def test_datasets_are_read_from_the_package(path: Path):
    """The labelled sets live in assistant/data/datasets/ (``bundled(name)``); a path built from the
    script's own folder points at where they used to be."""
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "load_dataset",
            "open_dataset",
            "answer_set",
        ):
            names = {n.id for arg in node.args[:1] for n in ast.walk(arg) if isinstance(n, ast.Name)}
            assert not names & {"HERE", "ROOT", "EVAL"}, f"{path.name}:{node.lineno}: use bundled(name)"


def test_the_reader_fold_can_ask_english_off_topic_questions_of_articles_not_indexed():
    from eval.calibrate_reader import answer_sets

    shipped, more = answer_sets(), answer_sets(english_offtopic=40)
    assert [d.name for d in shipped.offtopic] == ["fit-fold"]
    arabic, english = more.offtopic
    assert english.name == "fit-fold-en" and len(english.queries) == 40
    assert all(not any("\u0600" <= ch <= "\u06ff" for ch in q) for q in english.queries.values())
    assert arabic.queries == shipped.offtopic[0].queries  # the Arabic ones unchanged
    indexed = set(more.ds.corpus)
    assert not {f"xquad:{p}" for p in english.corpus} & indexed  # their articles are not in the index
