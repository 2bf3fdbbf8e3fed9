"""Files handed over by a user (web uploads): safe names, archives unpacked within limits, every member
kept under its own path.

An upload is an archive only when it is a zip that is not a document: DOCX (and other Office/OpenDocument
files) are zips too, and are documents. Members keep their folders (``a/report.txt`` and
``b/report.txt`` stay two files); two uploads with the same name get ``name (2).ext``.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import LoadError, failure
from assistant.ingest.archives import Limits, extract, is_zip
from assistant.text.words import printable, safe_name  # noqa: F401  (safe_name: used here and by the web app)

DOCUMENT_CONTAINERS = {".docx", ".docm", ".dotx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub"}


def is_archive(path: Path, name: str | None = None) -> bool:
    """A zip of files to add — not a document that happens to be a zip (DOCX and the like)."""
    suffix = Path(name or path.name).suffix.lower()
    if suffix in DOCUMENT_CONTAINERS or not is_zip(path):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return suffix == ".zip"
    office = "[Content_Types].xml" in names or "mimetype" in names
    return suffix == ".zip" or not office


@dataclass
class Unpacked:
    """The files an upload request produced (to ingest), and the members refused (to report)."""

    files: list[Path] = field(default_factory=list)
    shown: dict[Path, str] = field(default_factory=dict)  # written path → the name the user knows it by
    refused: list[dict[str, str]] = field(default_factory=list)


def _unique(target: Path) -> Path:
    if not target.exists():
        return target
    for i in range(2, 10_000):
        candidate = target.with_name(f"{target.stem} ({i}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise LoadError.known(str(target), "upload: same name")


def unpack_uploads(files: list[str], dest: Path, limits: Limits = Limits()) -> Unpacked:
    """Copy uploads into ``dest`` (a folder of this request); unpack zip archives within ``limits``."""
    out = Unpacked()
    dest.mkdir(parents=True, exist_ok=True)
    for f in files or []:
        src = Path(f)
        name = safe_name(src.name)
        if is_archive(src, name):
            folder = _unique(dest / Path(name).stem)
            try:
                for member, path in extract(src, folder, limits):
                    out.files.append(path)
                    out.shown[path] = f"{name}/{printable(member)}"
            except LoadError as exc:
                out.refused.append(failure(name, exc, shown=name))
                shutil.rmtree(folder, ignore_errors=True)
            continue
        target = _unique(dest / name)
        shutil.copyfile(src, target)
        out.files.append(target)
        out.shown[target] = name
    return out
