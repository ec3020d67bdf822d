"""`curator classify`: parses the options and runs :mod:`curator.steps.classify`."""
from __future__ import annotations

from pathlib import Path

import click

from catalogue.errors import BadInput
from curator.app import pass_app


@click.command("classify", short_help="Decide relevance, category and technique of new papers.")
@click.option("--input", "input_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON lines with arxiv_id, title, abstract (instead of the database).")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write one JSON line per input paper (with --input).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Classify at most N papers.")
@pass_app
def classify(app, input_path: Path | None, output_path: Path | None, limit: int | None) -> None:
    """Classify new papers: relevance, category, technique, confidence."""
    from curator.steps import classify as step

    if (input_path is None) != (output_path is None):
        raise BadInput("classify: --input and --output go together")
    if input_path is not None:
        result = step.classify_file(app, input_path, output_path, limit=limit)
    else:
        result = step.classify(app, limit=limit)
    app.echo(result.summary)
