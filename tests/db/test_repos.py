"""Persistence of the GitHub crawl on an in-memory database."""
from __future__ import annotations

import json

from crawler.github import Readme, RepoResult, RepoStats
from db import open_db
from db.repos import HttpCache, repo_row, repos_to_crawl, save_repo_result, stats_rows


def _found(repo="org/engine", stars=10, **kw) -> RepoResult:
    stats = RepoStats(repo_id=7, full_name=kw.pop("full_name", repo), stars=stars, topics=["llm"],
                      archived=kw.pop("archived", False), has_discussions=True)
    return RepoResult(repo, "ok", stats=stats, readme=Readme(5, False, "hello"), **kw)


def _engine(db, name, repo):
    db["engines"].insert({"name": name, "kind": "open_source", "repo": repo, "section": "Engines",
                          "first_seen": "2026-01-01"})


def test_one_row_per_repo_per_day_and_history_kept(mem_db):
    save_repo_result(mem_db, _found(stars=10), "2026-07-01")
    save_repo_result(mem_db, _found(stars=11), "2026-07-01")  # same day: updated in place
    save_repo_result(mem_db, _found(stars=12), "2026-07-02")
    rows = stats_rows(mem_db, "org/engine")
    assert [(r["date"], r["stars"]) for r in rows] == [("2026-07-01", 11), ("2026-07-02", 12)]
    assert json.loads(rows[0]["topics"]) == ["llm"] and rows[0]["has_discussions"] == 1
    assert repo_row(mem_db, "org/engine")["status"] == "ok"
    assert mem_db.execute("SELECT text FROM repo_readmes").fetchone()[0] == "hello"


def test_missing_marked_then_gone_never_deleted(mem_db):
    save_repo_result(mem_db, _found(), "2026-07-01")
    statuses = []
    for day in ("02", "03", "04"):
        statuses.append(save_repo_result(mem_db, RepoResult("org/engine", "missing", http_status=404,
                                                            error="404 Not Found"), f"2026-07-{day}", 3))
    assert statuses == ["missing", "missing", "gone"]
    assert repo_row(mem_db, "org/engine")["miss_count"] == 3
    assert len(stats_rows(mem_db, "org/engine")) == 1  # history kept
    save_repo_result(mem_db, _found(), "2026-07-05", 3)
    row = repo_row(mem_db, "org/engine")
    assert (row["status"], row["miss_count"]) == ("ok", 0)


def test_rename_recorded_and_next_crawl_uses_new_name(mem_db):
    _engine(mem_db, "Engine", "old/name")
    save_repo_result(mem_db, _found("old/name", full_name="new/name", renamed_to="new/name"), "2026-07-01")
    row = repo_row(mem_db, "old/name")
    assert (row["status"], row["renamed_to"]) == ("renamed", "new/name")
    assert stats_rows(mem_db, "old/name")[0]["full_name"] == "new/name"
    assert repos_to_crawl(mem_db) == [{"repo": "old/name", "fetch_as": "new/name", "engine": "Engine"}]
    assert mem_db.execute("SELECT repo FROM engines").fetchone()[0] == "old/name"


def test_archived_flagged(mem_db):
    assert save_repo_result(mem_db, _found(archived=True), "2026-07-01") == "archived"
    assert repo_row(mem_db, "org/engine")["archived"] == 1


def test_error_keeps_previous_status(mem_db):
    save_repo_result(mem_db, _found(), "2026-07-01")
    status = save_repo_result(mem_db, RepoResult("org/engine", "error", error="503 after 3 attempts"), "2026-07-02")
    assert status == "ok" and repo_row(mem_db, "org/engine")["last_error"] == "503 after 3 attempts"


def test_candidates_from_labelled_papers_capped(mem_db):
    _engine(mem_db, "A", "a/a")
    for i in range(5):
        mem_db["papers"].insert({"arxiv_id": f"2601.0000{i}", "first_seen": "x", "last_seen": "x"})
        mem_db["paper_repos"].insert({"arxiv_id": f"2601.0000{i}", "repo": f"p/r{i}", "url": "u"})
        if i != 4:  # paper 4 has no category label
            mem_db["paper_labels"].insert({"arxiv_id": f"2601.0000{i}", "category": "Quantization",
                                           "source": "classifier", "status": "proposed",
                                           "created": "x", "updated": f"2026-01-0{i + 1}"})
    rows = repos_to_crawl(mem_db, candidates=2)
    assert [r["repo"] for r in rows] == ["a/a", "p/r3", "p/r2"]
    assert [r["repo"] for r in repos_to_crawl(mem_db, candidates=0)] == ["a/a"]


def test_http_cache_survives_reopen(tmp_path):
    path = tmp_path / "c.db"
    db = open_db(path)
    HttpCache(db).put("/repos/a/b", 'W/"1"', '{"data": 1}')
    HttpCache(db).put("/repos/a/b", 'W/"2"', '{"data": 2}')
    db.conn.close()
    again = HttpCache(open_db(path))
    assert again.get("/repos/a/b") == ('W/"2"', '{"data": 2}') and again.get("/nope") is None
