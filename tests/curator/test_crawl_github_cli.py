"""`curator crawl github` end to end against the fake GitHub API."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from curator.cli import main
from db import open_db
from tests.fakes.github import FakeGitHub, FakeIssue, FakeRepo

TOKEN = "ghp_CliDistinctiveToken_5f3a9c1e7b2d4086"


@pytest.fixture
def env(tmp_path, monkeypatch):
    now = datetime.now(timezone.utc)
    db_path = tmp_path / "curator.db"
    db = open_db(db_path)
    for name, repo in [("Alpha", "org/alpha"), ("Beta", "old/beta"), ("Gamma", "org/gone")]:
        db["engines"].insert({"name": name, "kind": "open_source", "repo": repo, "section": "Engines",
                              "first_seen": "2026-01-01"})
    db.conn.close()
    fake = FakeGitHub(token=TOKEN, now=now)
    fake.add(FakeRepo("org/alpha", id=1, issues=[FakeIssue(2, now - timedelta(days=1),
                                                            comments=[("m", now - timedelta(hours=20))])]))
    fake.add(FakeRepo("old/beta", id=2, archived=True))
    fake.rename("old/beta", "new/beta")
    fake.gone["org/gone"] = 404
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with fake:
        monkeypatch.setenv("CURATOR_GITHUB_API_URL", fake.url)
        yield {"args": ["--db", str(db_path)], "fake": fake, "db": db_path}


def _db(env):
    return open_db(env["db"])


def _no_token_anywhere(env, text: str) -> None:
    assert TOKEN not in text
    assert TOKEN.encode() not in env["db"].read_bytes()


def test_two_nights_second_costs_only_304s(env, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    assert main([*env["args"], "-v", "crawl", "github"]) == 0
    first = capsys.readouterr()
    assert "2 of 3 repos crawled" in first.out and "1 missing" in first.out and "1 renamed" in first.out
    assert "[1/3] old/beta" in first.err
    db = _db(env)
    assert db.execute("SELECT status, renamed_to, archived FROM repos WHERE repo = 'old/beta'").fetchone() == \
        ("archived", "new/beta", 1)
    assert db.execute("SELECT status, miss_count FROM repos WHERE repo = 'org/gone'").fetchone() == ("missing", 1)
    assert db.execute("SELECT median_first_response_hours FROM repo_stats WHERE repo='org/alpha'").fetchone()[0] == 4
    db.conn.close()
    billable_before = env["fake"].limit - env["fake"].remaining

    # next nights: new App, client and cache object; only the stored ETags carry over.
    # Night 2 asks for the renamed repo under its new name once (one 200); night 3 is all 304s.
    assert main([*env["args"], "crawl", "github"]) == 0
    second = capsys.readouterr()
    assert "1 unchanged (304)" in second.out and "(2 billable)" in second.out
    night3 = len(env["fake"].requests)
    assert main([*env["args"], "crawl", "github"]) == 0
    third = capsys.readouterr()
    assert "2 unchanged (304)" in third.out and "(1 billable)" in third.out  # the missing repo's 404
    assert env["fake"].limit - env["fake"].remaining - billable_before == 3
    assert not any(q.path.startswith("/repos/old/beta") for q in env["fake"].requests[night3:])
    db = _db(env)
    assert db.execute("SELECT COUNT(*) FROM repo_stats").fetchone()[0] == 2  # same day: updated, not duplicated
    assert db.execute("SELECT miss_count FROM repos WHERE repo = 'org/gone'").fetchone()[0] == 3
    assert db.execute("SELECT status FROM repos WHERE repo = 'org/gone'").fetchone()[0] == "gone"
    assert [r[0] for r in db.execute("SELECT status FROM runs ORDER BY id")] == ["ok", "ok", "ok"]
    db.conn.close()
    _no_token_anywhere(env, first.out + first.err + second.out + second.err + third.err + caplog.text)


def test_rate_limit_mid_crawl_saves_done_repos_and_is_incomplete(env, capsys):
    env["fake"].remaining = 12  # enough for the first repository only
    env["fake"].reset = int(datetime.now(timezone.utc).timestamp()) + 50 * 60
    assert main([*env["args"], "crawl", "github"]) == 0
    out = capsys.readouterr()
    assert "rate-limited, resumes next run" in out.err
    db = _db(env)
    assert db.execute("SELECT status, error FROM runs").fetchone()[0] == "incomplete"
    assert "rate-limited, resumes next run" in db.execute("SELECT error FROM runs").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM repo_stats").fetchone()[0] == 1


def test_bad_token_fails_the_run_with_one_line(env, capsys, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "x")
    assert main([*env["args"], "-v", "crawl", "github"]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("curator: failed:") and "401" in last and "GITHUB_TOKEN" in last
    assert len(env["fake"].requests) == 1
    db = _db(env)
    assert db.execute("SELECT status FROM runs").fetchone()[0] == "failed"
    assert (TOKEN + "x") not in err + caplog.text and (TOKEN + "x").encode() not in env["db"].read_bytes()


def test_bad_api_url_is_bad_input(env, capsys, monkeypatch):
    monkeypatch.setenv("CURATOR_GITHUB_API_URL", "ftp://example.org")
    assert main([*env["args"], "crawl", "github"]) == 2
    assert "CURATOR_GITHUB_API_URL" in capsys.readouterr().err
    assert env["fake"].requests == []


def test_repo_option_limits_the_crawl(env, capsys):
    assert main([*env["args"], "crawl", "github", "--repo", "org/alpha"]) == 0
    assert "1 of 1 repos crawled" in capsys.readouterr().out
    assert {q.path.split("/")[3] for q in env["fake"].requests} == {"alpha"}


def test_failing_repositories_are_named_in_the_log_and_the_run(env, capsys, monkeypatch, caplog, tmp_path):
    from tests.fakes.server import FakeServer, Response

    config = tmp_path / "curator.toml"
    config.write_text("[github]\nmax_attempts = 1\nstats_attempts = 1\n")
    down = FakeServer(lambda req: Response(502, '{"message": "Bad Gateway"}', {"Content-Type": "application/json"}))
    with down:
        monkeypatch.setenv("CURATOR_GITHUB_API_URL", down.url)
        assert main([*env["args"], "--config", str(config), "crawl", "github"]) == 1
    err = capsys.readouterr().err
    assert "every repository failed; last: org/gone: " in err and "502" in err
    warned = [r.getMessage() for r in caplog.records if r.name == "curator.steps.github"]
    assert sorted(m.split(":")[1].strip() for m in warned) == ["old/beta", "org/alpha", "org/gone"]
    error = _db(env).execute("SELECT error FROM runs").fetchone()[0]
    assert error.startswith("crawl github: every repository failed; last: org/gone: ")
