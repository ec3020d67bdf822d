"""`curator render LIST.md [--check]`: rewrite the list's generated regions.

Only text between ``<!-- curator:begin NAME -->`` and ``<!-- curator:end NAME -->``
changes; on a list without markers they are inserted under the matching
headings (reported on stderr). ``--check`` changes nothing and exits 1 when
the file would change.
"""
from __future__ import annotations

import click

from curator.app import App, pass_app
from catalogue.errors import RunFailed


@click.command("render")
@click.argument("list_file", metavar="LIST.md", type=click.Path(dir_okay=True))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when the file would change.")
@pass_app
def render(app: App, list_file: str, check: bool) -> None:
    """Rewrite the generated regions of the list from the database."""
    from reports.render import render_file

    notes: list[str] = []
    with app.run("render --check" if check else "render") as run:
        changed = render_file(list_file, app.db, app.config, check=check, notes=notes)
        run.add("changed", int(changed))
        run.add("regions_inserted", sum(n.startswith("inserted region") for n in notes))
    for note in notes:
        app.note(note)
    if check:
        if changed:
            raise RunFailed(f"{list_file} would change: run `curator render {list_file}`")
        app.echo(f"{list_file}: up to date")
        return
    app.echo(f"{list_file}: {'updated' if changed else 'unchanged'}")
