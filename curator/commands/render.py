"""`curator render LIST.md [--check]`: runs :func:`curator.steps.listfile.render`.

Only text between ``<!-- curator:begin NAME -->`` and ``<!-- curator:end NAME -->``
changes; on a list without markers they are inserted under the matching
headings (reported on stderr). ``--check`` changes nothing and exits 1 when
the file would change.
"""
from __future__ import annotations

import click

from curator.app import App, pass_app


@click.command("render")
@click.argument("list_file", metavar="LIST.md", type=click.Path(dir_okay=True))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when the file would change.")
@pass_app
def render(app: App, list_file: str, check: bool) -> None:
    """Rewrite the generated regions of the list from the database."""
    from curator.steps.listfile import render as step

    app.echo(step(app, list_file, check=check).summary)
