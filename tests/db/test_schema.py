"""The database shape itself: tables, keys, FTS, views, migrations."""
from __future__ import annotations

import sqlite3

import pytest

import db as dbpkg
from db import open_db, schema


def _cols(db, table):
    return {c.name for c in db[table].columns}


def test_required_tables_and_columns(mem_db):
    tables = set(mem_db.table_names())
    for name in ("engines", "techniques", "papers", "paper_labels", "repo_stats", "runs",
                 "authors", "paper_authors", "paper_repos", "engine_scores", "embeddings"):
        assert name in tables
    assert {"name", "kind", "repo", "homepage", "docs_url", "section"} <= _cols(mem_db, "engines")
    assert {"category", "name", "description"} <= _cols(mem_db, "techniques")
    assert {"arxiv_id", "title", "abstract", "published"} <= _cols(mem_db, "papers")
    assert {"arxiv_id", "category", "technique", "confidence", "source", "status"} <= _cols(
        mem_db, "paper_labels"
    )
    assert {"started", "finished", "status", "counts", "error"} <= _cols(mem_db, "runs")
    assert mem_db["papers"].pks == ["arxiv_id"]
    assert mem_db["engines"].pks == ["name"]
    assert mem_db["repo_stats"].pks == ["repo", "date"]


def test_foreign_keys_are_real_and_enforced(mem_db):
    fks = {(fk.column, fk.other_table) for fk in mem_db["paper_labels"].foreign_keys}
    assert ("arxiv_id", "papers") in fks
    with pytest.raises(sqlite3.IntegrityError):
        mem_db.execute(
            "INSERT INTO paper_labels (arxiv_id, source, status, created, updated) "
            "VALUES ('9999.99999', 'list', 'accepted', 'x', 'x')"
        )


def test_label_source_and_status_are_checked(mem_db):
    mem_db.execute(
        "INSERT INTO papers (arxiv_id, first_seen, last_seen) VALUES ('2309.06180', 'd', 'd')"
    )
    with pytest.raises(sqlite3.IntegrityError):
        mem_db.execute(
            "INSERT INTO paper_labels (arxiv_id, source, status, created, updated) "
            "VALUES ('2309.06180', 'robot', 'accepted', 'x', 'x')"
        )
    with pytest.raises(sqlite3.IntegrityError):
        mem_db.execute(
            "INSERT INTO paper_labels (arxiv_id, source, status, confidence, created, updated) "
            "VALUES ('2309.06180', 'list', 'accepted', 1.5, 'x', 'x')"
        )


def test_fts_follows_inserts_updates_and_deletes(mem_db):
    assert mem_db["papers"].detect_fts() == "papers_fts"
    assert mem_db["engines"].detect_fts() == "engines_fts"
    mem_db.execute(
        "INSERT INTO papers (arxiv_id, title, abstract, first_seen, last_seen) "
        "VALUES ('2401.1', 'Speculative decoding at scale', 'Draft models.', 'd', 'd')"
    )

    def hits(q):
        return [r["arxiv_id"] for r in mem_db.query(
            "SELECT p.arxiv_id FROM papers p JOIN papers_fts f ON f.rowid = p.rowid "
            "WHERE papers_fts MATCH ?", [q])]

    assert hits('"speculative decoding"') == ["2401.1"]
    mem_db.execute("UPDATE papers SET title = 'Paged attention' WHERE arxiv_id = '2401.1'")
    assert hits("speculative") == []
    assert hits("paged") == ["2401.1"]
    mem_db.execute(
        "INSERT OR REPLACE INTO papers (arxiv_id, title, abstract, first_seen, last_seen) "
        "VALUES ('2401.1', 'Quantized KV cache', 'x', 'd', 'd')"
    )
    assert hits("paged") == []
    assert hits("quantized") == ["2401.1"]


def test_views_answer(mem_db):
    for view in schema.VIEWS:
        assert view in mem_db.view_names()
        list(mem_db.query(f"SELECT * FROM [{view}]"))
    mem_db.execute(
        "INSERT INTO engines (name, kind, repo, section, first_seen) "
        "VALUES ('vLLM', 'open_source', 'vllm-project/vllm', 'Open Source', 'd')"
    )
    mem_db.execute("INSERT INTO repos (repo, first_seen) VALUES ('vllm-project/vllm', 'd')")
    for date, stars in (("2026-11-01", 100), ("2026-11-02", 120)):
        mem_db.execute(
            "INSERT INTO repo_stats (repo, date, stars) VALUES ('vllm-project/vllm', ?, ?)",
            [date, stars],
        )
    rows = list(mem_db.query("SELECT name, stars, stats_date FROM engine_overview"))
    assert rows == [{"name": "vLLM", "stars": 120, "stats_date": "2026-11-02"}]
    assert len(list(mem_db.query("SELECT * FROM star_history"))) == 2


def test_file_database_upgrades_in_place_and_keeps_rows(tmp_path):
    path = tmp_path / "curator.db"
    db = open_db(path)
    db.execute("INSERT INTO runs (command, started, status) VALUES ('x', 'd', 'ok')")
    db.conn.commit()
    db.conn.close()

    def m002(db):
        db.execute("ALTER TABLE runs ADD COLUMN host TEXT")

    db = dbpkg.Database(str(path))
    assert schema.ensure_schema(db, schema.MIGRATIONS + [m002]) == schema.SCHEMA_VERSION + 1
    assert schema.schema_version(db) == schema.SCHEMA_VERSION + 1
    assert "host" in _cols(db, "runs")
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    # running again is a no-op
    assert schema.ensure_schema(db, schema.MIGRATIONS + [m002]) == schema.SCHEMA_VERSION + 1


def test_failing_migration_leaves_previous_version(tmp_path):
    path = tmp_path / "curator.db"
    db = open_db(path)

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        schema.ensure_schema(db, schema.MIGRATIONS + [broken])
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    assert "half_done" not in db.table_names()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_newer_file_is_refused_untouched(tmp_path):
    path = tmp_path / "curator.db"
    db = open_db(path)
    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    with pytest.raises(schema.SchemaTooNew):
        schema.ensure_schema(db)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION + 5
