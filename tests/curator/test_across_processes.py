"""What holds across curator processes: the delay between requests to a source, one
writer at a time with no lock file left behind, and runs whose process died.

Real `python -m curator` processes against the local fakes; the fakes note when
each request arrived, so the gaps are measured on the server's side.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from crawler.pacing import Pacer
from crawler.web import SafeFetcher
from db import open_db
from db.pacing import RequestTimes
from db.runs import INTERRUPTED, mark_interrupted, start_run
from tests.curator import processes as procs
from tests.curator.test_crawl_arxiv_cli import recent
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub, FakeRepo
from tests.fakes.server import FakeServer, Response

ARXIV_DELAY = 3.0  # the settings' minimum and default
WEB_DELAY = 1.0    # web.delay_seconds' default


def _stamp_arrivals(fake) -> list[tuple[float, str]]:
    """Wrap the fake's handler so every request's arrival time and path are noted."""
    arrivals: list[tuple[float, str]] = []
    handle = fake.server.handler if hasattr(fake, "server") else fake.handler

    def stamped(req):
        arrivals.append((time.monotonic(), req.path + "?" + "&".join(f"{k}={v[0]}" for k, v in req.query.items())))
        return handle(req)

    if hasattr(fake, "server"):
        fake.server.handler = stamped
    else:
        fake.handler = stamped
    return arrivals


# --- 1. one pace per source, whatever process asks ------------------------------------------

def test_two_arxiv_crawls_back_to_back_keep_three_seconds_between_requests(tmp_path):
    fake = FakeArxiv(recent(3))
    arrivals = _stamp_arrivals(fake)
    with fake:
        env = procs.environment(CURATOR_ARXIV_API_URL=fake.url)
        first = procs.run("--db", "c.db", "crawl", "arxiv", cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
        second = procs.run("--db", "c.db", "crawl", "arxiv", "--ids", "2606.00001", cwd=tmp_path, env=env)
        assert second.returncode == 0, second.stderr
    assert "1 requests" in first.stdout and "1 requests" in second.stdout
    assert len(arrivals) == 2 and "id_list=2606.00001" in arrivals[1][1]
    gap = arrivals[1][0] - arrivals[0][0]
    print(f"arXiv: gap between two processes' requests {gap:.2f} s")
    assert gap >= ARXIV_DELAY
    # the second process did wait: its whole life was short of the delay otherwise
    assert gap < ARXIV_DELAY + 5


def test_two_web_crawls_back_to_back_keep_the_per_host_delay(tmp_path):
    page = "<html><body><p>An engine.</p></body></html>"
    server = FakeServer(lambda req: Response(404, "no robots") if req.path == "/robots.txt"
                        else Response(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    arrivals = _stamp_arrivals(server)
    with server:
        db = open_db(tmp_path / "c.db")
        for name in ("A", "B"):
            db["engines"].insert({"name": name, "kind": "commercial", "section": "s", "first_seen": "2026-01-01",
                                  "homepage": f"{server.url}/{name.lower()}"})
        db.conn.close()
        for name in ("A", "B"):
            done = procs.run("--db", "c.db", "crawl", "web", "--engine", name, cwd=tmp_path, loopback=True)
            assert done.returncode == 0, done.stderr
    paths = [p for _, p in arrivals]
    assert paths == ["/robots.txt?", "/a?", "/robots.txt?", "/b?"]
    gaps = [b[0] - a[0] for a, b in zip(arrivals, arrivals[1:])]
    print("web: gaps between requests to one host " + ", ".join(f"{g:.2f}" for g in gaps) + " s")
    assert min(gaps) >= WEB_DELAY  # within each process and across the two


def test_pacer_waits_out_what_another_process_left(tmp_path):
    """The same on injected clocks: a second pacer over the same database waits the remainder."""
    db = open_db(tmp_path / "c.db")
    now = [1000.0]
    slept: list[float] = []

    def sleep(s):
        slept.append(round(s, 3))
        now[0] += s

    first = Pacer(clock=lambda: now[0], sleep=sleep, shared=RequestTimes(db), wall=lambda: now[0])
    first.wait("arxiv", 3.0)
    first.done("arxiv")
    now[0] += 1.0  # the first process exits, the next starts a second later
    second = Pacer(clock=lambda: 0.0, sleep=sleep, shared=RequestTimes(db), wall=lambda: now[0])  # its own clock
    assert second.wait("arxiv", 3.0) == pytest.approx(2.0)
    second.done("arxiv")
    assert second.wait("web:example.org", 1.0) == 0  # another key is not held back
    assert slept == [2.0]


def test_a_clock_set_back_never_holds_a_request_longer_than_the_delay(tmp_path):
    times = RequestTimes(open_db(tmp_path / "c.db"))
    times.release("arxiv", 10_000.0)  # a last request "in the future"
    assert times.claim("arxiv", 3.0, 100.0) == 103.0


def test_the_web_fetcher_keeps_one_host_apart_and_others_not(tmp_path):
    now = [0.0]
    slept: list[float] = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    with FakeServer(lambda req: Response(200, "<p>x</p>", {"Content-Type": "text/html"})) as srv:
        other = srv.url.replace("127.0.0.1", "localhost")
        fetcher = SafeFetcher("ua", allow_hosts={"127.0.0.1", "localhost"}, clock=lambda: now[0], sleep=sleep,
                              delay_seconds=1.5, shared=RequestTimes(open_db(tmp_path / "c.db")))
        fetcher.fetch(srv.url + "/a")  # robots.txt, then the page: one wait
        fetcher.fetch(srv.url + "/c")  # the same host again at once: one wait
        fetcher.fetch(other + "/b")    # another host: no wait for its robots.txt, one for its page
    assert [round(s, 3) for s in slept] == [1.5, 1.5, 1.5]
    assert [r.path for r in srv.requests] == ["/robots.txt", "/a", "/c", "/robots.txt", "/b"]


# --- 6. one writer at a time, and no lock file left --------------------------------------------

def test_runs_started_together_are_serialised_and_leave_no_lock_file(tmp_path):
    names = ["org/one", "org/two", "org/three"]
    fake = FakeGitHub()
    for i, name in enumerate(names, 1):
        fake.add(FakeRepo(name, id=i))
    handle = fake.server.handler
    order: list[str] = []

    def slow(req):
        time.sleep(0.03)  # long enough that unserialised runs would interleave
        order.append(req.path.split("/")[3] if req.path.startswith("/repos/") else "")
        return handle(req)

    fake.server.handler = slow
    db = open_db(tmp_path / "c.db")
    for i, name in enumerate(names):
        db["engines"].insert({"name": f"E{i}", "kind": "open_source", "repo": name, "section": "s",
                              "first_seen": "2026-01-01"})
    db.conn.close()
    with fake:
        env = procs.environment(CURATOR_GITHUB_API_URL=fake.url)
        started = [procs.start("--db", "c.db", "crawl", "github", "--repo", name, cwd=tmp_path, env=env)
                   for name in names]
        results = [p.communicate(timeout=120) for p in started]
    assert [p.returncode for p in started] == [0, 0, 0], results
    blocks = [k for i, k in enumerate(order) if i == 0 or order[i - 1] != k]
    assert sorted(blocks) == ["one", "three", "two"], order  # each run's requests in one block
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.db"]  # no c.db.lock, no -wal or -shm
    statuses = procs.rows(tmp_path / "c.db", "SELECT status FROM runs")
    assert statuses == [("ok",)] * 3


def test_a_lock_file_left_by_a_killed_run_is_taken_over_and_removed(tmp_path):
    (tmp_path / "c.db.lock").write_bytes(b"")  # what kill -9 leaves
    done = procs.run("--db", "c.db", "score", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "c.db.lock").exists()


# --- 5. runs whose process died --------------------------------------------------------------------

def test_running_rows_of_dead_processes_become_interrupted_and_live_ones_stay(tmp_path):
    db = open_db(tmp_path / "c.db")
    host = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


    def left_running(command: str, host: str | None, pid: int | None) -> int:
        run_id = db.execute("INSERT INTO runs (command, started, status) VALUES (?, 'x', 'running')",
                            [command]).lastrowid
        if host is not None:
            db.execute("INSERT INTO run_processes (run_id, host, pid) VALUES (?, ?, ?)", [run_id, host, pid])
        return run_id

    try:
        ids = {
            "dead": left_running("crawl arxiv", host, dead.pid),
            "live": left_running("nightly", host, live.pid),
            "elsewhere": left_running("crawl github", "runner-elsewhere", live.pid),
            "unnoted": left_running("render", None, None),  # written before processes were noted
        }
        mine = start_run(db, "score")  # this process: marks the others
    finally:
        live.kill()
        live.wait()
    status = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, status, error FROM runs")}
    assert status[ids["dead"]] == ("interrupted", INTERRUPTED)
    assert status[ids["elsewhere"]][0] == "interrupted"
    assert status[ids["live"]] == ("running", None)
    assert status[mine] == ("running", None)
    assert status[ids["unnoted"]][0] == "interrupted"
    # once its process has ended, the next run closes that one too (this process's run stays open)
    assert mark_interrupted(db, host, 1) == [ids["live"]]


def test_a_killed_run_is_marked_interrupted_by_the_next_one(tmp_path):
    server = FakeServer(lambda req: Response(hang=True))  # the crawl waits on it until killed
    with server:
        env = procs.environment(CURATOR_ARXIV_API_URL=server.url + "/api/query")
        proc = procs.start("--db", "c.db", "crawl", "arxiv", cwd=tmp_path, env=env)
        assert procs.kill_when(proc, lambda: bool(server.requests))
    db = tmp_path / "c.db"
    assert procs.rows(db, "SELECT command, status, finished FROM runs") == [("crawl arxiv", "running", None)]
    done = procs.run("--db", "c.db", "score", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    got = procs.rows(db, "SELECT command, status, error IS NOT NULL, finished IS NOT NULL FROM runs ORDER BY id")
    assert got == [("crawl arxiv", "interrupted", 1, 1), ("score", "ok", 0, 1)]
