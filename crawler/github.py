"""Fetch one GitHub repository's statistics and README as plain dataclasses.

Counts use the ``per_page=1`` trick (the page number of rel="last" is the
count), every URL is stable from night to night so its ETag answers 304, and
time windows (commits and issues of the last 90 days) are applied to the
bodies, fresh or cached, at read time. Never touches the database: the
:class:`~crawler.github_http.GitHubClient` is given a cache object.
"""
from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.github_http import (
    AccessDenied, GitHubClient, GitHubError, NotFound, RateLimited, StillComputing, TooLarge,
    TooManyRequests,
)

log = logging.getLogger(__name__)

WINDOW_DAYS = 90
COMMENT_PAGES = 2  # pages of 100 repository issue comments read for the response sample
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
FATAL = (RateLimited, TooManyRequests, AccessDenied)  # stop the crawl, not just this repo


@dataclass
class RepoStats:
    repo_id: int | None = None
    full_name: str | None = None
    stars: int | None = None
    forks: int | None = None
    watchers: int | None = None
    open_issues: int | None = None
    open_prs: int | None = None
    contributors: int | None = None
    commits_90d: int | None = None
    releases: int | None = None
    latest_release: str | None = None
    latest_release_date: str | None = None
    created_at: str | None = None
    pushed_at: str | None = None
    license: str | None = None
    topics: list[str] = field(default_factory=list)
    homepage: str | None = None
    description: str | None = None
    archived: bool | None = None
    default_branch: str | None = None
    has_discussions: bool | None = None
    median_first_response_hours: float | None = None


@dataclass
class Readme:
    size: int | None
    truncated: bool
    text: str | None
    binary: bool = False


@dataclass
class RepoResult:
    repo: str                      # owner/name as listed
    status: str                    # ok | archived | missing | blocked | error
    stats: RepoStats | None = None
    readme: Readme | None = None
    renamed_to: str | None = None
    http_status: int | None = None
    error: str | None = None
    unknown: list[str] = field(default_factory=list)  # figures GitHub did not give
    requests: int = 0
    billable: int = 0


def clean_text(text: str | None, limit: int = 2000) -> str | None:
    """Drop control, zero-width and bidi characters; collapse whitespace; cap."""
    if text is None:
        return None
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text[:limit] or None


def clean_readme(raw: bytes, size: int | None, cap: int, truncated: bool = False) -> Readme:
    """Size-capped README text; binary content is recognised and dropped."""
    truncated = truncated or len(raw) > cap or (size is not None and size > cap)
    raw = raw[:cap]
    if b"\x00" in raw[:8192]:
        return Readme(size, truncated, None, binary=True)
    text = raw.decode("utf-8", errors="replace")
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    return Readme(size, truncated, text)


def fetch_repo(client: GitHubClient, repo: str, fetch_as: str | None = None, *, now: datetime | None = None,
               response_sample: int = 10, readme_max_bytes: int = 262144) -> RepoResult:
    """Everything about one repository. Fatal faults (rate limit, 429, access)
    propagate; anything else becomes a result with ``status`` error/missing."""
    now = now or datetime.now(timezone.utc)
    before = (client.counters.requests, client.counters.billable)
    try:
        result = _fetch(client, repo, fetch_as or repo, now, response_sample, readme_max_bytes)
    except NotFound as exc:
        result = RepoResult(repo, "blocked" if exc.status == 451 else "missing", http_status=exc.status,
                            error=str(exc))
    except FATAL:
        raise
    except GitHubError as exc:
        result = RepoResult(repo, "error", http_status=exc.status, error=str(exc))
    result.requests = client.counters.requests - before[0]
    result.billable = client.counters.billable - before[1]
    return result


