"""`curator nightly`: runs :func:`curator.steps.nightly.nightly`.

import-list, crawl arxiv, crawl github, crawl web, classify, score, render, pr.
Each step records itself in `runs`; nightly records one more row for the whole
night. A failing step does not stop the others; the exit status is 1 when any
step failed, 0 when everything ran. ``--no-pr`` leaves ``pr`` out, for a job
that runs ``curator pr`` next with a token minted for it.
"""
from __future__ import annotations

from pathlib import Path

import click

from catalogue.errors import BadInput
from curator.app import App, pass_app

DRY_RUN_DEFAULT = "curator-dry-run"


@click.command("nightly", short_help="Run every step: import, crawl, classify, score, render, pr.")
@click.option("--list", "list_file", type=click.Path(dir_okay=False), default=None,
              help="Local copy of the list [default: read list.path of list.repo from GitHub].")
@click.option("--dry-run", "dry_run", is_flag=False, flag_value=DRY_RUN_DEFAULT, default=None, metavar="[DIR]",
              help=f"Open no pull request: `pr --dry-run DIR` writes the list, PR body and diff "
                   f"[DIR default: {DRY_RUN_DEFAULT}].")
@click.option("--no-pr", "no_pr", is_flag=True,
              help="Stop after render; run `curator pr` next (with a freshly minted token).")
@pass_app
def nightly(app: App, list_file: str | None, dry_run: str | None, no_pr: bool) -> None:
    """Run every step of the night: import, crawl, classify, score, render, pr."""
    from curator.steps.nightly import NightOptions, check, nightly as run_night

    if no_pr and dry_run is not None:
        raise BadInput("--no-pr and --dry-run exclude each other (--dry-run makes the pr step a dry run)")
    options = NightOptions(with_pr=False) if no_pr else None
    check(run_night(app, Path(list_file) if list_file else None, Path(dry_run) if dry_run else None, options))
