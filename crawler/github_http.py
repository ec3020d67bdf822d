"""Bounded, conditional GitHub REST requests through PyGithub's Requester.

PyGithub builds the requests (token header, User-Agent, URL prefix of
``base_url``, rate-limit bookkeeping, exception classes); this module supplies
the connection it sends them on and the policy around them, because PyGithub by
itself sleeps until a far rate-limit reset, does not handle 429, loops without
bound on 202, keeps ETags only in memory and guards foreign pagination hosts
with a bare ``assert``. Here:

- every GET carries ``If-None-Match`` from a cache passed in (``get(url) ->
  (etag, body) | None``, ``put(url, etag, body)``); a 304 reuses the stored body;
- 202 is retried ``stats_attempts`` times, then :class:`StillComputing`;
- 429, secondary limits, 5xx and network errors back off through an injected
  clock, at most ``max_attempts`` tries; a primary limit whose reset is further
  than ``max_rate_limit_wait`` raises :class:`RateLimited` at once;
- 401/403 raise :class:`AccessDenied` naming the missing permission;
- Link URLs off the API origin raise :class:`ForeignLink` and are never fetched;
- bodies are read with a byte cap; :meth:`GitHubClient.get_raw` reads a file's
  raw bytes (GitHub's raw media type) and keeps only the first ``max_bytes``,
  closing the connection there, so a huge file is capped, never dropped.

No message built here contains the token: they are made of URLs paths,
statuses and GitHub's own ``message`` field.
"""
from __future__ import annotations

import base64
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import requests
import urllib3

log = logging.getLogger(__name__)

DEFAULT_API = "https://api.github.com"
MAX_BODY_BYTES = 8_000_000
RATE_LIMITED = "rate-limited, resumes next run"

# What a fine-grained token or an App needs, by the first path segment after /repos/o/r.
_PERMISSIONS = {
    "": "metadata: read", "contributors": "metadata: read", "stats": "metadata: read",
    "releases": "contents: read", "readme": "contents: read", "commits": "contents: read",
    "issues": "issues: read", "pulls": "pull_requests: read",
}


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Cache(Protocol):
    def get(self, url: str) -> tuple[str, str] | None: ...

    def put(self, url: str, etag: str, body: str) -> None: ...


class GitHubError(Exception):
    """A request that did not give a usable answer; ``str()`` is one line."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class RateLimited(GitHubError):
    """Primary rate limit with a reset too far away to wait for."""


class TooManyRequests(GitHubError):
    """429 or a secondary limit that outlasted the bounded back-off."""


class AccessDenied(GitHubError):
    """401/403 that no retry can fix: a bad token or a missing permission."""


class NotFound(GitHubError):
    """404, 410 or 451."""


class StillComputing(GitHubError):
    """A /stats endpoint still answering 202 after the bounded attempts."""


class TooLarge(GitHubError):
    """A body past the byte cap, or GitHub refusing a list as too large."""


class ForeignLink(GitHubError):
    """A Link header pointing off the API origin."""


class Unavailable(GitHubError):
    """5xx or network errors after the bounded attempts."""


@dataclass
class Reply:
    status: int
    data: Any
    links: dict[str, str] = field(default_factory=dict)
    cached: bool = False  # answered 304, body from the cache

    def last_page(self) -> int | None:
        """Page number of rel="last" (the per_page=1 count trick)."""
        last = self.links.get("last")
        if not last:
            return None
        page = parse_qs(urlsplit(last).query).get("page")
        return int(page[0]) if page and page[0].isdigit() else None


@dataclass
class RawReply:
    """A file's raw bytes, at most the cap asked for."""

    status: int
    data: bytes
    size: int | None  # the whole file's size, when GitHub says (Content-Length) or it was read whole
    truncated: bool
    cached: bool = False


@dataclass
class Counters:
    requests: int = 0
    not_modified: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    @property
    def billable(self) -> int:
        return self.requests - self.not_modified


class _CappedResponse:
    """What PyGithub's Requester reads from a connection's response."""

    def __init__(self, status: int, headers: dict[str, str], text: str):
        self.status = status
        self.headers = headers
        self._text = text

    def getheaders(self):
        return self.headers.items()

    def read(self) -> str:
        return self._text


