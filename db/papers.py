"""Saving arXiv papers (with authors and code links) and the arXiv crawl cursor.

``save_papers`` stores one page in one transaction with bulk statements: rows are
keyed by the version-less arXiv id; a newer version updates the row and keeps
``first_seen``, ``source`` and every label; an older or identical one only marks
the row seen. The crawl cursor is moved in the same transaction, so a crawl
killed half-way keeps every saved page and the next run resumes from there.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import sqlite_utils

from db.atomic import transaction

if TYPE_CHECKING:
    from crawler.atom import Paper

SOURCE = "arxiv"
_FIELDS = ("version", "title", "abstract", "published", "updated", "primary_category", "categories",
           "comment", "journal_ref", "doi", "abs_url")
_UPSERT = f"""
    INSERT INTO papers (arxiv_id, {", ".join(_FIELDS)}, first_seen, last_seen)
    VALUES (?, {", ".join("?" for _ in _FIELDS)}, ?, ?)
    ON CONFLICT (arxiv_id) DO UPDATE SET {", ".join(f"{f} = excluded.{f}" for f in _FIELDS)},
        last_seen = excluded.last_seen"""


@dataclass
class Cursor:
    """Where the crawl of ``query`` has got to; written with the page it follows."""

    query: str
    until: str | None = None  # everything submitted before this is saved
    total: int | None = None
    success: str | None = None


@dataclass
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _row(p: "Paper") -> tuple:
    return (p.version, p.title, p.abstract, p.published, p.updated, p.primary_category,
            json.dumps(p.categories), p.comment, p.journal_ref, p.doi, p.abs_url)


def _latest(papers: Iterable["Paper"]) -> dict[str, "Paper"]:
    """One paper per id: the highest version (the last one seen on a tie)."""
    best: dict[str, "Paper"] = {}
    for p in papers:
        old = best.get(p.arxiv_id)
        if old is None or (p.version or 0) >= (old.version or 0):
            best[p.arxiv_id] = p
    return best


def _existing(db: sqlite_utils.Database, ids: list[str]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT arxiv_id, {', '.join(_FIELDS)} FROM papers WHERE arxiv_id IN ({marks})",
                              chunk):
            out[row[0]] = tuple(row[1:])
    return out


def _save_authors(db: sqlite_utils.Database, papers: list["Paper"]) -> None:
    names = sorted({a for p in papers for a in p.authors})
    db.conn.executemany("INSERT OR IGNORE INTO authors (name) VALUES (?)", [(n,) for n in names])
    ids: dict[str, int] = {}
    for i in range(0, len(names), 900):
        chunk = names[i:i + 900]
        marks = ",".join("?" * len(chunk))
        ids.update(db.execute(f"SELECT name, id FROM authors WHERE name IN ({marks})", chunk).fetchall())
    db.conn.executemany("DELETE FROM paper_authors WHERE arxiv_id = ?", [(p.arxiv_id,) for p in papers])
    db.conn.executemany(
        "INSERT OR IGNORE INTO paper_authors (arxiv_id, author_id, position) VALUES (?, ?, ?)",
        [(p.arxiv_id, ids[a], pos) for p in papers for pos, a in enumerate(p.authors, 1)])


def save_papers(db: sqlite_utils.Database, papers: list["Paper"], now: str,
                cursor: Cursor | None = None) -> SaveCounts:
    """Upsert one page of papers (and move the cursor) in one transaction."""
    counts = SaveCounts()
    latest = _latest(papers)
    with transaction(db):
        existing = _existing(db, list(latest))
        changed: list["Paper"] = []
        seen_only: list[str] = []
        for aid, p in latest.items():
            old = existing.get(aid)
            if old is None:
                counts.new += 1
                changed.append(p)
            elif (p.version or 0) < (old[0] or 0) or _row(p) == old:
                counts.unchanged += 1
                seen_only.append(aid)
            else:
                counts.updated += 1
                changed.append(p)
        db.conn.executemany(_UPSERT, [(p.arxiv_id, *_row(p), now, now) for p in changed])
        db.conn.executemany("UPDATE papers SET last_seen = ? WHERE arxiv_id = ?", [(now, a) for a in seen_only])
        _save_authors(db, changed)
        db.conn.executemany("INSERT OR IGNORE INTO paper_repos (arxiv_id, repo, url) VALUES (?, ?, ?)",
                            [(p.arxiv_id, repo, url) for p in changed for repo, url in p.repos])
        if cursor is not None:
            _save_cursor(db, cursor)
    return counts


def _save_cursor(db: sqlite_utils.Database, c: Cursor) -> None:
    db.conn.execute(
        """INSERT INTO crawl_state (source, query, last_success, last_until, last_total)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (source, query) DO UPDATE SET
             last_success = COALESCE(excluded.last_success, last_success),
             last_until = CASE WHEN last_until IS NULL OR excluded.last_until > last_until
                               THEN COALESCE(excluded.last_until, last_until) ELSE last_until END,
             last_total = COALESCE(excluded.last_total, last_total)""",
        (SOURCE, c.query, c.success, c.until, c.total))


def save_cursor(db: sqlite_utils.Database, cursor: Cursor) -> None:
    """Move the cursor on its own (a crawl that ended with an empty last window)."""
    with transaction(db):
        _save_cursor(db, cursor)


def crawl_state(db: sqlite_utils.Database, query: str) -> dict | None:
    rows = list(db.query("SELECT * FROM crawl_state WHERE source = ? AND query = ?", [SOURCE, query]))
    return rows[0] if rows else None


def ids_to_fill(db: sqlite_utils.Database) -> list[str]:
    """Papers the list references that have no title yet."""
    return [r[0] for r in db.execute(
        "SELECT arxiv_id FROM papers WHERE source = 'list' AND (title IS NULL OR title = '') ORDER BY arxiv_id")]


def paper_authors(db: sqlite_utils.Database, arxiv_id: str) -> list[str]:
    return [r[0] for r in db.execute(
        """SELECT a.name FROM paper_authors pa JOIN authors a ON a.id = pa.author_id
           WHERE pa.arxiv_id = ? ORDER BY pa.position""", [arxiv_id])]
