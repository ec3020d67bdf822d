"""When each source was last asked, shared by every process that opens the database.

A crawler keeps its own requests apart; this table keeps them apart across
processes too (a nightly run, then a manual crawl, a minute later): before a
request the crawler *claims* a slot, after it *releases* it with the time the
request ended. Times are seconds since the Unix epoch, read from the caller's
clock. It implements :class:`crawler.pacing.SharedTimes`.
"""
from __future__ import annotations

import sqlite_utils

from db.atomic import transaction


class RequestTimes:
    """The ``request_times`` table as a :class:`crawler.pacing.SharedTimes`."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def claim(self, source: str, gap: float, earliest: float) -> float:
        """The time at which the next request to ``source`` may start (not before
        ``earliest``, ``gap`` after the last one); it is noted as the last request,
        in one transaction, so a process asking next waits behind it.

        A last request in the future (a clock set back) holds the next one at most
        ``gap`` beyond ``earliest``."""
        with transaction(self.db):
            row = self.db.conn.execute("SELECT last_request FROM request_times WHERE source = ?",
                                       (source,)).fetchone()
            slot = earliest
            if row is not None:
                slot = min(max(earliest, row[0] + gap), earliest + gap)
            self._set(source, slot)
        return slot

    def release(self, source: str, ended: float) -> None:
        """The request to ``source`` ended at ``ended``: the next waits ``gap`` from here
        (or from a later slot another process has claimed meanwhile)."""
        with transaction(self.db):
            self.db.conn.execute("INSERT INTO request_times (source, last_request) VALUES (?, ?) "
                                 "ON CONFLICT(source) DO UPDATE SET "
                                 "last_request = MAX(last_request, excluded.last_request)", (source, ended))

    def last(self, source: str) -> float | None:
        row = self.db.conn.execute("SELECT last_request FROM request_times WHERE source = ?",
                                   (source,)).fetchone()
        return None if row is None else float(row[0])

    def _set(self, source: str, when: float) -> None:
        self.db.conn.execute("INSERT INTO request_times (source, last_request) VALUES (?, ?) "
                             "ON CONFLICT(source) DO UPDATE SET last_request = excluded.last_request",
                             (source, when))
