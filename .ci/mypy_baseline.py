"""mypy over assistant/ against a committed baseline that may only shrink.

    python .ci/mypy_baseline.py           # fails on any error not in .ci/mypy-baseline.txt
    python .ci/mypy_baseline.py --update  # after fixing errors: write the smaller baseline

Errors are compared without line numbers (file, message, code), so moving code does not break the
check; a new error anywhere fails it. The baseline was 65 errors in 21 files when it was written.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"


def errors() -> list[str]:
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True).stdout
    return sorted(re.sub(r"^([^:]+):\d+: ", r"\1: ", line) for line in out.splitlines() if ": error:" in line)


def main() -> int:
    now = errors()
    if "--update" in sys.argv:
        BASELINE.write_text("".join(e + "\n" for e in now), encoding="utf-8")
        print(f"{BASELINE}: {len(now)} errors")
        return 0
    known = BASELINE.read_text(encoding="utf-8").splitlines() if BASELINE.exists() else []
    remaining = list(known)
    new = []
    for e in now:
        if e in remaining:
            remaining.remove(e)
        else:
            new.append(e)
    if new:
        print("mypy: errors not in the baseline (fix them):\n" + "\n".join(new))
        return 1
    print(f"mypy: {len(now)} known errors, none new" + (f"; {len(remaining)} fixed: run {__file__} --update"
                                                         if remaining else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
