"""The `runs` table: one row per command run, with counts and the error.

Each run also notes its process (host and pid, in the internal table
``run_processes``). A process killed outright cannot close its row, so the next
run that starts marks every ``running`` row whose process is gone as
``interrupted``: a row of this host whose pid no longer exists, or a row of
another host (a database in WAL mode is only ever shared by processes of one
host, so a run recorded elsewhere is not running on this file).
"""
from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timezone
from typing import Callable

import sqlite_utils

from db.atomic import transaction

INTERRUPTED = "interrupted: its process ended without closing the run (killed or crashed)"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    return True


def start_run(db: sqlite_utils.Database, command: str, *, host: str | None = None, pid: int | None = None,
              alive: Callable[[int], bool] = pid_alive) -> int:
    """Insert a ``running`` row for ``command`` (after closing the rows of dead processes)."""
    host = host or socket.gethostname()
    pid = os.getpid() if pid is None else pid
    with transaction(db):
        mark_interrupted(db, host, pid, alive)
        cur = db.conn.execute(
            "INSERT INTO runs (command, started, status) VALUES (?, ?, 'running')",
            (command, now_iso()),
        )
        run_id = int(cur.lastrowid)
        db.conn.execute("INSERT INTO run_processes (run_id, host, pid) VALUES (?, ?, ?)", (run_id, host, pid))
    return run_id


def mark_interrupted(db: sqlite_utils.Database, host: str, pid: int,
                     alive: Callable[[int], bool] = pid_alive) -> list[int]:
    """Close as ``interrupted`` the ``running`` rows whose process is gone; return their ids.

    Rows of this process and of live processes of this host are left alone; a row
    with no process noted (written before processes were noted) counts as gone."""
    rows = db.conn.execute("""
        SELECT r.id, p.host, p.pid FROM runs r LEFT JOIN run_processes p ON p.run_id = r.id
        WHERE r.status = 'running'""").fetchall()
    gone = [run_id for run_id, h, p in rows
            if h is None or h != host or (p != pid and not alive(p))]
    now = now_iso()
    for run_id in gone:
        db.conn.execute("UPDATE runs SET status = 'interrupted', finished = ?, error = ? WHERE id = ?",
                        (now, INTERRUPTED, run_id))
    return gone


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    status: str,
    counts: dict | None = None,
    error: str | None = None,
) -> None:
    with transaction(db):
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
