"""`curator nightly`: every step runs in process, a failing source stops nothing,
the exit status and `runs` say what failed, the PR (dry run) names it.

The sources are the demo's loopback replay server (curator/replay.py) and, for
the failing arXiv, a FakeServer answering 503. The classifier uses the cheap
"hashing" encoder so no model is loaded.
"""
from __future__ import annotations

import json
import shutil

import pytest

from curator.steps import nightly as pipeline
from curator.cli import main
from curator.replay import ReplayServer
from tests.fakes.server import FakeServer, Response

STEPS = ["import-list", "crawl arxiv", "crawl github", "crawl web", "crawl docs", "classify", "score", "render"]
CONFIG = """
[list]
path = "seed-list.md"
[arxiv]
max_attempts = 1
[classifier]
model = "hashing"
"""


@pytest.fixture
def replay():
    with ReplayServer() as server:
        yield server


@pytest.fixture
def workdir(tmp_path, fixtures, monkeypatch, replay):
    (tmp_path / "curator.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copyfile(fixtures / "seed-list.md", tmp_path / "seed-list.md")
    monkeypatch.setenv("CURATOR_ARXIV_API_URL", replay.arxiv_url)
    monkeypatch.setenv("CURATOR_GITHUB_API_URL", replay.github_url)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("CURATOR_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _runs(path):
    from db import open_db

    return list(open_db(str(path)).query("SELECT command, status, counts, error FROM runs ORDER BY id"))


def test_all_steps_ok_exit_0_quiet_and_list_untouched(workdir, capsys):
    before = (workdir / "seed-list.md").read_bytes()
    # `--dry-run` without DIR, as the workflow calls it
    code = main(["-q", "--db", "c.db", "--config", "curator.toml", "nightly", "--list", "seed-list.md", "--dry-run"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured == ("", "")  # --quiet: no progress lines, no step output, no warnings
    runs = _runs(workdir / "c.db")
    assert [r["command"] for r in runs[1:]] == STEPS + ["pr"]
    assert all(r["status"] == "ok" for r in runs), runs
    assert json.loads(runs[-1]["counts"]) == {"recorded_by": "nightly", "changed": 1}  # the dry run records nothing itself
    assert runs[0]["command"] == "nightly" and json.loads(runs[0]["counts"]) == {"ok": 9, "steps": 9}
    out = workdir / "curator-dry-run"
    assert (out / "pr-body.md").read_text() and (out / "list.diff").read_text().startswith("--- a/seed-list.md")
    assert (workdir / "seed-list.md").read_bytes() == before  # nightly renders a working copy


def test_failing_arxiv_does_not_stop_the_others(workdir, capsys, monkeypatch):
    down = FakeServer(lambda req: Response(503, "Service Unavailable", {"Retry-After": "0"}))
    with down:
        monkeypatch.setenv("CURATOR_ARXIV_API_URL", down.url + "/api/query")
        code = main(["--db", "c.db", "--config", "curator.toml", "nightly", "--list", "seed-list.md",
                     "--dry-run", "out"])
    assert down.requests, "the arXiv fake was asked"
    err = capsys.readouterr().err
    assert code == 1
    assert "nightly [2/9] crawl arxiv: failed" in err
    assert "nightly [3/9] crawl github: ok" in err
    assert "curator: failed: nightly: 8 of 9 steps ok; crawl arxiv failed" in err
    runs = {r["command"]: r for r in _runs(workdir / "c.db")}
    assert runs["crawl arxiv"]["status"] == "failed" and "503" in runs["crawl arxiv"]["error"]
    for name in ("crawl github", "crawl web", "classify", "score", "render"):
        assert runs[name]["status"] == "ok", name
    assert runs["nightly"]["status"] == "failed"
    assert json.loads(runs["nightly"]["counts"])["failed_steps"] == "crawl arxiv"
    assert "crawl arxiv" in runs["nightly"]["error"]
    body = (workdir / "out" / "pr-body.md").read_text()
    failures = body[body.index("**1 step failed in this run;**"):body.index("### ")]
    assert "- **crawl arxiv** (failed): " in failures and "503" in failures


def test_a_failing_step_after_the_crawls_is_named_in_the_pr_body(workdir, monkeypatch):
    from curator.app import App
    from curator.steps import classify

    def broken(app, **kwargs):
        with app.run("classify"):
            raise RuntimeError("the model file is unreadable")

    monkeypatch.setattr(classify, "classify", broken)
    app = App(str(workdir / "c.db"), str(workdir / "curator.toml"), quiet=True, verbose=False)
    results = pipeline.nightly(app, workdir / "seed-list.md", workdir / "out")
    assert pipeline.describe(results) == "8 of 9 steps ok; classify failed: RuntimeError: the model file is unreadable"
    with pytest.raises(Exception, match="8 of 9 steps ok; classify failed"):
        pipeline.check(results)
    body = (workdir / "out" / "pr-body.md").read_text()
    assert "**1 step failed in this run;**" in body
    assert "- **classify** (failed): RuntimeError: the model file is unreadable" in body
    assert "crawl arxiv" not in body.split("### ")[0]
    night = next(app.db.query("SELECT status, error FROM runs WHERE command = 'nightly'"))
    assert night["status"] == "failed" and "classify failed" in night["error"]


def test_missing_list_file_is_bad_input(workdir, capsys):
    code = main(["--db", "c.db", "nightly", "--list", "nope.md"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "curator: error: --list: nope.md is not a file"


def test_plan_runs_every_step_in_order_and_pr_last(tmp_path):
    steps = pipeline.plan(tmp_path / "w.md", dry_run=tmp_path / "d", original=tmp_path / "o.md")
    assert [name for name, _ in steps] == STEPS + ["pr"]
    no_pr = pipeline.plan(tmp_path / "w.md", options=pipeline.NightOptions(with_pr=False))
    assert [name for name, _ in no_pr] == STEPS


def test_a_step_that_records_nothing_gets_a_runs_row(mem_db):
    class _App:
        db = mem_db
        recorded: list = []

    def refuses(app, results):
        raise pipeline.BadInput("no list to read")

    result = pipeline.run_step(_App(), "crawl gopher", refuses, [])
    assert result.status == "failed" and result.error == "no list to read"
    row = next(mem_db.query("SELECT * FROM runs WHERE command = 'crawl gopher'"))
    assert row["status"] == "failed" and row["error"] == result.error and row["finished"]


def test_without_list_the_target_list_is_read_from_github(tmp_path):
    from catalogue.settings import merge
    from catalogue.errors import RunFailed
    from curator.clients import GitHubAccess
    from tests.fakes.github_git import FakeGitHub

    config = merge({"list": {"repo": "owner/awesome", "path": "docs/README.md", "branch": "main"}})
    fake = FakeGitHub("owner/awesome", {"docs/README.md": "# The list\n"}, token="t0ken")
    with fake.server:
        path = pipeline.fetch_list(config, tmp_path, GitHubAccess(fake.server.url, "t0ken"))
        assert path == tmp_path / "README.md" and path.read_text() == "# The list\n"
        missing = merge({"list": {"repo": "owner/awesome", "path": "nope.md"}})
        with pytest.raises(RunFailed, match="cannot read owner/awesome/nope.md@main: GitHub answered 404"):
            pipeline.fetch_list(missing, tmp_path, GitHubAccess(fake.server.url, "t0ken"))


def test_no_pr_then_pr_with_a_fresh_token_as_the_workflow_runs_them(workdir, fixtures, capsys, monkeypatch):
    """The nightly job: `nightly --no-pr` (crawl to render; arXiv down tonight), then a token
    minted for `pr` alone. The first `pr` runs with a token that expired meanwhile: one line,
    exit 1, nothing written; with the fresh token it opens the PR naming tonight's failure."""
    from db import open_db
    from tests.fakes.github_git import FakeGitHub

    settings = CONFIG.replace("[list]\n", '[list]\nrepo = "owner/awesome"\n')
    settings += "[pr]\nseconds_between_requests = 0.0\nseconds_between_writes = 0.0\n"
    (workdir / "curator.toml").write_text(settings, encoding="utf-8")
    down = FakeServer(lambda req: Response(503, "Service Unavailable", {"Retry-After": "0"}))
    with down:
        monkeypatch.setenv("CURATOR_ARXIV_API_URL", down.url + "/api/query")
        code = main(["--db", "c.db", "nightly", "--list", "seed-list.md", "--no-pr"])
    err = capsys.readouterr().err
    assert code == 1 and "nightly [8/8] render: ok" in err and "pr" not in [r["command"] for r in _runs("c.db")]

    repo = FakeGitHub("owner/awesome", {"seed-list.md": (fixtures / "seed-list.md").read_text()}, token="ghs_fresh")
    with repo.server:
        monkeypatch.setenv("CURATOR_GITHUB_API_URL", repo.server.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_mintedAtTheStartOfTheNight")
        assert main(["--db", "c.db", "pr"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("curator: failed: GitHub refused GITHUB_TOKEN (401 Bad credentials): it has expired")
        assert repo.writes() == [] and "ghs_minted" not in err

        monkeypatch.setenv("GITHUB_TOKEN", "ghs_fresh")
        assert main(["--db", "c.db", "pr"]) == 0
    assert "opened pull request 1 on branch curator/update" in capsys.readouterr().out
    body = repo.pulls[1].body
    assert "- **crawl arxiv** (failed): " in body and "503" in body
    statuses = [(r["command"], r["status"]) for r in _runs(workdir / "c.db") if r["command"] in ("pr", "nightly")]
    assert statuses == [("nightly", "failed"), ("pr", "failed"), ("pr", "ok")]
    assert open_db("c.db").execute("SELECT COUNT(*) FROM pull_requests").fetchone() == (1,)


def test_no_pr_and_dry_run_exclude_each_other(workdir, capsys):
    assert main(["--db", "c.db", "nightly", "--list", "seed-list.md", "--no-pr", "--dry-run"]) == 2
    assert capsys.readouterr().err == ("curator: error: --no-pr and --dry-run exclude each other "
                                       "(--dry-run makes the pr step a dry run)\n")
    assert not (workdir / "c.db").exists()
