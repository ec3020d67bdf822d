"""Rows for report tests: papers with the classifier's labels, engines with star history, an imported list."""
from __future__ import annotations

from catalogue import vocabulary
from db import catalogue
from reports import listparse

NOW = "2026-07-01T00:00:00+00:00"


def import_list(db, text: str, now: str = NOW) -> None:
    """What `curator import-list` stores for ``text``."""
    catalogue.save_list(db, listparse.parse(text), vocabulary.BUILTIN, vocabulary.technique_key, now)


def add_paper(db, arxiv_id, title, category="caching", technique="Prefix Caching", confidence=0.9,
              status="proposed", published="2026-06-20", authors=("Ada Lovelace", "Alan Turing"), code=None,
              relevance=0.9, second=None, second_confidence=None, first_seen=NOW, abstract=""):
    """A crawled paper and the classifier's rank-1 label (rank 2 with ``second``);
    ``category=None`` is a paper judged not relevant."""
    if category is None:
        status, relevance = "rejected", min(relevance, 0.1)
    with db.conn:
        db.execute("INSERT INTO papers (arxiv_id, title, abstract, published, first_seen, last_seen) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (arxiv_id) DO UPDATE SET title = excluded.title, "
                   "abstract = excluded.abstract, published = excluded.published",
                   (arxiv_id, title, abstract, published, first_seen, first_seen))
        for pos, name in enumerate(authors):
            db.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (name,))
            aid = db.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()[0]
            db.execute("INSERT INTO paper_authors VALUES (?, ?, ?)", (arxiv_id, aid, pos))
        db.execute("""INSERT INTO paper_labels (arxiv_id, category, technique, confidence, source, status,
                      relevance, rank, created, updated) VALUES (?, ?, ?, ?, 'classifier', ?, ?, 1, ?, ?)""",
                   (arxiv_id, category, technique if category else None, confidence if category else None,
                    status, relevance, NOW, NOW))
        if second:
            db.execute("""INSERT INTO paper_labels (arxiv_id, category, confidence, source, status, relevance,
                          rank, created, updated) VALUES (?, ?, ?, 'classifier', ?, ?, 2, ?, ?)""",
                       (arxiv_id, second, second_confidence, status, relevance, NOW, NOW))
        if code:
            db.execute("INSERT INTO paper_repos VALUES (?, ?, ?)", (arxiv_id, code, f"https://github.com/{code}"))


def add_engine(db, name, repo, stars=(), section="Open Source Inference Engines", description=None):
    with db.conn:
        db.execute("INSERT INTO engines (name, kind, repo, section, first_seen) VALUES (?, 'open_source', ?, ?, ?)",
                   (name, repo, section, NOW))
        add_repo_stats(db, repo, stars, description)


def add_repo_stats(db, repo, stars, description=None):
    with db.conn:
        db.execute("INSERT OR IGNORE INTO repos (repo, first_seen, status) VALUES (?, ?, 'ok')", (repo, NOW))
        for day, n in stars:
            db.execute("INSERT INTO repo_stats (repo, date, stars, description) VALUES (?, ?, ?, ?)",
                       (repo, day, n, description))


def split_cells(row: str) -> list[str]:
    """Cells of a Markdown table row, honouring backslash-escaped pipes."""
    inner = row.strip()[1:-1]
    cells, cur, i = [], "", 0
    while i < len(inner):
        if inner[i] == "\\":
            cur += inner[i:i + 2]
            i += 2
            continue
        if inner[i] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += inner[i]
        i += 1
    return cells + [cur]
