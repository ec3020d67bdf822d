"""Migration 2 (engine feature tables) and their save / query functions."""
from __future__ import annotations

import sqlite3

import pytest

from db import Database, features, open_db, schema

WHEN = "2026-06-30T06:00:00+00:00"


def _engine(db, name="vLLM", kind="open_source", repo="vllm-project/vllm"):
    db["engines"].insert({"name": name, "kind": kind, "repo": repo, "section": "s", "first_seen": WHEN})


def _mark(feature="FP8", supported=1, evidence="FP8 is supported.", grp="precision", **kw):
    return {"grp": grp, "feature": feature, "supported": supported, "evidence": evidence,
            "url": "https://github.com/o/r/blob/abc/README.md", "date": "2026-06-01", "basis": "stated",
            "weak": 0, **kw}


def test_a_version_1_file_upgrades_in_place_to_the_feature_tables(tmp_path):
    path = tmp_path / "curator.db"
    db = Database(str(path))
    schema.ensure_schema(db, schema.MIGRATIONS[:1])
    _engine(db)
    db.conn.commit()
    assert schema.schema_version(db) == 1 and "engine_features" not in db.table_names()
    db.conn.close()
    db = open_db(path)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION >= 2
    assert {"engine_features", "engine_feature_history", "docs_reads", "feature_proposals"} <= set(db.table_names())
    assert "feature_matrix" in db.view_names()
    assert db.execute("SELECT name FROM engines").fetchall() == [("vLLM",)]
    cols = {c.name for c in db["engine_features"].columns}
    assert {"engine", "grp", "feature", "supported", "evidence", "url", "date"} <= cols
    fks = {(fk.column, fk.other_table) for fk in db["engine_features"].foreign_keys}
    assert ("engine", "engines") in fks


def test_the_table_refuses_bad_groups_marks_and_overlong_quotes(mem_db):
    _engine(mem_db)
    with pytest.raises(sqlite3.IntegrityError):
        mem_db.execute("INSERT INTO engine_features (engine, grp, feature, supported, checked) "
                       "VALUES ('vLLM', 'colour', 'x', 1, 'd')")
    with pytest.raises(sqlite3.IntegrityError):
        mem_db.execute("INSERT INTO engine_features (engine, grp, feature, supported, checked) "
                       "VALUES ('vLLM', 'precision', 'FP8', 2, 'd')")
    with pytest.raises(sqlite3.IntegrityError):
        mem_db.execute("INSERT INTO engine_features (engine, grp, feature, evidence, checked) "
                       "VALUES ('vLLM', 'precision', 'FP8', ?, 'd')", ["x" * 301])
    with pytest.raises(sqlite3.IntegrityError):  # an engine the list does not have
        mem_db.execute("INSERT INTO engine_features (engine, grp, feature, checked) "
                       "VALUES ('Nope', 'precision', 'FP8', 'd')")


def test_history_records_first_readings_and_changes_not_new_quotes(mem_db):
    _engine(mem_db)
    assert features.save_engine_features(mem_db, "vLLM", "2026-06-01", [_mark(), _mark("FP4", None, None)]) == 1
    assert features.save_engine_features(mem_db, "vLLM", "2026-06-02",
                                         [_mark(evidence="FP8 works.", url="https://e/2"), _mark("FP4", None, None)]) == 0
    assert features.save_engine_features(mem_db, "vLLM", "2026-06-03",
                                         [_mark(supported=0, evidence="FP8 was removed.", basis="denied")]) == 1
    rows = features.history(mem_db, "vLLM")
    assert [(r["feature"], r["changed"], r["old_supported"], r["supported"]) for r in rows] == [
        ("FP8", "2026-06-01", None, 1), ("FP8", "2026-06-03", 1, 0)]  # a first unknown is no change
    assert rows[-1]["evidence"] == "FP8 was removed."
    now = features.features_of(mem_db, "vLLM")
    fp8 = next(r for r in now if r["feature"] == "FP8")
    assert (fp8["supported"], fp8["checked"], fp8["basis"]) == (0, "2026-06-03", "denied")


def test_engines_supporting_a_feature_and_the_canned_query(mem_db):
    from db.datasette import QUERIES

    _engine(mem_db)
    _engine(mem_db, "SGLang", repo="sgl-project/sglang")
    features.save_engine_features(mem_db, "vLLM", "d", [_mark()])
    features.save_engine_features(mem_db, "SGLang", "d", [_mark(supported=0, basis="denied")])
    assert [r["engine"] for r in features.engines_supporting(mem_db, "fp8")] == ["vLLM"]
    sql = QUERIES["engines_supporting_feature"]["sql"]
    assert [r["engine"] for r in mem_db.query(sql, {"feature": "FP8"})] == ["vLLM"]
    assert list(mem_db.query(sql, {"feature": ""})) == []
    matrix = list(mem_db.query("SELECT engine, mark FROM feature_matrix ORDER BY engine"))
    assert matrix == [{"engine": "SGLang", "mark": "no"}, {"engine": "vLLM", "mark": "yes"}]


def test_docs_reads_feed_scoring_as_signal_rows(mem_db):
    _engine(mem_db)
    features.save_docs_read(mem_db, "vLLM", "2026-06-01", {"source": "local", "repo": "vllm-project/vllm",
                                                          "commit": "abc", "pages": 3, "readme_only": False,
                                                          "status": "ok", "signals": {"doc_pages": 2}})
    rows = features.docs_signal_rows(mem_db, "vLLM", "2026-05-01", "2026-06-30")
    assert rows[0]["source"] == "docs_read" and rows[0]["signals"] == {"doc_pages": 2}
    assert features.docs_signal_rows(mem_db, "vLLM", "2026-06-02", "2026-06-30") == []
    assert features.last_read(mem_db, "vLLM")["commit_sha"] == "abc"


class P:
    def __init__(self, proposed=1, evidence="FP8 is supported."):
        self.engine, self.grp, self.feature, self.proposed, self.listed = "vLLM", "precision", "FP8", proposed, 0
        self.evidence, self.url = evidence, "https://e/1"
        self.key = features.evidence_key(evidence, self.url)


def test_proposals_are_settled_when_their_pull_request_closes(mem_db):
    _engine(mem_db)
    mem_db["pull_requests"].insert({"number": 7, "branch": "b", "state": "open", "created": WHEN, "updated": WHEN})
    features.record_proposals(mem_db, 7, [P()], "2026-06-01")
    assert features.settle_proposals(mem_db, {}, "2026-06-02") == 0  # still open
    mem_db.execute("UPDATE pull_requests SET state = 'closed' WHERE number = 7")
    assert features.settle_proposals(mem_db, {("vLLM", "precision", "FP8"): 0}, "2026-06-03") == 1
    assert features.rejected_proposals(mem_db) == {("vLLM", "precision", "FP8", 1, P().key)}
    assert features.evidence_key("FP8 is supported.", "https://e/2") != P().key  # new evidence, new key


def test_the_same_quote_at_a_newer_commit_keeps_its_link(mem_db):
    _engine(mem_db)
    features.save_engine_features(mem_db, "vLLM", "2026-06-01", [_mark()])
    features.save_engine_features(mem_db, "vLLM", "2026-06-02",
                                  [_mark(url="https://github.com/o/r/blob/def/README.md", date="2026-06-02")])
    row = features.features_of(mem_db, "vLLM")[0]
    assert (row["url"], row["date"], row["checked"]) == ("https://github.com/o/r/blob/abc/README.md", "2026-06-01",
                                                         "2026-06-02")
