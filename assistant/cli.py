"""`assistant …` — a thin command line over the Assistant facade."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import AssistantError, DocumentNotFound


def _emit(obj: object) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _assistant(ctx: click.Context, **overrides: object):  # noqa: ANN202
    from .core import Assistant

    return Assistant(data_dir=ctx.obj["data_dir"], **overrides)


class _Group(click.Group):
    """Turns library errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", "-d", envvar="ASSISTANT_DATA_DIR", default="index", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Index directory.")
@click.version_option(package_name="article-assistant")
@click.pass_context
def main(ctx: click.Context, data_dir: Path) -> None:
    """Local, private Q&A and findings drafts over your articles (Arabic first)."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Add files or folders (txt, md, html, pdf, docx) to the index."""
    a = _assistant(ctx)
    bar = None
    if sys.stderr.isatty() and not as_json:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="step", file=sys.stderr)

    def progress(done: int, total: int, what: str) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.set_description(what[:40])
            bar.refresh()

    report = a.ingest(list(paths), progress=progress)
    if bar is not None:
        bar.close()
    if as_json:
        _emit(report.to_json())
    else:
        click.echo(f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
                   f"failed {len(report.failed)}; index holds {report.documents} documents, "
                   f"{report.chunks} chunks")
        for d in report.duplicates:
            how = "the same text as" if d.get("kind") != "near" else f"a near-duplicate ({d['similarity']:.0%}) of"
            click.echo(f"duplicate: {d['path']} is {how} {d['duplicate_of']}; not indexed twice")
        for s_ in report.skipped:
            click.echo(f"skipped: {s_['path']}: {s_['reason']}")
        for f in report.failed:
            click.echo(f"failed: {f['error']}", err=True)
    sys.exit(1 if report.failed else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def docs(ctx: click.Context, as_json: bool) -> None:
    """List indexed documents."""
    rows = _assistant(ctx).documents()
    if as_json:
        _emit(rows)
        return
    for r in rows:
        click.echo(f"{r['doc_id']}  {r['date'] or '----------'}  {r['language']}  {r['n_chunks']:>4} chunks  {r['title']}")
    click.echo(f"{len(rows)} documents")


@main.command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx: click.Context, doc_id: str) -> None:
    """Remove a document (its records, vectors and BM25 entries)."""
    n = _assistant(ctx).remove(doc_id)
    click.echo(f"removed {doc_id} ({n} chunks)")


@main.command()
@click.argument("query")
@click.option("-k", "--k", "k", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--retriever", "-r", default="hybrid", show_default=True,
              type=click.Choice(["hybrid", "dense", "bm25"]))
