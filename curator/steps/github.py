"""Step ``crawl github``: statistics and READMEs of the engines' repositories.

Each repository is saved in its own transaction as soon as it is fetched, so a
run stopped by the rate limit keeps what it did and the next run picks it up:
repositories are crawled least recently crawled first. The crawl spends the
hourly limit only down to ``github.rate_reserve`` requests (kept for the pull
request, which shares the token): it stops before a repository that could take
it below, and says when the limit resets.
"""
from __future__ import annotations

import logging

import click

from catalogue.errors import RunFailed
from curator import clients
from curator.steps import Source, StepResult, from_run

log = logging.getLogger(__name__)


def crawl_github(app, *, only: tuple[str, ...] = (), no_candidates: bool = False) -> StepResult:
    """Every engine repository of the list, then up to ``github.candidate_repos`` candidates."""
    from crawler.github import FATAL, fetch_repo
    from crawler.github_http import AccessDenied, RateLimited
    from db.repos import HttpCache, repos_to_crawl, save_repo_result
    from db.runs import now_iso

    cfg = app.config["github"]
    access = clients.github_access()  # a bad URL fails before anything is recorded
    with app.run("crawl github") as run:
        rows = repos_to_crawl(app.db, 0 if no_candidates else cfg["candidate_repos"])
        if only:
            wanted = {r.lower() for r in only}
            rows = [r for r in rows if r["repo"].lower() in wanted]
        client = clients.github_rest(app.config, HttpCache(app.db), access)
        today = now_iso()[:10]
        stopped: Exception | str | None = None
        budget = Budget(cfg["rate_reserve"] if client.authenticated else 0)
        try:
            for i, row in enumerate(rows, 1):
                stopped = budget.exhausted(client, i - 1, len(rows))
                if stopped:
                    break
                try:
                    result = fetch_repo(client, row["repo"], row["fetch_as"], response_sample=cfg["response_sample"],
                                        readme_max_bytes=cfg["readme_max_bytes"])
                except FATAL as exc:
                    stopped = exc
                    break
                status = save_repo_result(app.db, result, today, cfg["missing_after"])
                budget.spent(result.billable)
                _count(run, result, status)
                app.note(f"[{i}/{len(rows)}] {row['repo']}: {status}, {result.requests} requests "
                         f"({result.billable} billable)")
        finally:
            client.close()
        run.counts["requests"] = client.counters.requests
        run.counts["billable"] = client.counters.billable
        if client.remaining is not None:
            run.counts["rate_remaining"] = client.remaining
        line = summary(run.counts, len(rows))
        if isinstance(stopped, (RateLimited, str)):
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
        return from_run(run, line)


class Budget:
    """How much of the hourly limit the crawl may spend: it stops before a repository
    when the requests left, less ``reserve``, might not cover it (the most one
    repository has cost so far, ``guess`` before the first)."""

    def __init__(self, reserve: int, guess: int = 10):
        self.reserve = reserve
        self.per_repo = guess

    def spent(self, billable: int) -> None:
        self.per_repo = max(self.per_repo, billable)

    def exhausted(self, client, done: int, total: int) -> str | None:
        """Why the crawl stops before the next repository, or None."""
        left = client.remaining
        if left is None or left - self.reserve >= self.per_repo:
            return None
        from crawler.github_http import RATE_LIMITED

        return (f"{RATE_LIMITED} (limit resets at {client.resets_at()}): {left} requests left, "
                f"{self.reserve} kept for the pull request; {done} of {total} repositories crawled, "
                f"the least recently crawled go first next time")


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


def summary(counts: dict, total: int) -> str:
    remaining = counts.get("rate_remaining", "unknown")
    return (f"crawl github: {counts.get('crawled', 0)} of {total} repos crawled, "
            f"{counts.get('unchanged', 0)} unchanged (304), {counts.get('missing', 0)} missing, "
            f"{counts.get('renamed', 0)} renamed, {counts.get('errors', 0)} failed, "
            f"{counts.get('requests', 0)} requests ({counts.get('billable', 0)} billable), "
            f"rate-limit remaining {remaining}")


SOURCE = Source(
    "github", "GitHub statistics and README of every engine's repo.", crawl_github,
    options=(
        click.Option(["--repo", "only"], multiple=True, help="Only this owner/name (repeatable)."),
        click.Option(["--no-candidates"], is_flag=True, help="Skip the repositories of labelled papers."),
    ))