class _Connection:
    """PyGithub connection object: requests with (connect, read) timeouts,
    a body cap, request counting and bounded 202 polling."""

    def __init__(self, base_url: str, timeouts: tuple[float, float], clock: Clock,
                 stats_attempts: int, counters: Counters, max_body: int):
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.timeouts = timeouts
        self.clock = clock
        self.stats_attempts = max(1, stats_attempts)
        self.counters = counters
        self.max_body = max_body
        self.session = requests.Session()
        self.session.trust_env = False
        self._req: tuple[str, str, Any, dict[str, str]] | None = None
        # raw mode (get_raw): keep the first ``keep`` bytes of a body, stop reading there
        self.keep: int | None = None
        self.raw_body = b""
        self.truncated = False

    def request(self, verb: str, url: str, input: Any, headers: dict[str, str], stream: bool = False) -> None:
        self._req = (verb, url, input, dict(headers))

    def getresponse(self) -> _CappedResponse:
        assert self._req is not None
        verb, path, body, headers = self._req
        for attempt in range(1, self.stats_attempts + 1):
            resp = self._send(verb, path, body, headers)
            if resp.status != 202:
                return resp
            if attempt < self.stats_attempts:
                self.clock.sleep(min(2.0 * attempt, 10.0))
        raise StillComputing(f"{_path(path)}: still computing (202) after {self.stats_attempts} attempts", 202)

    def _send(self, verb: str, path: str, body: Any, headers: dict[str, str]) -> _CappedResponse:
        self.counters.requests += 1
        r = self.session.request(verb, self.origin + path, data=body, headers=headers,
                                 timeout=self.timeouts, allow_redirects=False, stream=True)
        keep = self.keep if self.keep is not None and r.status_code == 200 else None
        self.raw_body, self.truncated = b"", False
        try:
            if keep is not None:  # keep + 1 bytes at most: one past the cap says "there is more"
                raw = _read_at_most(r, keep + 1)
                self.raw_body, self.truncated = raw[:keep], len(raw) > keep
                body = b""  # the bytes are taken from raw_body; PyGithub gets no text to log
            else:
                body = _read_capped(r, self.max_body, path)
        finally:
            r.close()
        self.counters.by_status[r.status_code] = self.counters.by_status.get(r.status_code, 0) + 1
        if r.status_code == 304:
            self.counters.not_modified += 1
        text = body.decode("utf-8", errors="replace")
        return _CappedResponse(r.status_code, {k.lower(): v for k, v in r.headers.items()}, text)

    def close(self) -> None:
        self.session.close()


