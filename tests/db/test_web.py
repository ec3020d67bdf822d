"""web_signals and engine_scores persistence on an in-memory database."""
from __future__ import annotations

import json

import pytest

from db.web import (engines_to_crawl, usable_web_signals, latest_web_signals, save_engine_score, save_web_signals, scores_of,
                    stats_history)

NOW = "2026-06-30T00:00:00+00:00"


@pytest.fixture
def db(mem_db):
    with mem_db.conn:
        mem_db.conn.execute("INSERT INTO engines (name, kind, repo, homepage, section, first_seen) VALUES "
                            "('E', 'open_source', 'o/e', 'https://e.org', 's', ?)", (NOW,))
        mem_db.conn.execute("INSERT INTO engines (name, kind, section, first_seen) VALUES ('F', 'commercial', 's', ?)",
                            (NOW,))
        mem_db.conn.execute("INSERT INTO repos (repo, first_seen) VALUES ('o/e', ?)", (NOW,))
        mem_db.conn.execute("INSERT INTO repo_readmes (repo, fetched, text) VALUES ('o/e', ?, '# E')", (NOW,))
    return mem_db


def test_engines_to_crawl_joins_readme(db):
    rows = {r["name"]: r for r in engines_to_crawl(db)}
    assert rows["E"]["readme"] == "# E" and rows["E"]["homepage"] == "https://e.org"
    assert rows["F"]["readme"] is None and rows["F"]["repo"] is None


def test_signals_history_kept_and_same_day_replaced(db):
    save_web_signals(db, "E", "2026-06-01", [{"source": "readme", "status": "ok", "signals": {"a": 1}}])
    save_web_signals(db, "E", "2026-06-02", [{"source": "readme", "status": "ok", "signals": {"a": 2}},
                                             {"source": "homepage", "url": "https://e.org", "status": "refused",
                                              "error": "address not public", "signals": None}])
    save_web_signals(db, "E", "2026-06-02", [{"source": "readme", "status": "ok", "signals": {"a": 3}}])
    assert db.execute("SELECT COUNT(*) FROM web_signals").fetchone()[0] == 2
    latest = latest_web_signals(db, "E")
    assert [(r["date"], r["source"], r["signals"]) for r in latest] == [("2026-06-02", "readme", {"a": 3})]


def test_unknown_engine_rejected_by_foreign_key(db):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        save_web_signals(db, "nope", "2026-06-01", [{"source": "readme", "status": "ok", "signals": {}}])
    assert db.execute("SELECT COUNT(*) FROM web_signals").fetchone()[0] == 0


def test_engine_score_row_per_day(db):
    score = {"ease_of_use": 50.0, "docs_level": "simple", "sns": True, "forum": None, "meetup": False,
             "ease_of_deployment": 70.0, "docs_score": 0.3, "community_score": 0.35, "activity_score": None,
             "components": {"activity": {"reason": "no repo_stats"}}}
    save_engine_score(db, "E", "2026-06-01", score)
    save_engine_score(db, "E", "2026-06-01", dict(score, ease_of_use=60.0))
    save_engine_score(db, "E", "2026-06-02", score)
    rows = scores_of(db, "2026-06-01")
    assert len(rows) == 1 and rows[0]["ease_of_use"] == 60.0
    assert (rows[0]["sns"], rows[0]["forum"], rows[0]["meetup"]) == (1, None, 0)
    assert json.loads(rows[0]["components"])["activity"]["reason"] == "no repo_stats"
    overview = list(db.query("SELECT name, ease_of_use, score_date FROM engine_overview WHERE name = 'E'"))
    assert overview == [{"name": "E", "ease_of_use": 50.0, "score_date": "2026-06-02"}]


def test_stats_history_window(db):
    for day, stars in (("2026-04-01", 1), ("2026-06-01", 5), ("2026-06-20", 9)):
        db.conn.execute("INSERT INTO repo_stats (repo, date, stars) VALUES ('o/e', ?, ?)", (day, stars))
    assert [r["stars"] for r in stats_history(db, "o/e", "2026-05-01")] == [5, 9]
    assert stats_history(db, None) == []


def test_failed_page_keeps_last_good_reading_within_window(db):
    ok = {"source": "homepage", "url": "https://e.org", "status": "ok", "signals": {"n": 1}}
    save_web_signals(db, "E", "2026-05-01", [dict(ok, signals={"n": 0})])
    save_web_signals(db, "E", "2026-06-01", [ok, {"source": "readme", "status": "ok", "signals": {"r": 1}}])
    save_web_signals(db, "E", "2026-06-02", [{"source": "homepage", "status": "failed", "error": "HTTP 503"},
                                             {"source": "readme", "status": "ok", "signals": {"r": 2}}])
    rows = usable_web_signals(db, "E", "2026-05-15", "2026-06-02")
    assert [(r["source"], r["date"], r["signals"]) for r in rows] == [
        ("homepage", "2026-06-01", {"n": 1}), ("readme", "2026-06-02", {"r": 2})]
    assert usable_web_signals(db, "E", "2026-06-02", "2026-06-02")[0]["source"] == "readme"
    assert [r["date"] for r in usable_web_signals(db, "E", "2026-04-01", "2026-05-31")] == ["2026-05-01"]


def test_score_one_knows_whether_the_installation_guide_was_read(db):
    from classifier.scoring import Weights
    from curator.steps.score import score_one

    guide = "https://e.org/docs/install.html"
    readme = {"source": "readme", "status": "ok", "signals": {"install": {}, "install_links": [guide]}}
    engine = {"name": "E", "repo": "o/e"}
    save_web_signals(db, "E", "2026-06-01", [readme, {"source": "install_link", "url": guide, "status": "failed",
                                                      "error": "HTTP 503"}])
    assert score_one(db, engine, Weights.from_config(), "2026-05-01", "2026-06-01").ease_of_deployment is None
    save_web_signals(db, "E", "2026-06-02", [readme, {"source": "install_link", "url": guide, "status": "ok",
                                                      "signals": {"install": {}}}])
    assert score_one(db, engine, Weights.from_config(), "2026-05-01", "2026-06-02").ease_of_deployment == 0
    save_web_signals(db, "E", "2026-06-03", [readme, {"source": "install_link", "url": guide, "status": "ok",
                                                      "signals": {"install": {"pip": ["pip install e"]}}}])
    assert score_one(db, engine, Weights.from_config(), "2026-05-01", "2026-06-03").ease_of_deployment == 70
