"""`curator pr`: parses the options and runs :mod:`curator.steps.publish`."""
from __future__ import annotations

from pathlib import Path

import click

from catalogue.errors import BadInput
from curator.app import App, pass_app


@click.command("pr", short_help="Open or update the one pull request on the list.")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write the new list, the PR body and a diff to DIR; touch nothing remote.")
@click.option("--list", "list_file", type=click.Path(dir_okay=False), default=None,
              help="With --dry-run: the local list to start from [default: list.path in the current directory].")
@pass_app
def pr(app: App, dry_run: str | None, list_file: str | None) -> None:
    """Open or update curator's pull request on the list's repository (token: GITHUB_TOKEN)."""
    from curator.steps import publish

    if dry_run is not None:
        result = publish.pr_dry_run(app, Path(dry_run), Path(list_file or app.config["list"]["path"]))
    elif list_file is not None:
        raise BadInput("--list only applies with --dry-run; `curator pr` reads the list from list.repo")
    else:
        result = publish.pr(app)
    app.echo(result.summary)
