"""Persistence: the only package that imports sqlite_utils.

``open_db(path)`` returns a ``sqlite_utils.Database`` with foreign keys on, WAL
journaling for files, and the schema brought up to date.
"""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from catalogue.errors import BadInput
from db.schema import SCHEMA_VERSION, ensure_schema, schema_version

__all__ = ["open_db", "ensure_schema", "schema_version", "SCHEMA_VERSION", "Database"]

Database = sqlite_utils.Database


def open_db(path: str | Path | None = None) -> sqlite_utils.Database:
    """Open (creating the file if needed, never its folder) and migrate the database;
    ``None`` = in memory. BadInput when the folder does not exist."""
    if path is None or str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        if not Path(path).parent.is_dir():
            raise BadInput(f"{path}: the folder {Path(path).parent} does not exist")
        db = sqlite_utils.Database(str(path))
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    # REPLACE must fire delete triggers, or the FTS index drifts from its table.
    db.execute("PRAGMA recursive_triggers = ON")
    ensure_schema(db)
    return db
