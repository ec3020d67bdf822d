"""Multi-statement writes are one transaction: a failure at their last statement undoes
the first ones (sqlite-utils 4 commits each ``Database.execute`` unless a transaction is
open, so this fails for any unit that is not wrapped in ``db.transaction``).

The failure is a trigger that aborts the unit's last write.
"""
from __future__ import annotations

import sqlite3

import pytest

from db import transaction
from db.prs import record_decision, save_pr


def _fail_on(db, table: str, event: str = "INSERT") -> None:
    db.conn.execute(f"CREATE TEMP TRIGGER boom BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, 'boom'); END")


def _papers(db, *ids: str) -> None:
    for aid in ids:
        db.execute("INSERT INTO papers (arxiv_id, title, first_seen, last_seen) VALUES (?, 't', 'x', 'x')", [aid])
        db.execute("INSERT INTO paper_labels (arxiv_id, category, confidence, source, status, created, updated) "
                   "VALUES (?, 'caching', 0.9, 'classifier', 'proposed', 'x', 'x')", [aid])


def test_save_pr_is_all_or_nothing(mem_db):
    save_pr(mem_db, 7, "curator/update", "first", "abc", [("paper", "2601.00001")])
    _fail_on(mem_db, "pr_items")
    with pytest.raises(sqlite3.IntegrityError, match="boom"):
        save_pr(mem_db, 7, "curator/update", "second", "def", [("paper", "2601.00002")])
    assert mem_db.execute("SELECT title, head_sha FROM pull_requests").fetchall() == [("first", "abc")]
    assert mem_db.execute("SELECT key FROM pr_items").fetchall() == [("2601.00001",)]


def test_record_decision_is_all_or_nothing(mem_db):
    _papers(mem_db, "2601.00001", "2601.00002")
    save_pr(mem_db, 7, "curator/update", "t", None, [("paper", "2601.00001"), ("paper", "2601.00002")])
    _fail_on(mem_db, "pull_requests", "UPDATE")  # the decision's last statement
    with pytest.raises(sqlite3.IntegrityError, match="boom"):
        record_decision(mem_db, 7, merged=False)
    assert mem_db.execute("SELECT COUNT(*) FROM paper_labels WHERE source = 'maintainer'").fetchone() == (0,)
    assert mem_db.execute("SELECT DISTINCT status FROM paper_labels").fetchall() == [("proposed",)]
    assert mem_db.execute("SELECT state FROM pull_requests").fetchone() == ("open",)


def test_save_list_is_all_or_nothing(mem_db):
    from catalogue import vocabulary
    from db.catalogue import save_list
    from reports import listparse
    from tests.conftest import FIXTURES

    doc = listparse.parse(listparse.read_list(FIXTURES / "seed-list.md"))
    _fail_on(mem_db, "list_sections")  # sections are written last
    with pytest.raises(sqlite3.IntegrityError, match="boom"):
        save_list(mem_db, doc, vocabulary.BUILTIN, vocabulary.technique_key, "2026-07-01T00:00:00+00:00")
    for table in ("engines", "papers", "techniques", "paper_labels", "list_sections"):
        assert mem_db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table


def test_a_transaction_inside_another_is_a_savepoint(mem_db):
    with transaction(mem_db):
        mem_db.execute("INSERT INTO runs (command, started, status) VALUES ('a', 'x', 'ok')")
        with pytest.raises(RuntimeError):
            with transaction(mem_db):
                mem_db.execute("INSERT INTO runs (command, started, status) VALUES ('b', 'x', 'ok')")
                raise RuntimeError
    assert mem_db.execute("SELECT command FROM runs").fetchall() == [("a",)]


def test_a_migration_another_process_applied_meanwhile_is_not_run_again(tmp_path, monkeypatch):
    from db import Database, open_db, schema

    open_db(tmp_path / "c.db").conn.close()  # the other process migrated the file
    late = Database(str(tmp_path / "c.db"))
    real, reads = schema.schema_version, []

    def stale_first(db):  # this process read the version just before the other one migrated
        reads.append(1)
        return schema.SCHEMA_VERSION - 1 if len(reads) == 1 else real(db)

    monkeypatch.setattr(schema, "schema_version", stale_first)
    assert schema.ensure_schema(late) == schema.SCHEMA_VERSION  # no "table already exists"
    assert real(late) == schema.SCHEMA_VERSION
