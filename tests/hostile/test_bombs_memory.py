"""Bombs against the running web app and the CLI, with their memory measured (slow tier)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port
from tests.hostile.conftest import ARTICLE, make_docx, nested_zip, zeros_zip
from tests.test_reliability import ENV, _record, _rss_mb, _start_app

pytestmark = pytest.mark.slow


def _bombs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    nested = folder / "nested.zip"
    nested.write_bytes(nested_zip(6))
    return {
        "zip member 120 MB": zeros_zip(folder / "member.zip", {"big.txt": 120_000_000}),
        "zip total 540 MB": zeros_zip(folder / "total.zip", {f"p{i}.txt": 90_000_000 for i in range(6)}),
        "zip ratio 1000x": zeros_zip(folder / "ratio.zip", {"dense.txt": 5_000_000}),
        "docx document.xml 40 MB": zeros_zip(
            folder / "bomb.docx", {"word/document.xml": 40_000_000}, inner={"[Content_Types].xml": b"<Types/>"}
        ),
        "nested zips, 6 deep": nested,
    }


def test_the_web_app_refuses_bombs_without_growing_or_leaving_files(tmp_path):
    from gradio_client import Client, handle_file

    data = tmp_path / "index"
    port = free_port()
    tmp_before = set(Path(tempfile.gettempdir()).glob("assistant-*"))
    proc = _start_app(data, port)
    figures: dict[str, dict] = {}
    try:
        c = Client(f"http://127.0.0.1:{port}/", verbose=False)
        good = tmp_path / "good.txt"
        good.write_text(ARTICLE, encoding="utf-8")
        c.predict([handle_file(str(good))], api_name="/ingest")  # warm: the reader process and the model run once
        baseline = _rss_mb(proc.pid)
        for name, bomb in _bombs(tmp_path / "bombs").items():
            t = time.perf_counter()
            msg, _ = c.predict([handle_file(str(bomb))], api_name="/ingest")
            figures[name] = {
                "seconds": round(time.perf_counter() - t, 2),
                "rss_after_mb": round(_rss_mb(proc.pid)),
                "message": msg.split("\n", 1)[1][:160] if "\n" in msg else msg,
            }
            assert "**0** added" in msg, msg
        after = _rss_mb(proc.pid)
        leftovers = sorted(p.name for p in (data / "uploads").rglob("*") if p.is_file())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert leftovers == ["good.txt"], leftovers  # only the file that was added is kept
    assert after <= baseline + 60, (baseline, after, figures)
    assert all(f["seconds"] < 30 for f in figures.values()), figures
    assert set(Path(tempfile.gettempdir()).glob("assistant-*")) - tmp_before <= {
        p for p in Path(tempfile.gettempdir()).glob("assistant-web-*")
    }  # the app's own outputs root, removed at exit
    _record("bombs (web)", {"baseline_rss_mb": round(baseline), "rss_after_all_mb": round(after), "bombs": figures})


def test_the_cli_refuses_a_docx_bomb_with_bounded_memory(tmp_path):
    bomb = zeros_zip(tmp_path / "bomb.docx", {"word/document.xml": 40_000_000}, inner={"[Content_Types].xml": b"<T/>"})
    big = make_docx(
        tmp_path / "long.docx",
        ["فقرة " + " ".join(f"كلمة{i}" for i in range(j, j + 300)) for j in range(0, 2_000_000, 300)][:2400],
    )
    code = (
        "import resource, sys, time\nfrom assistant import Assistant\n"
        "t = time.perf_counter()\n"
        "rep = Assistant(data_dir=sys.argv[1]).ingest(sys.argv[2:])\n"
        "print(rep.added, len(rep.failed), round(time.perf_counter() - t, 1),"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
        "for f in rep.failed: print(f['error'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "idx"), str(bomb), str(big)],
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    first, *errors = out.stdout.strip().splitlines()
    added, failed, seconds, peak_mb = first.split()
    assert (int(added), int(failed)) == (0, 2), out.stdout
    assert "unpacks to 40 MB, over the 30 MB limit" in errors[0] or "unpacks to 40 MB" in " ".join(errors)
    assert any("million characters of text" in e for e in errors), errors
    assert int(peak_mb) < 700, peak_mb
    _record(
        "bombs (CLI)", {"docx bomb + 2.4M-character docx": {"seconds": float(seconds), "peak_rss_mb": int(peak_mb)}}
    )
