"""Pull requests curator opened, what they proposed, and the queries reports need.

Maintainer decisions (a PR merged or closed unmerged) become ``maintainer``
labels and flip the classifier's label, so a rejected paper is never proposed
again and the classifier can learn from both.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import sqlite_utils

from db import transaction

from db.runs import now_iso

# Repository states the GitHub crawl uses for links that lead nowhere.
DEAD_REPO_STATES = ("missing", "not_found", "gone", "blocked")
# Web-signal states that mean the page answered.
LIVE_WEB_STATES = ("ok", "not_modified", "unchanged", "cached", "skipped")
ENGINE_WORDS = ("inference", "serving", "serve", "engine", "runtime", "llm", "decoding", "kv cache", "kv-cache")


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, tuple(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


# --- pull requests -----------------------------------------------------------

def save_pr(db: sqlite_utils.Database, number: int, branch: str, title: str, head_sha: str | None,
            items: Iterable[tuple[str, str]]) -> None:
    """Record an open PR and replace the set of items it proposes."""
    now = now_iso()
    with transaction(db):
        db.execute(
            """INSERT INTO pull_requests (number, branch, title, state, merged, head_sha, created, updated)
               VALUES (?, ?, ?, 'open', 0, ?, ?, ?)
               ON CONFLICT(number) DO UPDATE SET branch = excluded.branch, title = excluded.title,
                 state = 'open', head_sha = COALESCE(excluded.head_sha, head_sha), updated = excluded.updated""",
            (number, branch, title, head_sha, now, now),
        )
        db.execute("DELETE FROM pr_items WHERE pr_number = ? AND kind != 'held'", (number,))
        db.conn.executemany(
            "INSERT OR IGNORE INTO pr_items (pr_number, kind, key) VALUES (?, ?, ?)",
            [(number, kind, key) for kind, key in sorted(set(items))],
        )


def open_prs(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM pull_requests WHERE state = 'open' ORDER BY number")


def pr_row(db: sqlite_utils.Database, number: int) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM pull_requests WHERE number = ?", (number,))
    return rows[0] if rows else None


def pr_papers(db: sqlite_utils.Database, number: int) -> list[str]:
    return [r["key"] for r in _rows(
        db, "SELECT key FROM pr_items WHERE pr_number = ? AND kind = 'paper' ORDER BY key", (number,))]


def set_held(db: sqlite_utils.Database, number: int, digest: str) -> None:
    """Remember that the update was held for this set of maintainer commits (kind 'held')."""
    with transaction(db):
        db.execute("DELETE FROM pr_items WHERE pr_number = ? AND kind = 'held'", (number,))
        db.execute("INSERT INTO pr_items (pr_number, kind, key) VALUES (?, 'held', ?)", (number, digest))


def held_digest(db: sqlite_utils.Database, number: int) -> str | None:
    rows = _rows(db, "SELECT key FROM pr_items WHERE pr_number = ? AND kind = 'held'", (number,))
    return rows[0]["key"] if rows else None


def record_decision(db: sqlite_utils.Database, number: int, merged: bool) -> int:
    """A PR closed: mark its papers accepted (merged) or rejected; return how many.

    Each paper gets a ``maintainer`` label and its classifier labels take the
    same status. One transaction.
    """
    status = "accepted" if merged else "rejected"
    now = now_iso()
    with transaction(db):
        papers = pr_papers(db, number)
        for arxiv_id in papers:
            best = _rows(db, """SELECT category, technique, confidence FROM paper_labels
                                WHERE arxiv_id = ? AND source = 'classifier' ORDER BY rank LIMIT 1""",
                         (arxiv_id,))
            cat, tech = (best[0]["category"], best[0]["technique"]) if best else (None, None)
            db.execute(
                """INSERT INTO paper_labels (arxiv_id, category, technique, confidence, source, status,
                                             rank, pr_number, created, updated)
                   VALUES (?, ?, ?, 1.0, 'maintainer', ?, 1, ?, ?, ?)
                   ON CONFLICT(arxiv_id, source, rank) DO UPDATE SET status = excluded.status,
                     category = excluded.category, technique = excluded.technique,
                     pr_number = excluded.pr_number, updated = excluded.updated""",
                (arxiv_id, cat, tech, status, number, now, now),
            )
            db.execute("""UPDATE paper_labels SET status = ?, pr_number = ?, updated = ?
                          WHERE arxiv_id = ? AND source = 'classifier'""", (status, number, now, arxiv_id))
        db.execute("UPDATE pull_requests SET state = 'closed', merged = ?, updated = ? WHERE number = ?",
                   (int(merged), now, number))
    return len(papers)


# --- papers --------------------------------------------------------------------

_PAPER_SQL = """
    SELECT l.arxiv_id, l.category, l.technique, l.confidence, l.status, p.title, p.published,
           (SELECT a.name FROM paper_authors pa JOIN authors a ON a.id = pa.author_id
             WHERE pa.arxiv_id = l.arxiv_id ORDER BY pa.position LIMIT 1) AS first_author,
           (SELECT COUNT(*) FROM paper_authors pa WHERE pa.arxiv_id = l.arxiv_id) AS authors,
           (SELECT r.url FROM paper_repos r WHERE r.arxiv_id = l.arxiv_id ORDER BY r.repo LIMIT 1) AS code_url
    FROM paper_labels l JOIN papers p ON p.arxiv_id = l.arxiv_id
    WHERE l.source = 'classifier' AND l.rank = 1 AND l.category IS NOT NULL
      AND l.status != 'rejected'
      AND NOT EXISTS (SELECT 1 FROM paper_labels x WHERE x.arxiv_id = l.arxiv_id AND x.status = 'rejected')