def _read_capped(r: requests.Response, max_body: int, path: str) -> bytes:
    """The whole body, or :class:`TooLarge` once it passes ``max_body`` bytes."""
    chunks, size = [], 0
    for chunk in r.iter_content(65536):
        size += len(chunk)
        if size > max_body:
            raise TooLarge(f"{_path(path)}: body larger than {max_body} bytes", r.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _read_at_most(r: requests.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of a streamed body, read piece by piece (never more)."""
    chunks, size = [], 0
    try:
        while size < limit:
            chunk = r.raw.read(min(65536, limit - size), decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise requests.ReadTimeout("read timed out") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise requests.ConnectionError(f"connection broken ({type(exc).__name__})") from None
    return b"".join(chunks)


def _path(url: str) -> str:
    """The path of a URL, for messages (never the query or credentials)."""
    return urlsplit(url).path or url


def parse_links(header: str | None) -> dict[str, str]:
    links: dict[str, str] = {}
    for part in (header or "").split(","):
        m = re.match(r'\s*<([^>]*)>\s*;\s*rel="?([^";]+)"?', part)
        if m:
            links[m.group(2)] = m.group(1)
    return links


def new_github(base_url: str | None, token: str | None, *, timeout: float, per_page: int = 100,
               seconds_between_requests: float | None = None, seconds_between_writes: float | None = None):
    """The one place a PyGithub client is made: the token goes into PyGithub's auth
    object and nowhere else; PyGithub's own retries are off (callers bound their
    attempts themselves)."""
    from github import Auth, Github

    return Github(base_url=(base_url or DEFAULT_API).rstrip("/"), auth=Auth.Token(token) if token else None,
                  timeout=max(1, int(timeout)), retry=None, per_page=per_page,
                  seconds_between_requests=seconds_between_requests or None,
                  seconds_between_writes=seconds_between_writes or None)


class GitHubClient:
    """GET JSON from the REST API with the policy described in the module."""

    def __init__(self, base_url: str | None = None, token: str | None = None, *, cache: Cache | None = None,
                 clock: Clock | None = None, connect_timeout: float = 10.0, read_timeout: float = 30.0,
                 max_attempts: int = 3, max_rate_limit_wait: float = 60.0, stats_attempts: int = 3,
                 per_page: int = 100, max_body: int = MAX_BODY_BYTES):
        self.base_url = (base_url or DEFAULT_API).rstrip("/")
        self.clock = clock or SystemClock()
        self.cache = cache
        self.max_attempts = max(1, max_attempts)
        self.max_rate_limit_wait = max_rate_limit_wait
        self.authenticated = bool(token)
        self.counters = Counters()
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.github = new_github(self.base_url, token, timeout=read_timeout, per_page=per_page)
        self._cnx = _Connection(self.base_url, (connect_timeout, read_timeout), self.clock,
                                stats_attempts, self.counters, max_body)
        base = urlsplit(self.base_url)
        self._origin = (base.scheme, base.hostname, base.port)
        self._prefix = base.path.rstrip("/")

    def close(self) -> None:
        self._cnx.close()
        self.github.close()

    # -- public -------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        """GET ``path`` (relative to the API, or an absolute same-origin URL)."""
        url = self._url(path, params)
        stored = self.cache.get(url) if self.cache else None
        headers = {"Accept": "application/vnd.github+json"}
        if stored and stored[0]:
            headers["If-None-Match"] = stored[0]
        status, rheaders, text = self._request(url, headers)
        if status == 304 and stored:
            envelope = json.loads(stored[1])
            return Reply(304, envelope["data"], self._links(envelope.get("link")), cached=True)
        data = _json(text) if text else None
        if status in (200, 204):
            reply = Reply(status, data, self._links(rheaders.get("link")))
            etag = rheaders.get("etag")
            if self.cache and etag and status == 200:
                self.cache.put(url, etag, json.dumps({"data": data, "link": rheaders.get("link")}))
            return reply
        raise self._error(url, status, rheaders, data)

    def get_raw(self, path: str, max_bytes: int) -> RawReply:
        """A file's raw bytes (``application/vnd.github.raw+json``, e.g. ``/repos/o/r/readme``),
        at most ``max_bytes`` of them: the rest is never read. GitHub serves raw files up to
        100 MB this way; its JSON form carries no content past 1 MB. Conditional like
        :meth:`get` (the capped bytes are what the cache keeps); errors as :meth:`get`."""
        url = self._url(path, None)
        stored = self.cache.get(url) if self.cache else None
        envelope = _json(stored[1]) if stored else None
        if not (isinstance(envelope, dict) and "raw" in envelope):
            stored = None  # nothing stored, or stored by get() in the JSON form: ask afresh
        headers = {"Accept": "application/vnd.github.raw+json", "Accept-Encoding": "identity"}
        if stored and stored[0]:
            headers["If-None-Match"] = stored[0]
        self._cnx.keep = max_bytes
        try:
            status, rheaders, text = self._request(url, headers)
            data, truncated = self._cnx.raw_body, self._cnx.truncated
        finally:
            self._cnx.keep = None
        if status == 304 and stored:
            return RawReply(304, base64.b64decode(envelope["raw"]), envelope["size"], envelope["truncated"],
                            cached=True)
        if status == 200:
            length = rheaders.get("content-length", "")
            size = int(length) if length.isdigit() else (None if truncated else len(data))
            etag = rheaders.get("etag")
            if self.cache and etag:
                self.cache.put(url, etag, json.dumps({"raw": base64.b64encode(data).decode("ascii"),
                                                      "size": size, "truncated": truncated}))
            return RawReply(200, data, size, truncated)
        data_json = _json(text) if text else None
        raise self._error(url, status, rheaders, data_json)

    def resets_at(self) -> str:
        """The reset time of the primary limit, e.g. ``04:12 UTC`` (``unknown`` when not known)."""
        if self.reset_at is None:
            return "unknown"
        return datetime.fromtimestamp(self.reset_at, timezone.utc).strftime("%H:%M UTC")

    def check_link(self, url: str) -> str:
        """``url`` if it is on the API origin, else :class:`ForeignLink`."""
        parts = urlsplit(url)
        if (parts.scheme, parts.hostname, parts.port) != self._origin or not parts.path.startswith(self._prefix):
            raise ForeignLink(f"pagination link to a foreign host ({parts.hostname}) refused")
        return url

    # -- internals ------------------------------------------------------------

    def _url(self, path: str, params: dict[str, Any] | None) -> str:
        from github.Requester import Requester

        if not path.startswith("/"):
            path = self.check_link(path)
            parts = urlsplit(path)
            path = parts.path[len(self._prefix):] + (f"?{parts.query}" if parts.query else "")
        return Requester.add_parameters_to_url(path, params or {})

    def _links(self, header: str | None) -> dict[str, str]:
        links = parse_links(header)
        for url in links.values():
            self.check_link(url)
        return links

    def _request(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """Send with bounded retries; return the first non-retryable answer."""
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            self._wait_for_primary_limit(url)
            try:
                status, rheaders, text = self.github.requester.requestJson("GET", url, headers=dict(headers),
                                                                           cnx=self._cnx)
            except requests.RequestException as exc:
                last = type(exc).__name__
                if attempt < self.max_attempts:
                    self._backoff(attempt, None)
                continue
            except RuntimeError:  # PyGithub refuses a redirect off the API host
                raise GitHubError(f"{_path(url)}: redirected off the API host", 301) from None
            self._note_rate(rheaders)
            data = _json(text) if text and status >= 400 else None
            message = (data or {}).get("message", "") if isinstance(data, dict) else ""
            if status in (403, 429) and rheaders.get("x-ratelimit-remaining") == "0" and "retry-after" not in rheaders:
                self._wait_for_primary_limit(url, force=True)
                last = f"{status} rate limit"
                continue
            if status == 429 or (status == 403 and ("retry-after" in rheaders or _secondary(message))):
                last = f"{status} {message or 'too many requests'}".strip()
                if attempt < self.max_attempts:
                    self._backoff(attempt, rheaders.get("retry-after"), url=url)
                continue
            if status >= 500:
                last = f"{status} {message}".strip()
                if attempt < self.max_attempts:
                    self._backoff(attempt, rheaders.get("retry-after"))
                continue
            return status, rheaders, text
        if last.startswith(("429", "403")):
            raise TooManyRequests(f"{_path(url)}: GitHub answered {last} {self.max_attempts} times; gave up", 429)
        raise Unavailable(f"{_path(url)}: {last or 'no answer'} after {self.max_attempts} attempts")

    def _note_rate(self, headers: dict[str, str]) -> None:
        if headers.get("x-ratelimit-remaining", "").isdigit():
            self.remaining = int(headers["x-ratelimit-remaining"])
        reset = headers.get("x-ratelimit-reset", "")
        if reset.isdigit():
            self.reset_at = float(reset)

    def _wait_for_primary_limit(self, url: str, force: bool = False) -> None:
        if not force and self.remaining != 0:
            return
        wait = (self.reset_at or self.clock.now()) - self.clock.now() + 1
        if wait > self.max_rate_limit_wait:
            raise RateLimited(f"{RATE_LIMITED} (limit resets at {self.resets_at()}; at {_path(url)})", 403)
        if wait > 0:
            log.info("rate limit: waiting %.0f s for the reset", wait)
            self.clock.sleep(wait)
        self.remaining = None

    def _backoff(self, attempt: int, retry_after: str | None, url: str = "") -> None:
        if retry_after and retry_after.strip().isdigit():
            wait = float(retry_after)
            if wait > self.max_rate_limit_wait:
                raise TooManyRequests(f"{_path(url)}: GitHub asks to wait {int(wait)} s (Retry-After), "
                                      f"more than max_rate_limit_wait {self.max_rate_limit_wait:g} s", 429)
        else:
            wait = min(2.0 ** attempt, self.max_rate_limit_wait)
        self.clock.sleep(wait)

    def _error(self, url: str, status: int, headers: dict[str, str], data: Any) -> GitHubError:
        message = str(data.get("message", "")) if isinstance(data, dict) else ""
        message = " ".join(message.split())[:200]
        where = _path(url)
        if status == 401:
            hint = "set a valid GITHUB_TOKEN" if self.authenticated else "set GITHUB_TOKEN"
            return AccessDenied(f"{where}: GitHub answered 401 {message or 'Unauthorized'}; {hint}", 401)
        if status == 403 and "too large" in message.lower():
            return TooLarge(f"{where}: {message}", 403)
        if status == 403:
            need = headers.get("x-accepted-github-permissions") or _permission_for(where, self._prefix)
            return AccessDenied(f"{where}: GitHub answered 403 {message or 'Forbidden'}; "
                                f"the token needs the '{need}' permission", 403)
        if status in (404, 410, 451):
            return NotFound(f"{where}: {status} {message or 'Not Found'}", status)
        return GitHubError(f"{where}: GitHub answered {status} {message}".strip(), status)


def _permission_for(path: str, prefix: str) -> str:
    parts = path[len(prefix):].strip("/").split("/")
    area = parts[3] if len(parts) > 3 and parts[0] == "repos" else ""
    return _PERMISSIONS.get(area, "metadata: read")


def _secondary(message: str) -> bool:
    from github.Requester import Requester

    return Requester.isSecondaryRateLimitError(message)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
