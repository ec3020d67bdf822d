"""Fetching papers from the arXiv API with the ``arxiv`` package, politely and safely.

One ``arxiv.Client`` does the query URLs, paging arithmetic and Atom parsing. Its
own sleep and retry are switched off; it is given a :class:`PoliteSession` that
puts (connect, read) timeouts and a total deadline on every request (a server
trickling a feed byte by byte cannot hold one, see :mod:`crawler.deadline`),
keeps requests at least ``delay_seconds`` apart (across processes too, given the
shared times of :mod:`crawler.pacing`), retries 429/5xx/timeouts/malformed bodies a bounded
number of times with a growing back-off that honours ``Retry-After``, never
retries a 400 (arXiv's message is surfaced), and reads every 200 strictly so a
maintenance page is not "0 results". Time goes through an injected
:class:`Timing`, so tests run on a fake clock.

:class:`ArxivSource` pages a query in ascending submission order over date
windows, splitting windows that pass arXiv's limits, and hands each page to a
callback (the command saves it in its own transaction). It never touches a
database.
"""
from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Callable

import requests

from crawler.atom import FeedInfo, MalformedFeed, Paper, check_feed, error_message, to_paper
from crawler.deadline import DeadlineExceeded, SocketWatch
from crawler.pacing import Pacer, SharedTimes

log = logging.getLogger(__name__)

DEFAULT_URL = "https://export.arxiv.org/api/query"
USER_AGENT = "curator (+https://github.com/; arXiv API crawler)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
SPLIT_ABOVE = 10_000  # arXiv pages unreliably past this offset; its hard cap is 30,000
MIN_WINDOW = timedelta(hours=1)
PACE_KEY = "arxiv"  # one delay for every process asking arXiv (crawler.pacing)


class ArxivError(Exception):
    """A request to arXiv that did not give a usable page (after any retries)."""


class BadRequest(ArxivError):
    """HTTP 400 and friends: permanent, not retried."""


class Unavailable(ArxivError):
    """Retries exhausted (429/5xx, timeouts, malformed bodies)."""


@dataclass
class Timing:
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


DEFAULT_TIMING = Timing()


@dataclass
class Counters:
    requests: int = 0
    retries: int = 0
    slept: float = 0.0


class PoliteSession(requests.Session):
    """A ``requests.Session`` that is timed-out, rate-limited, retried and checked."""

    def __init__(self, *, delay_seconds: float, connect_timeout: float, read_timeout: float,
                 max_attempts: int, max_backoff: float, timing: Timing | None = None,
                 deadline_seconds: float = 180.0, shared: SharedTimes | None = None):
        super().__init__()
        self.delay = delay_seconds
        self.timeout = (connect_timeout, read_timeout)
        self.deadline = deadline_seconds
        self.max_attempts = max(1, max_attempts)
        self.max_backoff = max_backoff
        self.timing = timing or DEFAULT_TIMING
        self.counters = Counters()
        self.last_feed: FeedInfo | None = None
        self.pacer = Pacer(clock=self.timing.clock, sleep=self.timing.sleep, shared=shared)
        self._gap = delay_seconds
        self.headers["User-Agent"] = USER_AGENT
        self.watch = SocketWatch(deadline_seconds, self.timing.clock)
        self.mount("http://", self.watch.adapter())
        self.mount("https://", self.watch.adapter())

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Make the next request wait ``max(delay * 2**attempt, Retry-After)`` after the last one."""
        gap = max(self.delay, 1.0) * 2 ** attempt
        gap = min(max(gap, self.delay), self.max_backoff)
        if retry_after is not None:
            gap = max(gap, retry_after)
        self._gap = max(gap, self.delay)
        return self._gap

    def _wait_turn(self) -> None:
        self.counters.slept += self.pacer.wait(PACE_KEY, self._gap)
        self._gap = self.delay

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request, its body read in full within ``deadline_seconds``."""
        self._wait_turn()
        self.counters.requests += 1
        started = self.timing.clock()
        try:
            with self.watch.limit() as expired:
                try:
                    resp = super().request(method, url, timeout=self.timeout, stream=True, **kwargs)
                except requests.RequestException:
                    if expired.is_set():
                        raise DeadlineExceeded(f"no complete answer within {self.deadline:g} s") from None
                    raise
                resp._content = self.watch.read_body(resp, started, expired)
                resp._content_consumed = True
                return resp
        finally:
            self.pacer.done(PACE_KEY)

    def request(self, method, url, **kwargs) -> requests.Response:  # type: ignore[override]
        kwargs.pop("timeout", None)
        kwargs.pop("headers", None)  # the client's User-Agent is replaced by ours
        failure = "no attempt"
        for attempt in range(1, self.max_attempts + 1):
            retry_after = None
            try:
                resp = self._send(method, url, **kwargs)
            except DeadlineExceeded:
                failure = f"timed out (no complete answer within deadline_seconds, {self.deadline:g} s)"
            except requests.Timeout as exc:
                failure = f"timed out ({type(exc).__name__})"
            except requests.ConnectionError as exc:
                failure = f"connection failed ({type(exc).__name__})"
            except requests.RequestException as exc:  # e.g. a body cut short mid-transfer
                failure = f"request failed ({type(exc).__name__})"
            else:
                if resp.status_code == 200:
                    try:
                        self.last_feed = check_feed(resp.content)
                        if self.last_feed.cleaned is not None:
                            resp._content = self.last_feed.cleaned
                        return resp
                    except MalformedFeed as exc:
                        failure = f"malformed response: {exc}"
                elif resp.status_code in RETRY_STATUSES:
                    failure = f"HTTP {resp.status_code}"
                    retry_after = _retry_after(resp.headers.get("Retry-After"))
                else:
                    raise BadRequest(f"arXiv answered HTTP {resp.status_code}: {error_message(resp.content)}")
            if attempt == self.max_attempts:
                break
            if retry_after is not None and retry_after > self.max_backoff:
                raise Unavailable(f"arXiv {failure}, asks to retry after {retry_after:.0f} s "
                                  f"(more than max_backoff_seconds); {attempt} attempts")
            self.counters.retries += 1
            wait = self.backoff(attempt, retry_after)
            log.warning("arXiv %s (attempt %d/%d); retrying in %.1f s", failure, attempt, self.max_attempts, wait)
        raise Unavailable(f"arXiv {failure} after {self.max_attempts} attempts")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())
    except (TypeError, ValueError):
        return None


