"""Engine facts from documentation: the marks, their history, the docs read, the
matrix proposals a maintainer decided on. Migration, save and query functions.

Tables (migration :func:`migrate`, number 2 of ``db.schema.MIGRATIONS``):

- ``engine_features``: one row per engine, matrix group and feature (the list's
  column name): ``supported`` 1, 0 or NULL (unknown), the evidence quote, its
  URL at the commit read, the date, the ``basis`` of the decision and ``weak``
  for a vendor page summary;
- ``engine_feature_history``: one row each time a mark changed (a first reading
  that decides the mark included): old and new mark, on what evidence, when;
- ``docs_reads``: one row per engine per crawl date: where the docs were read,
  which commit, how many pages, and the page signals (JSON) scoring reads;
- ``feature_proposals``: every cell a pull request proposed for a hand-made
  matrix, keyed by the evidence it rests on: ``open`` while its pull request
  is, then ``accepted`` (the list took the mark) or ``rejected``. A rejected
  proposal is not made again until its evidence changes.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

import sqlite_utils

from db.atomic import transaction

GROUPS = ("hardware", "optimization", "precision")
BASES = ("stated", "denied", "planned", "excluded")
PROPOSAL_STATES = ("open", "accepted", "rejected")
FEATURE_COLUMNS = ("supported", "evidence", "url", "date", "basis", "weak")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def migrate(db: sqlite_utils.Database) -> None:
    """Migration 2: the engine feature tables."""
    db.execute(f"""
        CREATE TABLE engine_features (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            grp TEXT NOT NULL CHECK ({_in('grp', GROUPS)}),
            feature TEXT NOT NULL,
            supported INTEGER CHECK (supported IS NULL OR supported IN (0, 1)),
            evidence TEXT CHECK (evidence IS NULL OR length(evidence) <= 300),
            url TEXT,
            date TEXT,
            basis TEXT CHECK (basis IS NULL OR {_in('basis', BASES)}),
            weak INTEGER NOT NULL DEFAULT 0,
            checked TEXT NOT NULL,
            PRIMARY KEY (engine, grp, feature)
        )""")
    db.execute("CREATE INDEX idx_engine_features_feature ON engine_features(grp, feature, supported)")
    db.execute(f"""
        CREATE TABLE engine_feature_history (
            id INTEGER PRIMARY KEY,
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            grp TEXT NOT NULL CHECK ({_in('grp', GROUPS)}),
            feature TEXT NOT NULL,
            changed TEXT NOT NULL,
            old_supported INTEGER,
            supported INTEGER,
            evidence TEXT,
            url TEXT,
            date TEXT,
            basis TEXT
        )""")
    db.execute("CREATE INDEX idx_engine_feature_history ON engine_feature_history(engine, grp, feature, changed)")
    db.execute("""
        CREATE TABLE docs_reads (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            date TEXT NOT NULL,
            source TEXT NOT NULL,
            repo TEXT,
            commit_sha TEXT,
            pages INTEGER NOT NULL DEFAULT 0,
            readme_only INTEGER,
            truncated INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            error TEXT,
            extractor TEXT,
            signals TEXT,
            PRIMARY KEY (engine, date)
        )""")
    db.execute(f"""
        CREATE TABLE feature_proposals (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            grp TEXT NOT NULL CHECK ({_in('grp', GROUPS)}),
            feature TEXT NOT NULL,
            proposed INTEGER NOT NULL CHECK (proposed IN (0, 1)),
            evidence_key TEXT NOT NULL,
            listed INTEGER,
            evidence TEXT,
            url TEXT,
            pr_number INTEGER REFERENCES pull_requests(number),
            status TEXT NOT NULL CHECK ({_in('status', PROPOSAL_STATES)}),
            proposed_on TEXT NOT NULL,
            decided TEXT,
            PRIMARY KEY (engine, grp, feature, proposed, evidence_key)
        )""")
    db.create_view("feature_matrix", """
        SELECT f.engine, e.kind, f.grp, f.feature, f.supported,
               CASE f.supported WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE 'unknown' END AS mark,
               f.basis, f.weak, f.evidence, f.url, f.date
        FROM engine_features f JOIN engines e ON e.name = f.engine
        WHERE e.in_list = 1""", replace=True)


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, tuple(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


# --- what to read ---------------------------------------------------------------------------

def engines_to_read(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every engine in the list: name, kind, repo, homepage, docs_url."""
    return _rows(db, "SELECT name, kind, repo, homepage, docs_url FROM engines WHERE in_list = 1 ORDER BY name")


