"""Which machine a benchmark ran on, written beside its figures.

Latency figures are only comparable on the same kind of processor: the bundled 1.5B's one-thread
generation ran at 9.6 tokens/s (median) on the machine of 2026-12-02 and at 5.1 on a 2.0 GHz AMD EPYC (Zen 2)
three days later, both with llama.cpp built for AVX2 (`eval/llm_latency.py`). A results file that names its
processor lets the next reader tell a regression from a different machine.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _cpuinfo(text: str) -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo's text."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    return fields


def _number(text: str | None) -> int | None:
    try:
        return round(float(text)) if text else None
    except ValueError:
        return None


def _llama_features() -> str | None:
    """llama.cpp's own list of the CPU features it was built for (None: not installed)."""
    try:
        import llama_cpp
    except ImportError:
        return None
    info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
    on = [part.split("=")[0].split(":")[-1].strip() for part in info.split("|") if part.strip().endswith("= 1")]
    return " ".join(on)


def machine(cpuinfo: Path = Path("/proc/cpuinfo")) -> dict:
    """The processor, its clock and family, the cores this process may use, and llama.cpp's build."""
    try:
        fields = _cpuinfo(cpuinfo.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        fields = {}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out = {
        "cpu": fields.get("model name") or platform.processor() or platform.machine(),
        "cpu_family": fields.get("cpu family"),
        "mhz": _number(fields.get("cpu MHz")),
        "cores": cores,
        "python": platform.python_version(),
    }
    features = _llama_features()
    if features is not None:
        out["llama_cpp_cpu"] = features
    return out
