"""Datasette for the curator database: metadata, canned queries, a safe copy.

``metadata()`` is the Datasette metadata (title, licence, sources, descriptions
of every table, view and column, facets, sort orders, label columns, canned
queries). ``publish(db, dest)`` writes the copy that is served: checkpointed,
one plain file with no WAL, without the internal tables that hold crawl state,
HTTP validators (ETags) and embedding blobs, and vacuumed so that their pages
are gone from the file too.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from db import feature_descriptions
from db.descriptions import TABLES

log = logging.getLogger(__name__)

DATABASE_NAME = "curator"
"""The served file is always ``curator.db``, so Datasette names it ``curator``."""

INTERNAL_TABLES = ("http_cache", "embeddings", "crawl_state", "request_times", "run_processes")
"""Crawl internals: never published, and denied should a raw file be served."""

TITLE = "curator: LLM inference engines, papers and statistics"
DESCRIPTION = (
    "The database behind the Awesome-LLM-Inference-Engine list, refreshed every night: "
    "arXiv papers and their categories, GitHub statistics history of every listed engine, "
    "Ease-of-Use and Ease-of-Deployment scores, and the pull requests that proposed changes."
)
SOURCE = "arXiv API, GitHub REST API, the engines' web pages and READMEs, and the list itself"

# Per-table configuration beyond descriptions.
TABLE_CONFIG: dict[str, dict[str, Any]] = {
    "papers": {
        "facets": ["primary_category", "source"],
        "sort_desc": "published",
        "label_column": "title",
        "fts_table": "papers_fts",
        "fts_pk": "rowid",
    },
    "paper_labels": {"facets": ["category", "status", "source"], "sort_desc": "updated"},
    "paper_authors": {"facets": ["author_id"], "sort": "arxiv_id"},
    "paper_repos": {"sort": "arxiv_id"},
    "authors": {"label_column": "name", "sort": "name"},
    "engines": {
        "facets": ["kind", "section", "in_list"],
        "sort": "name",
        "label_column": "name",
        "fts_table": "engines_fts",
        "fts_pk": "rowid",
    },
    "engine_sections": {"facets": ["section"], "sort": "section"},
    "engine_links": {"facets": ["kind"]},
    "techniques": {"facets": ["category", "source"], "sort": "category", "label_column": "name"},
    "technique_refs": {},
    "list_sections": {"facets": ["kind", "understood"], "sort": "position"},
    "repos": {"facets": ["status", "archived"], "sort": "repo"},
    "repo_stats": {"facets": ["date"], "sort_desc": "date"},
    "repo_readmes": {"sort": "repo"},
    "web_signals": {"facets": ["source", "status"], "sort_desc": "date"},
    "engine_scores": {"facets": ["date", "docs_level"], "sort_desc": "date"},
    "pull_requests": {"facets": ["state", "merged"], "sort_desc": "number", "label_column": "title"},
    "pr_items": {"facets": ["kind"]},
    "runs": {"facets": ["command", "status"], "sort_desc": "id"},
    "latest_repo_stats": {"sort_desc": "stars"},
    "engine_overview": {"facets": ["kind", "section"], "sort_desc": "stars"},
    "papers_per_category": {"facets": ["status"], "sort": "category"},
    "classified_papers": {"facets": ["category", "status", "label_source"], "sort_desc": "published",
                          "label_column": "title"},
    "star_history": {"facets": ["engine"], "sort_desc": "date"},
    "papers_fts": {"hidden": True},
    "engines_fts": {"hidden": True},
}

# What the database page shows first (db/templates/database-curator.html): these views,
# then these tables; the other tables are folded.
LAYOUT = {
    "views": ["engine_overview", "classified_papers", "star_history", "papers_per_category", "latest_repo_stats"],
    "main": ["papers", "engines", "engine_scores", "repo_stats", "paper_labels", "techniques", "pull_requests"],
    # the page's links open these tables without their long text and JSON columns (one click shows them)
    "links": {"papers": "?_nocol=abstract", "engine_scores": "?_nocol=components"},
}
TEMPLATES = Path(__file__).parent / "templates"
"""Datasette templates for the served database (``--template-dir``)."""

# Datasette settings for the served copy: one slow query must not hog the server, and a
# long cell (a score's components JSON, an abstract, a README) is cut in the HTML tables.
SETTINGS = {"sql_time_limit_ms": 3000, "max_returned_rows": 2000, "default_page_size": 50,
            "truncate_cells_html": 160}

# Label precedence when a paper has several: a maintainer's, then the list's,
# then the classifier's; rank 1 (main category) before a second category.
_BEST_LABEL = """
    SELECT l.*, ROW_NUMBER() OVER (
        PARTITION BY l.arxiv_id
        ORDER BY CASE l.source WHEN 'maintainer' THEN 0 WHEN 'list' THEN 1 ELSE 2 END, l.rank
    ) AS pick
    FROM paper_labels l
    WHERE l.category IS NOT NULL AND l.status != 'rejected'"""

QUERIES: dict[str, dict[str, str]] = {
    "papers_this_week_by_category": {
        "title": "Papers this week by category",
        "description": (
            "Relevant papers published in the seven days up to the newest paper in the "
            "database (normally last night's crawl), grouped by category. Leave 'since' "
            "empty for this week, or give a date (YYYY-MM-DD) to start elsewhere."
        ),
        "sql": f"""WITH best AS ({_BEST_LABEL}
),
bounds AS (
    SELECT COALESCE(NULLIF(:since, ''), date(MAX(published), '-6 days')) AS since FROM papers
)
SELECT b.category, b.technique, p.arxiv_id, p.title, date(p.published) AS published,
       b.status, b.source AS label_source, ROUND(b.confidence, 2) AS confidence, p.abs_url
