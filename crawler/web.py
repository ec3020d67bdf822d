"""Fetching engines' web pages safely: one job, a guarded HTTP GET.

:class:`SafeFetcher` refuses, before any request, a URL whose scheme is not
http(s) or whose host resolves to a loopback, link-local, private, reserved,
multicast or otherwise non-global address. Redirects are never followed by
``requests``: every hop is checked the same way (and against robots.txt)
before it is requested, up to ``max_redirects`` hops.

Bodies are streamed and cut at ``max_bytes``; a wall-clock ``deadline_seconds``
covers the whole fetch of one URL, redirects included (a watchdog shuts the
open sockets, so a server trickling headers or body one byte a second cannot
hold the crawl); ``connect_timeout``
and ``read_timeout`` bound each socket wait. Text is decoded with the declared
charset (UTF-8 when missing or unknown) and ``errors="replace"``. Nothing is
executed and no meta refresh is followed: pages are only handed, as text, to
:mod:`crawler.signals`.

robots.txt is fetched once per origin with the same guards and honoured for
the configured User-Agent (a 4xx robots.txt allows everything; an unreachable
one or a 5xx disallows the origin, as RFC 9309 asks).

The address is checked twice: the resolved name before the request, and the
socket's peer address right after connecting, before anything is sent, so a
DNS answer that changes in between (rebinding) is refused as well.

Requests to one host are kept ``delay_seconds`` apart (robots.txt and redirect
hops included), across processes too when given the shared times of
:mod:`crawler.pacing`.

The private-address guard can be relaxed only through the ``allow_hosts``
constructor argument (tests and the offline demo point the fetcher at a
loopback fake); no setting or environment variable can relax it.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from requests.adapters import HTTPAdapter

from crawler.pacing import Pacer, SharedTimes

log = logging.getLogger(__name__)

TEXT_TYPES = ("text/html", "text/plain", "text/markdown", "application/xhtml+xml", "text/x-markdown")
REDIRECTS = (301, 302, 303, 307, 308)

Resolver = Callable[[str], list[str]]


class FetchError(Exception):
    """A page could not be fetched; ``status`` says why in one word."""

    status = "failed"


class Refused(FetchError):
    """The URL (or a redirect hop) is not allowed: scheme or address."""

    status = "refused"


class Disallowed(FetchError):
    """robots.txt disallows the URL for our User-Agent."""

    status = "disallowed"


@dataclass
class Page:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    text: str
    truncated: bool = False
    timed_out: bool = False


def resolve_host(host: str) -> list[str]:
    """Every address the host name resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def address_allowed(address: str) -> bool:
    """True only for a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_private or ip.is_unspecified)


class SafeFetcher:
    """A guarded GET for public web pages; see the module docstring."""

    def __init__(
        self,
        user_agent: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        max_bytes: int = 2_000_000,
        deadline_seconds: float = 20.0,
        max_redirects: int = 5,
        allow_hosts: Iterable[str] = (),
        resolver: Resolver = resolve_host,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
        delay_seconds: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        shared: SharedTimes | None = None,
    ):
        self.user_agent = user_agent
        self.timeouts = (connect_timeout, read_timeout)
        self.max_bytes = max_bytes
        self.deadline_seconds = deadline_seconds
        self.max_redirects = max_redirects
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.resolver = resolver
        self.clock = clock
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxy or netrc from the environment
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        adapter = _guarded_adapter(self._peer_allowed, self._sockets.add)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._robots: dict[str, RobotFileParser | None] = {}
        self.requests_made = 0
        self.delay_seconds = delay_seconds
        self.pacer = Pacer(clock=clock, sleep=sleep, shared=shared)

    # -- guards -------------------------------------------------------------
    def check_url(self, url: str) -> None:
        """Raise :class:`Refused` unless ``url`` may be requested at all."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(f"scheme not allowed: {parts.scheme or 'none'}")
        host = (parts.hostname or "").lower()
        if not host:
            raise Refused("no host in URL")
        if parts.username or parts.password:
            raise Refused("credentials in URL")
        if host in self.allow_hosts:
            return
        try:
            addresses = [host] if _is_ip(host) else self.resolver(host)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: {exc}") from None
        if not addresses:
            raise FetchError(f"cannot resolve {host}")
        for address in addresses:
            if not address_allowed(address):
                raise Refused(f"address not public: {host} -> {address}")

    def _peer_allowed(self, host: str, peer: str) -> bool:
        return host.lower() in self.allow_hosts or address_allowed(peer)

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        return True if parser is None else parser.can_fetch(self.user_agent, url)

    def _load_robots(self, origin: str) -> RobotFileParser | None:
        """None = everything allowed; a parser otherwise."""
        parser = RobotFileParser()
        try:
            page = self._get(origin + "/robots.txt", robots=False, any_type=True)
        except Refused:
            raise  # the origin itself is refused, whatever its robots.txt
        except FetchError as exc:
            log.info("robots.txt of %s unreachable (%s): origin disallowed", origin, exc)
            parser.disallow_all = True
            return parser
        if 400 <= page.status < 500:
            return None
        if page.status >= 500:
            parser.disallow_all = True
            return parser
        parser.parse(page.text.splitlines())
        return parser

    # -- fetching -----------------------------------------------------------
    def fetch(self, url: str) -> Page:
        """GET ``url`` with every guard; raise :class:`FetchError` subclasses."""
        page = self._get(url, robots=True, any_type=False)
        if page.status >= 400:
            raise FetchError(f"HTTP {page.status}")
        return page

    def _get(self, url: str, *, robots: bool, any_type: bool) -> Page:
        """Every hop of one fetch, under one wall-clock watchdog."""
        started = self.clock()
        expired = threading.Event()
        watchdog = threading.Timer(self.deadline_seconds, self._expire, args=(expired,))
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._hops(url, robots, any_type, started, expired)
        finally:
            watchdog.cancel()

    def _expire(self, expired: threading.Event) -> None:
        """Deadline reached: shut the open sockets, which unblocks any wait on them
        (connect, a trickled header line, a slow body)."""
        expired.set()
        for sock in list(self._sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _hops(self, url: str, robots: bool, any_type: bool, started: float, expired: threading.Event) -> Page:
        current = url
        for _hop in range(self.max_redirects + 1):
            self.check_url(current)
            if robots and not self.allowed_by_robots(current):
                raise Disallowed(f"robots.txt disallows {current}")
            if expired.is_set() or self.clock() - started > self.deadline_seconds:
                raise FetchError("deadline exceeded")
            resp = self._request(current, expired)
            if resp.status_code in REDIRECTS:
                location = resp.headers.get("Location")
                resp.close()
                if not location:
                    raise FetchError(f"HTTP {resp.status_code} without Location")
                current = urljoin(current, location)
                continue
            return self._read(url, current, resp, started, expired, any_type)
        raise FetchError(f"more than {self.max_redirects} redirects")

    def _request(self, url: str, expired: threading.Event) -> requests.Response:
        key = "web:" + (urlsplit(url).hostname or "").lower()
        if self.delay_seconds > 0:
            self.pacer.wait(key, self.delay_seconds)
            if expired.is_set():
                raise FetchError("deadline exceeded")
        self.requests_made += 1
        try:
            return self.session.get(
                url,
                headers={"User-Agent": self.user_agent, "Accept": "text/html, text/plain;q=0.9, */*;q=0.1"},
                timeout=self.timeouts,
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if isinstance(reason, _PeerRefused):
                raise Refused(str(reason.args[-1] if reason.args else reason)) from None
            if expired.is_set():
                raise FetchError("deadline exceeded") from None
            raise FetchError(f"{type(exc).__name__}") from None
        finally:
            if self.delay_seconds > 0:
                self.pacer.done(key)

    def _read(self, url: str, final: str, resp: requests.Response, started: float,
              expired: threading.Event, any_type: bool) -> Page:
        content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not any_type and content_type and content_type not in TEXT_TYPES:
            resp.close()
            raise FetchError(f"not a text page: {content_type}")
        body, truncated = bytearray(), False
        try:
            for chunk in _chunks(resp):
                body += chunk
                if len(body) > self.max_bytes:
                    del body[self.max_bytes:]
                    truncated = True
                    break
                if self.clock() - started > self.deadline_seconds:
                    expired.set()
                    break
        except (requests.RequestException, OSError, ValueError, AttributeError,
                urllib3.exceptions.HTTPError) as exc:
            if not expired.is_set():
                raise FetchError(f"read failed: {type(exc).__name__}") from None
        finally:
            resp.close()
        if expired.is_set():
            log.info("%s: deadline reached after %d bytes", final, len(body))
        text = bytes(body).decode(_charset(resp), errors="replace")
        return Page(url, final, resp.status_code, content_type, text, truncated or expired.is_set(),
                    expired.is_set())


class _PeerRefused(urllib3.exceptions.NewConnectionError):
    """The socket connected to an address the guard refuses."""


def _guarded_adapter(allowed: Callable[[str, str], bool], opened: Callable[[socket.socket], None]) -> HTTPAdapter:
    """An adapter whose connections check the address actually connected to.

    The URL check resolves the name first; this second check, on the socket's
    peer address right after connect and before a byte is sent, closes the gap
    of a DNS answer that changes in between (rebinding).
    """

    def checked(conn, sock):
        peer = sock.getpeername()[0]
        if not allowed(conn.host, peer):
            sock.close()
            raise _PeerRefused(conn, f"address not public: {conn.host} -> {peer}")
        opened(sock)  # so the deadline watchdog can shut it
        return sock

    class HTTPConn(urllib3.connection.HTTPConnection):
        def _new_conn(self):
            return checked(self, super()._new_conn())

    class HTTPSConn(urllib3.connection.HTTPSConnection):
        def _new_conn(self):
            return checked(self, super()._new_conn())

    class HTTPPool(urllib3.HTTPConnectionPool):
        ConnectionCls = HTTPConn

    class HTTPSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = HTTPSConn

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}

    return Adapter(max_retries=0)


def _chunks(resp: requests.Response, size: int = 65536):
    """Yield what has arrived, at most ``size`` bytes at a time, never waiting
    for a full buffer (urllib3's ``read1``), decompressed when encoded."""
    raw = resp.raw
    read1 = getattr(raw, "read1", None)
    if read1 is None:  # pragma: no cover - older urllib3
        yield from resp.iter_content(1024)
        return
    while True:
        chunk = read1(size, decode_content=True)
        if not chunk:
            return
        yield chunk


def _charset(resp: requests.Response) -> str:
    declared = resp.encoding if "charset" in resp.headers.get("Content-Type", "").lower() else None
    if declared:
        try:
            "".encode(declared)
            return declared
        except LookupError:
            log.info("unknown charset %r, decoding as UTF-8", declared)
    return "utf-8"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass
class SourceResult:
    """What one source (README, docs page, homepage) of an engine gave."""

    source: str  # readme | docs | homepage | docs_link
    url: str | None
    status: str  # ok | skipped | refused | disallowed | failed
    error: str | None = None
    signals: dict | None = None


def crawl_engine(
    fetcher: SafeFetcher | None,
    *,
    repo: str | None,
    readme: str | None,
    homepage: str | None,
    docs_url: str | None,
    max_pages: int = 3,
) -> list[SourceResult]:
    """README signals plus those of the engine's docs page and homepage.

    When no docs URL is known, the first documentation link found in the README
    or homepage (a docs root) is fetched too; at most ``max_pages`` pages in all.
    When none of them shows an install command, one more page is read: the
    first installation guide they link to (``install_link``).
    ``fetcher=None`` reads the README only.
    """
    from crawler import signals as sig_mod

    results: list[SourceResult] = []
    found_docs: str | None = None
    if readme:
        base = f"https://github.com/{repo}/blob/HEAD/" if repo else None
        sig = sig_mod.from_markdown(readme, base, repo)
        found_docs = sig_mod.docs_candidate(sig, repo)
        results.append(SourceResult("readme", base, "ok", signals=sig.to_dict()))
    else:
        results.append(SourceResult("readme", None, "skipped", "no README stored"))
    if fetcher is None:
        return results
    queue = [(s, u) for s, u in (("docs", docs_url), ("homepage", homepage)) if u]
    seen: set[str] = set()
    while queue and len(seen) < max_pages:
        source, url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result = fetch_source(fetcher, source, url, repo)
        results.append(result)
        if result.signals and not found_docs:
            found_docs = sig_mod.docs_candidate(sig_mod.Signals.from_dict(result.signals), repo)
        if not queue and not docs_url and found_docs and found_docs not in seen:
            queue.append(("docs_link", found_docs))
    if not any((r.signals or {}).get("install") for r in results):
        guides = [u for r in results for u in (r.signals or {}).get("install_links", []) if u not in seen]
        if guides:
            results.append(fetch_source(fetcher, "install_link", guides[0], repo))
    return results


def fetch_source(fetcher: SafeFetcher, source: str, url: str, project: str | None = None) -> SourceResult:
    from crawler import signals as sig_mod

    try:
        page = fetcher.fetch(url)
    except FetchError as exc:
        return SourceResult(source, url, exc.status, str(exc)[:200])
    if page.content_type in ("text/plain", "text/markdown", "text/x-markdown"):
        sig = sig_mod.from_markdown(page.text, page.final_url, project)
    else:
        sig = sig_mod.from_html(page.text, page.final_url, project)
    data = sig.to_dict()
    data["truncated"] = page.truncated
    return SourceResult(source, url, "ok", "truncated" if page.truncated else None, data)
