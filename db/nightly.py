"""`runs` rows that nightly writes for steps that recorded nothing themselves."""
from __future__ import annotations

import json

import sqlite_utils

from db.atomic import transaction

from db.runs import now_iso


def record_step(db: sqlite_utils.Database, command: str, started: str, status: str,
                counts: dict | None, error: str | None) -> int:
    """One finished `runs` row for ``command``, in one transaction."""
    with transaction(db):
        cur = db.conn.execute(
            "INSERT INTO runs (command, started, finished, status, counts, error) VALUES (?, ?, ?, ?, ?, ?)",
            (command, started, now_iso(), status, json.dumps(counts or {}, sort_keys=True), error))
    return int(cur.lastrowid)