def _fetch(client: GitHubClient, repo: str, name: str, now: datetime, sample: int, cap: int) -> RepoResult:
    data = client.get(f"/repos/{name}").data or {}
    full = data.get("full_name") or name
    stats = _repo_fields(data)
    result = RepoResult(repo, "archived" if stats.archived else "ok", stats=stats)
    if full.lower() != repo.lower():
        result.renamed_to = full
    base = f"/repos/{full}"
    if data.get("open_issues_count") == 0:
        stats.open_prs = 0  # nothing open at all, pull requests included: no need to count them
    else:
        stats.open_prs = _figure(result, "open_prs", lambda: _count(client, f"{base}/pulls", {"state": "open"}))
    if stats.open_prs is not None and data.get("open_issues_count") is not None:
        stats.open_issues = max(0, data["open_issues_count"] - stats.open_prs)
    stats.contributors = _figure(result, "contributors",
                                 lambda: _count(client, f"{base}/contributors", {"anon": "1"}))
    _figure(result, "releases", lambda: _releases(client, base, stats))
    stats.commits_90d = _figure(result, "commits_90d", lambda: _commits_90d(client, base, now))
    if data.get("has_issues") is False:
        sample = 0  # issues disabled: nothing to sample
    stats.median_first_response_hours = _figure(
        result, "median_first_response_hours", lambda: _median_response(client, base, now, sample))
    result.readme = _figure(result, "readme", lambda: _readme(client, base, cap))
    return result


def _figure(result: RepoResult, name: str, fetch):
    """One figure; a non-fatal failure records it as unknown (NULL)."""
    try:
        return fetch()
    except FATAL:
        raise
    except NotFound:
        return None if name != "readme" else Readme(None, False, None)
    except (StillComputing, TooLarge, GitHubError) as exc:
        log.info("%s: %s unknown: %s", result.repo, name, exc)
        result.unknown.append(name)
        result.error = str(exc)
        return None


def _repo_fields(d: dict[str, Any]) -> RepoStats:
    lic = d.get("license") or {}
    spdx = lic.get("spdx_id") if isinstance(lic, dict) else None
    return RepoStats(
        repo_id=d.get("id"), full_name=d.get("full_name"), stars=d.get("stargazers_count"),
        forks=d.get("forks_count"), watchers=d.get("subscribers_count"),
        open_issues=d.get("open_issues_count"), created_at=d.get("created_at"), pushed_at=d.get("pushed_at"),
        license=spdx if spdx and spdx != "NOASSERTION" else (spdx or None),
        topics=[clean_text(str(t), 50) for t in (d.get("topics") or []) if clean_text(str(t), 50)],
        homepage=clean_text(d.get("homepage"), 500), description=clean_text(d.get("description")),
        archived=bool(d.get("archived")), default_branch=d.get("default_branch"),
        has_discussions=d.get("has_discussions"),
    )


def _count(client: GitHubClient, path: str, params: dict[str, str]) -> int:
    reply = client.get(path, {**params, "per_page": 1})
    last = reply.last_page()
    if last is not None:
        return last
    return len(reply.data) if isinstance(reply.data, list) else 0


def _releases(client: GitHubClient, base: str, stats: RepoStats) -> None:
    reply = client.get(f"{base}/releases", {"per_page": 1})
    items = reply.data if isinstance(reply.data, list) else []
    stats.releases = reply.last_page() or len(items)
    if not items:
        return
    newest = items[0]
    if newest.get("prerelease") or newest.get("draft"):
        try:
            newest = client.get(f"{base}/releases/latest").data or {}
        except NotFound:
            return
    stats.latest_release = clean_text(newest.get("tag_name"), 200)
    stats.latest_release_date = newest.get("published_at") or newest.get("created_at")


def _commits_90d(client: GitHubClient, base: str, now: datetime) -> int | None:
    """Commits on the default branch in the weeks that start within 90 days."""
    weeks = client.get(f"{base}/stats/commit_activity").data
    if not isinstance(weeks, list):
        return None
    since = (now - timedelta(days=WINDOW_DAYS)).timestamp()
    return sum(int(w.get("total", 0)) for w in weeks if isinstance(w, dict) and w.get("week", 0) >= since)


def _is_bot(user: dict[str, Any] | None) -> bool:
    user = user or {}
    return user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]")


