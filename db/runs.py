"""The `runs` table: one row per command run, with counts and the error."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlite_utils


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def start_run(db: sqlite_utils.Database, command: str) -> int:
    with db.conn:
        cur = db.conn.execute(
            "INSERT INTO runs (command, started, status) VALUES (?, ?, 'running')",
            (command, now_iso()),
        )
    return cur.lastrowid


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    status: str,
    counts: dict | None = None,
    error: str | None = None,
) -> None:
    with db.conn:
        db.conn.execute(
            "UPDATE runs SET finished = ?, status = ?, counts = ?, error = ? WHERE id = ?",
            (now_iso(), status, json.dumps(counts or {}, sort_keys=True), error, run_id),
        )


def last_runs(db: sqlite_utils.Database, command: str, limit: int = 5) -> list[dict]:
    return list(
        db.query(
            "SELECT * FROM runs WHERE command = ? ORDER BY id DESC LIMIT ?", [command, limit]
        )
    )
