"""Zip containers handled as hostile: limits checked before anything is written or parsed.

Uploaded zips, BEIR zips and DOCX files (a DOCX is a zip of XML parts) all pass through here. The
central directory is read first: too many members, a member or a total larger than allowed, or a
compression ratio no real document has, and the file is refused before one byte is unpacked. While
unpacking, Python's zipfile never yields more than a member's declared size, and the running total
is counted again, so a lying header cannot push past the limits either. A refused archive leaves
nothing behind: members already written are removed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from assistant.errors import LoadError
from assistant.text.words import printable

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """What an archive may unpack to. Ratios above ``max_ratio`` are bombs (text and XML compress
    about 3–10×; a zip bomb 1,000× and more), except for members too small to matter."""

    max_total: int = 500 * MB  # all members together, unpacked
    max_member: int = 100 * MB  # one member, unpacked
    max_members: int = 5_000
    max_ratio: float = 100.0
    ratio_floor: int = 1 * MB  # members smaller than this may compress as well as they like


DOCX_LIMITS = Limits(max_total=60 * MB, max_member=30 * MB, max_members=2_000)  # what python-docx will parse


def is_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def check(z: zipfile.ZipFile, name: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The archive's file members, or LoadError naming the first limit it breaks."""
    infos = [i for i in z.infolist() if not i.is_dir()]
    if len(infos) > limits.max_members:
        raise LoadError.known(name, "archive: too many files", n=len(infos), most=limits.max_members)
    total = 0
    for info in infos:
        if info.file_size > limits.max_member:
            raise LoadError.known(
                name,
                "archive: member too large",
                member=printable(info.filename),
                mb=f"{info.file_size / MB:.0f}",
                most=f"{limits.max_member / MB:.0f}",
            )
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise LoadError.known(
                name,
                "archive: zip bomb",
                member=printable(info.filename),
                ratio=f"{info.file_size / max(info.compress_size, 1):.0f}",
            )
        total += info.file_size
        if total > limits.max_total:
            raise LoadError.known(name, "archive: too large", most=f"{limits.max_total / MB:.0f}")
    return infos


def open_checked(path: Path, limits: Limits) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError.known(str(path), "archive: unreadable", detail=exc) from exc
    try:
        check(z, str(path), limits)
    except LoadError:
        z.close()
        raise
    return z


def member_path(name: str) -> PurePosixPath | None:
    """A member's path kept inside the destination: no drive, no root, no '..' (None: nothing left)."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    parts = [p.replace("\x00", "") for p in parts]
    return PurePosixPath(*parts) if parts and all(parts) else None


def extract(
    path: Path, dest: Path, limits: Limits = Limits(), keep: Callable[[PurePosixPath], bool] | None = None
) -> list[tuple[str, Path]]:
    """Unpack the archive into ``dest`` keeping its folders (so two files of the same name in two folders
    stay two files). ``keep(member_path)``: which members to write. Returns (member name, written path)
    for every member written; on any error nothing written stays behind."""
    written: list[tuple[str, Path]] = []
    budget = limits.max_total
    try:
        with open_checked(path, limits) as z:
            for info in z.infolist():
                rel = member_path(info.filename)
                if info.is_dir() or rel is None or (keep is not None and not keep(rel)):
                    continue
                target = dest.joinpath(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as fin, open(target, "wb") as fout:
                    written.append((info.filename, target))
                    while block := fin.read(1 << 20):
                        budget -= len(block)
                        if budget < 0:
                            raise LoadError.known(str(path), "archive: too large", most=f"{limits.max_total / MB:.0f}")
                        fout.write(block)
    except BaseException:
        for _, p in written:
            p.unlink(missing_ok=True)
        _prune(dest)
        raise
    return written


def _prune(folder: Path) -> None:
    """Remove empty folders left under ``folder`` (not the folder itself)."""
    if not folder.is_dir():
        return
    for d in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        try:
            d.rmdir()
        except OSError:
            pass


# Control characters, and the bidi controls that reorder what a terminal or page shows (U+202A–202E,
# U+2066–2069, U+200E/200F, U+061C): file names and titles from outside are shown with these escaped.
