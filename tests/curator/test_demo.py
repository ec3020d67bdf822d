"""`curator demo`: the replay server speaks the recorded formats, and (one marked,
slower test) the whole pipeline runs offline and leaves its files."""
from __future__ import annotations

import ipaddress
import os
import socket
import sqlite3
from datetime import datetime, timezone

import pytest
import requests

from curator.cli import main
from curator.replay import ReplayServer

WEEK_QUERY = "(cat:cs.CL) AND submittedDate:[202608100000 TO 202608142359]"


@pytest.fixture
def replay():
    with ReplayServer(now=datetime(2026, 11, 1, tzinfo=timezone.utc)) as server:
        yield server


def test_arxiv_replay_pages_by_start_and_max_results(replay):
    def page(start: int, size: int, query: str = WEEK_QUERY) -> str:
        r = requests.get(replay.arxiv_url, params={"search_query": query, "start": start, "max_results": size,
                                                   "sortBy": "submittedDate", "sortOrder": "ascending"}, timeout=5)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/atom+xml")
        return r.text

    first, last = page(0, 1000), page(1000, 1000)
    assert "<opensearch:totalResults>1361<" in first and "<opensearch:startIndex>1000<" in last
    assert first.count("<entry>") == 1000 and last.count("<entry>") == 361
    day = page(0, 500, "all:LLM AND submittedDate:[202608100000 TO 202608102359]")
    assert "<opensearch:totalResults>205<" in day
    by_id = requests.get(replay.arxiv_url, params={"id_list": "2608.09160v1"}, timeout=5).text
    assert by_id.count("<entry>") == 1 and "Tensor Parallelism" in by_id
    # a real week: the papers' own authors and arXiv categories
    assert "<name>Gyudong Kim</name>" in by_id and '<arxiv:primary_category term="cs.LG"/>' in by_id


def test_github_replay_links_etags_rate_limit_and_404(replay):
    url = replay.github_url + "/repos/vllm-project/vllm/contributors"
    r = requests.get(url, params={"anon": "1", "per_page": "1"}, timeout=5)
    assert r.status_code == 200 and len(r.json()) == 1
    assert 'rel="last"' in r.headers["Link"] and r.headers["Link"].startswith(f"<{url}?")
    assert r.headers["x-ratelimit-limit"] == "5000"
    again = requests.get(url, params={"anon": "1", "per_page": "1"}, headers={"If-None-Match": r.headers["ETag"]},
                         timeout=5)
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["x-ratelimit-remaining"]) == int(r.headers["x-ratelimit-remaining"])
    readme = requests.get(replay.github_url + "/repos/vllm-project/vllm/readme", timeout=5).json()
    assert readme["encoding"] == "base64" and readme["size"] > 1000
    missing = requests.get(replay.github_url + "/repos/nobody/nothing", timeout=5)
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"


def test_github_replay_lists_repository_issue_comments_oldest_first(replay):
    url = replay.github_url + "/repos/vllm-project/vllm/issues/comments"
    every = requests.get(url, params={"sort": "created", "direction": "asc", "per_page": "100"}, timeout=5).json()
    assert len(every) > 1 and all(c["issue_url"].startswith(replay.github_url + "/repos/vllm-project/vllm/issues/")
                                  for c in every)
    created = [c["created_at"] for c in every]
    assert created == sorted(created)
    later = requests.get(url, params={"sort": "created", "direction": "asc", "per_page": "100",
                                      "since": created[-1]}, timeout=5).json()
    assert [c["created_at"] for c in later] == [t for t in created if t >= created[-1]]


def test_github_replay_times_follow_the_clock(replay):
    repo = requests.get(replay.github_url + "/repos/ollama/ollama", timeout=5).json()
    pushed = datetime.fromisoformat(repo["pushed_at"].replace("Z", "+00:00"))
    # recorded a few hours/days before 2026-05-11, shifted to just before the injected now
    assert datetime(2026, 10, 1, tzinfo=timezone.utc) < pushed < datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.mark.model
def test_demo_end_to_end_offline(tmp_path, monkeypatch, capsys):
    """The whole pipeline (`--quick`: the week's first day) with the real model,
    every connection checked to stay on loopback. About 30-60 s on 2 cores."""
    outside: list[str] = []
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else "unix"
        if host != "unix" and not ipaddress.ip_address(host).is_loopback:
            outside.append(host)
            raise OSError(f"demo tried to reach {host}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setenv("GITHUB_TOKEN", "not-to-be-sent")
    monkeypatch.delenv("CURATOR_ARXIV_API_URL", raising=False)
    out = tmp_path / "demo"
    code = main(["demo", str(out), "--quick"])
    captured = capsys.readouterr()
    assert code == 0, captured.err[-2000:]
    assert outside == []
    assert os.environ["GITHUB_TOKEN"] == "not-to-be-sent" and "CURATOR_ARXIV_API_URL" not in os.environ
    # what a newcomer opens, and no internals (lock files, settings)
    # (no star chart: the replay is one crawl, and one day of stars is not history)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "browse.sh", "curator.db", "list.diff", "pr-body.md", "seed-list.md"]
    assert "--db curator.db serve" in (out / "browse.sh").read_text() and os.access(out / "browse.sh", os.X_OK)
    assert "+<!-- curator:begin comparison -->" in (out / "list.diff").read_text()
    db = sqlite3.connect(out / "curator.db")
    counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("papers", "engines", "repo_stats", "engine_scores", "paper_labels")}
    assert counts["papers"] >= 205 and counts["engines"] == 25 and counts["repo_stats"] == 21
    assert counts["engine_scores"] == 25 and counts["paper_labels"] > 9
    assert db.execute("SELECT COUNT(*) FROM runs WHERE status != 'ok'").fetchone()[0] == 0
    # the replay answers the repository-wide comments listing the crawler reads response times from
    assert db.execute("SELECT COUNT(*) FROM repo_stats WHERE median_first_response_hours > 0").fetchone()[0] >= 4
    assert f"curator --db {out / 'curator.db'} serve" in captured.out
    assert "SYNTHETIC" in captured.out
    # a short summary on stdout; the steps' own output is only logged, progress is on stderr
    assert len(captured.out.splitlines()) <= 15 and "Open next:" in captured.out
    assert f"  {out / 'pr-body.md'}    the pull request a maintainer would review" in captured.out  # aligned
    assert "ease_of_use=" not in captured.out + captured.err and "nightly [6/9] classify: ok" in captured.err


def test_summary_names_a_failed_step_and_what_to_open(tmp_path, fixtures):
    from curator.app import App
    from curator.demo import StepsApp, summary
    from curator.steps import StepResult

    seed = fixtures / "seed-list.md"
    (tmp_path / "seed-list.md").write_text(seed.read_text())
    (tmp_path / "demo.toml").write_text("")
    steps_app = StepsApp(str(tmp_path / "curator.db"), str(tmp_path / "demo.toml"),
                         App("unused.db", None, quiet=False, verbose=False))
    failed = [StepResult("crawl github", "failed", error="GitHub answered 502")]

    text = summary(steps_app, tmp_path, seed, ("2026-08-10", "2026-08-10"), 12.3, tmp_path / "browse.sh", failed)

    assert text.startswith("curator demo: done in 12 s")
    assert "  FAILED                 crawl github (failed): GitHub answered 502" in text
    assert "  papers                 not counted: no list imported" in text
    assert text.splitlines()[-1].endswith(f"--db {tmp_path / 'curator.db'} serve    (or {tmp_path / 'browse.sh'})")
