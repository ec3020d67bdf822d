"""`curator import-list LIST.md`: runs :func:`curator.steps.listfile.import_list`.

Engines, techniques, references, arXiv papers and the list's sections are
saved in one transaction; importing the same list again changes nothing.
"""
from __future__ import annotations

import click

from curator.app import App, pass_app


@click.command("import-list")
@click.argument("list_file", metavar="LIST.md", type=click.Path(dir_okay=True))
@pass_app
def import_list(app: App, list_file: str) -> None:
    """Import the list: engines, techniques, papers."""
    from curator.steps.listfile import import_list as step

    app.echo(step(app, list_file).summary)
