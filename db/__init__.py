"""Persistence: the only package that imports sqlite_utils.

``open_db(path)`` returns a ``sqlite_utils.Database`` with foreign keys on, WAL
journaling for files, and the schema brought up to date. A file that cannot be
used (not a database, written by a newer curator, a folder, in a folder that
cannot be written) is refused with :class:`~catalogue.errors.BadInput` naming
the cause, before anything is written to it.

``transaction(db)`` is the one way a unit of work is written: ``BEGIN
IMMEDIATE`` ... ``COMMIT``, rolled back on any exception (a savepoint when a
transaction is already open). sqlite-utils' ``Database.execute`` commits each
write on its own unless a transaction is open, and ``with db.conn:`` opens
none, so every multi-statement write goes through this.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from catalogue.errors import BadInput
from db.atomic import transaction
from db.schema import SCHEMA_VERSION, SchemaTooNew, ensure_schema, schema_version

__all__ = ["open_db", "ensure_schema", "schema_version", "SCHEMA_VERSION", "Database", "transaction",
           "check_integrity"]

Database = sqlite_utils.Database


def open_db(path: str | Path | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database; ``None`` = in memory."""
    if path is None or str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        db = _open_file(Path(path))
    db.execute("PRAGMA foreign_keys = ON")
    # REPLACE must fire delete triggers, or the FTS index drifts from its table.
    db.execute("PRAGMA recursive_triggers = ON")
    try:
        ensure_schema(db)
    except sqlite3.DatabaseError as exc:
        db.conn.close()
        raise BadInput(f"{path}: {_explain(Path(str(path)), exc)}") from None
    return db


def _open_file(path: Path) -> sqlite_utils.Database:
    """The file's connection, or BadInput; the version is read before anything is written
    (switching to WAL rewrites the header)."""
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a database file")
    if not path.parent.is_dir():  # never created here: a mistyped --db must not make folders
        if any(p.exists() and not p.is_dir() for p in [path.parent, *path.parent.parents]):
            raise BadInput(f"{path}: {path.parent} is not a folder (a file is in the way)")
        raise BadInput(f"{path}: the folder {path.parent} does not exist")
    try:
        db = sqlite_utils.Database(str(path))
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"{path}: {_explain(path, exc)}") from None
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(f"database schema version {version} is newer than this curator's "
                               f"({SCHEMA_VERSION}); upgrade curator")
        db.execute("PRAGMA journal_mode = WAL")
    except SchemaTooNew as exc:
        db.conn.close()
        raise BadInput(f"{path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        db.conn.close()
        raise BadInput(f"{path}: {_explain(path, exc)}") from None
    return db


def _explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    """SQLite's message, with the likely cause a user can act on."""
    text = str(exc) or type(exc).__name__
    if "not a database" in text:
        return "not a SQLite database (or an encrypted or damaged one)"
    if "malformed" in text or "corrupt" in text:
        return f"the database file is damaged ({text}); restore it from a backup"
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is read-only ({text})"
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file is read-only ({text})"
    return text


def check_integrity(db: sqlite_utils.Database, where: str) -> None:
    """BadInput unless ``PRAGMA quick_check`` finds the file sound (a write into a
    damaged page could spread the damage)."""
    try:
        rows = [r[0] for r in db.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        first = " ".join(str(rows[0]).split())[:200] if rows else "no answer"
        raise BadInput(f"{where}: the database file is damaged (quick_check: {first}); nothing was written; "
                       f"restore it from a backup")
