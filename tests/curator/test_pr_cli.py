"""`curator pr` from the command line: token handling, dry run, messages, exit codes."""
from __future__ import annotations

import pytest

from curator.cli import main
from db import open_db
from tests.fakes.github_git import FakeGitHub
from tests.reports.helpers import add_engine, add_paper, import_list
from tests.reports.test_publish import LIST, REPO

TOKEN = "ghp_clitoken987654321"


@pytest.fixture
def env(tmp_path, monkeypatch):
    db_path = tmp_path / "curator.db"
    db = open_db(db_path)
    import_list(db, LIST)
    add_paper(db, "2606.00001", "Prefix caching at scale")
    db.conn.close()
    cfg = tmp_path / "curator.toml"
    cfg.write_text(f'[list]\nrepo = "{REPO}"\n[pr]\nseconds_between_requests = 0.0\nseconds_between_writes = 0.0\n')
    fake = FakeGitHub(REPO, {"README.md": LIST}, token=TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("CURATOR_GITHUB_API_URL", raising=False)
    with fake.server:
        monkeypatch.setenv("CURATOR_GITHUB_API_URL", fake.server.url)
        yield {"args": ["--db", str(db_path), "--config", str(cfg)], "fake": fake, "tmp": tmp_path}


def test_missing_token_is_a_one_line_error(env, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main([*env["args"], "pr"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GITHUB_TOKEN is not set" in err
    assert env["fake"].server.requests == []


def test_dry_run_writes_three_files_and_makes_no_request(env, capsys):
    local = env["tmp"] / "README.md"
    local.write_text(LIST)
    out_dir = env["tmp"] / "out"

    assert main([*env["args"], "pr", "--dry-run", str(out_dir), "--list", str(local)]) == 0

    assert sorted(p.name for p in out_dir.iterdir()) == ["README.md", "list.diff", "pr-body.md"]
    assert "https://arxiv.org/abs/2606.00001" in (out_dir / "README.md").read_text()
    diff = (out_dir / "list.diff").read_text()
    assert diff.startswith("--- a/README.md\n+++ b/README.md\n")
    assert any(line.startswith("+") and "2606.00001" in line for line in diff.splitlines())
    assert (out_dir / "pr-body.md").read_text().startswith("This pull request adds **1 paper**")
    assert env["fake"].server.requests == []
    assert local.read_text() == LIST
    assert "dry run: list changed" in capsys.readouterr().out


def test_dry_run_writes_the_star_chart_the_list_links_to(env, capsys):
    db = open_db(env["args"][1])
    add_engine(db, "vLLM", "vllm-project/vllm", [("2026-06-01", 100), ("2026-06-02", 160)])
    db.conn.close()
    local = env["tmp"] / "README.md"
    local.write_text(LIST)
    out_dir = env["tmp"] / "out"

    assert main([*env["args"], "pr", "--dry-run", str(out_dir), "--list", str(local)]) == 0

    assert (out_dir / "assets" / "star-history.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert "wrote README.md, pr-body.md, list.diff, assets/star-history.svg to" in capsys.readouterr().out


def test_dry_run_needs_a_readable_list(env, capsys):
    assert main([*env["args"], "pr", "--dry-run", str(env["tmp"] / "o"), "--list", str(env["tmp"] / "nope.md")]) == 2
    assert "cannot read the list" in capsys.readouterr().err


def test_run_twice_one_pr_then_up_to_date(env, capsys):
    assert main([*env["args"], "pr"]) == 0
    assert "opened pull request 1 on branch curator/update" in capsys.readouterr().out
    assert main([*env["args"], "pr"]) == 0
    assert "already up to date: no commit" in capsys.readouterr().out
    assert len(env["fake"].pulls) == 1
    db = open_db(env["args"][1])
    assert [r[0] for r in db.execute("SELECT status FROM runs WHERE command = 'pr'")] == ["ok", "ok"]


def test_unchanged_list_says_so(env, capsys):
    db = open_db(env["args"][1])
    with db.conn:
        db.execute("DELETE FROM paper_labels")
    db.conn.close()
    assert main([*env["args"], "pr"]) == 0
    assert capsys.readouterr().out.strip() == "list unchanged: no commit, no pull request"
    # the token check (a read and three empty-bodied probes), then three reads; nothing changed
    assert [r.method for r in env["fake"].server.requests] == ["GET", "POST", "POST", "POST", "GET", "GET", "GET"]
    assert all(r.json() in (None, {}) for r in env["fake"].server.requests)


def test_rejected_token_fails_without_leaking_it(env, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongsecret42")
    assert main([*env["args"], "pr"]) == 1
    err = capsys.readouterr().err
    assert "401" in err and "ghp_wrongsecret42" not in err and err.count("\n") == 1
    assert err.startswith("curator: failed: GitHub refused GITHUB_TOKEN (401 Bad credentials): it has expired or "
                          "was revoked")
    assert [(r.method, r.path) for r in env["fake"].server.requests] == [("GET", f"/repos/{REPO}")]
    db = open_db(env["args"][1])
    (status, error), = db.execute("SELECT status, error FROM runs WHERE command = 'pr'").fetchall()
    assert status == "failed" and "Bad credentials" in error and "wrongsecret" not in error


def test_the_pull_request_names_tonights_failed_steps(env, capsys):
    from db.nightly import record_step
    from db.runs import start_run

    db = open_db(env["args"][1])
    record_step(db, "score", "2026-06-01T00:00:00+00:00", "failed", {}, "an old failure, nights ago")
    start_run(db, "nightly")
    record_step(db, "crawl arxiv", "2026-06-02T00:00:00+00:00", "failed", {}, "arXiv answered 503 @octocat")
    record_step(db, "score", "2026-06-02T00:00:00+00:00", "ok", {}, None)
    db.conn.close()

    assert main([*env["args"], "pr"]) == 0

    body = env["fake"].pulls[1].body
    assert "- **crawl arxiv** (failed): arXiv answered 503 @&#8203;octocat" in body
    assert "**score**" not in body and "nights ago" not in body and "1 step failed" in body


def test_token_without_a_write_permission_fails_before_any_write(env, capsys):
    env["fake"].permissions = {"contents"}
    assert main([*env["args"], "pr"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lacks the 'pull_requests: write' permission" in err and TOKEN not in err
    assert env["fake"].writes() == [("POST", f"/repos/{REPO}/git/refs"), ("POST", f"/repos/{REPO}/pulls")]
    assert env["fake"].refs.keys() == {"main"} and env["fake"].pulls == {}  # the probes created nothing
    db = open_db(env["args"][1])
    assert [tuple(r) for r in db.execute("SELECT status FROM runs WHERE command = 'pr'")] == [("failed",)]
    assert db.execute("SELECT COUNT(*) FROM pull_requests").fetchone() == (0,)


def test_bot_branch_on_the_default_branch_exits_2_and_writes_nothing(env, capsys):
    cfg = env["tmp"] / "curator.toml"
    cfg.write_text(f'[list]\nrepo = "{REPO}"\nbranch = "develop"\n[pr]\nbranch = "main"\n'
                   'seconds_between_requests = 0.0\nseconds_between_writes = 0.0\n')
    env["fake"].refs["develop"] = env["fake"].refs["main"]
    head = env["fake"].refs["main"]
    assert main([*env["args"], "pr"]) == 2
    err = capsys.readouterr().err
    assert err == (f"curator: error: pr.branch: 'main' is the default branch of {REPO}; curator never commits "
                   "to it (set pr.branch to a branch of its own). Nothing was written\n")
    assert env["fake"].refs["main"] == head and env["fake"].pulls == {}


def test_bot_branch_equal_to_the_list_branch_is_refused_at_load(env, capsys):
    cfg = env["tmp"] / "curator.toml"
    cfg.write_text(f'[list]\nrepo = "{REPO}"\n[pr]\nbranch = "main"\n')
    assert main([*env["args"], "pr"]) == 2
    assert capsys.readouterr().err.startswith("curator: error: pr.branch: must differ from list.branch ('main')")
    assert env["fake"].server.requests == []
