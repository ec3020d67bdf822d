"""Keeping requests to one source (arXiv, a web host) a delay apart, across processes too.

A :class:`Pacer` remembers when each key (``arxiv``, ``web:HOST``) was last asked
in this process. Given a :class:`SharedTimes` (the command passes one backed by
the database), it also claims each request's slot there, so whatever process
asks next waits out the remainder of the delay: two crawls run back to back
keep the same pace as one.

Time goes through the injected clock (monotonic seconds) and sleep. The shared
times are wall-clock seconds, taken as the clock's reading plus the offset to
the system time when the pacer was made, so a fake clock drives both.
"""
from __future__ import annotations

import time
from typing import Callable, Protocol


class SharedTimes(Protocol):
    """Where the last request to each key is kept for every process to see."""

    def claim(self, source: str, gap: float, earliest: float) -> float:
        """Reserve the next request's start: at least ``earliest`` and ``gap`` after the
        last request; the reserved time becomes the last request."""
        ...

    def release(self, source: str, ended: float) -> None:
        """The request ended at ``ended``."""
        ...


class Pacer:
    """Waits before each request to a key until ``gap`` seconds after the previous one ended."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, shared: SharedTimes | None = None,
                 wall: Callable[[], float] | None = None):
        self.clock = clock
        self.sleep = sleep
        self.shared = shared
        self._wall = wall
        self._offset = time.time() - clock()
        self._last: dict[str, float] = {}

    def wall(self) -> float:
        """Seconds since the Unix epoch: ``wall()`` when given, else on the injected clock."""
        return self._wall() if self._wall is not None else self._offset + self.clock()

    def wait(self, key: str, gap: float) -> float:
        """Sleep until the request to ``key`` may start; return the seconds slept."""
        wait = 0.0
        last = self._last.get(key)
        if last is not None:
            wait = max(0.0, last + gap - self.clock())
        if self.shared is not None:
            now = self.wall()
            wait = max(wait, self.shared.claim(key, gap, now + wait) - now)
        if wait > 0:
            self.sleep(wait)
        return wait

    def done(self, key: str) -> None:
        """The request to ``key`` has ended (answered or not)."""
        self._last[key] = self.clock()
        if self.shared is not None:
            self.shared.release(key, self.wall())
