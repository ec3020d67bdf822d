"""`curator score`: parses the options and runs :func:`curator.steps.score.score`."""
from __future__ import annotations

from datetime import date

import click

from catalogue.errors import BadInput
from curator.app import pass_app


@click.command("score", short_help="Score every engine from web signals and GitHub stats.")
@click.option("--date", "day", default=None, help="Date of the score rows (YYYY-MM-DD, default today UTC).")
@pass_app
def score(app, day: str | None) -> None:
    """Score every engine from its latest web signals and GitHub statistics."""
    from curator.steps.score import score as step

    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise BadInput(f"--date: expected YYYY-MM-DD, got {day!r}") from None
    step(app, day=day)
