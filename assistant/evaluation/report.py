"""Markdown and PNG renderings of an evaluation result."""

from __future__ import annotations

from pathlib import Path

COLUMNS = ("ndcg@10", "recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "map")


def metrics_table(rows: dict[str, dict[str, float]]) -> list[str]:
    lines = ["| retriever | " + " | ".join(COLUMNS) + " |", "|---|" + "---|" * len(COLUMNS)]
    for name, m in rows.items():
        if isinstance(m, dict) and "ndcg@10" in m:
            lines.append(f"| {name} | " + " | ".join(f"{m[c]:.3f}" for c in COLUMNS) + " |")
    return lines


def markdown_report(result: dict) -> str:
    out = [
        f"# Retrieval evaluation: {result['dataset']}",
        "",
        f"{result['queries']} queries over {result['documents']} documents; embedder "
        f"`{result['embedder']}`." + (f" Synthetic queries: {result['synthetic']}." if result.get("synthetic") else ""),
        "",
        *metrics_table(result["retrievers"]),
        "",
    ]
    for name, sl in result.get("slices", {}).items():
        out += [f"## Slice: {name}", ""]
        if "queries" in sl:
            out.append(f"{sl['queries']} queries from {sl.get('queries_from', '')}.")
            out.append("")
        out += [*metrics_table(sl), ""]
    if result.get("significance"):
        out += [
            "## Paired significance (nDCG@10)",
            "",
            "| pair | mean difference | t-test p | Wilcoxon p |",
            "|---|---|---|---|",
        ]
        for pair, s in result["significance"].items():
            out.append(f"| {pair} | {s['mean_difference']:+.4f} | {s['t_test_p']:.2g} | {s['wilcoxon_p']:.2g} |")
        out.append("")
    if result.get("timing"):
        out += ["## Timing", "", *[f"- {k}: {v}" for k, v in result["timing"].items()], ""]
    return "\n".join(out)


def replace_marked_block(path: Path, start: str, end: str, lines: list[str]) -> None:
    """Replace the text between two marker lines of a Markdown file (markers kept)."""
    text = path.read_text(encoding="utf-8")
    head, found, rest = text.partition(start)
    if not found:
        raise ValueError(f"{path}: marker {start} not found")
    _, _, tail = rest.partition(end)
    path.write_text(head + "\n".join([start, *lines, end]) + tail, encoding="utf-8")


def bar_chart(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result["retrievers"])
    metrics = ("ndcg@10", "recall@1", "recall@5", "mrr@10")
    fig, ax = plt.subplots(figsize=(7, 3.5), dpi=100)
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        vals = [result["retrievers"][name][m] for m in metrics]
        ax.bar([j + i * width for j in range(len(metrics))], vals, width, label=name)
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(metrics))], metrics)
    ax.set_ylim(0, 1)
    ax.set_title(f"{result['dataset']}: {result['queries']} queries")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def table(result: dict) -> list[str]:
    """Markdown rows: one per language pair, then the question types."""
    cols = (
        "accuracy",
        "false_abstention",
        "citation_precision",
        "abstained_removed",
        "abstained_offtopic",
        "abstained_nearmiss",
        "abstained_unanswerable",
        "latency_p50_ms",
        "latency_p95_ms",
    )
    lines = [
        "| slice | answerable | " + " | ".join(c.replace("_", " ") for c in cols) + " |",
        "|---|---|" + "---|" * len(cols),
    ]
    slices = (
        [("all", result["overall"])]
        + list(result["by_pair"].items())
        + [(f"type: {t}", m) for t, m in result["by_qtype"].items()]
    )
    if "scorer" in result:  # the reader decided; the scorer's answers from the same run, for comparison
        sc = result["scorer"]
        slices = [(f"reader · {n}", m) for n, m in slices] + [
            (f"scorer · {n}", m)
            for n, m in [
                ("all", sc["overall"]),
                *sc["by_pair"].items(),
                *[(f"type: {t}", v) for t, v in sc["by_qtype"].items()],
            ]
        ]
    for name, m in slices:
        cells = [
            f"{m[c]:.3f}" if isinstance(m.get(c), float) and "latency" not in c else str(m.get(c, "–")) for c in cols
        ]
        lines.append(f"| {name} | {m.get('answerable', 0)} | " + " | ".join(cells) + " |")
    return lines
