"""A shipped model's record says how to rebuild it.

reader.json and support.json carry the command that trained each delta and its pairs' counts. Where today's
command no longer builds those pairs (tests/test_recipes.py, real tier, strict known failures: both shipped models
today), the record says which commit does (`rebuild`: the command, the sha256 of its pairs, how the rebuild was
checked); these tests hold such a record to a command that names a commit of this repository. A model retrained on
today's code needs no `rebuild` (its recipe test then passes)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from assistant.models.reader import READER_DIR, SUPPORT_DIR

ROOT = Path(__file__).resolve().parent.parent
RECORDS = {"reader": READER_DIR / "reader.json", "support": SUPPORT_DIR / "support.json"}
COMMAND = re.compile(r"^git worktree add R (?P<commit>[0-9a-f]{7,40}) && cd R && python -m eval\.train_(\w+)$")


def _record(name: str) -> dict:
    return json.loads(RECORDS[name].read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_the_record_names_its_command_seed_and_pairs(name) -> None:
    record = _record(name)
    assert record["command"].startswith(f"python -m eval.train_{name}")
    assert isinstance(record["config"]["seed"], int)
    assert record["pairs"]["fit"] and record["pairs"]["dev"]


REBUILT_ELSEWHERE = sorted(n for n in RECORDS if "rebuild" in _record(n))


def test_both_shipped_models_say_which_commit_rebuilds_them() -> None:
    # today's code builds other pairs for both (tests/test_recipes.py); drop a name here when its model is retrained
    assert REBUILT_ELSEWHERE == ["reader", "support"]


@pytest.mark.parametrize("name", REBUILT_ELSEWHERE)
def test_a_rebuild_names_a_commit_of_this_repository_and_its_pairs(name) -> None:
    rebuild = _record(name)["rebuild"]
    match = COMMAND.match(rebuild["command"])
    assert match and match.group(2) == name, rebuild["command"]
    assert set(rebuild["pairs_sha256"]) == {"fit", "dev"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in rebuild["pairs_sha256"].values())
    assert rebuild["why"] and rebuild["rebuilt"], "say why, and how the rebuild was checked"


@pytest.mark.parametrize("name", REBUILT_ELSEWHERE)
def test_the_rebuild_commit_exists(name) -> None:
    rebuild = _record(name)["rebuild"]
    match = COMMAND.match(rebuild["command"])
    assert match, rebuild["command"]
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    if shallow.returncode != 0 or shallow.stdout.strip() != "false":
        pytest.skip("not a full git checkout: the commit cannot be looked up")
    commit = match.group("commit") + "^{commit}"
    found = subprocess.run(["git", "cat-file", "-e", commit], cwd=ROOT, capture_output=True)
    assert found.returncode == 0, f"{rebuild['command']}: no such commit in this repository"