@click.option("--doc", "doc_ids", multiple=True, help="Search only this document (id from `assistant docs`); repeatable.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx: click.Context, query: str, k: int, retriever: str, doc_ids: tuple[str, ...], as_json: bool) -> None:
    """Retrieve the passages that best match QUERY."""
    a = _assistant(ctx)
    for d in doc_ids:
        if not a.index.has_document(d):
            raise DocumentNotFound(f"no document with id '{d}' in {a.settings.data_dir}; list them with `assistant docs`")
    hits = a.search(query, k=k, retriever=retriever, doc_ids=list(doc_ids) or None)
    if as_json:
        _emit([h.to_json() for h in hits])
        return
    for h in hits:
        text = h.chunk.text.replace("\n", " ")
        click.echo(f"[{h.rank}] {h.score:.4f}  {h.title}  ({h.chunk.heading or '-'})\n    {text[:300]}")


@main.command()
@click.argument("question")
@click.option("-k", "--k", "k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--retriever", "-r", default="hybrid", show_default=True,
              type=click.Choice(["hybrid", "dense", "bm25"]))
@click.option("--mode", type=click.Choice(["auto", "extractive", "generative"]), default=None,
              help="auto: generative only with an instruction-tuned LLM (default).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ask(ctx: click.Context, question: str, k: int, retriever: str, mode: str | None, as_json: bool) -> None:
    """Answer QUESTION from the indexed articles, citing passages."""
    ans = _assistant(ctx).ask(question, k=k, retriever=retriever, mode=mode)
    if as_json:
        _emit(ans.to_json())
        return
    click.echo(ans.answer)
    for c in ans.citations:
        click.echo(f"  [{c.n}] {c.title} — {c.quote[:200]}")
    for h in ans.nearest:
        click.echo(f"  nearest: {h.title} — {h.chunk.text[:160]}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["ar", "en"]), default=None)
@click.option("--related", is_flag=True, help="Add related earlier coverage from the index.")
@click.option("--mode", type=click.Choice(["auto", "extractive", "generative"]), default=None)
@click.option("-n", "--n", "n", type=click.IntRange(3, 12), default=None, help="Number of findings.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def summarize(ctx: click.Context, file: Path, lang: str | None, related: bool, mode: str | None,
              n: int | None, as_json: bool) -> None:
    """Draft the findings (النتائج) of an article FILE, each citing its paragraph."""
    f = _assistant(ctx).summarize(path=file, lang=lang, related=related, mode=mode, n=n)
    if as_json:
        _emit(f.to_json())
        return
    click.echo(("النتائج" if f.language == "ar" else "Findings") + f" — {f.title}")
    if f.excluded_section:
        click.echo(f"(the article's own section '{f.excluded_section}' was left out of the input)")
    for i, fd in enumerate(f.findings, 1):
        refs = ", ".join(f"¶{c.paragraph}" for c in fd.citations)
        click.echo(f"{i}. {fd.text} [{refs}]")
        for h in fd.related:
            click.echo(f"     related: {h.title} — {h.chunk.text[:120]}")


@main.command()
@click.option("--host", envvar="GRADIO_SERVER_NAME", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="GRADIO_SERVER_PORT", default=7860, show_default=True, type=int)
@click.option("--no-sample", is_flag=True, help="Do not index the bundled sample articles on first run.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, no_sample: bool) -> None:
    """Start the web app."""
    from .web import serve as run

    run(data_dir=ctx.obj["data_dir"], host=host, port=port, sample=not no_sample)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def models(ctx: click.Context, as_json: bool) -> None:
    """Provision and describe the offline models (converts e5 and assembles the GGUF if needed)."""
    a = _assistant(ctx)
    info = {"embedder": a.embedder.model_id, "dim": a.embedder.dim,
            "embedding_cache": str(a.settings.model_cache)}
    llm = a.llm
    if llm is not None:
        info.update({"llm": llm.name, "llm_instruction_tuned": llm.instruction_tuned})
    if as_json:
        _emit(info)
    else:
        for key, value in info.items():
            click.echo(f"{key}: {value}")


@main.command()
@click.option("--repair", is_flag=True, help="Rebuild what can be rebuilt safely (FAISS, BM25 or the Milvus collection; orphan rows).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Verify that the records and the vector store (FAISS + BM25, or Milvus) agree; optionally repair."""
    a = _assistant(ctx)
    problems = a.index.check()
    repaired: list[str] = []
    if problems and repair:
        repaired = a.index.repair()
        problems = a.index.check()
    docs, chunks = a.index.counts()
    result = {"consistent": not problems, "problems": problems, "repaired": repaired,
              "generation": a.index.generation, "documents": docs, "chunks": chunks}
    if as_json:
        _emit(result)
    else:
        click.echo(f"generation {result['generation']}: {docs} documents, {chunks} chunks")
        for line in repaired:
            click.echo(f"repaired: {line}")
        click.echo("consistent" if not problems else "\n".join(f"problem: {p}" for p in problems))
    sys.exit(0 if not problems else 1)


@main.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def export_cmd(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Write the index (texts, vectors, BM25 tokens) to one file, to import into any store."""
    from .store.transfer import export_index

    meta = export_index(_assistant(ctx).index, file)
    if as_json:
        _emit({"file": str(file), **meta})
    else:
        click.echo(f"exported {meta['documents']} documents, {meta['chunks']} chunks "
                   f"(generation {meta['generation']}, {meta['embedder']}) to {file}")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Add the documents of an export file to this index (no re-embedding); skips those it has."""
    from .store.transfer import import_index, read_meta

    read_meta(file)  # a clear error before any model loads
    a = _assistant(ctx)

    def progress(done: int, total: int, what: str) -> None:
        if not as_json:
            click.echo(f"imported {done}/{total} documents", err=True)

    r = import_index(a.index, file, progress)
    if as_json:
        _emit(r)
    else:
        click.echo(f"added {r['documents_added']} documents ({r['chunks_added']} chunks), skipped "
                   f"{r['documents_skipped']} already present; index holds {r['documents']} documents, "
                   f"{r['chunks']} chunks")


@main.group("eval")
def eval_group() -> None:
    """Evaluate retrieval on a labelled dataset (SQuAD JSON or BEIR folder)."""


@eval_group.command("retrieval")
@click.option("--dataset", "dataset_path", required=True, type=click.Path(exists=True, path_type=Path),
              help="SQuAD JSON, a folder holding one, or a BEIR folder.")
@click.option("--retriever", "-r", default="bm25,dense,hybrid", show_default=True,
              help="Comma-separated: bm25, dense, hybrid.")
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Cut-off shown in the text summary (all metrics are computed).")
@click.option("--cross", "cross_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="Same questions in another language (cross-lingual slice); default from dataset.json.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write run files, metrics.json, report.md and metrics.png here.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_retrieval(ctx: click.Context, dataset_path: Path, retriever: str, k: int, cross_path: Path | None,
                   out_dir: Path | None, as_json: bool) -> None:
    """Index the dataset's corpus in a temporary index and score each retriever."""
    from .evaluation.datasets import load_dataset
    from .evaluation.retrieval import evaluate_retrieval

    ds = load_dataset(dataset_path)
    if ds.own_index is not None:
        from .evaluation.retrieval import evaluate_own_index

        a = _assistant(ctx)
        if Path(ds.own_index).resolve() != Path(a.settings.data_dir).resolve():
            raise click.UsageError(f"{dataset_path} was generated from the index {ds.own_index}; "
                                   f"run with --data-dir {ds.own_index}")
        names = [r.strip() for r in retriever.split(",") if r.strip()]
        result = evaluate_own_index(ds, a.index, a.embedder, a.settings, names, out_dir)
        if as_json:
            _emit(result)
        else:
            from .evaluation.report import markdown_report

            click.echo(markdown_report(result))
        return
    if cross_path is None and dataset_path.is_dir() and (dataset_path / "dataset.json").exists():
        meta = json.loads((dataset_path / "dataset.json").read_text())
        if meta.get("cross_lingual"):
            cross_path = (dataset_path / meta["cross_lingual"]).resolve()
    cross = load_dataset(cross_path) if cross_path else None
    a = _assistant(ctx)
    names = [r.strip() for r in retriever.split(",") if r.strip()]
    result = evaluate_retrieval(ds, a.embedder, a.settings, names, cross, out_dir)
    if as_json:
        _emit(result)
        return
    from .evaluation.report import markdown_report

    click.echo(markdown_report(result))


@eval_group.command("answers")
@click.option("--dataset", "dataset_path", required=True, type=click.Path(exists=True, path_type=Path),
              help="SQuAD JSON (or a folder holding one).")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(2, 100_000),
              help="Questions to ask: half answerable, half made unanswerable.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_answers(ctx: click.Context, dataset_path: Path, limit: int, as_json: bool) -> None:
    """Answer recall, citation precision and abstention (with a threshold sweep) on SQuAD data."""
    from .evaluation.answers import evaluate_answers
    from .evaluation.datasets import load_dataset

    a = _assistant(ctx)
    res = evaluate_answers(load_dataset(dataset_path), a.embedder, a.settings, limit)
    if as_json:
        _emit({k: v for k, v in res.items() if k != "rows"})
        return
    t = res["at_threshold"]
    click.echo(f"{res['dataset']}: {res['answerable']} answerable, {res['unanswerable']} unanswerable questions")
    click.echo(f"at ABSTAIN_THRESHOLD={t['threshold']}: answer recall {t['answer_recall']:.3f}, citation "
               f"precision {t['citation_precision']:.3f}, false abstention {t['false_abstention']:.3f}, "
               f"abstention on unanswerable {t['abstention_on_unanswerable']:.3f}")
    click.echo(f"best balanced threshold: {res['best_balanced_threshold']}")
    click.echo(f"answer time p50 {res['timing']['answer_p50_ms']} ms, p95 {res['timing']['answer_p95_ms']} ms")


@eval_group.command("synth")
@click.option("--n", "n", default=100, show_default=True, type=click.IntRange(1, 100_000), help="Queries to make.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the BEIR-shaped set (corpus.jsonl, queries.jsonl, qrels/test.tsv, dataset.json).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--llm/--no-llm", "use_llm", default=None, help="Write questions with the LLM (default: only if instruction-tuned).")
@click.pass_context
def eval_synth(ctx: click.Context, n: int, out_dir: Path, seed: int, use_llm: bool | None) -> None:
    """Make a labelled query set from your own index (no labels needed), marked synthetic."""
    from .evaluation.synth import generate, write_beir

    a = _assistant(ctx)
    gen = generate(a, n, seed, use_llm)
    write_beir(gen, out_dir, a.settings.data_dir)
    click.echo(f"{len(gen['queries'])} synthetic queries over {len(gen['corpus'])} chunks in {out_dir} "
               f"({gen['method']}). Evaluate: assistant --data-dir {a.settings.data_dir} eval retrieval --dataset {out_dir}")


@eval_group.command("compare")
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML with [[variant]] tables of settings (name, chunk_max_tokens, analyzer, rrf_k, embedder, …).")
@click.option("--dataset", "dataset_path", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_compare(ctx: click.Context, config_path: Path, dataset_path: Path, out_dir: Path | None, as_json: bool) -> None:
    """Run every settings variant on one dataset and write one comparison table."""
    from .evaluation.compare import compare, compare_table, load_variants
    from .evaluation.datasets import load_dataset

    a = _assistant(ctx)
    variants = load_variants(config_path, a.settings)
    cross = None
    if dataset_path.is_dir() and (dataset_path / "dataset.json").exists():
        meta = json.loads((dataset_path / "dataset.json").read_text())
        if meta.get("cross_lingual"):
            cross = load_dataset((dataset_path / meta["cross_lingual"]).resolve())
    needs_default = variants[0][1].embedder == a.settings.embedder
    res = compare(load_dataset(dataset_path), variants, a.embedder if needs_default else None, cross, out_dir)
    if as_json:
        _emit(res)
    else:
        click.echo(compare_table(res))


@eval_group.command("summary")
@click.option("--dataset", "dataset_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSONL of {"text" or "path", "references": [...]}')
@click.option("--mode", type=click.Choice(["extractive", "generative", "auto"]), default="extractive", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_summary(ctx: click.Context, dataset_path: Path, mode: str, as_json: bool) -> None:
    """Score findings drafts: ROUGE-1/2/L (Arabic-aware), citation validity, reference coverage."""
    from .evaluation.summary import evaluate_summaries

    res = evaluate_summaries(_assistant(ctx), dataset_path, mode)
    if as_json:
        _emit(res)
        return
    click.echo(f"{res['items']} articles, mode {res['mode']}")
    for key, value in res["mean"].items():
        click.echo(f"  {key}: {value:.4f}")


if __name__ == "__main__":
    main()
