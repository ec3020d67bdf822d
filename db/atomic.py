"""``transaction(db)``: the one way a unit of work is written.

``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception (a savepoint
when a transaction is already open). sqlite-utils' ``Database.execute`` commits
each write on its own unless a transaction is open, and ``with db.conn:`` opens
none, so every multi-statement write goes through this.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlite_utils


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One unit of work: all of it is committed, or none of it."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
