"""Regenerate eval/README.md's results from the bundled dev sets with the default settings.

    python -m eval.make_report            # ~6 minutes on 2 cores

Writes eval/results/<dataset>/ (TREC runs, metrics.json, report.md, metrics.png) and replaces the
block between the RESULTS markers in eval/README.md.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

from assistant import Assistant
from assistant.evaluation.datasets import bundled, load_dataset
from assistant.evaluation.report import metrics_table, replace_marked_block

HERE = Path(__file__).resolve().parent

START, END = "<!-- RESULTS:START -->", "<!-- RESULTS:END -->"


def fusion_text(a) -> str:  # noqa: ANN001
    from assistant.retrieval import fusion_for

    f = fusion_for(a.embedder.model_id)
    k = a.settings.rrf_k or f.k
    factors = ", ".join(f"{kind} ×{v}" for kind, v in f.bm25_factor.items()) or "none"
    names = f", an English question's passages naming all its names +{f.names}" if f.names else ""
    return f"RRF k={k}, BM25 factors {factors}{names}"


def main() -> None:
    a = Assistant(data_dir=HERE / "results" / ".scratch-index", llm_backend="none")
    lines = [
        "",
        f"Generated {time.strftime('%Y-%m-%d')} by `python -m eval.make_report` "
        f"(embedder `{a.embedder.model_id}`, chunk ≤ {a.settings.chunk_max_tokens} tokens, fusion {fusion_text(a)}; "
        f"{platform.machine()}, Python {platform.python_version()}).",
        "",
    ]
    runs = [("xquad-ar", "xquad-en"), ("arcd", None)]
    for name, cross in runs:
        ds = load_dataset(bundled(name))
        cross_ds = load_dataset(bundled(cross)) if cross else None
        res = a.evaluate_retrieval(ds, cross=cross_ds, out_dir=HERE / "results" / name)
        lines += [
            f"### {name}: {res['queries']} questions over {res['documents']} paragraphs",
            "",
            *metrics_table(res["retrievers"]),
            "",
        ]
        if "cross_lingual" in res["slices"]:
            sl = res["slices"]["cross_lingual"]
            lines += [
                f"Cross-lingual slice: {sl['queries']} English questions ({sl['queries_from']}) over the Arabic paragraphs:",  # noqa: E501
                "",
                *metrics_table({k: v for k, v in sl.items() if isinstance(v, dict)}),
                "",
            ]
        sig = res["significance"].get("dense vs hybrid")
        if sig:
            lines += [
                f"Hybrid vs dense, nDCG@10: {-sig['mean_difference']:+.4f} (paired t-test p = {sig['t_test_p']:.2g}).",
                "",
            ]
    # Answers have their own held-out run and section ("Answers, held out" below the generated block):
    #   assistant eval answers --dataset xquad-ar --split test --distractors ../shared/data/ant
    summ = a.evaluate_summaries(HERE / "findings" / "seed.jsonl")
    (HERE / "results" / "findings-seed.json").write_text(json.dumps(summ, indent=2, ensure_ascii=False))
    m = summ["mean"]
    lines += [
        "### Findings draft of the seed article against its own النتائج section (extractive)",
        "",
        "| ROUGE-1 | ROUGE-2 | ROUGE-L | citation validity | reference coverage |",
        "|---|---|---|---|---|",
        f"| {m['rouge1']:.3f} | {m['rouge2']:.3f} | {m['rougeL']:.3f} | {m['citation_validity']:.2f} | "
        f"{m['reference_coverage']:.2f} |",
        "",
    ]
    replace_marked_block(HERE / "README.md", START, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
