"""A total deadline for one HTTP request made with ``requests``, body included.

Connect and read timeouts bound each wait on a socket, not the request: a
server that sends one byte every few seconds never trips a read timeout and can
hold a request for hours. :class:`SocketWatch` closes that gap in two ways:

- :meth:`SocketWatch.read_body` reads the body as it arrives (urllib3's
  ``read1``, never waiting for a full buffer) and checks an injected clock
  after every piece, so tests can drive the deadline with a fake clock;
- :meth:`SocketWatch.limit` starts a wall-clock watchdog that shuts the
  sockets the session opened once the deadline passes, which unblocks a
  request stuck before its body (trickled headers, a slow connect).

Mount :meth:`SocketWatch.adapter` on the session so its sockets are known.
"""
from __future__ import annotations

import socket
import threading
import weakref
from contextlib import contextmanager
from typing import Callable, Iterator

import requests
import urllib3
from requests.adapters import HTTPAdapter


class DeadlineExceeded(Exception):
    """The request took longer than its total deadline."""


class SocketWatch:
    """Remembers a session's sockets, and shuts them when a request's deadline passes."""

    def __init__(self, seconds: float, clock: Callable[[], float]):
        self.seconds = seconds
        self.clock = clock
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()

    def adapter(self) -> HTTPAdapter:
        """An adapter (no retries of its own) whose new connections report their socket."""
        opened = self._sockets.add

        class HTTPConn(urllib3.connection.HTTPConnection):
            def _new_conn(self):
                sock = super()._new_conn()
                opened(sock)
                return sock

        class HTTPSConn(urllib3.connection.HTTPSConnection):
            def _new_conn(self):
                sock = super()._new_conn()
                opened(sock)
                return sock

        class HTTPPool(urllib3.HTTPConnectionPool):
            ConnectionCls = HTTPConn

        class HTTPSPool(urllib3.HTTPSConnectionPool):
            ConnectionCls = HTTPSConn

        class Adapter(HTTPAdapter):
            def init_poolmanager(self, *args, **kwargs):
                super().init_poolmanager(*args, **kwargs)
                self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}

        return Adapter(max_retries=0)

    @contextmanager
    def limit(self) -> Iterator[threading.Event]:
        """Run one request under the wall-clock watchdog; the event is set once it fired."""
        expired = threading.Event()
        timer = threading.Timer(self.seconds, self._expire, args=(expired,))
        timer.daemon = True
        timer.start()
        try:
            yield expired
        finally:
            timer.cancel()

    def _expire(self, expired: threading.Event) -> None:
        expired.set()
        for sock in list(self._sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def read_body(self, resp: requests.Response, started: float, expired: threading.Event) -> bytes:
        """The whole body of a streamed response, or :class:`DeadlineExceeded` once
        ``seconds`` have passed since ``started`` (by the injected clock) or the
        watchdog fired. Network errors come out as ``requests`` exceptions."""
        chunks: list[bytes] = []
        try:
            while True:
                chunk = resp.raw.read1(65536, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                if expired.is_set() or self.clock() - started > self.seconds:
                    raise DeadlineExceeded(f"no complete answer within {self.seconds:g} s")
        except urllib3.exceptions.ReadTimeoutError:
            raise requests.ReadTimeout("read timed out") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if expired.is_set():
                raise DeadlineExceeded(f"no complete answer within {self.seconds:g} s") from None
            raise requests.ConnectionError(f"connection broken ({type(exc).__name__})") from None
        finally:
            resp.close()
        if expired.is_set():
            raise DeadlineExceeded(f"no complete answer within {self.seconds:g} s")
        return b"".join(chunks)
