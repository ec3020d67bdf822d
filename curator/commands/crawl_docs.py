"""`curator crawl docs`: engines' documentation -> engine_features (marks with evidence)."""
from __future__ import annotations

import click

from curator.app import pass_app


@click.command("docs", short_help="Matrix marks with evidence from every engine's documentation.")
@click.option("--from", "from_dir", default=None, metavar="DIR",
              help="Read a local docs snapshot (folder or .tar.xz/.tar.gz archive) instead of GitHub.")
@click.option("--engine", "engines", multiple=True, help="Only this engine (repeatable).")
@pass_app
def docs(app, from_dir: str | None, engines: tuple[str, ...]) -> None:
    """Decide, for every engine and every column of the three comparison matrices, supported /
    not supported / unknown from the engine's docs, with the quote and its URL."""
    from curator.docs_step import crawl_docs

    counts = crawl_docs(app, from_dir, engines)
    app.echo(f"crawl docs: {counts.get('engines', 0)} engines, {counts.get('read', 0)} read, "
             f"{counts.get('unchanged', 0)} unchanged, {counts.get('missing', 0)} without docs, "
             f"{counts.get('error', 0)} failed, {counts.get('pages', 0)} pages")