FROM papers p
JOIN best b ON b.arxiv_id = p.arxiv_id AND b.pick = 1
WHERE date(p.published) >= (SELECT since FROM bounds)
ORDER BY b.category, p.published DESC, p.arxiv_id""",
    },
    "star_growth_30_days": {
        "title": "Star growth over 30 days",
        "description": (
            "Stars gained by each engine's repository between its latest crawl and the "
            "earliest crawl at most 30 days before it; 'days' says how much history "
            "the figure covers."
        ),
        "sql": """WITH latest AS (
    SELECT repo, MAX(date) AS end_date FROM repo_stats WHERE stars IS NOT NULL GROUP BY repo
),
span AS (
    SELECT l.repo, l.end_date,
           (SELECT MIN(s.date) FROM repo_stats s
             WHERE s.repo = l.repo AND s.stars IS NOT NULL
               AND date(s.date) >= date(l.end_date, '-30 days')) AS start_date
    FROM latest l
)
SELECT e.name AS engine, w.repo, w.start_date, w.end_date,
       CAST(julianday(date(w.end_date)) - julianday(date(w.start_date)) AS INTEGER) AS days,
       s0.stars AS stars_start, s1.stars AS stars_end,
       s1.stars - s0.stars AS growth,
       ROUND(100.0 * (s1.stars - s0.stars) / NULLIF(s0.stars, 0), 2) AS growth_pct
FROM span w
JOIN repo_stats s0 ON s0.repo = w.repo AND s0.date = w.start_date
JOIN repo_stats s1 ON s1.repo = w.repo AND s1.date = w.end_date
LEFT JOIN engines e ON e.repo = w.repo
ORDER BY growth DESC, w.repo""",
    },
    "engines_by_ease_of_use": {
        "title": "Engines by Ease-of-Use",
        "description": "Each engine's latest Ease-of-Use score, best first, with what it is made of.",
        "sql": """SELECT RANK() OVER (ORDER BY ease_of_use DESC) AS rank,
       name AS engine, kind, section, ROUND(ease_of_use, 2) AS ease_of_use, docs_level,
       sns, forum, meetup, ROUND(ease_of_deployment, 2) AS ease_of_deployment,
       stars, score_date
