"""The files the product reads at run time, shipped inside the package (``assistant/data/``).

One loader for all of them: every file is listed with its sha256 and size in ``data/MANIFEST.json``,
and reading one that is missing or does not match is a ``ResourceError`` naming the file and what
to do — never a silent fallback to untuned defaults. The tools that write these files (the trainers
and calibrators under ``eval/``) call ``update_manifest`` after writing; a fast test checks that the
manifest and the files agree, so a forgotten update fails before it ships.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path

from assistant.errors import ResourceError

DATA = Path(__file__).resolve().parent / "data"
MANIFEST = "MANIFEST.json"
REINSTALL = "reinstall the package (pip install --force-reinstall <the wheel or the repository>)"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=1)
def manifest() -> dict[str, dict]:
    path = DATA / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        raise ResourceError(f"{path}: missing from the installed package; {REINSTALL}") from None
    except (OSError, ValueError, KeyError) as exc:
        raise ResourceError(f"{path}: unreadable ({exc}); {REINSTALL}") from None


@cache
def data_file(name: str) -> Path:
    """The path of a shipped file (``name`` relative to ``assistant/data/``), checked against the manifest."""
    entry = manifest().get(name)
    path = DATA / name
    if entry is None:
        raise ResourceError(
            f"{path}: not listed in {DATA / MANIFEST}; run `python -m assistant.resources` after adding a data file"
        )
    if not path.is_file():
        raise ResourceError(f"{path}: missing from the installed package; {REINSTALL}")
    if path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
        raise ResourceError(
            f"{path}: does not match its recorded sha256 (damaged or edited by hand); {REINSTALL}, "
            "or, if it was retrained on purpose, run `python -m assistant.resources`"
        )
    return path


def load_json(name: str) -> dict:
    path = data_file(name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:  # pragma: no cover - the checksum matched, so the file was shipped so
        raise ResourceError(f"{path}: not JSON ({exc}); {REINSTALL}") from None


def data_dir(name: str) -> Path:
    """A shipped folder (e.g. ``datasets/xquad-ar``), every file of it checked."""
    prefix = name.rstrip("/") + "/"
    names = [n for n in manifest() if n.startswith(prefix)]
    if not names:
        raise ResourceError(f"{DATA / name}: no such folder among the shipped data; {REINSTALL}")
    for n in names:
        data_file(n)
    return DATA / name


SAMPLES = Path(__file__).resolve().parent / "samples" / "articles"


def sample_articles() -> list[Path]:
    """The sample articles the web app indexes into a new data directory."""
    files = sorted(p for p in SAMPLES.glob("*") if p.is_file()) if SAMPLES.is_dir() else []
    if not files:
        raise ResourceError(f"{SAMPLES}: the sample articles are missing from the installed package; {REINSTALL}")
    return files


def listed(prefix: str = "") -> list[str]:
    return sorted(n for n in manifest() if n.startswith(prefix))


def scan() -> dict[str, dict]:
    """What ``assistant/data/`` holds now: name → sha256 and size."""
    return {
        p.relative_to(DATA).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(DATA.rglob("*"))
        if p.is_file() and p.name != MANIFEST and "__pycache__" not in p.parts
    }


def update_manifest() -> Path:
    """Record every file under ``assistant/data/`` (after a tool wrote one)."""
    path = DATA / MANIFEST
    path.write_text(
        json.dumps(
            {
                "what": "every file the product reads at run time, with its sha256 "
                "(assistant/resources.py); rewrite with: python -m assistant.resources",
                "files": scan(),
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    manifest.cache_clear()
    data_file.cache_clear()
    return path


if __name__ == "__main__":
    print(f"{update_manifest()}: {len(scan())} files")
