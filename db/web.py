"""Persistence of web signals and engine scores, and the reads scoring needs."""
from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from db.atomic import transaction


def engines_to_crawl(db: sqlite_utils.Database) -> list[dict]:
    """Every engine in the list with its repo, pages and stored README text."""
    return list(db.query("""
        SELECT e.name, e.repo, e.homepage, e.docs_url, r.text AS readme
        FROM engines e LEFT JOIN repo_readmes r ON r.repo = e.repo
        WHERE e.in_list = 1 ORDER BY e.name"""))


def save_web_signals(db: sqlite_utils.Database, engine: str, date: str, rows: list[dict]) -> None:
    """Replace one engine's rows of ``date`` in one transaction.

    Each row: source, url, status, error, signals (a dict or None)."""
    with transaction(db):
        db.conn.execute("DELETE FROM web_signals WHERE engine = ? AND date = ?", (engine, date))
        for row in rows:
            db.conn.execute(
                "INSERT INTO web_signals (engine, date, source, url, status, error, signals) VALUES (?,?,?,?,?,?,?)",
                (engine, date, row["source"], row.get("url"), row["status"], row.get("error"),
                 json.dumps(row["signals"], sort_keys=True) if row.get("signals") is not None else None),
            )


def latest_web_signals(db: sqlite_utils.Database, engine: str) -> list[dict]:
    """The rows of the engine's latest crawl date, signals decoded."""
    rows = list(db.query("""
        SELECT * FROM web_signals WHERE engine = ?
          AND date = (SELECT MAX(date) FROM web_signals WHERE engine = ?)
        ORDER BY source""", [engine, engine]))
    for row in rows:
        row["signals"] = json.loads(row["signals"]) if row["signals"] else None
    return rows


def usable_web_signals(db: sqlite_utils.Database, engine: str, since: str, until: str) -> list[dict]:
    """Per source, the newest successful reading between ``since`` and ``until``.

    A page that failed tonight (network, 5xx) keeps its last good reading
    within the window, so a transient failure does not move the scores."""
    rows = list(db.query("""
        SELECT w.* FROM web_signals w
        JOIN (SELECT source, MAX(date) AS date FROM web_signals
              WHERE engine = :e AND status = 'ok' AND date >= :since AND date <= :until
              GROUP BY source) m ON m.source = w.source AND m.date = w.date
        WHERE w.engine = :e ORDER BY w.source""", {"e": engine, "since": since, "until": until}))
    for row in rows:
        row["signals"] = json.loads(row["signals"]) if row["signals"] else None
    return rows


def engines_to_score(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT name, repo FROM engines WHERE in_list = 1 ORDER BY name"))


def stats_history(db: sqlite_utils.Database, repo: str | None, since: str | None = None) -> list[dict]:
    if not repo:
        return []
    sql = "SELECT * FROM repo_stats WHERE repo = ?"
    args: list[Any] = [repo]
    if since:
        sql += " AND date >= ?"
        args.append(since)
    return list(db.query(sql + " ORDER BY date", args))


def save_engine_score(db: sqlite_utils.Database, engine: str, date: str, score: dict) -> None:
    """One row per engine per date; a re-run the same day replaces it."""
    with transaction(db):
        db.conn.execute(
            """INSERT OR REPLACE INTO engine_scores (engine, date, ease_of_use, docs_level, sns, forum,
                   meetup, ease_of_deployment, docs_score, community_score, activity_score, components)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            (engine, date, score["ease_of_use"], score["docs_level"], _bool(score["sns"]),
             _bool(score["forum"]), _bool(score["meetup"]), score["ease_of_deployment"],
             score["docs_score"], score["community_score"], score["activity_score"],
             json.dumps(score["components"], sort_keys=True)),
        )


def scores_of(db: sqlite_utils.Database, date: str) -> list[dict]:
    return list(db.query("SELECT * FROM engine_scores WHERE date = ? ORDER BY engine", [date]))


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))
