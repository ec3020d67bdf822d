"""`curator crawl arxiv` end to end: fake arXiv API, real client, file database, injected clock."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from curator.cli import main
from db import open_db
from tests.fakes.arxiv import Entry, FakeArxiv, empty_page
from tests.fakes.server import Response

NOW = datetime.now(timezone.utc).replace(tzinfo=None)


def recent(n: int, first_days_ago: int = 20) -> list[Entry]:
    """``n`` papers matching the default query, one every 3 hours from ``first_days_ago`` on."""
    out = []
    for i in range(n):
        when = NOW - timedelta(days=first_days_ago) + timedelta(hours=3 * i)
        out.append(Entry(f"2606.{i:05d}", f"Speculative decoding for LLM serving {i}",
                         f"We make LLM inference faster {i}. Code: https://github.com/lab/spec{i % 3}.git",
                         ["cs.CL", "cs.LG"], when.strftime("%Y-%m-%dT%H:%M:%SZ"), authors=[f"Author {i}", "B. Coauthor"]))
    return out


class Clock:
    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def clock(self):
        return self.now

    def sleep(self, s):
        self.sleeps.append(s)
        self.now += s


@pytest.fixture
def env(tmp_path, monkeypatch):
    from crawler import arxiv as crawler_arxiv

    clock = Clock()
    monkeypatch.setattr(crawler_arxiv, "DEFAULT_TIMING", crawler_arxiv.Timing(clock.clock, clock.sleep))
    cfg = tmp_path / "curator.toml"
    cfg.write_text("[arxiv]\npage_size = 5\nmax_attempts = 2\nempty_page_retries = 2\n")
    db = tmp_path / "c.db"
    return {"db": str(db), "cfg": str(cfg), "clock": clock, "monkeypatch": monkeypatch}


def run(env, fake: FakeArxiv, *args: str) -> int:
    env["monkeypatch"].setenv("CURATOR_ARXIV_API_URL", fake.url)
    return main(["--db", env["db"], "--config", env["cfg"], "crawl", "arxiv", *args])


def runs(env) -> list[dict]:
    return list(open_db(env["db"]).query("SELECT * FROM runs WHERE command = 'crawl arxiv' ORDER BY id"))


def test_first_run_looks_back_and_stores_everything(env, capsys):
    with FakeArxiv(recent(12) + recent(3, first_days_ago=40)) as fake:
        assert run(env, fake) == 0
    out = capsys.readouterr().out
    assert "crawl arxiv: 12 new, 0 updated, 0 unchanged, 0 skipped, 3 requests" in out
    db = open_db(env["db"])
    assert db["papers"].count == 12  # the 40-day-old ones are outside the 30-day look-back
    row = db["papers"].get("2606.00000")
    assert row["version"] == 1 and json.loads(row["categories"]) == ["cs.CL", "cs.LG"]
    assert row["abs_url"] == "https://arxiv.org/abs/2606.00000"
    assert {r["repo"] for r in db["paper_repos"].rows} == {"lab/spec0", "lab/spec1", "lab/spec2"}
    assert db["paper_authors"].count == 24
    last = runs(env)[-1]
    assert last["status"] == "ok" and json.loads(last["counts"])["requests"] == 3
    query = fake.requests[0].param("search_query")
    assert query.startswith("(((cat:cs.DC OR cat:cs.LG") and 'all:"KV cache"' in query
    assert "OR ((cat:cs.CV) AND (all:LLM OR" in query
    assert f"submittedDate:[{(NOW - timedelta(days=30)):%Y%m%d}" in query
    assert env["clock"].sleeps and min(env["clock"].sleeps) >= 3.0


def test_second_run_is_incremental_from_the_cursor_minus_overlap(env):
    papers = recent(12)
    with FakeArxiv(papers) as fake:
        assert run(env, fake) == 0
        state = next(open_db(env["db"])["crawl_state"].rows)
        until = datetime.strptime(state["last_until"], "%Y-%m-%dT%H:%M:%SZ")
        assert state["last_total"] == 12 and state["last_success"]
        fake.requests.clear()
        assert run(env, fake) == 0
    since = until - timedelta(days=2)
    assert f"submittedDate:[{since:%Y%m%d%H%M} TO " in fake.requests[0].param("search_query")
    assert json.loads(runs(env)[-1]["counts"]).get("new", 0) == 0


def test_since_and_until_override(env):
    with FakeArxiv(recent(12)) as fake:
        assert run(env, fake, "--since", "2026-01-01", "--until", "2026-01-31T12:00") == 0
    assert "submittedDate:[202601010000 TO 202601311200]" in fake.requests[0].param("search_query")


@pytest.mark.parametrize("args, message", [
    (["--since", "last tuesday"], "--since: expected a date"),
    (["--until", "2026-13-01"], "--until: expected a date"),
    (["--since", "2026-02-01", "--until", "2026-01-01"], "is not before"),
    (["--ids", "2309.06180,not-an-id"], "--ids: not an arXiv id"),
    (["--ids", "2309.06180", "--since", "2026-01-01"], "take no --since"),
])
def test_bad_input_exits_2_with_one_line(env, capsys, args, message):
    with FakeArxiv([]) as fake:
        assert run(env, fake, *args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
    assert not [r for r in fake.requests]


def test_bad_endpoint_is_bad_input(env, capsys, monkeypatch):
    monkeypatch.setenv("CURATOR_ARXIV_API_URL", "file:///etc/passwd")
    assert main(["--db", env["db"], "--config", env["cfg"], "crawl", "arxiv"]) == 2
    assert "CURATOR_ARXIV_API_URL" in capsys.readouterr().err


def test_case2_source_down_fails_with_exit_1_and_deletes_nothing(env, capsys):
    with FakeArxiv(recent(12)) as fake:
        assert run(env, fake) == 0
        fake.rule = lambda req: Response(503, "down")
        assert run(env, fake) == 1
    err = capsys.readouterr().err
    assert "HTTP 503 after 2 attempts" in err
    assert open_db(env["db"])["papers"].count == 12 and runs(env)[-1]["status"] == "failed"


def test_a_trickling_server_is_cut_off_by_the_deadline_setting(env, capsys):
    """One byte every 2 s (on the injected clock): each request ends at arxiv.deadline_seconds,
    the crawl fails (exit 1) with one line, and what was stored stays."""
    from tests.fakes.arxiv import trickle

    with open(env["cfg"], "a") as fh:
        fh.write("deadline_seconds = 60\n")
    with FakeArxiv(recent(3)) as fake:
        assert run(env, fake) == 0
        capsys.readouterr()
        started = env["clock"].now
        fake.rule = lambda req: trickle(fake.answer(req).encoded().decode(), env["clock"].sleep)
        assert run(env, fake) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no complete answer within deadline_seconds, 60 s" in err
    assert env["clock"].now - started < 2 * (60 + 30) + 60  # two cut-off attempts and one back-off
    assert open_db(env["db"])["papers"].count == 3 and runs(env)[-1]["status"] == "failed"


def test_resume_after_a_crawl_killed_half_way(env):
    papers = recent(15)
    with FakeArxiv(papers) as fake:
        fake.rule = lambda req: Response(503, "gone") if req.param("start") == "10" else None
        assert run(env, fake) == 1
        db = open_db(env["db"])
        assert db["papers"].count == 10  # two pages saved before it died
        cursor = next(db["crawl_state"].rows)["last_until"]
        assert cursor == papers[9].published  # the last submission saved
        fake.rule = None
        fake.requests.clear()
        assert run(env, fake) == 0
    assert open_db(env["db"])["papers"].count == 15
    resumed = datetime.strptime(cursor, "%Y-%m-%dT%H:%M:%SZ") - timedelta(days=2)
    assert f"submittedDate:[{resumed:%Y%m%d%H%M} TO " in fake.requests[0].param("search_query")


def test_case4_empty_page_two_marks_the_run_incomplete(env, capsys):
    with FakeArxiv(recent(12)) as fake:
        fake.rule = lambda req: empty_page(12, 5) if req.param("start") == "5" else None
        assert run(env, fake) == 0
    assert "incomplete" in capsys.readouterr().err
    last = runs(env)[-1]
    assert last["status"] == "incomplete" and "stayed empty" in last["error"]
    assert open_db(env["db"])["papers"].count == 5


def test_case5_suddenly_empty_query_is_incomplete_not_truth(env):
    with FakeArxiv(recent(12)) as fake:
        assert run(env, fake) == 0
        before = next(open_db(env["db"])["crawl_state"].rows)
        fake.rule = lambda req: empty_page(0, 0)
        assert run(env, fake) == 0
    assert runs(env)[-1]["status"] == "incomplete"
    after = next(open_db(env["db"])["crawl_state"].rows)
    assert after["last_until"] == before["last_until"] and after["last_success"] == before["last_success"]


def test_case8_new_version_updates_title_keeps_labels_and_first_seen(env, capsys):
    papers = recent(6)
    with FakeArxiv(papers) as fake:
        assert run(env, fake) == 0
        db = open_db(env["db"])
        first_seen = db["papers"].get("2606.00002")["first_seen"]
        with db.conn:
            db.conn.execute("""INSERT INTO paper_labels (arxiv_id, category, source, status, created, updated)
                               VALUES ('2606.00002', 'sampling_optimization', 'classifier', 'proposed', 'x', 'x')""")
        old = papers[2]
        fake.entries.append(Entry(old.arxiv_id, "A revised title", old.abstract, old.categories, old.published,
                                  updated=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), version=2, authors=old.authors))
        assert run(env, fake, "--since", f"{NOW - timedelta(days=21):%Y-%m-%d}") == 0
    assert "0 new, 1 updated" in capsys.readouterr().out
    row = open_db(env["db"])["papers"].get("2606.00002")
    assert (row["title"], row["version"], row["first_seen"]) == ("A revised title", 2, first_seen)
    assert open_db(env["db"])["paper_labels"].count == 1 and open_db(env["db"])["papers"].count == 6


def test_case9_bad_entries_are_counted(env, capsys):
    papers = recent(4)
    papers[1].dated = False
    papers[2].title = ""
    papers[3].pdf = False
    with FakeArxiv(papers) as fake:
        fake.rule = lambda req: Response(200, __import__("tests.fakes.arxiv", fromlist=["feed"]).feed(papers, 4, 0, 4))
        assert run(env, fake) == 0
    counts = json.loads(runs(env)[-1]["counts"])
    assert (counts["new"], counts["skipped"], counts["repaired"]) == (2, 2, 1)
    assert "2 new, 0 updated, 0 unchanged, 2 skipped" in capsys.readouterr().out


def test_ids_fetch_given_papers(env, capsys):
    with FakeArxiv(recent(8, first_days_ago=400)) as fake:
        assert run(env, fake, "--ids", "2606.00001,2606.00003v2") == 0
    assert [r.param("id_list") for r in fake.requests] == ["2606.00001,2606.00003"]
    assert {r["arxiv_id"] for r in open_db(env["db"])["papers"].rows} == {"2606.00001", "2606.00003"}
    assert "2 new" in capsys.readouterr().out


def test_from_list_fills_the_lists_untitled_papers(env):
    db = open_db(env["db"])
    with db.conn:
        for aid in ("2606.00004", "2606.00005", "2606.00006"):
            db.conn.execute("INSERT INTO papers (arxiv_id, first_seen, last_seen, source) VALUES (?, 'x', 'x', 'list')",
                            (aid,))
        db.conn.execute("UPDATE papers SET title = 'Known' WHERE arxiv_id = '2606.00006'")
    with FakeArxiv(recent(8, first_days_ago=400)) as fake:
        assert run(env, fake, "--from-list") == 0
    assert [r.param("id_list") for r in fake.requests] == ["2606.00004,2606.00005"]
    rows = {r["arxiv_id"]: r for r in open_db(env["db"])["papers"].rows}
    assert rows["2606.00004"]["title"].startswith("Speculative") and rows["2606.00004"]["source"] == "list"
    assert rows["2606.00006"]["title"] == "Known"


def test_progress_bar_on_stderr_with_counts(env, capsys, monkeypatch):
    from curator.app import App

    monkeypatch.setattr(App, "show_progress", property(lambda self: True))
    with FakeArxiv(recent(12)) as fake:
        assert run(env, fake) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("arXiv")  # not a terminal: click shows only the label
    assert "arXiv" not in captured.out
