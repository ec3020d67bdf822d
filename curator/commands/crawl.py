"""`curator crawl SOURCE`: the group that holds one sub-command per source."""
from __future__ import annotations

import click


@click.group()
def crawl() -> None:
    """Fetch from one source (arxiv, github, web, docs)."""
