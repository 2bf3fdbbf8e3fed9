"""How long the chat page takes to show the quote: a real browser, the real app, as a user asks.

    python -m eval.page_latency                          # no LLM (the quote alone), 3 rounds of the questions
    python -m eval.page_latency --rounds 1 --llm-backend default --out eval/results/page-latency-llm.json

Starts the app (``assistant serve``) over the bundled sample articles in a temporary data directory,
opens it in headless Chromium (Debian's, through Playwright, as the browser tests do), and asks the
latency questions (eval/llm_latency.py) in the Ask tab one after another, a new chat every six. Timed:
from the key press that sends a question to the moment its quote stands in the conversation (the
answer element no longer marked as streaming), so it holds the whole path a user waits on — the
page's request, Gradio's queue, the answer step, the conversation's HTML, the browser drawing it.
Writes eval/results/page-latency.json with the machine; medians and 95th percentiles.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.llm_latency import QUESTIONS, pct

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ANSWERS = "#conversation .msg.bot .answer:not(.streaming)"
TURN_OVER = "!document.querySelector('#conversation .draft, #conversation .streaming')"


def ask_all(url: str, rounds: int, per_chat: int = 6) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ar")
        page.goto(url)
        page.wait_for_selector("#app-title", timeout=60_000)
        page.get_by_role("tab", name="اسأل · Ask").click()
        asked = [q for _ in range(rounds) for q in QUESTIONS]
        for i, q in enumerate(["سؤال للتهيئة: ما هو تحالف الراغبين؟", *asked]):  # the first one warms up
            if i % per_chat == 0:
                page.click("#new-chat")
                page.wait_for_selector("#conversation .empty")
            before = len(page.query_selector_all(ANSWERS))
            page.fill("#question textarea", q)
            t = time.perf_counter()
            page.press("#question textarea", "Enter")
            page.wait_for_function(
                f"document.querySelectorAll({json.dumps(ANSWERS)}).length > {before}", timeout=600_000, polling=5
            )
            quote_s = time.perf_counter() - t
            page.wait_for_function(TURN_OVER, timeout=600_000)  # a draft, if any, replaced: the next may go
            if i:
                rows.append({"question": q, "quote_s": round(quote_s, 4), "turn_s": round(time.perf_counter() - t, 4)})
        browser.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="times the 24 questions are asked")
    ap.add_argument("--llm-backend", default="none", help="ASSISTANT_LLM_BACKEND for the app (default: none)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "page-latency.json")
    args = ap.parse_args()
    from assistant.evaluation.machine import machine
    from tests.conftest import free_port, serving

    if not Path(CHROMIUM).exists():
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    data = Path(tempfile.mkdtemp(prefix="page-latency-")) / "index"
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "GRADIO_ANALYTICS_ENABLED": "False"}
    if args.llm_backend != "default":
        env["ASSISTANT_LLM_BACKEND"] = args.llm_backend
    url = f"http://127.0.0.1:{port}/"
    with (
        open(data.parent / "app.log", "w") as log,
        serving(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
            url,
            "the web app",
            600,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ):
        rows = ask_all(url, args.rounds)
    quotes = sorted(r["quote_s"] for r in rows)
    res = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "llm_backend": args.llm_backend,
        "answer_reader": env.get("ASSISTANT_ANSWER_READER", "default (auto)"),
        "questions": len(rows),
        "quote_p50_s": round(statistics.median(quotes), 3),
        "quote_p95_s": pct(quotes, 0.95),
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in res.items() if k != "rows"}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
