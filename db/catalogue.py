"""What the list says, stored: engines, techniques, references, sections; and
the queries the list's generated regions are rendered from.

``save_list`` writes a parsed list in one transaction and is idempotent: the
same list and clock give the same rows (ids included). Engines that left the
list are kept with ``in_list = 0``. Papers the list links to are added with
``source = 'list'`` but a crawl's title or abstract is never overwritten.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlite_utils

from db.atomic import transaction

KIND_ORDER = ("open_source", "gateway", "commercial", "other")


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, tuple(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def save_list(db: sqlite_utils.Database, doc: Any, builtin: dict[str, list[tuple[str, str]]],
              key: Callable[[str], str], now: str) -> dict[str, int]:
    """Store ``doc`` (a ``reports.listparse.ListDoc``) over the built-in taxonomy.

    ``key`` says when a list technique and a built-in one are the same
    (``catalogue.vocabulary.technique_key``). Returns counts for the run record.
    """
    with transaction(db):
        new_papers = _save_papers(db, doc.papers(), now)
        _save_engines(db, doc.engines, now)
        techniques = _save_techniques(db, doc.techniques, builtin, key)
        _save_labels(db, doc.techniques, now)
        _save_sections(db, doc.sections)
    return {
        "engines": len(doc.engines),
        "techniques": len(doc.techniques),
        "techniques_total": techniques,
        "papers": len(doc.papers()),
        "new_papers": new_papers,
        "sections": len(doc.sections),
        "not_understood": len(doc.not_understood()),
        "duplicates": len(doc.duplicates),
    }


def _save_papers(db: sqlite_utils.Database, ids: list[str], now: str) -> int:
    known = {r[0] for r in db.execute("SELECT arxiv_id FROM papers").fetchall()}
    for aid in ids:
        db.execute("""INSERT INTO papers (arxiv_id, first_seen, last_seen, source) VALUES (?, ?, ?, 'list')
                      ON CONFLICT(arxiv_id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)""",
                   (aid, now, now))
    return len(set(ids) - known)


def _save_engines(db: sqlite_utils.Database, engines: list[Any], now: str) -> None:
    names = [e.name for e in engines]
    for e in engines:
        db.execute("""INSERT INTO engines (name, kind, repo, homepage, docs_url, section, description,
                                           first_seen, in_list)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
                      ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, repo = excluded.repo,
                        homepage = excluded.homepage, docs_url = excluded.docs_url,
                        section = excluded.section, description = excluded.description, in_list = 1""",
                   (e.name, e.kind, e.repo, e.homepage, e.docs_url, e.section, e.description, now))
        db.execute("DELETE FROM engine_sections WHERE engine = ?", (e.name,))
        for pos, section in enumerate(e.sections):
            db.execute("INSERT INTO engine_sections (engine, section, position) VALUES (?, ?, ?)",
                       (e.name, section, pos))
        db.execute("DELETE FROM engine_links WHERE engine = ?", (e.name,))
        for link in e.links:
            db.execute("INSERT INTO engine_links (engine, kind, url, label, arxiv_id) VALUES (?, ?, ?, ?, ?)",
                       (e.name, link.kind, link.url, link.label, link.arxiv_id))
    marks = ", ".join("?" for _ in names) or "NULL"
    db.execute(f"UPDATE engines SET in_list = 0 WHERE in_list = 1 AND name NOT IN ({marks})", names)


def _wanted_techniques(techniques: list[Any], builtin: dict[str, list[tuple[str, str]]],
                       key: Callable[[str], str]) -> dict[tuple[str, str], dict[str, Any]]:
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for cat, items in builtin.items():
        for name, desc in items:
            wanted[(cat, key(name))] = {"name": name, "description": desc, "source": "builtin", "refs": []}
    for t in techniques:
        k = (t.category, key(t.name))
        old = wanted.get(k)
        if old is not None and old["source"] == "list":
            old["refs"] += [r for r in t.references if r.url not in {x.url for x in old["refs"]}]
            continue
        desc = t.description or (old["description"] if old else None)
        wanted[k] = {"name": t.name, "description": desc, "source": "list", "refs": list(t.references)}
    return wanted


def _save_techniques(db: sqlite_utils.Database, techniques: list[Any],
                     builtin: dict[str, list[tuple[str, str]]], key: Callable[[str], str]) -> int:
    wanted = _wanted_techniques(techniques, builtin, key)
    existing = {(r[1], key(r[2])): r[0] for r in db.execute("SELECT id, category, name FROM techniques")}
    for k, tid in existing.items():
        if k not in wanted:
            db.execute("DELETE FROM techniques WHERE id = ?", (tid,))
    for (cat, k), t in wanted.items():
        tid = existing.get((cat, k))
        if tid is None:
            tid = db.execute("INSERT INTO techniques (category, name, description, source) VALUES (?, ?, ?, ?)",
                             (cat, t["name"], t["description"], t["source"])).lastrowid
        else:
            db.execute("UPDATE techniques SET name = ?, description = ?, source = ? WHERE id = ?",
                       (t["name"], t["description"], t["source"], tid))
        db.execute("DELETE FROM technique_refs WHERE technique_id = ?", (tid,))
        for r in t["refs"]:
            db.execute("INSERT INTO technique_refs (technique_id, url, label, arxiv_id) VALUES (?, ?, ?, ?)",
                       (tid, r.url, r.label, r.arxiv_id))
    return len(wanted)


def _save_labels(db: sqlite_utils.Database, techniques: list[Any], now: str) -> None:
    """One accepted ``list`` label per (paper, technique) the list's tables cite."""
    ranks: dict[str, int] = {}
    wanted: set[tuple[str, int]] = set()
    for t in techniques:
        for r in t.references:
            if not r.arxiv_id:
                continue
            rank = ranks[r.arxiv_id] = ranks.get(r.arxiv_id, 0) + 1
            wanted.add((r.arxiv_id, rank))
            db.execute(
                """INSERT INTO paper_labels (arxiv_id, category, technique, confidence, source, status, rank,
                                             created, updated)
                   VALUES (?, ?, ?, 1.0, 'list', 'accepted', ?, ?, ?)
                   ON CONFLICT(arxiv_id, source, rank) DO UPDATE SET category = excluded.category,
                     technique = excluded.technique, confidence = 1.0, status = 'accepted',
                     updated = excluded.updated
                   WHERE category IS NOT excluded.category OR technique IS NOT excluded.technique
                      OR status != 'accepted' OR confidence != 1.0""",
                (r.arxiv_id, t.category, t.name, rank, now, now))
    for aid, rank in db.execute("SELECT arxiv_id, rank FROM paper_labels WHERE source = 'list'").fetchall():
        if (aid, rank) not in wanted:
            db.execute("DELETE FROM paper_labels WHERE source = 'list' AND arxiv_id = ? AND rank = ?", (aid, rank))