@dataclass
class Page:
    papers: list[Paper]
    total: int
    start: int
    entries: int
    skipped: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """How a crawl ended: ``incomplete`` says why it stopped early (data kept)."""

    pages: int = 0
    total: int = 0
    incomplete: str | None = None
    windows: int = 0


def windowed(base_query: str, since: datetime, until: datetime) -> str:
    fmt = "%Y%m%d%H%M"
    return f"{base_query} AND submittedDate:[{since.strftime(fmt)} TO {until.strftime(fmt)}]"


def _clause(categories: list[str], terms: list[str]) -> str:
    query = "(" + " OR ".join(f"cat:{c}" for c in categories) + ")"
    if terms:
        query += " AND (" + " OR ".join(f'all:"{t}"' if " " in t else f"all:{t}" for t in terms) + ")"
    return query


def build_query(categories: list[str], terms: list[str], narrow_categories: list[str] | None = None,
                narrow_terms: list[str] | None = None) -> str:
    """``(cat:A OR cat:B) AND (all:LLM OR all:"KV cache" ...)``, optionally ``OR`` a narrower
    ``(cat:C) AND (...)`` clause for categories that only count with specific terms."""
    query = _clause(categories, terms)
    if narrow_categories and narrow_terms:
        query = f"(({query}) OR ({_clause(narrow_categories, narrow_terms)}))"
    return query


