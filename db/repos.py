"""Persistence of the GitHub crawl: repos, daily repo_stats, READMEs, ETag cache."""
from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from db.atomic import transaction

from db.runs import now_iso


class HttpCache:
    """The crawler's conditional-request cache, kept in ``http_cache`` so an
    ETag outlives the process (``get(url) -> (etag, body) | None``)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def get(self, url: str) -> tuple[str, str] | None:
        row = self.db.execute("SELECT etag, body FROM http_cache WHERE url = ?", [url]).fetchone()
        return (row[0], row[1]) if row and row[0] and row[1] is not None else None

    def put(self, url: str, etag: str, body: str) -> None:
        with transaction(self.db):
            self.db.conn.execute(
                "INSERT INTO http_cache (url, etag, body, fetched) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, body = excluded.body, "
                "fetched = excluded.fetched", (url, etag, body, now_iso()))


def repos_to_crawl(db: sqlite_utils.Database, candidates: int = 50) -> list[dict[str, Any]]:
    """Engines' repos and up to ``candidates`` repos of labelled papers, least recently
    crawled first (never crawled before all), then engines (by name) before candidates (most
    recently labelled first).

    A crawl stopped by the rate limit therefore resumes with the repositories it
    did not reach. Each row: ``repo`` (as listed), ``fetch_as`` (the name GitHub
    last reported, after a rename), ``engine`` (or None for a paper's repo)."""
    engines = list(db.query("""
        SELECT e.repo, MIN(e.name) AS engine, r.renamed_to, r.last_crawled FROM engines e
        LEFT JOIN repos r ON r.repo = e.repo
        WHERE e.repo IS NOT NULL AND e.repo LIKE '%_/_%'
        GROUP BY e.repo ORDER BY e.repo"""))
    seen = {row["repo"].lower() for row in engines}
    papers = [] if candidates <= 0 else list(db.query("""
        SELECT pr.repo, NULL AS engine, r.renamed_to, r.last_crawled, MAX(l.updated) AS labelled
        FROM paper_repos pr
        JOIN paper_labels l ON l.arxiv_id = pr.arxiv_id AND l.category IS NOT NULL
        LEFT JOIN repos r ON r.repo = pr.repo
        WHERE pr.repo LIKE '%_/_%'
        GROUP BY pr.repo ORDER BY labelled DESC, pr.repo"""))
    chosen = list(engines)
    for row in papers:
        if len(chosen) - len(engines) >= candidates:
            break
        if row["repo"].lower() not in seen:
            seen.add(row["repo"].lower())
            chosen.append(row)
    # stable: ties keep engines by name, then candidates most recently labelled first
    chosen.sort(key=lambda r: (r["last_crawled"] is not None, r["last_crawled"] or "", r["engine"] is None))
    return [{"repo": r["repo"], "fetch_as": r["renamed_to"] or r["repo"], "engine": r["engine"]} for r in chosen]


_STAT_COLUMNS = ("repo_id", "full_name", "stars", "forks", "watchers", "open_issues", "open_prs", "contributors",
                 "commits_90d", "releases", "latest_release", "latest_release_date", "created_at", "pushed_at",
                 "license", "topics", "homepage", "description", "archived", "default_branch",
                 "has_discussions", "median_first_response_hours")


def save_repo_result(db: sqlite_utils.Database, result: Any, date: str, missing_after: int = 3) -> str:
    """Store one crawled repo in one transaction; return its ``repos.status``.

    ``result`` is a :class:`crawler.github.RepoResult`. A found repo gets (or
    updates) the ``repo_stats`` row of ``date``; a missing one only bumps
    ``miss_count`` and becomes ``gone`` after ``missing_after`` misses in a
    row; nothing is deleted."""
    now = now_iso()
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO repos (repo, first_seen) VALUES (?, ?)", (result.repo, now))
        if result.status in ("missing", "blocked"):
            return _save_miss(db, result, now, missing_after)
        if result.status == "error":
            db.conn.execute("UPDATE repos SET last_crawled = ?, last_error = ? WHERE repo = ?",
                            (now, result.error, result.repo))
            return db.execute("SELECT status FROM repos WHERE repo = ?", [result.repo]).fetchone()[0]
        stats = result.stats
        status = "archived" if stats.archived else ("renamed" if result.renamed_to else "ok")
        error = f"unknown: {', '.join(result.unknown)} ({result.error})" if result.unknown else None
        db.conn.execute("""
            UPDATE repos SET repo_id = ?, status = ?, renamed_to = ?, archived = ?, miss_count = 0,
                   last_crawled = ?, last_error = ? WHERE repo = ?""",
                        (stats.repo_id, status, result.renamed_to, int(bool(stats.archived)), now, error, result.repo))
        _save_stats(db, result.repo, date, stats)
        if result.readme is not None:
            _save_readme(db, result.repo, now, result.readme)
        return status


def _save_miss(db: sqlite_utils.Database, result: Any, now: str, missing_after: int) -> str:
    misses = db.execute("SELECT miss_count FROM repos WHERE repo = ?", [result.repo]).fetchone()[0] + 1
    status = "gone" if misses >= missing_after else result.status
    db.conn.execute("UPDATE repos SET status = ?, miss_count = ?, last_crawled = ?, last_error = ? WHERE repo = ?",
                    (status, misses, now, result.error, result.repo))
    return status


def _save_stats(db: sqlite_utils.Database, repo: str, date: str, stats: Any) -> None:
    values = []
    for col in _STAT_COLUMNS:
        v = getattr(stats, col)
        if col == "topics":
            v = json.dumps(v)
        elif isinstance(v, bool):
            v = int(v)
        values.append(v)
    cols = ", ".join(_STAT_COLUMNS)
    marks = ", ".join("?" for _ in _STAT_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _STAT_COLUMNS)
    db.conn.execute(f"INSERT INTO repo_stats (repo, date, {cols}) VALUES (?, ?, {marks}) "
                    f"ON CONFLICT(repo, date) DO UPDATE SET {updates}", (repo, date, *values))


def _save_readme(db: sqlite_utils.Database, repo: str, now: str, readme: Any) -> None:
    if readme.text is None and readme.size is None:
        return  # no README on GitHub: keep whatever we had
    db.conn.execute("""
        INSERT INTO repo_readmes (repo, fetched, size, truncated, text) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(repo) DO UPDATE SET fetched = excluded.fetched, size = excluded.size,
               truncated = excluded.truncated, text = excluded.text""",
                    (repo, now, readme.size, int(readme.truncated), readme.text))


def repo_row(db: sqlite_utils.Database, repo: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM repos WHERE repo = ?", [repo]))
    return rows[0] if rows else None


def stats_rows(db: sqlite_utils.Database, repo: str) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM repo_stats WHERE repo = ? ORDER BY date", [repo]))
