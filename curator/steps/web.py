"""Step ``crawl web``: engines' READMEs, docs pages and homepages -> ``web_signals``."""
from __future__ import annotations

import logging

import click

from curator import clients
from curator.steps import Source, StepResult, from_run

log = logging.getLogger(__name__)
FINE = ("ok", "skipped")  # any other status of a source is a page that could not be read


def crawl_web(app, *, engines: tuple[str, ...] = (), readme_only: bool = False) -> StepResult:
    """Detect docs, community channels and install methods of every engine (or of ``engines``)."""
    from crawler.web import crawl_engine
    from db.runs import now_iso
    from db.web import engines_to_crawl, save_web_signals

    cfg = app.config["web"]
    with app.run("crawl web") as run:
        rows = engines_to_crawl(app.db)
        if engines:
            rows = [r for r in rows if r["name"] in set(engines)]
        fetcher = None if readme_only else clients.web_fetcher(app.config, app.db)
        today = now_iso()[:10]
        with app.progress("crawl web", len(rows)) as progress:
            for row in rows:
                results = crawl_engine(fetcher, repo=row["repo"], readme=row["readme"], homepage=row["homepage"],
                                       docs_url=row["docs_url"], max_pages=cfg["max_pages"])
                save_web_signals(app.db, row["name"], today, [r.__dict__ for r in results])
                run.add("engines")
                for r in results:
                    run.add(r.status)
                    if r.status not in FINE:
                        log.warning("crawl web: %s %s %s: %s", row["name"], r.source, r.url, r.error or r.status)
                progress.advance(1, row["name"])
        line = f"crawl web: {len(rows)} engines, " + ", ".join(
            f"{k} {v}" for k, v in sorted(run.counts.items()) if k != "engines")
        return from_run(run, line)


SOURCE = Source(
    "web", "Docs, community channels and install methods per engine.", crawl_web,
    options=(
        click.Option(["--engine", "engines"], multiple=True, help="Only this engine (repeatable)."),
        click.Option(["--readme-only"], is_flag=True, help="Read stored READMEs only; fetch no page."),
    ))

