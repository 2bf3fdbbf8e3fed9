"""The machine a benchmark ran on is written beside its figures."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.machine import machine

CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 23
model name\t: AMD EPYC
cpu MHz\t\t: 1996.248
flags\t\t: fpu avx avx2 fma

processor\t: 1
vendor_id\t: AuthenticAMD
model name\t: another processor
cpu MHz\t\t: 3000.0
"""


def test_the_first_processor_is_named_with_its_clock_and_family(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(CPUINFO, encoding="utf-8")
    got = machine(info)
    assert (got["cpu"], got["cpu_family"], got["mhz"]) == ("AMD EPYC", "23", 1996)
    assert got["cores"] >= 1


def test_a_machine_without_cpuinfo_still_names_something(tmp_path: Path) -> None:
    got = machine(tmp_path / "absent")
    assert got["cpu"] and got["mhz"] is None and got["cores"] >= 1
