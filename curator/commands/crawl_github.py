"""`curator crawl github`: statistics and READMEs of engines' repositories.

Token from ``GITHUB_TOKEN`` (optional), endpoint from ``CURATOR_GITHUB_API_URL``.
Each repo is saved in its own transaction as soon as it is fetched, so a run
stopped by the rate limit keeps what it did and the next run picks it up.
"""
from __future__ import annotations

import logging
import os

import click

from curator.app import pass_app
from catalogue.errors import BadInput, RunFailed

log = logging.getLogger(__name__)


@click.command("github", short_help="GitHub statistics and README of every engine's repo.")
@click.option("--repo", "only", multiple=True, help="Only this owner/name (repeatable).")
@click.option("--no-candidates", is_flag=True, help="Skip the repositories of labelled papers.")
@pass_app
def github(app, only: tuple[str, ...], no_candidates: bool) -> None:
    """Stars, activity, releases and README of every engine's GitHub repo."""
    from crawler.github import FATAL, fetch_repo
    from crawler.github_http import AccessDenied, GitHubClient, RateLimited
    from db.repos import HttpCache, repos_to_crawl, save_repo_result
    from db.runs import now_iso

    cfg = app.config["github"]
    base_url = os.environ.get("CURATOR_GITHUB_API_URL") or None
    if base_url and not base_url.startswith(("http://", "https://")):
        raise BadInput(f"CURATOR_GITHUB_API_URL: expected an http(s) URL, got {base_url[:80]!r}")
    with app.run("crawl github") as run:
        rows = repos_to_crawl(app.db, 0 if no_candidates else cfg["candidate_repos"])
        if only:
            wanted = {r.lower() for r in only}
            rows = [r for r in rows if r["repo"].lower() in wanted]
        client = GitHubClient(
            base_url, (os.environ.get("GITHUB_TOKEN") or "").strip() or None, cache=HttpCache(app.db),
            connect_timeout=cfg["connect_timeout"], read_timeout=cfg["read_timeout"],
            max_attempts=cfg["max_attempts"], max_rate_limit_wait=cfg["max_rate_limit_wait"],
            stats_attempts=cfg["stats_attempts"])
        today = now_iso()[:10]
        stopped: Exception | None = None
        try:
            for i, row in enumerate(rows, 1):
                try:
                    result = fetch_repo(client, row["repo"], row["fetch_as"], response_sample=cfg["response_sample"],
                                        readme_max_bytes=cfg["readme_max_bytes"])
                except FATAL as exc:
                    stopped = exc
                    break
                status = save_repo_result(app.db, result, today, cfg["missing_after"])
                _count(run, result, status)
                app.note(f"[{i}/{len(rows)}] {row['repo']}: {status}, {result.requests} requests "
                         f"({result.billable} billable)")
        finally:
            client.close()
        run.counts["requests"] = client.counters.requests
        run.counts["billable"] = client.counters.billable
        if client.remaining is not None:
            run.counts["rate_remaining"] = client.remaining
        app.echo(_summary(run.counts, len(rows)))
        if isinstance(stopped, RateLimited):
            run.status, run.error = "incomplete", str(stopped)
            app.note(f"crawl github: {stopped}")
        elif isinstance(stopped, AccessDenied):
            raise RunFailed(f"crawl github: {stopped}")
        elif stopped is not None:
            raise RunFailed(f"crawl github: {stopped}; {run.counts.get('crawled', 0)} repos saved")
        elif run.counts.get("errors") and not run.counts.get("crawled"):
            raise RunFailed(f"crawl github: every repository failed; last: {run.error or 'see log'}")
        elif run.counts.get("errors"):
            run.status = "incomplete"
            run.error = f"{run.counts['errors']} repositories failed; last: {run.error}"


def _count(run, result, status: str) -> None:
    if result.status == "error":
        run.add("errors")
        run.error = f"{result.repo}: {result.error}"
        log.warning("crawl github: %s", run.error)
        return
    if result.status in ("missing", "blocked"):
        run.add("missing")
        return
    run.add("crawled")
    if result.billable == 0:
        run.add("unchanged")
    if result.renamed_to:
        run.add("renamed")
    if status == "archived":
        run.add("archived")


def _summary(counts: dict, total: int) -> str:
    remaining = counts.get("rate_remaining", "unknown")
    return (f"crawl github: {counts.get('crawled', 0)} of {total} repos crawled, "
            f"{counts.get('unchanged', 0)} unchanged (304), {counts.get('missing', 0)} missing, "
            f"{counts.get('renamed', 0)} renamed, {counts.get('errors', 0)} failed, "
            f"{counts.get('requests', 0)} requests ({counts.get('billable', 0)} billable), "
            f"rate-limit remaining {remaining}")
