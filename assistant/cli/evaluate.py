"""`assistant eval …`: retrieval, answers, findings, synthetic query sets, settings compared."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from assistant.cli.base import assistant, emit, main
from assistant.config import RETRIEVERS


def _retrievers(value: str) -> list[str]:
    names = [r.strip() for r in value.split(",") if r.strip()]
    bad = [r for r in names if r not in RETRIEVERS]
    if bad or not names:
        raise click.BadParameter(
            f"unknown retriever {', '.join(repr(b) for b in bad) or '(none)'}; choose from {', '.join(RETRIEVERS)}"
        )
    return names


@main.group("eval")
def eval_group() -> None:
    """Evaluate retrieval, answers and findings on labelled data (SQuAD JSON, BEIR folder or zip)."""


@eval_group.command("retrieval")
@click.option(
    "--dataset",
    "dataset_path",
    required=True,
    type=click.Path(path_type=Path),
    help="SQuAD JSON, a folder holding one, a BEIR folder or zip, or a bundled set (xquad-ar, arcd, tydiqa-ar).",
)
@click.option(
    "--retriever", "-r", default="bm25,dense,hybrid", show_default=True, help="Comma-separated: bm25, dense, hybrid."
)
@click.option(
    "--k",
    "k",
    default=10,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Cut-off shown in the text summary (all metrics are computed).",
)
@click.option(
    "--cross",
    "cross_path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Same questions in another language (cross-lingual slice); default from dataset.json.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write run files, metrics.json, report.md and metrics.png here.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_retrieval(
    ctx: click.Context,
    dataset_path: Path,
    retriever: str,
    k: int,
    cross_path: Path | None,
    out_dir: Path | None,
    as_json: bool,
) -> None:
    """Index the dataset's corpus in a temporary index and score each retriever."""
    from assistant.core import cross_lingual_companion, load_dataset, open_dataset, retrieval_report

    names = _retrievers(retriever)
    with tempfile.TemporaryDirectory(prefix="assistant-dataset-") as work:
        ds = open_dataset(dataset_path, Path(work))
        cross = load_dataset(cross_path) if cross_path else cross_lingual_companion(dataset_path)
        result = assistant(ctx).evaluate_retrieval(ds, names, cross, out_dir)
    if as_json:
        emit(result)
    else:
        click.echo(retrieval_report(result))


@eval_group.command("answers")
@click.option(
    "--dataset",
    "dataset_path",
    required=True,
    type=click.Path(path_type=Path),
    help="SQuAD JSON (or a folder holding one, with its dataset.json), or a bundled set: xquad-ar, arcd, tydiqa-ar.",
)
@click.option("--split", default=None, help="Index and ask only this part of eval/splits.json (e.g. test).")
@click.option(
    "--cross/--no-cross",
    default=True,
    show_default=True,
    help="Also ask the other-language twin named in dataset.json (cross-lingual).",
)
@click.option(
    "--offtopic",
    default="offtopic",
    show_default=True,
    help="Part of eval/splits.json whose questions are asked as off-topic (never indexed).",
)
@click.option(
    "--distractors",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of news articles (e.g. ../shared/data/ant); the splits file's test slice is indexed too.",
)
@click.option("--distractor-count", default=300, show_default=True, type=click.IntRange(0, 100_000))
@click.option(
    "--removed",
    default=25,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Paragraphs taken out of the index; their questions must be abstained on.",
)
@click.option(
    "--nearmiss",
    default=150,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Questions asked with an entity swapped for one the archive does not mention.",
)
@click.option("--limit", default=None, type=click.IntRange(1, 100_000), help="Answerable questions per language.")
@click.option(
    "--mode", type=click.Choice(["extractive", "generative", "auto"]), default="extractive", show_default=True
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the full result (with every row) as JSON here.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_answers(
    ctx: click.Context,
    dataset_path: Path,
    split: str | None,
    cross: bool,
    offtopic: str,
    distractors: Path | None,
    distractor_count: int,
    removed: int,
    nearmiss: int,
    limit: int | None,
    mode: str,
    out_file: Path | None,
    as_json: bool,
) -> None:
    """Answer accuracy, citations, false abstention and abstention on three kinds of unanswerable question,
    per language pair and question type, with latency."""
    import json
    import time

    from assistant.core import answer_set, answers_table

    spec = answer_set(dataset_path, split, cross, offtopic, distractors, distractor_count, removed, nearmiss, limit)
    last = [0.0]

    def progress(done: int, total: int, what: str) -> None:  # a line at most every 10 s, on stderr
        now = time.monotonic()
        if now - last[0] >= 10 or (total and done == total):
            last[0] = now
            click.echo(f"  {what}: {done}" + (f"/{total}" if total else " questions"), err=True)

    res = assistant(ctx).evaluate_answers(spec, mode, progress)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    if as_json:
        emit({k: v for k, v in res.items() if k != "rows"})
        return
    click.echo(
        f"{res['dataset']}: {res['questions']} questions ({res['distractors']} distractor articles, "
        f"{res['removed_paragraphs']} paragraphs removed), mode {res['mode']}"
    )
    click.echo("\n".join(answers_table(res)))


@eval_group.command("synth")
@click.option("--n", "n", default=100, show_default=True, type=click.IntRange(1, 100_000), help="Queries to make.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the BEIR-shaped set (corpus.jsonl, queries.jsonl, qrels/test.tsv, dataset.json).",
)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--llm/--no-llm", "use_llm", default=None, help="Write questions with the LLM (default: only if instruction-tuned)."
)
@click.pass_context
def eval_synth(ctx: click.Context, n: int, out_dir: Path, seed: int, use_llm: bool | None) -> None:
    """Make a labelled query set from your own index (no labels needed), marked synthetic."""
    a = assistant(ctx)
    r = a.make_query_set(out_dir, n, seed, use_llm)
    click.echo(
        f"{r['queries']} synthetic queries over {r['chunks']} chunks in {out_dir} ({r['method']}). "
        f"Evaluate: assistant --data-dir {a.settings.data_dir} eval retrieval --dataset {out_dir}"
    )


