"""Many users against the web app with the real parts: the real embedder and the default local LLM.

    python -m eval.load_real                      # 16 users for 60 s
    python -m eval.load_real --users 16 --seconds 60 --threads 1
    python -m eval.load_real --llm-backend none   # the same without an LLM: quotes only (memory, latency)
    python -m eval.load_real --users 1 --llm-backend none --out eval/results/load-real-1user.json

Starts the app (`assistant serve`) over the bundled sample articles in a temporary data directory,
then each user, on its own connection, asks questions one after another through /ask_stream: the
quote arrives at once, then the user waits in the LLM's queue, then the verified answer. Each user
reads the stream as the page in the browser does (``--client page``, eval/stream_client.py);
``--client gradio_client`` reads it through gradio_client, as the figures before 2026-12-05 did (its
polling adds ~0.12 s to every time here: eval/README.md, "The quote on the wire"). Reported:
failures, time to the quote (p50/p95), the queue wait (quote → the LLM starts on it, p50/p95), the
answers completed per minute, and the app's RSS (first third vs last third, peak). Writes
eval/results/load-real.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from eval.llm_latency import QUESTIONS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def status_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory figure of a live process from /proc: VmRSS (now) or VmHWM (its peak so far)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(xs: list[float], q: float) -> float | None:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 2) if xs else None


def _asker(client: str, url: str):  # noqa: ANN202
    """ask(question) -> the /ask_stream outputs, read by the page's way or by gradio_client."""
    if client == "page":
        from eval.stream_client import StreamClient

        page = StreamClient(url, timeout=60)
        return lambda q: page.stream("/ask_stream", q, None, None, "auto")
    from gradio_client import Client

    # httpx's default 5 s timeout would count a slow queue join as a failure; a browser waits longer
    gc = Client(url, verbose=False, httpx_kwargs={"timeout": 60})
    return lambda q: gc.submit(q, None, None, "auto", api_name="/ask_stream")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=None, help="ASSISTANT_LLM_THREADS for the app")
    ap.add_argument("--llm-backend", default=None, help="ASSISTANT_LLM_BACKEND for the app (none: no LLM)")
    ap.add_argument("--out", type=Path, default=None, help="result file (default: results/load-real[-BACKEND].json)")
    ap.add_argument(
        "--client", choices=("page", "gradio_client"), default="page", help="how each user reads the answer stream"
    )
    args = ap.parse_args()
    from tests.conftest import free_port, wait_for_http

    data = Path(tempfile.mkdtemp(prefix="load-real-")) / "index"
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "GRADIO_ANALYTICS_ENABLED": "False"}
    if args.threads:
        env["ASSISTANT_LLM_THREADS"] = str(args.threads)
    if args.llm_backend:
        env["ASSISTANT_LLM_BACKEND"] = args.llm_backend
    log = open(data.parent / "app.log", "w")  # noqa: SIM115
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url, proc, 600, "the web app")
    start_s = time.perf_counter() - t0
    lock = threading.Lock()
    rec: dict[str, list] = {"quote": [], "wait": [], "final": [], "failures": [], "generative": [], "asked": []}
    rss: list[float] = []
    stop = time.monotonic() + args.seconds

    def user(i: int) -> None:
        ask = _asker(args.client, url)
        rng = random.Random(i)
        while time.monotonic() < stop:
            q = rng.choice(QUESTIONS)
            t = time.perf_counter()
            got_quote = got_draft = None
            try:
                job = ask(q)
                for out in job:
                    now = time.perf_counter() - t
                    if out["stage"] == "quote" and got_quote is None:
                        got_quote = now
                        with lock:
                            rec["quote"].append(now)
                    elif out["stage"] == "drafting" and got_draft is None:
                        got_draft = now
                        with lock:
                            rec["wait"].append(now - (got_quote or 0.0))
                    elif out["stage"] == "final":
                        with lock:
                            rec["final"].append((time.monotonic(), now))
                            rec["generative"].append(out["answer"]["mode"] == "generative")
                    if time.monotonic() > stop + 120:  # the run is over: stop waiting in the queue
                        (job.cancel if hasattr(job, "cancel") else job.close)()
                        break
                with lock:
                    rec["asked"].append(got_quote is not None)
            except Exception as exc:  # noqa: BLE001
                with lock:
                    rec["failures"].append(repr(exc)[:200])

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
    for th in threads:
        th.start()
    while any(th.is_alive() for th in threads):
        rss.append(status_mb(proc.pid))
        time.sleep(1)
    peak = status_mb(proc.pid, "VmHWM")  # read before the app ends
    proc.terminate()
    proc.wait(timeout=30)
    finished = [t for t, _ in rec["final"] if t <= stop]
    third = max(1, len(rss) // 3)
    res = {
        "users": args.users,
        "seconds": args.seconds,
        "llm_backend": args.llm_backend or "default",
        "client": args.client,
        "answer_reader": env.get("ASSISTANT_ANSWER_READER", "default (auto)"),
        "llm_threads": env.get("ASSISTANT_LLM_THREADS", "default"),
        "llm_batch_threads": env.get("ASSISTANT_LLM_BATCH_THREADS", "default"),
        "quote_slots": env.get("ASSISTANT_QUOTE_SLOTS", "default"),
        "app_start_s": round(start_s, 1),
        "questions": len(rec["asked"]),
        "failures": len(rec["failures"]),
        "failure_samples": rec["failures"][:3],
        "every_question_got_its_quote": all(rec["asked"]) and len(rec["quote"]) == len(rec["asked"]),
        "quote_p50_s": pct(rec["quote"], 0.5),
        "quote_p95_s": pct(rec["quote"], 0.95),
        "llm_wait_p50_s": pct(rec["wait"], 0.5),
        "llm_wait_p95_s": pct(rec["wait"], 0.95),
        "answers_per_minute": round(len(finished) / (args.seconds / 60), 1),
        "final_p50_s": pct([s for _, s in rec["final"]], 0.5),
        "final_p95_s": pct([s for _, s in rec["final"]], 0.95),
        "generative_share": round(sum(rec["generative"]) / max(len(rec["generative"]), 1), 3),
        "rss_first_third_mb": round(sum(rss[:third]) / third),
        "rss_last_third_mb": round(sum(rss[-third:]) / third),
        "rss_max_mb": round(max(rss)) if rss else 0,
        "peak_rss_mb": round(peak),
    }
    default = "load-real.json" if not args.llm_backend else f"load-real-{args.llm_backend}.json"
    out = args.out or HERE / "results" / default
    out.parent.mkdir(parents=True, exist_ok=True)
    from assistant.evaluation.machine import machine

    out.write_text(
        json.dumps({"date": time.strftime("%Y-%m-%d"), "machine": machine(), **res}, indent=1, ensure_ascii=False)
    )
    print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
