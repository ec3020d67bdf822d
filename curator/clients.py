"""The clients of the outside sources, built in one place from the environment and the settings.

The environment is read here and nowhere else: ``CURATOR_ARXIV_API_URL`` and
``CURATOR_GITHUB_API_URL`` (validated as http(s) URLs) and ``GITHUB_TOKEN``
(stripped; never printed, logged or stored). Every command that talks to arXiv
or GitHub gets its client from these functions, with the timeouts, retries and
pacing of its settings.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from catalogue.errors import BadInput

def _url(name: str, value: str | None) -> str | None:
    url = (value or "").strip() or None
    if url and not url.startswith(("http://", "https://")):
        raise BadInput(f"{name}: expected an http(s) URL, got {url[:80]!r}")
    return url


@dataclass(frozen=True)
class GitHubAccess:
    """Where the GitHub API is and the token to use (None: anonymous)."""

    api_url: str | None
    token: str | None = field(default=None, repr=False)


def github_access() -> GitHubAccess:
    return GitHubAccess(_url("CURATOR_GITHUB_API_URL", os.environ.get("CURATOR_GITHUB_API_URL")),
                        (os.environ.get("GITHUB_TOKEN") or "").strip() or None)


def arxiv_api_url() -> str | None:
    return _url("CURATOR_ARXIV_API_URL", os.environ.get("CURATOR_ARXIV_API_URL"))


def arxiv_source(config, **overrides):
    """The one arXiv client of a run, configured from the ``arxiv`` settings."""
    from crawler.arxiv import DEFAULT_TIMING, ArxivSource

    cfg = config["arxiv"]
    settings = dict(api_url=arxiv_api_url(), page_size=cfg["page_size"], delay_seconds=cfg["delay_seconds"],
                    max_attempts=cfg["max_attempts"], connect_timeout=cfg["connect_timeout"],
                    read_timeout=cfg["read_timeout"], deadline_seconds=cfg["deadline_seconds"],
                    max_backoff=cfg["max_backoff_seconds"],
                    empty_page_retries=cfg["empty_page_retries"], timing=DEFAULT_TIMING)
    settings.update(overrides)
    return ArxivSource(**settings)


def github_rest(config, cache, access: GitHubAccess | None = None):
    """The crawler's bounded, conditional GitHub client (``crawler.github_http.GitHubClient``)."""
    from crawler.github_http import GitHubClient

    access = access or github_access()
    cfg = config["github"]
    return GitHubClient(access.api_url, access.token, cache=cache,
                        connect_timeout=cfg["connect_timeout"], read_timeout=cfg["read_timeout"],
                        max_attempts=cfg["max_attempts"], max_rate_limit_wait=cfg["max_rate_limit_wait"],
                        stats_attempts=cfg["stats_attempts"])


def github_api(config, access: GitHubAccess | None = None, *, writes: bool = False):
    """A PyGithub client for reading the list and, with ``writes``, for the pull request
    (paced by ``pr.seconds_between_requests`` / ``pr.seconds_between_writes``; a token is required)."""
    from crawler.github_http import new_github

    access = access or github_access()
    if writes and not access.token:
        raise BadInput("GITHUB_TOKEN is not set; `curator pr` needs a token (or use --dry-run DIR)")
    pacing = {}
    if writes:
        pacing = dict(seconds_between_requests=config["pr"]["seconds_between_requests"],
                      seconds_between_writes=config["pr"]["seconds_between_writes"])
    return new_github(access.api_url, access.token, timeout=config["github"]["read_timeout"], **pacing)


def web_fetcher(config, db=None):
    """The guarded web fetcher (``crawler.web.SafeFetcher``) with the ``web`` settings; with
    ``db``, its per-host delay is kept in the database, so every curator process sees it."""
    from crawler.web import SafeFetcher

    shared = None
    if db is not None:
        from db.pacing import RequestTimes

        shared = RequestTimes(db)
    cfg = config["web"]
    return SafeFetcher(cfg["user_agent"], connect_timeout=cfg["connect_timeout"], read_timeout=cfg["read_timeout"],
                       max_bytes=cfg["max_bytes"], deadline_seconds=cfg["deadline_seconds"],
                       max_redirects=cfg["max_redirects"], delay_seconds=cfg["delay_seconds"], shared=shared)