@eval_group.command("compare")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML with [[variant]] tables of settings (name, chunk_max_tokens, analyzer, rrf_k, embedder, …).",
)
@click.option(
    "--dataset",
    "dataset_path",
    required=True,
    type=click.Path(path_type=Path),
    help="A dataset path or a bundled set's name (xquad-ar, arcd, tydiqa-ar).",
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_compare(
    ctx: click.Context, config_path: Path, dataset_path: Path, out_dir: Path | None, as_json: bool
) -> None:
    """Run every settings variant on one dataset and write one comparison table."""
    from assistant.core import cross_lingual_companion, load_dataset, settings_table

    res = assistant(ctx).compare_settings(
        config_path, load_dataset(dataset_path), cross_lingual_companion(dataset_path), out_dir
    )
    if as_json:
        emit(res)
    else:
        click.echo(settings_table(res))


@eval_group.command("summary")
@click.option(
    "--dataset",
    "dataset_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSONL of {"text" or "path", "references": [...]}',
)
@click.option(
    "--mode", type=click.Choice(["extractive", "generative", "auto"]), default="extractive", show_default=True
)
@click.option("--baselines", is_flag=True, help="Also Lead-N and TextRank at the same length, with paired tests.")
@click.option("--split", default=None, help="Only this part of eval/splits.json's 'easc' section (tune or test).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_summary(
    ctx: click.Context, dataset_path: Path, mode: str, baselines: bool, split: str | None, as_json: bool
) -> None:
    """Score findings drafts: ROUGE-1/2/L against each reference, averaged (Arabic-aware), citation
    validity, reference coverage; with --baselines, against Lead-N and TextRank."""
    ids = None
    if split:
        from assistant.core import load_splits

        ids = set(load_splits().get("easc", {}).get(split, [])) or None
        if ids is None:
            raise click.BadParameter(f"no part '{split}' in eval/splits.json's 'easc' section; choose tune or test")
    res = assistant(ctx).evaluate_summaries(dataset_path, mode, baselines, ids)
    if as_json:
        emit(res)
        return
    click.echo(f"{res['items']} articles, mode {res['mode']}")
    for key, value in res["mean"].items():
        click.echo(f"  {key}: {value:.4f}")
    for name, means in res.get("baselines", {}).items():
        sig = res["significance"][name]
        click.echo(
            f"  {name}: "
            + ", ".join(f"{k} {v:.4f}" for k, v in means.items())
            + f"; ROUGE-L ours − {name} {sig['mean_difference']:+.4f} (wins {sig['wins']}, losses "
            f"{sig['losses']}, Wilcoxon p = {sig['wilcoxon_p']:.3g})"
        )
