"""Files handed over by a user (web uploads): safe names, zip archives unpacked into one folder."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

_SAFE_NAME = re.compile(r"[^\w\u0600-\u06FF .()\-]+")


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload folder (no separators, no NUL, no dot-dot)."""
    base = name.replace("\\", "/").split("/")[-1].replace("\x00", "")
    base = _SAFE_NAME.sub("_", base).strip(" .")
    return base or "upload"


def extract_uploads(files: list[str], dest: Path) -> list[Path]:
    """Copy uploads (and zip members) into dest under safe names."""
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for f in files or []:
        src = Path(f)
        if zipfile.is_zipfile(src):
            with zipfile.ZipFile(src) as z:
                for info in z.infolist():
                    if info.is_dir():
                        continue
                    target = dest / safe_name(info.filename)
                    with z.open(info) as fin, open(target, "wb") as fout:
                        shutil.copyfileobj(fin, fout, 1 << 20)
                    out.append(target)
        else:
            target = dest / safe_name(src.name)
            shutil.copyfile(src, target)
            out.append(target)
    return out
