"""`curator crawl github`: parses the options and runs :func:`curator.steps.github.crawl_github`."""
from __future__ import annotations

import click

from curator.app import pass_app


@click.command("github", short_help="GitHub statistics and README of every engine's repo.")
@click.option("--repo", "only", multiple=True, help="Only this owner/name (repeatable).")
@click.option("--no-candidates", is_flag=True, help="Skip the repositories of labelled papers.")
@pass_app
def github(app, only: tuple[str, ...], no_candidates: bool) -> None:
    """Stars, activity, releases and README of every engine's GitHub repo."""
    from curator.steps.github import crawl_github

    app.echo(crawl_github(app, only=only, candidates=not no_candidates).summary)
