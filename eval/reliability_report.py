"""Write the figures of the last reliability run into eval/reliability.md.

    python -m pytest -m slow tests/test_reliability.py tests/test_ingest_archive.py
    python -m eval.reliability_report

Longer variants: RELIABILITY_KILLS=100 RELIABILITY_LOAD_SECONDS=600 before the pytest command.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from assistant.evaluation.report import replace_marked_block

HERE = Path(__file__).resolve().parent

SRC = HERE.parent / "test-output" / "reliability.json"
START, END = "<!-- FIGURES:START -->", "<!-- FIGURES:END -->"


def main() -> None:
    r = json.loads(SRC.read_text())
    rows = ["| what was tried | how many times | result |", "|---|---|---|"]
    if "killed ingest" in r:
        k = r["killed ingest"]
        rows.append(
            f"| SIGKILL `ingest` of 400 ANT articles at a random moment, reopen, `check` | {k['kills']} kills "
            f"({k['attempts']} runs) | index always opened and consistent; 0 committed documents lost |"
        )
    if "killed removals" in r:
        k = r["killed removals"]
        rows.append(
            f"| SIGKILL a loop of `remove` at a random moment | {k['kills']} kills ({k['attempts']} runs) | "
            "always consistent; no committed removal came back |"
        )
    if "killed web app" in r:
        k = r["killed web app"]
        rows.append(
            f"| SIGKILL the web app while it ingests 40 uploaded files | {k['kills']} kills "
            f"({k['attempts']} runs) | always consistent; {k['documents_at_end']} documents committed in all |"
        )
    if "readers during ingest" in r:
        k = r["readers during ingest"]
        rows.append(
            f"| searches in another process while 400 articles are ingested | {k['searches']} searches over "
            f"{k['generations_seen']} generations | {k['errors']} errors; counts only grow |"
        )
    if "load" in r:
        k = r["load"]
        rows.append(
            f"| {k['users']} concurrent users (each its own session, over the REST route) asking for "
            f"{k['seconds']:.0f} s after {k.get('warm_up', {}).get('seconds', 0):.0f} s of warm-up, "
            f"{k['chunks']:,} chunks | {k['requests']} requests | {k['failures']} failed; p50 {k['p50_ms']:.0f} ms, "
            f"p95 {k['p95_ms']:.0f} ms; RSS {k['rss_first_third_mb']:.0f} → {k['rss_last_third_mb']:.0f} MB "
            f"(first vs last third), max {k['rss_max_mb']:.0f} MB |"
        )
    replace_marked_block(
        HERE / "reliability.md", START, END, ["", f"Last run: {time.strftime('%Y-%m-%d')}.", "", *rows, ""]
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