FROM engine_overview
WHERE ease_of_use IS NOT NULL
ORDER BY ease_of_use DESC, name""",
    },
}


# the engine feature tables and their canned query ("engines supporting FEATURE")
TABLE_CONFIG.update(feature_descriptions.TABLE_CONFIG)
QUERIES.update(feature_descriptions.QUERIES)


def _table_metadata(name: str) -> dict[str, Any]:
    description, columns = TABLES[name]
    entry: dict[str, Any] = {"description": description}
    if columns:
        entry["columns"] = dict(columns)
    entry.update(TABLE_CONFIG.get(name, {}))
    if name in INTERNAL_TABLES:
        entry.update({"hidden": True, "allow": False})
    return entry


def metadata(list_repo: str | None = None) -> dict[str, Any]:
    """The Datasette metadata for the served ``curator`` database."""
    source_url = f"https://github.com/{list_repo}" if list_repo else "https://arxiv.org/"
    tables = {name: _table_metadata(name) for name in TABLES}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "license": "MIT",
        "license_url": "https://opensource.org/licenses/MIT",
        "source": SOURCE,
        "source_url": source_url,
        "databases": {
            DATABASE_NAME: {
                "description": DESCRIPTION,
                "curator_layout": LAYOUT,
                "tables": tables,
                "queries": {key: dict(query) for key, query in QUERIES.items()},
            }
        },
    }


def write_metadata(path: str | Path, list_repo: str | None = None) -> Path:
    path = Path(path)
    path.write_text(json.dumps(metadata(list_repo), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


class PublishError(RuntimeError):
    """The database could not be published (corrupt source, unwritable destination)."""


def checkpoint(db: sqlite_utils.Database) -> tuple[int, int, int]:
    """Fold the WAL into the main file and truncate it; returns SQLite's (busy, log, done).

    It does not wait for a running writer (busy is then 1): the copy that
    follows reads a consistent snapshot either way.
    """
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout = 0")
    try:
        row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return tuple(row) if row else (0, 0, 0)


def publish(db: sqlite_utils.Database, dest: str | Path) -> Path:
    """Write the servable copy of ``db`` to ``dest`` and return its path.

    The source is checked (``integrity_check``), checkpointed, and copied with
    ``VACUUM INTO`` (a consistent snapshot even while a crawl writes). The copy
    loses the internal tables and is vacuumed again so none of their bytes
    stay in free pages; it ends in rollback-journal mode, one self-contained
    file fit for Datasette's immutable mode. ``dest`` is replaced atomically.
    """
    dest = Path(dest)
    try:
        status = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise PublishError(f"database cannot be read: {exc}") from exc
    if status != "ok":
        raise PublishError(f"database failed integrity_check: {' '.join(str(status).split())}")
    busy, _, _ = checkpoint(db)
    if busy:
        log.info("WAL checkpoint incomplete (a writer is active); the copy is still a consistent snapshot")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.with_name(dest.name + ".publishing")
    raw = dest.with_name(dest.name + ".raw")
    for leftover in (staging, raw):
        leftover.unlink(missing_ok=True)
    try:
        db.execute("VACUUM INTO ?", [str(raw)])
        _strip_internal(raw, staging)
        os.replace(staging, dest)
    except sqlite3.Error as exc:
        raise PublishError(f"could not publish to {dest}: {exc}") from exc
    finally:
        raw.unlink(missing_ok=True)
        staging.unlink(missing_ok=True)
    return dest


def _strip_internal(raw: Path, out: Path) -> None:
    conn = sqlite3.connect(str(raw), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("BEGIN")
        for table in INTERNAL_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS [{table}]")
        conn.execute("COMMIT")
        conn.execute("VACUUM INTO ?", [str(out)])
    finally:
        conn.close()
    verify = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        left = verify.execute(
            "SELECT name FROM sqlite_master WHERE name IN ({})".format(", ".join("?" * len(INTERNAL_TABLES))),
            INTERNAL_TABLES,
        ).fetchall()
        status = verify.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        verify.close()
    if left or status != "ok":
        raise PublishError(f"published copy is not clean: tables {left}, integrity {status}")


def published_tables(path: str | Path) -> list[str]:
    """Names of the tables and views in a published file (for checks and summaries)."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
        return [name for (name,) in rows]
    finally:
        conn.close()
