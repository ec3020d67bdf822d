"""`curator crawl arxiv`: new papers matching the configured query, or given ids, into `papers`.

Incremental: from the saved cursor minus ``overlap_days`` (first run: the last
``lookback_days``) up to now. Endpoint from ``CURATOR_ARXIV_API_URL``. Every
page is saved in its own transaction together with the cursor, so a killed
crawl keeps what it saved and the next run resumes.
"""
from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timedelta, timezone

import click

from curator.app import pass_app
from catalogue.errors import BadInput, RunFailed

_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
# a query that gave at least this many last time and none now is not believed (RELIABILITY 5)
EXPECT_AT_LEAST = 10


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


def _api_url() -> str | None:
    url = os.environ.get("CURATOR_ARXIV_API_URL") or None
    if url and not url.startswith(("http://", "https://")):
        raise BadInput(f"CURATOR_ARXIV_API_URL: expected an http(s) URL, got {url[:80]!r}")
    return url


def make_source(cfg: dict, api_url: str | None, **overrides):
    """The one arXiv client of a run, configured from the ``arxiv`` settings."""
    from crawler.arxiv import DEFAULT_TIMING, ArxivSource

    settings = dict(api_url=api_url, page_size=cfg["page_size"], delay_seconds=cfg["delay_seconds"],
                    max_attempts=cfg["max_attempts"], connect_timeout=cfg["connect_timeout"],
                    read_timeout=cfg["read_timeout"], max_backoff=cfg["max_backoff_seconds"],
                    empty_page_retries=cfg["empty_page_retries"], timing=DEFAULT_TIMING)
    settings.update(overrides)
    return ArxivSource(**settings)


class PageSaver:
    """Saves each page as it comes (one transaction) and keeps the run's counts."""

    def __init__(self, db, run, query: str | None, move_cursor: bool, progress=None):
        self.db, self.run, self.query, self.move_cursor, self.progress = db, run, query, move_cursor, progress
        self.seen = 0

    def __call__(self, page, cursor: datetime | None) -> None:
        from db.papers import Cursor, save_papers
        from db.runs import now_iso

        mark = None
        if self.query is not None and self.move_cursor and cursor is not None:
            mark = Cursor(self.query, until=cursor.strftime(_STAMP))
        counts = save_papers(self.db, page.papers, now_iso(), mark)
        for key, n in (("new", counts.new), ("updated", counts.updated), ("unchanged", counts.unchanged),
                       ("skipped", len(page.skipped)), ("repaired", sum(1 for p in page.papers if p.repaired))):
            if n:
                self.run.add(key, n)
        self.seen += page.entries
        if self.progress is not None:
            self.progress.length = max(self.progress.length or 0, page.total, self.seen)
            self.progress.update(page.entries, _counts_text(self.run.counts))


def _counts_text(counts: dict) -> str:
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in ("new", "updated", "skipped"))


def crawl_query(db, source, run, cfg: dict, since: datetime | None, until: datetime | None, progress=None):
    """The incremental crawl of the configured query; returns the :class:`Outcome`."""
    from crawler.arxiv import build_query
    from db.papers import Cursor, crawl_state, save_cursor
    from db.runs import now_iso

    query = build_query(cfg["categories"], cfg["terms"], cfg["narrow_categories"], cfg["narrow_terms"])
    state = crawl_state(db, query) or {}
    now = datetime.now(timezone.utc).replace(tzinfo=None, second=0, microsecond=0)
    until = until or now
    last = datetime.strptime(state["last_until"], _STAMP) if state.get("last_until") else None
    if since is None:
        since = last - timedelta(days=cfg["overlap_days"]) if last else until - timedelta(days=cfg["lookback_days"])
    if since >= until:
        raise BadInput(f"--since {since:%Y-%m-%d} is not before --until {until:%Y-%m-%d}")
    move_cursor = last is None or since <= last  # never jump over a gap
    saver = PageSaver(db, run, query, move_cursor, progress)
    outcome = source.crawl(query, since, until, saver, expect_results=(state.get("last_total") or 0) >= EXPECT_AT_LEAST)
    if outcome.incomplete is None:
        save_cursor(db, Cursor(query, until=until.strftime(_STAMP) if move_cursor else None,
                               total=outcome.total, success=now_iso()))
    return outcome


@click.command("arxiv", short_help="New papers from the arXiv API, politely and incrementally.")
@click.option("--since", help="Submitted on or after this date (default: last crawl minus the overlap).")
@click.option("--until", help="Submitted up to this date (default: now).")
@click.option("--ids", help="Comma-separated arXiv ids to fetch instead of the query.")
@click.option("--from-list", is_flag=True, help="Fetch the list's papers that have no title yet.")
@pass_app
def arxiv(app, since: str | None, until: str | None, ids: str | None, from_list: bool) -> None:
    """New papers on LLM inference from the arXiv API (politely, incrementally)."""
    from crawler.arxiv import ArxivError
    from db.papers import ids_to_fill

    since_dt, until_dt = _parse_date(since, "--since"), _parse_date(until, "--until")
    wanted = _parse_ids(ids)
    if (wanted or from_list) and (since or until):
        raise BadInput("--ids/--from-list fetch given papers; they take no --since/--until")
    cfg = app.config["arxiv"]
    api_url = _api_url()
    with app.run("crawl arxiv") as run:
        if from_list:
            wanted = list(dict.fromkeys(wanted + ids_to_fill(app.db)))
        source = make_source(cfg, api_url)
        bar = click.progressbar(length=len(wanted) or 1, label="arXiv", file=sys.stderr, show_pos=True,
                                item_show_func=lambda s: s) if app.show_progress else None
        try:
            if bar is not None:
                bar.__enter__()
            if wanted or from_list:
                outcome = source.fetch_ids(wanted, PageSaver(app.db, run, None, False, bar))
            else:
                outcome = crawl_query(app.db, source, run, cfg, since_dt, until_dt, bar)
        except ArxivError as exc:
            raise RunFailed(f"crawl arxiv: {exc}; {run.counts.get('new', 0)} new papers saved before it") from None
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
            run.counts["requests"] = source.requests
            source.close()
            app.echo(_summary(run.counts))
        if outcome.incomplete:
            run.status, run.error = "incomplete", outcome.incomplete
            app.note(f"crawl arxiv: incomplete: {outcome.incomplete}")


def _summary(counts: dict) -> str:
    return ("crawl arxiv: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("new", "updated", "unchanged", "skipped"))
            + f", {counts.get('requests', 0)} requests")
