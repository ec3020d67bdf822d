"""Pull requests curator opened, what they proposed, and the queries reports need.

Maintainer decisions (a PR merged or closed unmerged) become ``maintainer``
labels and flip the classifier's label, so a rejected paper is never proposed
again and the classifier can learn from both.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import sqlite_utils

from catalogue.vocabulary import HEADINGS
from db.atomic import transaction
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


def last_pr_on_branch(db: sqlite_utils.Database, branch: str) -> int | None:
    """The number of the latest PR curator recorded for ``branch`` (open or closed)."""
    rows = _rows(db, "SELECT MAX(number) AS n FROM pull_requests WHERE branch = ?", (branch,))
    return rows[0]["n"] if rows else None


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


def record_decision(db: sqlite_utils.Database, number: int, merged: bool, kept: Iterable[str] | None = None,
                    closed_at: str | None = None) -> tuple[int, int]:
    """A PR closed: its papers become ``maintainer`` labels; return (accepted, rejected).

    Merged: a paper is accepted when the merged list still links it (``kept``,
    the arXiv ids the merged list links; None = every paper), rejected when a
    maintainer deleted its reference before merging. Closed unmerged: every
    paper is rejected. The classifier's labels take the same status, so a
    rejected paper is never proposed again and the classifier learns from both.
    ``closed_at`` (when GitHub closed it; default now) starts the next update's
    window. One transaction.
    """
    now = now_iso()
    keep = None if kept is None else set(kept)
    accepted = rejected = 0
    with transaction(db):
        papers = pr_papers(db, number)
        for arxiv_id in papers:
            status = "accepted" if merged and (keep is None or arxiv_id in keep) else "rejected"
            accepted += status == "accepted"
            rejected += status == "rejected"
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
                   (int(merged), closed_at or now, number))
    return accepted, rejected


# --- papers --------------------------------------------------------------------

def window_start(db: sqlite_utils.Database) -> str | None:
    """When curator's latest pull request was closed (merged or not), or None: the
    papers an update accounts for are those first seen after it."""
    return db.execute("SELECT MAX(updated) FROM pull_requests WHERE state = 'closed'").fetchone()[0]


_UPDATE_SQL = """
    SELECT p.arxiv_id, p.title, p.abstract, p.published, p.first_seen, p.source,
           c1.relevance, c1.category, c1.technique, c1.confidence, c1.status,
           c2.category AS second, c2.confidence AS second_confidence,
           (SELECT m.status FROM paper_labels m WHERE m.arxiv_id = p.arxiv_id AND m.source = 'maintainer'
             ORDER BY m.rank LIMIT 1) AS maintainer,
           EXISTS (SELECT 1 FROM paper_labels l WHERE l.arxiv_id = p.arxiv_id AND l.source = 'list') AS listed,
           (SELECT a.name FROM paper_authors pa JOIN authors a ON a.id = pa.author_id
             WHERE pa.arxiv_id = p.arxiv_id ORDER BY pa.position LIMIT 1) AS first_author,
           (SELECT COUNT(*) FROM paper_authors pa WHERE pa.arxiv_id = p.arxiv_id) AS authors,
           (SELECT r.url FROM paper_repos r WHERE r.arxiv_id = p.arxiv_id ORDER BY r.repo LIMIT 1) AS code_url,
           (? IS NOT NULL AND p.first_seen < ?) AS earlier
    FROM papers p
    LEFT JOIN paper_labels c1 ON c1.arxiv_id = p.arxiv_id AND c1.source = 'classifier' AND c1.rank = 1
    LEFT JOIN paper_labels c2 ON c2.arxiv_id = p.arxiv_id AND c2.source = 'classifier' AND c2.rank = 2
    WHERE (p.source = 'arxiv' AND (? IS NULL OR p.first_seen >= ?))
       OR (c1.status = 'proposed' AND c1.category IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM paper_labels m WHERE m.arxiv_id = p.arxiv_id AND m.source = 'maintainer'))
    ORDER BY p.arxiv_id"""


def update_papers(db: sqlite_utils.Database, since: str | None) -> list[dict[str, Any]]:
    """The papers an update accounts for, with the classifier's two likeliest
    categories and what the list and maintainers said: every paper crawled from
    arXiv since ``since`` (all when None), and earlier papers the classifier
    proposed that no maintainer decided yet (``earlier`` = 1)."""
    return _rows(db, _UPDATE_SQL, (since, since, since, since))


def accepted_papers(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Papers a maintainer accepted (merged), with the category and technique they were proposed under."""
    return _rows(db, """
        SELECT l.arxiv_id, l.category, l.technique, p.title, p.published,
               (SELECT a.name FROM paper_authors pa JOIN authors a ON a.id = pa.author_id
                 WHERE pa.arxiv_id = l.arxiv_id ORDER BY pa.position LIMIT 1) AS first_author,
               (SELECT COUNT(*) FROM paper_authors pa WHERE pa.arxiv_id = l.arxiv_id) AS authors
        FROM paper_labels l JOIN papers p ON p.arxiv_id = l.arxiv_id
        WHERE l.source = 'maintainer' AND l.status = 'accepted' AND l.rank = 1 AND l.category IS NOT NULL
        ORDER BY l.arxiv_id""")


def list_paper_titles(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Papers the list cites that have a title: (arxiv_id, title, category, label, url)."""
    return _rows(db, """
        SELECT r.arxiv_id, p.title, t.category, r.label, r.url FROM technique_refs r
        JOIN techniques t ON t.id = r.technique_id JOIN papers p ON p.arxiv_id = r.arxiv_id
        WHERE p.title IS NOT NULL AND p.title != ''
        UNION
        SELECT l.arxiv_id, p.title, NULL, l.label, l.url FROM engine_links l
        JOIN papers p ON p.arxiv_id = l.arxiv_id
        WHERE p.title IS NOT NULL AND p.title != ''
        ORDER BY 1, 3""")


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


def star_history(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _rows(db, "SELECT engine, repo, date, stars FROM star_history ORDER BY engine, date")


# --- list hygiene ------------------------------------------------------------------

def duplicated_entries(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Engines listed in more than one section, and references under several techniques."""
    engines = _rows(db, """SELECT engine AS name, group_concat(section, ' / ') AS sections
                           FROM (SELECT engine, section FROM engine_sections ORDER BY engine, position, section)
                           GROUP BY engine HAVING COUNT(*) > 1 ORDER BY engine""")
    rows = _rows(db, """SELECT r.url, t.category, t.name FROM technique_refs r JOIN techniques t ON t.id = r.technique_id
                        WHERE r.url IN (SELECT r2.url FROM technique_refs r2 GROUP BY r2.url
                                        HAVING COUNT(DISTINCT r2.technique_id) > 1)
                        ORDER BY r.url, t.category, t.name""")
    refs: dict[str, list[str]] = {}
    for r in rows:  # categories as the list writes them
        refs.setdefault(r["url"], []).append(f"{HEADINGS.get(r['category'], r['category'])}: {r['name']}")
    return engines + [{"name": url, "sections": " / ".join(where)} for url, where in refs.items()]


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