@dataclass
class _Opened:
    """A sampled issue: when it was opened, by whom, how many comments it has."""
    at: datetime
    author: str | None
    comments: int


def _median_response(client: GitHubClient, base: str, now: datetime, sample: int) -> float | None:
    """Median hours from opening to the first comment by someone other than the
    author (bots aside) over the newest ``sample`` issues opened within 90 days.

    Two or three requests whatever the sample: one page of the newest issues,
    then the repository's issue comments in creation order from the oldest
    sampled issue on, at most ``COMMENT_PAGES`` pages. Issues never answered,
    and (on a very busy repository) those whose first answer lies beyond the
    pages read, are left out."""
    if sample <= 0:
        return None
    waiting = {n: i for n, i in _sample_issues(client, base, now, sample).items() if i.comments}
    if not waiting:
        return None
    first = _first_responses(client, base, waiting)
    hours = [max(0.0, (first[n] - waiting[n].at).total_seconds() / 3600) for n in first]
    return round(statistics.median(hours), 2) if hours else None


def _sample_issues(client: GitHubClient, base: str, now: datetime, sample: int) -> dict[int, _Opened]:
    """The newest ``sample`` issues opened within 90 days, by number.

    Pull requests share the list (and are skipped), so the page holds three
    times the sample. No ``since`` filter: the URL stays the same from night to
    night, so an unchanged list answers 304; the window is applied here."""
    issues = client.get(f"{base}/issues", {"state": "all", "sort": "created", "direction": "desc",
                                           "per_page": min(100, 3 * sample)}).data
    since = now - timedelta(days=WINDOW_DAYS)
    out: dict[int, _Opened] = {}
    for issue in issues if isinstance(issues, list) else []:
        if len(out) >= sample:
            break
        if not isinstance(issue, dict) or "pull_request" in issue or _is_bot(issue.get("user")):
            continue
        opened = _when(issue.get("created_at"))
        if opened is not None and opened >= since and isinstance(issue.get("number"), int):
            out[issue["number"]] = _Opened(opened, (issue.get("user") or {}).get("login"),
                                           int(issue.get("comments") or 0))
    return out


def _first_responses(client: GitHubClient, base: str, waiting: dict[int, _Opened]) -> dict[int, datetime]:
    """First answer to each waiting issue, read from the repository-wide issue
    comments (oldest first, from the oldest waiting issue on) and matched to
    the issue by ``issue_url``. ``since`` comes from the sample, so the URL is
    stable while the sample is."""
    since = min(i.at for i in waiting.values()).strftime("%Y-%m-%dT%H:%M:%SZ")
    url: str | None = f"{base}/issues/comments"
    params: dict[str, Any] | None = {"sort": "created", "direction": "asc", "since": since, "per_page": 100}
    found: dict[int, datetime] = {}
    for _ in range(COMMENT_PAGES):
        reply = client.get(url, params)
        for c in reply.data if isinstance(reply.data, list) else []:
            number = _issue_number(c.get("issue_url")) if isinstance(c, dict) else None
            issue = waiting.get(number) if number is not None else None
            if issue is None or number in found or _is_bot(c.get("user")):
                continue
            at = _when(c.get("created_at"))
            if at is not None and at >= issue.at and (c.get("user") or {}).get("login") != issue.author:
                found[number] = at
        url, params = reply.links.get("next"), None
        if not url or len(found) == len(waiting):
            break
    return found


def _issue_number(issue_url: Any) -> int | None:
    m = re.search(r"/issues/(\d+)$", issue_url) if isinstance(issue_url, str) else None
    return int(m.group(1)) if m else None


def _readme(client: GitHubClient, base: str, cap: int) -> Readme:
    """The README's first ``cap`` bytes, read raw: GitHub's JSON form has no content past
    1 MB, and a larger body would pass the client's byte cap; the rest is never read."""
    reply = client.get_raw(f"{base}/readme", cap)
    return clean_readme(reply.data, reply.size, cap, truncated=reply.truncated)


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
