"""Question commands: search, ask, summarize."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.base import assistant, emit, main
from assistant.config import ANSWER_MODES, RETRIEVERS
from assistant.errors import DocumentNotFound
from assistant.text.words import printable


@main.command()
@click.argument("query")
@click.option(
    "-k",
    "--k",
    "k",
    default=None,
    type=click.IntRange(1, 1000),
    help="Passages to return [default: ASSISTANT_TOP_K, 5].",
)
@click.option(
    "--retriever", "-r", default=None, type=click.Choice(RETRIEVERS), help="[default: ASSISTANT_RETRIEVER, hybrid]"
)
@click.option(
    "--doc", "doc_ids", multiple=True, help="Search only this document (id from `assistant docs`); repeatable."
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(
    ctx: click.Context, query: str, k: int | None, retriever: str | None, doc_ids: tuple[str, ...], as_json: bool
) -> None:
    """Retrieve the passages that best match QUERY."""
    a = assistant(ctx)
    for d in doc_ids:
        if not a.has_document(d):
            raise DocumentNotFound(
                f"no document with id '{d}' in {a.settings.data_dir}; list them with `assistant docs`"
            )
    hits = a.search(query, k=k, retriever=retriever, doc_ids=list(doc_ids) or None)
    if as_json:
        emit([h.to_json() for h in hits])
        return
    for h in hits:
        text = h.chunk.text.replace("\n", " ")
        click.echo(
            f"[{h.rank}] {h.score:.4f}  {printable(h.title)}  ({printable(h.chunk.heading or '-')})\n"
            f"    {printable(text[:300])}"
        )


@main.command()
@click.argument("question")
@click.option(
    "-k", "--k", "k", default=None, type=click.IntRange(1, 50), help="Passages to read [default: ASSISTANT_TOP_K, 5]."
)
@click.option(
    "--retriever", "-r", default=None, type=click.Choice(RETRIEVERS), help="[default: ASSISTANT_RETRIEVER, hybrid]"
)
@click.option(
    "--mode",
    type=click.Choice(ANSWER_MODES),
    default=None,
    help="auto: generative only with an instruction-tuned LLM [default: ASSISTANT_ANSWER_MODE, auto].",
)
@click.option(
    "--after",
    "previous",
    default=None,
    help="The earlier question QUESTION follows up: «وماذا عن فرنسا؟» after it asks it about France.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ask(
    ctx: click.Context,
    question: str,
    k: int | None,
    retriever: str | None,
    mode: str | None,
    previous: str | None,
    as_json: bool,
) -> None:
    """Answer QUESTION from the indexed articles, citing passages."""
    ans = assistant(ctx).ask(question, k=k, retriever=retriever, mode=mode, previous=previous)
    if as_json:
        emit(ans.to_json())
        return
    if ans.question != question:
        click.echo(f"(answered as: {printable(ans.question)})")
    click.echo(ans.answer)
    for c in ans.citations:
        click.echo(f"  [{c.n}] {printable(c.title)} — {printable(c.quote[:200])}")
    for h in ans.nearest:
        click.echo(f"  nearest: {printable(h.title)} — {printable(h.chunk.text[:160].replace(chr(10), ' '))}")
    if ans.llm_status == "translated quote":
        click.echo("  (the model's English rendering of the quoted sentence, checked against it)")
    elif ans.llm_status and ans.llm_status != "used":
        click.echo(f"  (the model's draft was not used: {ans.llm_status})")
    for d in ans.dropped:
        click.echo(f"  the model's wording — not verified, removed: {printable(d.sentence[:160])} — {d.reason}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["ar", "en"]), default=None)
@click.option("--related", is_flag=True, help="Add related earlier coverage from the index.")
@click.option("--mode", type=click.Choice(ANSWER_MODES), default=None)
@click.option("-n", "--n", "n", type=click.IntRange(3, 12), default=None, help="Number of findings.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def summarize(
    ctx: click.Context, file: Path, lang: str | None, related: bool, mode: str | None, n: int | None, as_json: bool
) -> None:
    """Draft the findings (النتائج) of an article FILE, each citing its paragraph."""
    f = assistant(ctx).summarize(path=file, lang=lang, related=related, mode=mode, n=n)
    if as_json:
        emit(f.to_json())
        return
    click.echo(("النتائج" if f.language == "ar" else "Findings") + f" — {f.title}")
    if f.excluded_section:
        click.echo(f"(the article's own section '{f.excluded_section}' was left out of the input)")
    for i, fd in enumerate(f.findings, 1):
        refs = ", ".join(f"¶{c.paragraph}" for c in fd.citations)
        click.echo(f"{i}. {fd.text} [{refs}]")
        for r in fd.related:
            click.echo(f"     related: {r.hit.title} — {r.quote}")
