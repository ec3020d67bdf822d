"""Read-only figures for the demo's closing summary."""
from __future__ import annotations

import sqlite_utils


def _count(db: sqlite_utils.Database, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0] or 0)


def demo_summary(db: sqlite_utils.Database, top: int = 3) -> dict:
    """Papers, proposals per category, scored engines and the best Ease-of-Use."""
    proposed = {row["category"]: row["n"] for row in db.query("""
        SELECT category, COUNT(DISTINCT arxiv_id) AS n FROM paper_labels
        WHERE source = 'classifier' AND status = 'proposed' AND category IS NOT NULL
        GROUP BY category ORDER BY n DESC, category""")}
    best = list(db.query("""
        SELECT s.engine, s.ease_of_use, s.ease_of_deployment, s.docs_level FROM engine_scores s
        JOIN (SELECT engine, MAX(date) AS date FROM engine_scores GROUP BY engine) m
          ON m.engine = s.engine AND m.date = s.date
        WHERE s.ease_of_use IS NOT NULL ORDER BY s.ease_of_use DESC, s.engine LIMIT ?""", [top]))
    return {
        "papers": _count(db, "SELECT COUNT(*) FROM papers WHERE source = 'arxiv'"),
        "papers_total": _count(db, "SELECT COUNT(*) FROM papers"),
        "proposed": proposed,
        "engines": _count(db, "SELECT COUNT(*) FROM engines"),
        "repos_crawled": _count(db, "SELECT COUNT(DISTINCT repo) FROM repo_stats"),
        "engines_scored": _count(db, "SELECT COUNT(DISTINCT engine) FROM engine_scores WHERE ease_of_use IS NOT NULL"),
        "top_ease_of_use": best,
    }