class ArxivSource:
    def __init__(self, *, api_url: str | None = None, page_size: int = 500, delay_seconds: float = 3.0,
                 max_attempts: int = 4, connect_timeout: float = 10.0, read_timeout: float = 60.0,
                 max_backoff: float = 120.0, empty_page_retries: int = 3, timing: Timing | None = None,
                 split_above: int = SPLIT_ABOVE, deadline_seconds: float = 180.0,
                 shared: SharedTimes | None = None):
        import arxiv

        self._arxiv = arxiv
        self.page_size = page_size
        self.empty_page_retries = empty_page_retries
        self.split_above = split_above
        self.session = PoliteSession(delay_seconds=delay_seconds, connect_timeout=connect_timeout,
                                     read_timeout=read_timeout, max_attempts=max_attempts,
                                     max_backoff=max_backoff, timing=timing, deadline_seconds=deadline_seconds,
                                     shared=shared)
        # the client's own sleep and retry are off: the session does both, with an injected clock
        self.client = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
        self.client.query_url_format = (api_url or DEFAULT_URL) + "?{}"
        self.client._session = self.session

    @property
    def requests(self) -> int:
        return self.session.counters.requests

    def close(self) -> None:
        self.session.close()

    def fetch_page(self, query: str = "", start: int = 0, ids: list[str] | None = None) -> Page:
        """One request: up to ``page_size`` entries from ``start``, oldest submission first."""
        a = self._arxiv
        size = len(ids) if ids else self.page_size
        search = a.Search(query=query, id_list=ids or [], max_results=start + size,
                          sort_by=a.SortCriterion.SubmittedDate, sort_order=a.SortOrder.Ascending)
        self.session.last_feed = None
        gen = self.client.results(search, offset=start)
        try:
            results = list(itertools.islice(gen, 1))
            feed = self.session.last_feed
            if feed is None:  # every answered request sets it; the client made none
                raise Unavailable("arXiv client made no request")
            # exactly this page's results: asking the generator for more would fetch another page
            results += itertools.islice(gen, max(0, feed.entries - len(feed.undated) - len(results)))
        except (a.HTTPError, a.UnexpectedEmptyPageError) as exc:  # not expected with retries off
            raise Unavailable(f"arXiv client: {exc}") from None
        papers, skipped = [], [f"{eid}: no date" for eid in feed.undated]
        for result in results:
            paper, why = to_paper(result)
            if paper is None:
                skipped.append(why or "unknown")
            else:
                papers.append(paper)
        for why in skipped:
            log.warning("arXiv entry skipped: %s", why)
        return Page(papers, feed.total, start, feed.entries, skipped)

    def _page_with_retries(self, query: str, start: int, expect_entries: bool) -> Page:
        """A page that should have entries is asked again when it comes back empty."""
        page = self.fetch_page(query, start)
        tries = 0
        while page.entries == 0 and (expect_entries or start < page.total) and tries < self.empty_page_retries:
            tries += 1
            log.warning("arXiv page at %d came back empty (total %d); asking again (%d/%d)",
                        start, page.total, tries, self.empty_page_retries)
            self.session.backoff(tries)
            page = self.fetch_page(query, start)
        return page

    def crawl(self, base_query: str, since: datetime, until: datetime,
              on_page: Callable[[Page, datetime | None], None], expect_results: bool = False) -> Outcome:
        """Every entry of ``base_query`` submitted in [since, until], page by page.

        ``on_page(page, cursor)``: ``cursor`` is the submission time up to which
        everything has been handed over (None while it cannot advance).
        ``expect_results``: the query had results last time, so an empty first
        page is asked again and, still empty, ends the crawl as incomplete.
        """
        out = Outcome()
        windows = [(since, until)]
        first = True
        while windows:
            lo, hi = windows.pop(0)
            query = windowed(base_query, lo, hi)
            page = self._page_with_retries(query, 0, expect_results and first)
            out.pages += 1
            if page.total > self.split_above and hi - lo > MIN_WINDOW:
                mid = lo + (hi - lo) / 2
                log.info("arXiv window %s..%s has %d results; splitting", lo, hi, page.total)
                windows[:0] = [(lo, mid), (mid, hi)]
                first = False  # the query has results; a half may truly have none
                continue
            if page.entries == 0 and (page.total > 0 or (expect_results and first)):
                out.incomplete = (f"arXiv gave an empty first page for {query!r} "
                                  f"(total {page.total}); not taken as truth")
                return out
            first = False
            out.windows += 1
            out.total += page.total
            if not self._drain(query, page, hi, on_page, out):
                return out
        return out

    def _drain(self, query: str, page: Page, hi: datetime, on_page, out: Outcome) -> bool:
        """Hand over ``page`` and the rest of its window; False when stopped early."""
        while True:
            start = page.start + page.entries
            done = start >= page.total or page.entries == 0
            cursor = hi if done else _last_published(page)
            on_page(page, cursor)
            if done:
                return True
            page = self._page_with_retries(query, start, True)
            out.pages += 1
            if page.entries == 0 and start < page.total:
                out.incomplete = (f"arXiv page at {start} of {page.total} stayed empty after "
                                  f"{self.empty_page_retries} retries; papers so far kept")
                return False

    def fetch_ids(self, ids: list[str], on_page: Callable[[Page, datetime | None], None]) -> Outcome:
        """The given papers (``id_list``), ``page_size`` ids a request."""
        out = Outcome()
        for i in range(0, len(ids), self.page_size):
            page = self.fetch_page(ids=ids[i:i + self.page_size])
            out.pages += 1
            out.total += page.entries
            on_page(page, None)
        return out


def _last_published(page: Page) -> datetime | None:
    if not page.papers:
        return None
    return datetime.strptime(max(p.published for p in page.papers), "%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Window:
    """The submission dates one incremental crawl covers."""

    since: datetime
    until: datetime
    move_cursor: bool  # whether reaching ``until`` may move the saved cursor


def crawl_window(last_until: datetime | None, now: datetime, *, overlap_days: int, lookback_days: int,
                 since: datetime | None = None, until: datetime | None = None) -> Window:
    """From the end of the last successful crawl minus the overlap (first crawl: the
    last ``lookback_days``) up to now; ``since``/``until`` override either end.

    A range that starts after the saved cursor leaves a gap, so it never moves
    the cursor. Raises ``ValueError`` when the range is empty.
    """
    until = until or now
    if since is None:
        since = last_until - timedelta(days=overlap_days) if last_until else until - timedelta(days=lookback_days)
    if since >= until:
        raise ValueError(f"--since {since:%Y-%m-%d} is not before --until {until:%Y-%m-%d}")
    return Window(since, until, last_until is None or since <= last_until)