"""


def listed_papers(db: sqlite_utils.Database, threshold: float, category: str | None = None) -> list[dict[str, Any]]:
    """Classified papers at or above ``threshold``, never rejected; newest first."""
    sql = _PAPER_SQL + " AND l.confidence >= ?"
    params: list[Any] = [threshold]
    if category is not None:
        sql += " AND l.category = ?"
        params.append(category)
    return _rows(db, sql + " ORDER BY p.published DESC, l.arxiv_id", params)


def low_confidence_papers(db: sqlite_utils.Database, floor: float, threshold: float) -> list[dict[str, Any]]:
    """Proposed papers just below the bar, for a maintainer to pick."""
    return _rows(db, _PAPER_SQL + " AND l.status = 'proposed' AND l.confidence >= ? AND l.confidence < ?"
                 " ORDER BY l.confidence DESC, l.arxiv_id", (floor, threshold))


def technique_refs(db: sqlite_utils.Database, category: str, technique: str | None) -> list[dict[str, Any]]:
    """The list's references for a technique (by name, within the category)."""
    return _rows(db, """SELECT r.url, r.label, r.arxiv_id, t.name AS technique
                        FROM technique_refs r JOIN techniques t ON t.id = r.technique_id
                        WHERE t.category = ? AND (? IS NULL OR t.name = ?)
                        ORDER BY t.name, r.url""", (category, technique, technique))


# --- repositories ----------------------------------------------------------------

def candidate_engines(db: sqlite_utils.Database, threshold: float) -> list[dict[str, Any]]:
    """Repos from relevant papers or crawls that look like engines and are not listed."""
    rows = _rows(db, """
        WITH seen AS (
            SELECT r.repo, MIN(r.url) AS url, MIN(r.arxiv_id) AS arxiv_id FROM paper_repos r
            JOIN paper_labels l ON l.arxiv_id = r.arxiv_id
            WHERE l.source = 'classifier' AND l.category IS NOT NULL AND l.status != 'rejected'
              AND l.confidence >= ?
            GROUP BY r.repo
            UNION
            SELECT repo, 'https://github.com/' || repo, NULL FROM repos)
        SELECT s.repo, MIN(s.url) AS url, MIN(s.arxiv_id) AS arxiv_id, st.stars, st.description, st.topics
        FROM seen s LEFT JOIN latest_repo_stats st ON lower(st.repo) = lower(s.repo)
        WHERE lower(s.repo) NOT IN (SELECT lower(repo) FROM engines WHERE repo IS NOT NULL)
        GROUP BY s.repo""", (threshold,))
    out = [r for r in rows if _looks_like_engine(r)]
    return sorted(out, key=lambda r: (-(r["stars"] or 0), r["repo"].lower()))


