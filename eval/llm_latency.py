"""How fast the web app's answers are with the local LLM: the quote, the first streamed token, the whole
answer — in the app's own process and path (Assistant.ask_events, as the chat calls it).

    python -m eval.llm_latency                       # default model, 1 and 2 threads, 24 questions each
    python -m eval.llm_latency --threads 1+2         # 1 thread generating, 2 reading the prompt
    python -m eval.llm_latency --models qwen2.5-coder-0.5b --threads 1
    python -m eval.llm_latency --threads 1+2 --context 240,160,120 --out eval/results/llm-latency-context.json

Each setting runs in a fresh process (nothing else running in it), over the bundled sample articles,
after one warm-up question (which evaluates the fixed system prompt once, as the app does at start).
Writes eval/results/llm-latency.json and prints a table. Medians and 95th percentiles; the machine
is shared, so compare settings measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

QUESTIONS = [
    "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟",
    "ما نسبة البولنديين الذين أيدوا انضمام أوكرانيا إلى الاتحاد الأوروبي؟",
    "ما هي الركائز الثلاث التي يرتكز عليها أي سيناريو للضمانات؟",
    "من هو الأمين العام لحلف الناتو؟",
    "متى حدد ترامب مهلة الخمسين يومًا؟",
    "كم حصلت روسيا من مبيعات الوقود من الاتحاد الأوروبي خلال عام؟",
    "ما موقف ألمانيا من إرسال قوات إلى أوكرانيا؟",
    "لماذا يتجنب ترامب المواجهة مع روسيا والصين؟",
    "ما الذي تفضله برلين بدلا من إرسال القوات؟",
    "ما نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في السويد؟",
    "هل استبعدت بولندا إرسال قوات برية إلى أوكرانيا؟",
    "ماذا قال روته عن اقتصاد روسيا؟",
    "How many countries committed to sending troops to a security force?",
    "How much did Russia earn from fuel sales to the EU in one year?",
    "Who is the secretary general of NATO?",
    "What share of Swedes support Ukraine joining the EU?",
    "Why was the 1973 oil embargo imposed?",
    "What did the Shah of Iran say about oil prices?",
    "متى بدأ حظر النفط عام 1973؟",
    "ما هي الإسلاموية؟",
    "What percentage of American gasoline stations had no fuel in February 1974?",
    "Which Japanese carmakers opened US assembly plants?",
    "ما الذي قاله ميرز عن دور أوروبا في العالم؟",
    "Did Germany rule out sending troops after the war?",
]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 3) if xs else 0.0


def worker(model: str, threads: str, n: int, context: int | None = None) -> dict:
    """``threads``: "N" (both), or "G+B": G threads generate, B read the prompt. ``context``: prompt
    tokens of sources at most (None: the setting's default)."""
    import resource
    import tempfile

    from assistant import Assistant
    from assistant.resources import sample_articles

    data = Path(tempfile.mkdtemp(prefix="llm-latency-")) / "index"
    gen, _, batch = threads.partition("+")
    a = Assistant(
        data_dir=data,
        llm=model,
        llm_threads=int(gen),
        llm_batch_threads=int(batch) if batch else None,
        llm_context_tokens=context,
    )
    a.ingest(sample_articles())
    t = time.perf_counter()
    a.warm_up()
    list(a.ask_events("سؤال للتهيئة: ما هو تحالف الراغبين؟", mode="generative"))
    warm = time.perf_counter() - t
    rows = []
    for q in QUESTIONS[:n]:
        t0 = time.perf_counter()
        row: dict = {"question": q}
        for ev in a.ask_events(q, mode="auto"):
            now = time.perf_counter() - t0
            if ev.kind == "quote":
                row["quote_s"] = now
                row["abstained"] = ev.answer.abstained
            elif ev.kind == "token" and "first_token_s" not in row:
                row["first_token_s"] = now
            elif ev.kind == "final":
                row.update(
                    {
                        "answer_s": now,
                        "mode": ev.answer.mode,
                        "llm_status": ev.answer.llm_status,
                        "tokens": ev.answer.timings.get("tokens", 0),
                        "tokens_per_s": ev.answer.timings.get("tokens_per_s", 0.0),
                        "answer": ev.answer.answer,
                    }
                )
        rows.append(row)
    drafted = [r for r in rows if "first_token_s" in r]
    return {
        "model": model,
        "threads": threads,
        "context_tokens": a.settings.llm_context_tokens,
        "questions": len(rows),
        "drafted": len(drafted),
        "warm_up_s": round(warm, 2),
        "quote_p50_s": pct([r["quote_s"] for r in rows], 0.5),
        "quote_p95_s": pct([r["quote_s"] for r in rows], 0.95),
        "first_token_p50_s": pct([r["first_token_s"] for r in drafted], 0.5),
        "first_token_p95_s": pct([r["first_token_s"] for r in drafted], 0.95),
        "answer_p50_s": pct([r["answer_s"] for r in drafted], 0.5),
        "answer_p95_s": pct([r["answer_s"] for r in drafted], 0.95),
        "tokens_per_s_p50": pct([r["tokens_per_s"] for r in drafted if r["tokens"]], 0.5),
        "used": sum(r.get("llm_status") == "used" for r in drafted),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=None, help="comma-separated (default: the configured ASSISTANT_LLM)")
    ap.add_argument("--threads", default="1,2", help='comma-separated: "N", or "G+B" (G generate, B read the prompt)')
    ap.add_argument("--n", type=int, default=len(QUESTIONS))
    ap.add_argument(
        "--context", default="", help="comma-separated prompt tokens of sources to compare (default: the setting)"
    )
    ap.add_argument("--out", type=Path, default=HERE / "results" / "llm-latency.json")
    ap.add_argument("--worker", nargs=3, metavar=("MODEL", "THREADS", "CONTEXT"))
    args = ap.parse_args()
    if args.worker:
        model, threads, context = args.worker
        print(json.dumps(worker(model, threads, args.n, int(context) if context != "-" else None), ensure_ascii=False))
        return
    from assistant.config import load_settings

    models = args.models.split(",") if args.models else [load_settings().llm]
    results = []
    for model in models:
        contexts = args.context.split(",") if args.context else ["-"]
        for threads, context in [(t, c) for t in args.threads.split(",") for c in contexts]:
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", model, threads, context, "--n", str(args.n)],
                capture_output=True,
                text=True,
                env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"},
            )
            if proc.returncode != 0:
                sys.exit(proc.stderr[-2000:])
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append(res)
            print(
                f"{model} threads={threads} context={res['context_tokens']}: quote p50 {res['quote_p50_s']} s; first token p50/p95 "  # noqa: E501
                f"{res['first_token_p50_s']}/{res['first_token_p95_s']} s; whole answer p50/p95 "
                f"{res['answer_p50_s']}/{res['answer_p95_s']} s; {res['tokens_per_s_p50']} tok/s; "
                f"{res['used']}/{res['drafted']} drafts used; peak RSS {res['peak_rss_mb']} MB",
                flush=True,
            )
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    from assistant.evaluation.machine import machine

    out.write_text(
        json.dumps(
            {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "results": results}, indent=1, ensure_ascii=False
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
