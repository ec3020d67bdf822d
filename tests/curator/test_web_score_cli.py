"""`curator crawl web` and `curator score` end to end on a file database."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from datetime import date, timedelta

from curator.cli import main
from db import open_db
from db.runs import now_iso
from tests.fakes.server import FakeServer, Response

READMES = Path(__file__).resolve().parents[2] / "curator" / "demo_data" / "readmes"
NOW = "2026-06-30T00:00:00+00:00"
TODAY = now_iso()[:10]  # crawl web stamps its rows with today's date


def days_ago(n: int) -> str:
    return (date.fromisoformat(TODAY) - timedelta(days=n)).isoformat()


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "c.db"
    db = open_db(path)
    with db.conn:
        for name, repo, readme in (("vLLM", "vllm-project/vllm", "vllm-project+vllm.md"),
                                   ("NanoFlow", "efeslab/Nanoflow", "efeslab+Nanoflow.md")):
            db.conn.execute("INSERT INTO engines (name, kind, repo, section, first_seen) VALUES (?, 'open_source', ?, 's', ?)",
                            (name, repo, NOW))
            db.conn.execute("INSERT INTO repos (repo, first_seen) VALUES (?, ?)", (repo, NOW))
            db.conn.execute("INSERT INTO repo_readmes (repo, fetched, text) VALUES (?, ?, ?)",
                            (repo, NOW, (READMES / readme).read_text(encoding="utf-8")))
        db.conn.execute("INSERT INTO engines (name, kind, section, first_seen) VALUES ('Cloud', 'commercial', 's', ?)",
                        (NOW,))
        for day, stars, contributors in ((days_ago(29), 1000, 900), (days_ago(2), 1600, 950)):
            db.conn.execute("INSERT INTO repo_stats (repo, date, stars, contributors, commits_90d) VALUES (?,?,?,?,?)",
                            ("vllm-project/vllm", day, stars, contributors, 1500))
    db.conn.close()
    return str(path)


def test_readme_crawl_then_score(dbfile, capsys):
    assert main(["--db", dbfile, "crawl", "web", "--readme-only"]) == 0
    assert "3 engines" in capsys.readouterr().out
    assert main(["--db", dbfile, "score", "--date", TODAY]) == 0
    out = capsys.readouterr().out
    assert "vLLM\tease_of_use=" in out
    db = open_db(dbfile)
    rows = {r["engine"]: r for r in db.query("SELECT * FROM engine_scores")}
    v, n, c = rows["vLLM"], rows["NanoFlow"], rows["Cloud"]
    assert (v["sns"], v["forum"], v["meetup"]) == (1, 1, 1)
    assert v["ease_of_deployment"] == 70 and n["ease_of_deployment"] == 60
    assert v["activity_score"] > 0.8 and n["activity_score"] is None
    assert v["ease_of_use"] > n["ease_of_use"]
    growth = json.loads(v["components"])["activity"]["parts"]["stars_growth_30d"]["value"]
    assert growth == pytest.approx(600 * 30 / 27)
    assert c["ease_of_use"] is None and c["docs_level"] is None
    statuses = {(r["engine"], r["source"]): r["status"] for r in db.query("SELECT * FROM web_signals")}
    assert statuses[("Cloud", "readme")] == "skipped" and statuses[("vLLM", "readme")] == "ok"
    runs = [r["command"] for r in db.query("SELECT command FROM runs WHERE status = 'ok'")]
    assert runs == ["crawl web", "score"]
    # scores as of a date before the crawl see no web signals and no stats
    assert main(["--db", dbfile, "score", "--date", days_ago(40)]) == 0
    early = db.execute("SELECT ease_of_use, docs_level FROM engine_scores WHERE engine = 'vLLM' AND date = ?",
                       [days_ago(40)]).fetchone()
    assert early == (None, None)


def test_crawl_web_refuses_loopback_homepage_by_default(dbfile, capsys, caplog):
    with FakeServer(lambda req: Response(200, "<a href='https://discord.gg/x'>chat</a>",
                                         {"Content-Type": "text/html"})) as srv:
        db = open_db(dbfile)
        with db.conn:
            db.conn.execute("UPDATE engines SET homepage = ? WHERE name = 'Cloud'", (srv.url + "/",))
        db.conn.close()
        assert main(["--db", dbfile, "crawl", "web", "--engine", "Cloud"]) == 0
        assert srv.requests == []
    db = open_db(dbfile)
    row = db.execute("SELECT status, error FROM web_signals WHERE engine='Cloud' AND source='homepage'").fetchone()
    assert row[0] == "refused" and "127.0.0.1" in row[1]
    # the log names the engine, the source, the page and why
    assert f"crawl web: Cloud homepage {srv.url}/: {row[1]}" in caplog.text


def test_score_bad_date_is_exit_2(dbfile, capsys):
    assert main(["--db", dbfile, "score", "--date", "yesterday"]) == 2
    err = capsys.readouterr().err
    assert "--date" in err and len(err.strip().splitlines()) == 1


def test_score_weights_from_config(dbfile, tmp_path, capsys):
    main(["--db", dbfile, "crawl", "web", "--readme-only"])
    cfg = tmp_path / "c.toml"
    cfg.write_text("[scoring]\ndocs_weight = 1.0\ncommunity_weight = 0.0\nactivity_weight = 0.0\n")
    assert main(["--db", dbfile, "--config", str(cfg), "score", "--date", TODAY]) == 0
    db = open_db(dbfile)
    v = db.execute("SELECT ease_of_use, docs_score FROM engine_scores WHERE engine='vLLM'").fetchone()
    assert v[0] == pytest.approx(100 * v[1])


def test_address_guard_cannot_be_relaxed_by_config(dbfile, tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[web]\nallow_hosts = ["127.0.0.1"]\n')
    assert main(["--db", dbfile, "--config", str(cfg), "crawl", "web"]) == 2
    assert "web.allow_hosts: unknown setting" in capsys.readouterr().err
