"""`curator crawl arxiv`: parses the options and runs :func:`curator.steps.arxiv.crawl_arxiv`."""
from __future__ import annotations

import re
import sys
from contextlib import nullcontext
from datetime import datetime, timezone

import click

from catalogue.errors import BadInput
from curator.app import pass_app

_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


def _parse_date(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{option}: expected a date like 2026-01-31, got {value[:40]!r}") from None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def _parse_ids(value: str | None) -> list[str]:
    ids = [v.strip() for v in (value or "").split(",") if v.strip()]
    for v in ids:
        if not _ID.match(v):
            raise BadInput(f"--ids: not an arXiv id: {v[:40]!r} (expected e.g. 2309.06180)")
    return list(dict.fromkeys(re.sub(r"v\d+$", "", v) for v in ids))


@click.command("arxiv", short_help="New papers from the arXiv API, politely and incrementally.")
@click.option("--since", help="Submitted on or after this date (default: last crawl minus the overlap).")
@click.option("--until", help="Submitted up to this date (default: now).")
@click.option("--ids", help="Comma-separated arXiv ids to fetch instead of the query.")
@click.option("--from-list", is_flag=True, help="Fetch the list's papers that have no title yet.")
@pass_app
def arxiv(app, since: str | None, until: str | None, ids: str | None, from_list: bool) -> None:
    """New papers on LLM inference from the arXiv API (politely, incrementally)."""
    from curator.steps.arxiv import crawl_arxiv

    since_dt, until_dt = _parse_date(since, "--since"), _parse_date(until, "--until")
    wanted = _parse_ids(ids)
    bar = click.progressbar(length=1, label="arXiv", file=sys.stderr, show_pos=True,
                            item_show_func=lambda s: s) if app.show_progress else None
    with bar if bar is not None else nullcontext():
        result = crawl_arxiv(app, since=since_dt, until=until_dt, ids=wanted, from_list=from_list, progress=bar)
    app.echo(result.summary)
