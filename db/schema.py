"""The database shape, declared once and applied idempotently.

``ensure_schema(db)`` brings any file up to ``SCHEMA_VERSION`` by running the
missing migrations in order, each in its own transaction, and records the
version in ``PRAGMA user_version``. Last night's file is upgraded in place.

Each area of the product owns one ``_area`` function below; migration 1 is the
union of them. Later changes are appended to ``MIGRATIONS`` and never edit an
earlier entry.
"""
from __future__ import annotations

from typing import Callable

import sqlite_utils

LABEL_SOURCES = ("list", "classifier", "maintainer")
LABEL_STATUSES = ("proposed", "accepted", "rejected")
ENGINE_KINDS = ("open_source", "commercial", "gateway", "other")


def _check(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"CHECK ({column} IN ({quoted}))"


def _catalogue(db: sqlite_utils.Database) -> None:
    """What the list itself says: engines, techniques, references."""
    db.execute(f"""
        CREATE TABLE engines (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL {_check('kind', ENGINE_KINDS)},
            repo TEXT,
            homepage TEXT,
            docs_url TEXT,
            section TEXT NOT NULL,
            description TEXT,
            first_seen TEXT NOT NULL,
            in_list INTEGER NOT NULL DEFAULT 1
        )""")
    db.execute("CREATE INDEX idx_engines_repo ON engines(repo)")
    db.execute("""
        CREATE TABLE engine_sections (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            section TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (engine, section)
        )""")
    db.execute("""
        CREATE TABLE engine_links (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            label TEXT,
            arxiv_id TEXT REFERENCES papers(arxiv_id),
            PRIMARY KEY (engine, url)
        )""")
    db.execute("""
        CREATE TABLE techniques (
            id INTEGER PRIMARY KEY,
            category TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT,
            source TEXT NOT NULL DEFAULT 'builtin',
            UNIQUE (category, name)
        )""")
    db.execute("CREATE INDEX idx_techniques_category ON techniques(category)")
    db.execute("""
        CREATE TABLE technique_refs (
            technique_id INTEGER NOT NULL REFERENCES techniques(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            label TEXT,
            arxiv_id TEXT REFERENCES papers(arxiv_id),
            PRIMARY KEY (technique_id, url)
        )""")
    db.execute("CREATE INDEX idx_technique_refs_arxiv ON technique_refs(arxiv_id)")
    db.execute("""
        CREATE TABLE list_sections (
            heading TEXT PRIMARY KEY,
            level INTEGER NOT NULL,
            position INTEGER NOT NULL,
            understood INTEGER NOT NULL,
            kind TEXT NOT NULL,
            note TEXT
        )""")


def _papers(db: sqlite_utils.Database) -> None:
    """Papers from arXiv and the list, their authors, code links and labels."""
    db.execute("""
        CREATE TABLE papers (
            arxiv_id TEXT PRIMARY KEY,
            version INTEGER,
            title TEXT,
            abstract TEXT,
            published TEXT,
            updated TEXT,
            primary_category TEXT,
            categories TEXT,
            comment TEXT,
            journal_ref TEXT,
            doi TEXT,
            abs_url TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'arxiv'
        )""")
    db.execute("CREATE INDEX idx_papers_published ON papers(published)")
    db.execute("""
        CREATE TABLE authors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        )""")
    db.execute("""
        CREATE TABLE paper_authors (
            arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
            author_id INTEGER NOT NULL REFERENCES authors(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (arxiv_id, author_id)
        )""")
    db.execute("CREATE INDEX idx_paper_authors_author ON paper_authors(author_id)")
    db.execute("""
        CREATE TABLE paper_repos (
            arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
            repo TEXT NOT NULL,
            url TEXT NOT NULL,
            PRIMARY KEY (arxiv_id, repo)
        )""")
    db.execute("CREATE INDEX idx_paper_repos_repo ON paper_repos(repo)")
    db.execute(f"""
        CREATE TABLE paper_labels (
            id INTEGER PRIMARY KEY,
            arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
            category TEXT,
            technique TEXT,
            confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
            source TEXT NOT NULL {_check('source', LABEL_SOURCES)},
            status TEXT NOT NULL {_check('status', LABEL_STATUSES)},
            relevance REAL,
            rank INTEGER NOT NULL DEFAULT 1,
            pr_number INTEGER,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            UNIQUE (arxiv_id, source, rank)
        )""")
    db.execute("CREATE INDEX idx_paper_labels_category ON paper_labels(category)")
    db.execute("CREATE INDEX idx_paper_labels_status ON paper_labels(status)")
    db.execute("""
        CREATE TABLE crawl_state (
            source TEXT NOT NULL,
            query TEXT NOT NULL,
            last_success TEXT,
            last_until TEXT,
            last_total INTEGER,
            resume_start INTEGER,
            PRIMARY KEY (source, query)
        )""")


def _github(db: sqlite_utils.Database) -> None:
    """GitHub repositories: daily statistics history and crawl state."""
    db.execute("""
        CREATE TABLE repos (
            repo TEXT PRIMARY KEY,
            repo_id INTEGER,
            status TEXT NOT NULL DEFAULT 'unknown',
            renamed_to TEXT,
            archived INTEGER,
            miss_count INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            last_crawled TEXT,
            last_error TEXT
        )""")
    db.execute("""
        CREATE TABLE repo_stats (
            repo TEXT NOT NULL REFERENCES repos(repo),
            date TEXT NOT NULL,
            repo_id INTEGER,
            full_name TEXT,
            stars INTEGER,
            forks INTEGER,
            watchers INTEGER,
            open_issues INTEGER,
            open_prs INTEGER,
            contributors INTEGER,
            commits_90d INTEGER,
            releases INTEGER,
            latest_release TEXT,
            latest_release_date TEXT,
            created_at TEXT,
            pushed_at TEXT,
            license TEXT,
            topics TEXT,
            homepage TEXT,
            description TEXT,
            archived INTEGER,
            default_branch TEXT,
            has_discussions INTEGER,
            median_first_response_hours REAL,
            PRIMARY KEY (repo, date)
        )""")
    db.execute("""
        CREATE TABLE repo_readmes (
            repo TEXT PRIMARY KEY REFERENCES repos(repo),
            fetched TEXT NOT NULL,
            size INTEGER,
            truncated INTEGER NOT NULL DEFAULT 0,
            text TEXT
        )""")
    db.execute("""
        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            body TEXT,
            fetched TEXT NOT NULL
        )""")


def _web(db: sqlite_utils.Database) -> None:
    """What engines' pages and READMEs say, and the scores derived from it."""
    db.execute("""
        CREATE TABLE web_signals (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            date TEXT NOT NULL,
            source TEXT NOT NULL,
            url TEXT,
            status TEXT NOT NULL,
            error TEXT,
            signals TEXT,
            PRIMARY KEY (engine, date, source)
        )""")
    db.execute("""
        CREATE TABLE engine_scores (
            engine TEXT NOT NULL REFERENCES engines(name) ON DELETE CASCADE,
            date TEXT NOT NULL,
            ease_of_use REAL,
            docs_level TEXT,
            sns INTEGER,
            forum INTEGER,
            meetup INTEGER,
            ease_of_deployment REAL,
            docs_score REAL,
            community_score REAL,
            activity_score REAL,
            components TEXT,
            PRIMARY KEY (engine, date)
        )""")


def _classifier(db: sqlite_utils.Database) -> None:
    """Embedding cache, keyed by model and text hash."""
    db.execute("""
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        )""")


def _reports(db: sqlite_utils.Database) -> None:
    """Pull requests opened by curator and what they proposed."""
    db.execute("""
        CREATE TABLE pull_requests (
            number INTEGER PRIMARY KEY,
            branch TEXT NOT NULL,
            title TEXT,
            state TEXT NOT NULL,
            merged INTEGER NOT NULL DEFAULT 0,
            head_sha TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE pr_items (
            pr_number INTEGER NOT NULL REFERENCES pull_requests(number) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            PRIMARY KEY (pr_number, kind, key)
        )""")


def _runs(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,
            counts TEXT,
            error TEXT
        )""")
    db.execute("CREATE INDEX idx_runs_command ON runs(command, started)")


VIEWS = {
    "latest_repo_stats": """
        SELECT s.* FROM repo_stats s
        JOIN (SELECT repo, MAX(date) AS date FROM repo_stats GROUP BY repo) m
          ON s.repo = m.repo AND s.date = m.date""",
    "engine_overview": """
        SELECT e.name, e.kind, e.section, e.repo, e.homepage,
               s.stars, s.forks, s.latest_release, s.latest_release_date, s.license,
               s.archived, s.date AS stats_date,
               sc.ease_of_use, sc.docs_level, sc.sns, sc.forum, sc.meetup,
               sc.ease_of_deployment, sc.date AS score_date
        FROM engines e
        LEFT JOIN latest_repo_stats s ON s.repo = e.repo
        LEFT JOIN (SELECT x.* FROM engine_scores x
                   JOIN (SELECT engine, MAX(date) AS date FROM engine_scores GROUP BY engine) y
                     ON x.engine = y.engine AND x.date = y.date) sc ON sc.engine = e.name""",
    "papers_per_category": """
        SELECT category, status, COUNT(DISTINCT arxiv_id) AS papers
        FROM paper_labels WHERE category IS NOT NULL
        GROUP BY category, status""",
    "star_history": """
        SELECT e.name AS engine, s.repo, s.date, s.stars
        FROM repo_stats s JOIN engines e ON e.repo = s.repo
        WHERE s.stars IS NOT NULL""",
}


def _views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)


def _fts_for(db: sqlite_utils.Database, table: str, key: str, columns: list[str], tokenize: str) -> None:
    """An external-content FTS5 index kept current by triggers.

    Written out rather than via ``Table.enable_fts`` because that runs
    ``executescript``, which would commit the migration's transaction early.
    """
    cols = ", ".join(columns)
    new_vals = ", ".join(f"new.{c}" for c in columns)
    old_vals = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    db.execute(
        f"CREATE VIRTUAL TABLE [{fts}] USING fts5 ({cols}, content=[{table}], "
        f"content_rowid=[{key}], tokenize='{tokenize}')"
    )
    db.execute(f"INSERT INTO [{fts}] (rowid, {cols}) SELECT [{key}], {cols} FROM [{table}]")
    db.execute(
        f"CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN "
        f"INSERT INTO [{fts}] (rowid, {cols}) VALUES (new.[{key}], {new_vals}); END"
    )
    db.execute(
        f"CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN "
        f"INSERT INTO [{fts}] ([{fts}], rowid, {cols}) VALUES ('delete', old.[{key}], {old_vals}); END"
    )
    db.execute(
        f"CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN "
        f"INSERT INTO [{fts}] ([{fts}], rowid, {cols}) VALUES ('delete', old.[{key}], {old_vals}); "
        f"INSERT INTO [{fts}] (rowid, {cols}) VALUES (new.[{key}], {new_vals}); END"
    )


def _fts(db: sqlite_utils.Database) -> None:
    # Text primary keys: the implicit rowid is the content row id.
    _fts_for(db, "papers", "rowid", ["title", "abstract"], "porter")
    _fts_for(db, "engines", "rowid", ["name", "description", "section"], "unicode61")


def _m002_engine_features(db: sqlite_utils.Database) -> None:
    """Engine facts from documentation (tables declared in db/features.py)."""
    from db import features

    features.migrate(db)


def _m001_initial(db: sqlite_utils.Database) -> None:
    for area in (_catalogue, _papers, _github, _web, _classifier, _reports, _runs):
        area(db)
    _fts(db)
    _views(db)


# Each paper curator has a category for, with the label that counts: a maintainer's,
# then the list's, then the classifier's (rank 1 before a second category).
CLASSIFIED_PAPERS = """
    SELECT p.arxiv_id, p.title, date(p.published) AS published, b.category, b.technique,
           ROUND(b.confidence, 2) AS confidence, b.status, b.source AS label_source,
           p.primary_category
    FROM papers p
    JOIN (SELECT l.*, ROW_NUMBER() OVER (
              PARTITION BY l.arxiv_id
              ORDER BY CASE l.source WHEN 'maintainer' THEN 0 WHEN 'list' THEN 1 ELSE 2 END, l.rank) AS pick
          FROM paper_labels l WHERE l.category IS NOT NULL) b
      ON b.arxiv_id = p.arxiv_id AND b.pick = 1"""


def _m003_classified_papers(db: sqlite_utils.Database) -> None:
    """A view of papers with their category, for browsing and faceting by it."""
    db.create_view("classified_papers", CLASSIFIED_PAPERS, replace=True)


def _m004_processes(db: sqlite_utils.Database) -> None:
    """State every curator process must see: when each source was last asked (its
    politeness delay holds across processes), and which process owns a run (so a run
    whose process died can be told from one still going)."""
    db.execute("""
        CREATE TABLE request_times (
            source TEXT PRIMARY KEY,
            last_request REAL NOT NULL
        )""")
    db.execute("""
        CREATE TABLE run_processes (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL
        )""")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_initial,
    _m002_engine_features,
    _m003_classified_papers,
    _m004_processes,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


class SchemaTooNew(RuntimeError):
    """The file was written by a newer curator; it is left untouched."""


def ensure_schema(
    db: sqlite_utils.Database,
    migrations: list[Callable[[sqlite_utils.Database], None]] | None = None,
) -> int:
    """Apply the missing migrations, one transaction each; return the version.

    A failing migration rolls back to the previous version, so the file is
    never left half-upgraded.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    target = len(migrations)
    current = schema_version(db)
    if current > target:
        raise SchemaTooNew(
            f"database schema version {current} is newer than this curator's ({target}); upgrade curator"
        )
    for number in range(current, target):
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: another process may be migrating too
        try:
            if schema_version(db) <= number:  # not applied by that other process meanwhile
                migrations[number](db)
                conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return target
