"""Step ``crawl arxiv``: new papers matching the configured query, or given ids, into `papers`.

Incremental: the window comes from the saved cursor (:func:`crawler.arxiv.crawl_window`).
Every page is saved in its own transaction together with the cursor, so a
killed crawl keeps what it saved and the next run resumes. The delay between
requests is kept across processes through ``request_times`` (:mod:`db.pacing`).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import click

from catalogue.errors import BadInput, RunFailed
from curator import clients
from curator.steps import Source, StepResult, from_run

STAMP = "%Y-%m-%dT%H:%M:%SZ"
# a query that gave at least this many last time and none now is not believed (RELIABILITY 5)
EXPECT_AT_LEAST = 10
COUNTED = ("new", "updated", "unchanged", "skipped")
_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


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
            mark = Cursor(self.query, until=cursor.strftime(STAMP))
        counts = save_papers(self.db, page.papers, now_iso(), mark)
        for key, n in (("new", counts.new), ("updated", counts.updated), ("unchanged", counts.unchanged),
                       ("skipped", len(page.skipped)), ("repaired", sum(1 for p in page.papers if p.repaired))):
            if n:
                self.run.add(key, n)
        self.seen += page.entries
        if self.progress is not None:
            self.progress.total(max(page.total, self.seen))
            self.progress.advance(page.entries, ", ".join(f"{self.run.counts.get(k, 0)} {k}"
                                                          for k in ("new", "updated", "skipped")))


def crawl_query(db, source, run, cfg: dict, since: datetime | None, until: datetime | None, progress=None):
    """The incremental crawl of the configured query; returns the crawler's Outcome."""
    from crawler.arxiv import build_query, crawl_window
    from db.papers import Cursor, crawl_state, save_cursor
    from db.runs import now_iso

    query = build_query(cfg["categories"], cfg["terms"], cfg["narrow_categories"], cfg["narrow_terms"])
    state = crawl_state(db, query) or {}
    now = datetime.now(timezone.utc).replace(tzinfo=None, second=0, microsecond=0)
    last = datetime.strptime(state["last_until"], STAMP) if state.get("last_until") else None
    try:
        window = crawl_window(last, now, overlap_days=cfg["overlap_days"], lookback_days=cfg["lookback_days"],
                              since=since, until=until)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    saver = PageSaver(db, run, query, window.move_cursor, progress)
    outcome = source.crawl(query, window.since, window.until, saver,
                           expect_results=(state.get("last_total") or 0) >= EXPECT_AT_LEAST)
    if outcome.incomplete is None:
        save_cursor(db, Cursor(query, until=window.until.strftime(STAMP) if window.move_cursor else None,
                               total=outcome.total, success=now_iso()))
    return outcome


def crawl_arxiv(app, *, since: datetime | None = None, until: datetime | None = None,
                ids: list[str] | None = None, from_list: bool = False) -> StepResult:
    """Crawl the configured query over the window, or fetch ``ids`` / the list's untitled papers."""
    from crawler.arxiv import ArxivError
    from db.pacing import RequestTimes
    from db.papers import ids_to_fill

    wanted = list(ids or [])
    if (wanted or from_list) and (since or until):
        raise BadInput("--ids/--from-list fetch given papers; they take no --since/--until")
    cfg = app.config["arxiv"]
    clients.arxiv_api_url()  # a bad URL fails before anything is recorded
    with app.run("crawl arxiv") as run:
        if from_list:
            wanted = list(dict.fromkeys(wanted + ids_to_fill(app.db)))
        source = clients.arxiv_source(app.config, shared=RequestTimes(app.db))
        try:
            with app.progress("arXiv", len(wanted)) as progress:
                if wanted or from_list:
                    outcome = source.fetch_ids(wanted, PageSaver(app.db, run, None, False, progress))
                else:
                    outcome = crawl_query(app.db, source, run, cfg, since, until, progress)
        except ArxivError as exc:
            raise RunFailed(f"crawl arxiv: {exc}; {run.counts.get('new', 0)} new papers saved before it") from None
        finally:
            run.counts["requests"] = source.requests
            source.close()
        if outcome.incomplete:
            run.status, run.error = "incomplete", outcome.incomplete
            app.note(f"crawl arxiv: incomplete: {outcome.incomplete}")
        return from_run(run, summary(run.counts))


def summary(counts: dict) -> str:
    return ("crawl arxiv: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in COUNTED)
            + f", {counts.get('requests', 0)} requests")


def parse_date(value: str | None, option: str) -> datetime | None:
    """``2026-01-31`` or an ISO timestamp, as naive UTC; a bad value is BadInput naming the option."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{option}: expected a date like 2026-01-31, got {value[:40]!r}") from None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def parse_ids(value: str | None) -> list[str]:
    """Comma-separated arXiv ids, without their version suffix, each once."""
    ids = [v.strip() for v in (value or "").split(",") if v.strip()]
    for v in ids:
        if not _ID.match(v):
            raise BadInput(f"--ids: not an arXiv id: {v[:40]!r} (expected e.g. 2309.06180)")
    return list(dict.fromkeys(re.sub(r"v\d+$", "", v) for v in ids))


SOURCE = Source(
    "arxiv", "New papers from the arXiv API, politely and incrementally.", crawl_arxiv,
    options=(
        click.Option(["--since"], callback=lambda ctx, param, v: parse_date(v, "--since"),
                     help="Submitted on or after this date (default: last crawl minus the overlap)."),
        click.Option(["--until"], callback=lambda ctx, param, v: parse_date(v, "--until"),
                     help="Submitted up to this date (default: now)."),
        click.Option(["--ids"], callback=lambda ctx, param, v: parse_ids(v),
                     help="Comma-separated arXiv ids to fetch instead of the query."),
        click.Option(["--from-list"], is_flag=True, help="Fetch the list's papers that have no title yet."),
    ))

