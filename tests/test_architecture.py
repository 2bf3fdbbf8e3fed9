"""The import graph of ``assistant/`` as docs/architecture.md states it: no cycle, no import going up a
layer, and the doors (cli, web) using only the facade and the bottom layer. Drawn from the code."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"

# Bottom to top; a module may import its own layer (without a cycle) and any layer below.
LAYERS = [
    ("errors", "records", "prompts", "resources", "config", "text"),
    ("models", "store"),
    ("ingest",),
    ("retrieval",),
    ("answer",),
    ("findings",),
    ("evaluation", "training"),
    ("core", ""),  # "" is the package's own __init__
    ("cli", "web", "__main__"),
]
DOORS = ("cli", "web")
DOORS_MAY_IMPORT = ("core", *LAYERS[0])


def modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _type_only(tree: ast.Module) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks (annotations only, never run)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def graph() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_only(tree)
        for node in ast.walk(tree):
            if node.lineno in skip if hasattr(node, "lineno") else False:
                continue
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                if not t.startswith("assistant"):
                    continue
                while t not in mods and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t in mods and t != m:
                    edges[m].add(t)
                    break
    return edges


def area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer(module: str) -> int:
    a = area(module)
    return next(i for i, names in enumerate(LAYERS) if a in names)


def test_every_module_has_a_layer():
    assert all(layer(m) >= 0 for m in modules())


def test_no_relative_imports_so_moves_stay_honest():
    for m, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level], m


def test_imports_only_go_down():
    bad = [f"{m} -> {t}" for m, ts in graph().items() for t in ts if layer(t) > layer(m)]
    assert not bad, "imports going up a layer:\n" + "\n".join(sorted(bad))


def test_doors_use_only_the_facade():
    bad = []
    for m, ts in graph().items():
        if area(m) not in DOORS:
            continue
        for t in ts:
            ok = area(t) in DOORS_MAY_IMPORT or area(t) == area(m) or (area(m) == "cli" and t == "assistant.web.app")
            if not ok:
                bad.append(f"{m} -> {t}")
    assert not bad, (
        "the cli and the web app import only the facade (assistant.core) and the bottom layer:\n" + "\n".join(bad)
    )


def test_no_cycles():
    g = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(g[m]):
            if state.get(t) == 1:
                cycles.append(path[path.index(t) :] + [t] if t in path else [m, t])
            elif t not in state:
                visit(t, path + [t])
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_architecture_document_states_these_layers():
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for names in LAYERS:
        for name in names:
            if name and name != "__main__":
                assert f"`{name}" in doc, f"docs/architecture.md does not name `{name}`"


MAX_FILE_LINES, MAX_FUNCTION_LINES = 400, 60
# Scripts under eval/ written before the limits; each may only get shorter (remove it from here when it fits).
EVAL_EXCEPTIONS = {
    "eval/bench.py:worker_ours",
    "eval/compare_llms.py:main",
    "eval/faithfulness/build.py:main",
    "eval/faithfulness/calibrate.py:main",
    "eval/llm_latency.py:worker",
    "eval/load_real.py:main",
    "eval/onnx_embed.py:main",
    "eval/studies/faithfulness_relevance.py:main",
    "eval/studies/fusion_cc.py:main",
    "eval/train_answer_scorer.py",
    "eval/train_findings_selector.py:main",
}


def test_no_file_over_400_lines_no_function_over_60():
    root = PACKAGE.parent
    bad = []
    for folder in ("assistant", "tests", "eval"):
        for path in sorted((root / folder).rglob("*.py")):
            if "runs" in path.parts:
                continue
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            if len(text.splitlines()) > MAX_FILE_LINES and rel not in EVAL_EXCEPTIONS:
                bad.append(f"{rel}: {len(text.splitlines())} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    n = (node.end_lineno or node.lineno) - node.lineno + 1
                    if n > MAX_FUNCTION_LINES and f"{rel}:{node.name}" not in EVAL_EXCEPTIONS:
                        bad.append(f"{rel}:{node.name}: {n} lines")
    assert not bad, "over the limits (split at a seam):\n" + "\n".join(bad)


def test_module_paths_written_in_strings_exist():
    """Code run in a child process or imported late names modules in strings: a move must not strand them."""
    import importlib
    import re

    pattern = re.compile(r"from (assistant(?:\.\w+)*) import (\w+)|-m (assistant(?:\.\w+)*)|^(assistant(?:\.\w+)+)$")
    ROOT = PACKAGE.parent
    files = [*sorted((ROOT / "assistant").rglob("*.py")), *sorted((ROOT / "tests").glob("*.py"))]
    files += sorted((ROOT / "eval").rglob("*.py"))
    seen = 0
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            for m in pattern.finditer(node.value):
                module = m.group(1) or m.group(3) or m.group(4)
                if m.group(4) and module.count(".") < 1:
                    continue
                try:
                    mod = importlib.import_module(module)
                except ModuleNotFoundError as e:
                    if m.group(4) and e.name == module:  # a logger's name, not a module
                        continue
                    raise AssertionError(f"{path.relative_to(ROOT)}: names {module!r}, which does not exist") from e
                seen += 1
                if m.group(2):
                    assert hasattr(mod, m.group(2)), f"{path.relative_to(ROOT)}: {module} has no {m.group(2)}"
    assert seen >= 5