def _looks_like_engine(row: dict[str, Any]) -> bool:
    text = " ".join(str(row.get(k) or "") for k in ("repo", "description", "topics")).lower()
    return any(word in text for word in ENGINE_WORDS)


def star_movers(db: sqlite_utils.Database, limit: int = 10) -> list[dict[str, Any]]:
    """Listed engines whose stars changed most between their last two crawls."""
    rows = _rows(db, """
        SELECT e.name, s.repo, s.date, s.stars,
               (SELECT p.stars FROM repo_stats p WHERE p.repo = s.repo AND p.date < s.date
                  AND p.stars IS NOT NULL ORDER BY p.date DESC LIMIT 1) AS previous
        FROM engines e JOIN latest_repo_stats s ON s.repo = e.repo
        WHERE s.stars IS NOT NULL""")
    moved = [dict(r, delta=r["stars"] - r["previous"]) for r in rows
             if r["previous"] is not None and r["stars"] != r["previous"]]
    moved.sort(key=lambda r: (-abs(r["delta"]), r["name"].lower()))
    return moved[:limit]


def star_history(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _rows(db, "SELECT engine, repo, date, stars FROM star_history ORDER BY engine, date")


# --- list hygiene ------------------------------------------------------------------

def duplicated_entries(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Engines listed in more than one section, and references under several techniques."""
    engines = _rows(db, """SELECT engine AS name, group_concat(section, ' / ') AS sections
                           FROM (SELECT engine, section FROM engine_sections ORDER BY engine, position, section)
                           GROUP BY engine HAVING COUNT(*) > 1 ORDER BY engine""")
    refs = _rows(db, """SELECT r.url AS name, group_concat(t.category || ': ' || t.name, ' / ') AS sections
                        FROM (SELECT * FROM technique_refs ORDER BY url) r
                        JOIN techniques t ON t.id = r.technique_id
                        GROUP BY r.url HAVING COUNT(DISTINCT t.id) > 1 ORDER BY r.url""")
    return engines + refs


def dead_links(db: sqlite_utils.Database, missing_after: int) -> list[dict[str, Any]]:
    """Repos the crawl could not find, and engine pages that did not answer."""
    marks = ", ".join("?" for _ in DEAD_REPO_STATES)
    repos = _rows(db, f"""SELECT 'https://github.com/' || repo AS url, status AS why FROM repos
                          WHERE status IN ({marks}) OR miss_count >= ? ORDER BY repo""",
                  (*DEAD_REPO_STATES, missing_after))
    live = ", ".join("?" for _ in LIVE_WEB_STATES)
    pages = _rows(db, f"""
        SELECT w.url, w.engine || ' ' || w.source || ': ' || w.status AS why FROM web_signals w
        JOIN (SELECT engine, source, MAX(date) AS date FROM web_signals GROUP BY engine, source) m
          ON m.engine = w.engine AND m.source = w.source AND m.date = w.date
        WHERE w.status NOT IN ({live}) AND w.url IS NOT NULL ORDER BY w.engine, w.source""", LIVE_WEB_STATES)
    return repos + pages


def failed_steps(db: sqlite_utils.Database, steps: Sequence[str]) -> list[dict[str, Any]]:
    """The ``steps`` (commands as `runs` names them) that failed in the current night.

    The night starts at the latest ``nightly`` run (the whole history when
    there is none). Of each step only its latest run in that window counts, so
    a failure that a later run of the same step made good is not reported, nor
    is one from an earlier night. Rows ``command``, ``status``, ``error``, in
    the order the steps ran.
    """
    if not steps:
        return []
    marks = ", ".join("?" for _ in steps)
    return _rows(db, f"""
        WITH night AS (SELECT COALESCE(MAX(id), 0) AS since FROM runs WHERE command = 'nightly')
        SELECT r.command, r.status, r.error FROM runs r
        JOIN (SELECT command, MAX(id) AS id FROM runs
              WHERE command IN ({marks}) AND id > (SELECT since FROM night) GROUP BY command) m
          ON m.id = r.id
        WHERE r.status NOT IN ('ok', 'running') ORDER BY r.id""", steps)