def engine_names(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Name and repo of every engine ever listed (for telling other engines' sentences apart)."""
    return _rows(db, "SELECT name, repo FROM engines ORDER BY name")


def last_read(db: sqlite_utils.Database, engine: str) -> dict[str, Any] | None:
    """The engine's latest successful docs read."""
    rows = _rows(db, """SELECT * FROM docs_reads WHERE engine = ? AND status = 'ok'
                        ORDER BY date DESC LIMIT 1""", (engine,))
    return rows[0] if rows else None


# --- saving ---------------------------------------------------------------------------------

def save_docs_read(db: sqlite_utils.Database, engine: str, date: str, read: dict[str, Any]) -> None:
    """One engine's docs read of ``date`` (replaces a read of the same day). ``read`` has
    source, repo, commit, pages, readme_only, truncated, status, error, extractor, signals."""
    with transaction(db):
        db.conn.execute(
            """INSERT OR REPLACE INTO docs_reads (engine, date, source, repo, commit_sha, pages, readme_only,
                   truncated, status, error, extractor, signals) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            (engine, date, read["source"], read.get("repo"), read.get("commit"), int(read.get("pages") or 0),
             None if read.get("readme_only") is None else int(bool(read["readme_only"])),
             int(bool(read.get("truncated"))), read["status"], read.get("error"), read.get("extractor"),
             json.dumps(read["signals"], sort_keys=True) if read.get("signals") is not None else None))


def save_engine_features(db: sqlite_utils.Database, engine: str, checked: str,
                         marks: Iterable[dict[str, Any]]) -> int:
    """Upsert one engine's marks (dicts with grp, feature and :data:`FEATURE_COLUMNS`) in
    one transaction; a mark that changed, or is first read as supported or not, gets a
    history row. A changed quote under the same mark updates the row only; the same quote
    read at a newer commit keeps its URL and date. Returns how many marks changed."""
    changed = 0
    with transaction(db):
        current = {(r["grp"], r["feature"]): r for r in _rows(
            db, "SELECT grp, feature, supported, evidence, url, date FROM engine_features WHERE engine = ?", (engine,))}
        for mark in marks:
            key = (mark["grp"], mark["feature"])
            old = current.get(key)
            if old is not None and (old["supported"], old["evidence"]) == (mark.get("supported"), mark.get("evidence")):
                # the same quote at a newer commit: keep the link to where it was first read, so the
                # list's links (and the nightly diff) only move when the evidence does
                mark = {**mark, "url": old["url"], "date": old["date"]}
            values = [mark.get(c) for c in FEATURE_COLUMNS]
            values[FEATURE_COLUMNS.index("weak")] = int(bool(mark.get("weak")))
            db.conn.execute(
                f"""INSERT INTO engine_features (engine, grp, feature, {', '.join(FEATURE_COLUMNS)}, checked)
                    VALUES (?, ?, ?, {', '.join('?' for _ in FEATURE_COLUMNS)}, ?)
                    ON CONFLICT(engine, grp, feature) DO UPDATE SET
                    {', '.join(f'{c} = excluded.{c}' for c in FEATURE_COLUMNS)}, checked = excluded.checked""",
                (engine, *key, *values, checked))
            first_unknown = old is None and mark.get("supported") is None
            if not first_unknown and (old is None or old["supported"] != mark.get("supported")):
                changed += 1
                db.conn.execute(
                    """INSERT INTO engine_feature_history (engine, grp, feature, changed, old_supported, supported,
                           evidence, url, date, basis) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                    (engine, *key, checked, None if old is None else old["supported"], mark.get("supported"),
                     mark.get("evidence"), mark.get("url"), mark.get("date"), mark.get("basis")))
    return changed


# --- reading --------------------------------------------------------------------------------

def features_of(db: sqlite_utils.Database, engine: str | None = None) -> list[dict[str, Any]]:
    """Marks of listed engines (one engine, or all), sorted by engine, group, feature."""
    sql = """SELECT f.* FROM engine_features f JOIN engines e ON e.name = f.engine WHERE e.in_list = 1"""
    params: list[Any] = []
    if engine is not None:
        sql += " AND f.engine = ?"
        params.append(engine)
    return _rows(db, sql + " ORDER BY f.engine COLLATE NOCASE, f.grp, f.feature", params)


def engines_supporting(db: sqlite_utils.Database, feature: str) -> list[dict[str, Any]]:
    """Engines whose docs say they support ``feature`` (a column name, any group)."""
    return _rows(db, """SELECT engine, grp, feature, evidence, url, date FROM engine_features
                        WHERE feature = ? COLLATE NOCASE AND supported = 1 ORDER BY engine COLLATE NOCASE""",
                 (feature,))


def history(db: sqlite_utils.Database, engine: str) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM engine_feature_history WHERE engine = ? ORDER BY id", (engine,))


def docs_signal_rows(db: sqlite_utils.Database, engine: str, since: str, until: str) -> list[dict[str, Any]]:
    """The engine's newest successful docs read between the dates, shaped like a
    ``web_signals`` row (source ``docs_read``) so scoring merges it with the others."""
    rows = _rows(db, """SELECT engine, date, 'docs_read' AS source, NULL AS url, status, error, signals
                        FROM docs_reads WHERE engine = ? AND status = 'ok' AND signals IS NOT NULL
                          AND date >= ? AND date <= ? ORDER BY date DESC LIMIT 1""", (engine, since, until))
    for row in rows:
        row["signals"] = json.loads(row["signals"])
    return rows


# --- proposals for hand-made matrices --------------------------------------------------------

def evidence_key(evidence: str | None, url: str | None) -> str:
    """What a proposal rests on, as a short digest: the same quote at the same page."""
    return hashlib.sha256(f"{evidence or ''}\n{url or ''}".encode("utf-8")).hexdigest()[:16]


def record_proposals(db: sqlite_utils.Database, pr_number: int, proposals: Iterable[Any], on: str) -> None:
    """The cells a pull request proposes (objects with engine, grp, feature, proposed,
    listed, evidence, url, key); already decided ones keep their decision."""
    with transaction(db):
        for p in proposals:
            db.conn.execute(
                """INSERT INTO feature_proposals (engine, grp, feature, proposed, evidence_key, listed, evidence, url,
                       pr_number, status, proposed_on) VALUES (?,?,?,?,?,?,?,?,?, 'open', ?)
                   ON CONFLICT(engine, grp, feature, proposed, evidence_key) DO UPDATE SET
                       pr_number = excluded.pr_number WHERE status = 'open'""",
                (p.engine, p.grp, p.feature, p.proposed, p.key, p.listed, p.evidence, p.url, pr_number, on))


def settle_proposals(db: sqlite_utils.Database, listed: dict[tuple[str, str, str], int | None], on: str) -> int:
    """Open proposals whose pull request has closed: ``accepted`` when the list now shows
    the proposed mark (``listed`` maps (engine, grp, feature) to the list's mark),
    ``rejected`` otherwise. Returns how many were settled."""
    rows = _rows(db, """SELECT p.engine, p.grp, p.feature, p.proposed, p.evidence_key FROM feature_proposals p
                        JOIN pull_requests r ON r.number = p.pr_number
                        WHERE p.status = 'open' AND r.state = 'closed'""")
    with transaction(db):
        for r in rows:
            status = "accepted" if listed.get((r["engine"], r["grp"], r["feature"])) == r["proposed"] else "rejected"
            db.conn.execute("""UPDATE feature_proposals SET status = ?, decided = ?
                               WHERE engine = ? AND grp = ? AND feature = ? AND proposed = ? AND evidence_key = ?""",
                            (status, on, r["engine"], r["grp"], r["feature"], r["proposed"], r["evidence_key"]))
    return len(rows)


def rejected_proposals(db: sqlite_utils.Database) -> set[tuple[str, str, str, int, str]]:
    """(engine, grp, feature, proposed, evidence_key) of every rejected proposal."""
    return {(r["engine"], r["grp"], r["feature"], r["proposed"], r["evidence_key"]) for r in _rows(
        db, "SELECT engine, grp, feature, proposed, evidence_key FROM feature_proposals WHERE status = 'rejected'")}
