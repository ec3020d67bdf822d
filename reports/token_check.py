"""Before `curator pr` writes anything: can its token still make every write it needs?

A GitHub App installation token lives one hour, a personal token until the date
it was given; the nightly job mints the token for ``pr`` right before it, and
this check makes a token that is already expired, about to expire or missing a
permission fail at once, with one line that says which, instead of half way
through (a branch pushed and no pull request). It changes nothing on GitHub:

1. ``GET /repos/OWNER/NAME``: a 401 means the token has expired or was revoked;
   the ``github-authentication-token-expiration`` header (sent for tokens that
   expire) refuses a token with less than :data:`MARGIN` left; the answer also
   gives the repository's default branch, which curator never commits to.
2. For each write permission the pull request needs, a POST with an empty body
   to an endpoint that needs it (:data:`NEEDED`). GitHub checks the permission
   before the body: 403 or 404 means the token lacks it (the
   ``x-accepted-github-permissions`` header says what GitHub accepts there),
   422 means it has it, and the empty body is refused, so nothing is created.

Messages hold statuses and GitHub's own ``message`` field, never the token.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from catalogue.errors import RunFailed

log = logging.getLogger(__name__)

MARGIN = timedelta(minutes=5)  # the writes of one run take well under a minute
# (permission, what it is for, endpoint under /repos/OWNER/NAME that needs it to write)
NEEDED = [
    ("contents: write", "push the bot branch and commit the list", "/git/refs"),
    ("pull_requests: write", "open and edit the pull request", "/pulls"),
    ("issues: write", "label the pull request and comment on it", "/labels"),
]
MINT_HINT = "mint the token right before `curator pr` (docs/operations.md)"


@dataclass
class TokenCheck:
    default_branch: str | None
    expires_at: datetime | None


def check_token(gh, repo: str, now: datetime) -> TokenCheck:
    """Raise :class:`RunFailed` when the token cannot make the pull request's writes;
    ``gh`` is a PyGithub client, ``now`` an aware datetime (injected in tests)."""
    requester = gh.requester
    status, headers, body = requester.requestJson("GET", f"/repos/{repo}")
    data = _json(body)
    if status == 401:
        raise RunFailed(f"GitHub refused GITHUB_TOKEN ({_said(status, data, 'Bad credentials')}): it has expired "
                        f"or was revoked; {MINT_HINT}. Nothing was written")
    if status != 200:
        raise RunFailed(f"cannot read {repo} with GITHUB_TOKEN ({_said(status, data, 'failed')}); the token needs "
                        f"access to that repository. Nothing was written")
    expires_at = parse_expiration(headers.get("github-authentication-token-expiration"))
    if expires_at is not None and expires_at - now < MARGIN:
        left = "has expired" if expires_at <= now else f"expires in {int((expires_at - now).total_seconds())} s"
        raise RunFailed(f"GITHUB_TOKEN {left} (at {expires_at:%Y-%m-%d %H:%M:%S} UTC), too soon to open the pull "
                        f"request; {MINT_HINT}. Nothing was written")
    for permission, purpose, endpoint in NEEDED:
        _probe(requester, repo, permission, purpose, endpoint)
    default = data.get("default_branch") if isinstance(data, dict) else None
    return TokenCheck(default if isinstance(default, str) and default else None, expires_at)


def _probe(requester, repo: str, permission: str, purpose: str, endpoint: str) -> None:
    status, headers, body = requester.requestJson("POST", f"/repos/{repo}{endpoint}", input={})
    if status in (400, 422):
        return  # allowed; the empty body was refused and nothing was created
    data = _json(body)
    if status == 401:
        raise RunFailed(f"GitHub refused GITHUB_TOKEN ({_said(status, data, 'Bad credentials')}): it has expired "
                        f"or was revoked; {MINT_HINT}. Nothing was written")
    if status in (403, 404) and headers.get("x-ratelimit-remaining") != "0":
        accepted = headers.get("x-accepted-github-permissions")
        also = f"; GitHub accepts {accepted} there" if accepted else ""
        raise RunFailed(f"GITHUB_TOKEN lacks the '{permission}' permission on {repo}, needed to {purpose} "
                        f"({_said(status, data, 'Forbidden')}{also}). Nothing was written")
    log.warning("could not check '%s' on %s (GitHub answered %s); going on", permission, repo, status)


def parse_expiration(value: str | None) -> datetime | None:
    """GitHub's ``2026-07-01 04:17:00 UTC`` (or with a ``+0000``-style offset), as aware UTC."""
    if not value:
        return None
    text = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    log.info("unreadable github-authentication-token-expiration header %r", text[:40])
    return None


def _said(status: int, data: Any, fallback: str) -> str:
    message = data.get("message") if isinstance(data, dict) else None
    text = " ".join(str(message or fallback).split())[:200]
    return f"{status} {text}"


def _json(body: str) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None
