"""`curator crawl web`: parses the options and runs :func:`curator.steps.web.crawl_web`."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from curator.app import pass_app


@click.command("web", short_help="Docs, community channels and install methods per engine.")
@click.option("--engine", "engines", multiple=True, help="Only this engine (repeatable).")
@click.option("--readme-only", is_flag=True, help="Read stored READMEs only; fetch no page.")
@pass_app
def web(app, engines: tuple[str, ...], readme_only: bool) -> None:
    """Detect docs, community channels and install methods of every engine."""
    from curator.steps.web import crawl_web

    with _bar(app) as progress:
        result = crawl_web(app, engines=engines, readme_only=readme_only, progress=progress)
    app.echo(result.summary)


@contextmanager
def _bar(app):
    """A progress bar over the engine rows on a terminal, else nothing."""
    if not app.show_progress:
        yield None
        return
    bars = []

    def wrap(rows):
        bar = click.progressbar(rows, label="crawl web", file=sys.stderr)
        bars.append(bar)
        return bar.__enter__()

    try:
        yield wrap
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