def _save_sections(db: sqlite_utils.Database, sections: list[Any]) -> None:
    db.execute("DELETE FROM list_sections")
    for s in sections:
        db.execute("INSERT INTO list_sections (heading, level, position, understood, kind, note) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   (s.heading, s.level, s.position, int(s.understood), s.kind, s.note))


# --- queries for rendering -------------------------------------------------------------

def last_merged_pr_date(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT MAX(updated) FROM pull_requests WHERE merged = 1").fetchone()
    return row[0] if row else None


def engine_table(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every listed engine with its latest stats and scores (NULL until crawled) and
    ``stars_delta``: stars now minus stars at the last merged curator PR (NULL if unknown).
    Sorted by kind, then name."""
    since = last_merged_pr_date(db)
    rows = _rows(db, """
        SELECT o.*, (SELECT s.stars FROM repo_stats s WHERE s.repo = o.repo AND s.date <= ?
                       AND s.stars IS NOT NULL ORDER BY s.date DESC LIMIT 1) AS stars_then
        FROM engine_overview o JOIN engines e ON e.name = o.name
        WHERE e.in_list = 1""", (since,))
    for r in rows:
        then = r.pop("stars_then")
        r["stars_delta"] = None if since is None or then is None or r["stars"] is None else r["stars"] - then
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(rows, key=lambda r: (order.get(r["kind"], len(order)), r["name"].casefold(), r["name"]))


def techniques(db: sqlite_utils.Database, category: str) -> list[dict[str, Any]]:
    """The category's techniques (built-in and from the list) with their references, by name."""
    out = _rows(db, "SELECT id, name, description, source FROM techniques WHERE category = ?", (category,))
    for t in out:
        t["refs"] = _rows(db, "SELECT url, label, arxiv_id FROM technique_refs WHERE technique_id = ? "
                              "ORDER BY rowid", (t.pop("id"),))
    return sorted(out, key=lambda t: (t["name"].casefold(), t["name"]))


def engine_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM engines WHERE in_list = 1").fetchone()[0]


def list_imported(db: sqlite_utils.Database) -> bool:
    """Whether a list was ever imported (``import-list`` always stores its sections)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM list_sections)").fetchone()[0] == 1


def engine_gaps(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    """Per listed engine, what explains a missing figure: its repository's crawl status,
    its release count, and the reasons its latest score records for a missing
    Ease-of-Deployment and documentation part."""
    rows = _rows(db, """
        SELECT e.name, r.status AS repo_status, s.releases,
               json_extract(sc.components, '$.ease_of_deployment.reason') AS deploy_reason,
               json_extract(sc.components, '$.docs.parts.reason') AS docs_reason
        FROM engines e
        LEFT JOIN repos r ON r.repo = e.repo
        LEFT JOIN latest_repo_stats s ON s.repo = e.repo
        LEFT JOIN (SELECT x.engine, x.components FROM engine_scores x
                   JOIN (SELECT engine, MAX(date) AS date FROM engine_scores GROUP BY engine) y
                     ON x.engine = y.engine AND x.date = y.date) sc ON sc.engine = e.name
        WHERE e.in_list = 1""")
    return {r.pop("name"): r for r in rows}
