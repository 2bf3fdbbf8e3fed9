"""The command group and what every command shares: the facade, JSON output, one-line errors."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from assistant.errors import AssistantError, storage_error


def emit(obj: object) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def assistant(ctx: click.Context, **overrides: object):  # noqa: ANN201
    from assistant.core import Assistant

    return Assistant(data_dir=ctx.obj["data_dir"], **overrides)


class _Group(click.Group):
    """Turns library errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            from assistant.text.words import printable

            click.echo(f"error: {printable(str(exc))}", err=True)
            sys.exit(2)
        except (OSError, sqlite3.Error) as exc:
            found = storage_error(exc, ctx.obj.get("data_dir") if ctx.obj else "")
            if found is None:
                raise
            click.echo(f"error: {found}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    "-d",
    envvar="ASSISTANT_DATA_DIR",
    default="index",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Index directory.",
)
@click.version_option(package_name="article-assistant")
@click.pass_context
def main(ctx: click.Context, data_dir: Path) -> None:
    """Local, private Q&A and findings drafts over your articles (Arabic first)."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir
