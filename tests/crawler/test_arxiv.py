"""The arXiv crawler against the fake arXiv API with the real ``arxiv`` client (RELIABILITY 1-9)."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

from crawler.arxiv import ArxivSource, BadRequest, Timing, Unavailable, build_query, windowed
from crawler.atom import MalformedFeed, check_feed, find_repos, split_id
from tests.fakes.arxiv import (Entry, FakeArxiv, atom, empty_page, error_400, feed, maintenance_page,
                               sample_entries, trickle)
from tests.fakes.server import Response

SINCE, UNTIL = datetime(2020, 1, 1), datetime(2027, 1, 1)
QUERY = "cat:cs.LG"


class FakeClock:
    """Time that only moves when slept; every request's arrival time is noted."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def entries(n: int, start_day: int = 1) -> list[Entry]:
    return [Entry(f"2401.{i:05d}", f"Paper {i} on KV cache", f"Abstract {i} about LLM serving.", ["cs.LG"],
                  f"2024-01-{start_day + i // 10:02d}T{i % 10:02d}:00:00Z", authors=["Ada Lovelace", "Alan Turing"])
            for i in range(n)]


@pytest.fixture
def clock():
    return FakeClock()


def source(fake: FakeArxiv, clock: FakeClock, **kw) -> ArxivSource:
    settings = dict(api_url=fake.url, page_size=10, delay_seconds=3.0, max_attempts=4, connect_timeout=2.0,
                    read_timeout=2.0, max_backoff=120.0, empty_page_retries=3,
                    timing=Timing(clock.clock, clock.sleep))
    settings.update(kw)
    return ArxivSource(**settings)


def arrivals(fake: FakeArxiv, clock: FakeClock) -> list[float]:
    """Stamp each request with the fake time at which it arrived."""
    times: list[float] = []
    inner = fake.server.handler

    def handler(req):
        times.append(clock.now)
        return inner(req)

    fake.server.handler = handler
    return times


def collect(src: ArxivSource, query: str = QUERY, expect: bool = False):
    pages = []
    out = src.crawl(query, SINCE, UNTIL, lambda page, cursor: pages.append((page, cursor)), expect_results=expect)
    return out, pages


def test_pages_through_everything_with_exact_requests(clock):
    with FakeArxiv(entries(25)) as fake:
        src = source(fake, clock)
        out, pages = collect(src)
    assert [len(p.papers) for p, _ in pages] == [10, 10, 5]
    assert out.incomplete is None and out.total == 25 and src.requests == 3
    wanted = windowed(QUERY, SINCE, UNTIL)
    assert wanted.endswith("submittedDate:[202001010000 TO 202701010000]")
    for req, start in zip(fake.requests, (0, 10, 20)):
        assert req.param("search_query") == wanted
        assert (req.param("start"), req.param("max_results")) == (str(start), "10")
        assert (req.param("sortBy"), req.param("sortOrder"), req.param("id_list")) == ("submittedDate", "ascending", "")
        assert "curator" in req.headers["user-agent"]
    # the cursor moves with each page: the last submission handed over, then the window's end
    assert pages[0][1] == datetime(2024, 1, 1, 9) and pages[-1][1] == UNTIL
    assert clock.sleeps == [3.0, 3.0]  # politeness, through the injected clock


def test_case1_429_twice_then_ok_backs_off_growing_and_honours_retry_after(clock):
    with FakeArxiv(entries(5)) as fake:
        fake.queue(Response(429, "slow down", {"Retry-After": "7"}), Response(429, "slow down"))
        times = arrivals(fake, clock)
        src = source(fake, clock)
        out, pages = collect(src)
    assert len(pages[0][0].papers) == 5 and out.incomplete is None
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps == [7.0, 12.0]  # Retry-After 7 over the 6 s back-off, then 12 s
    assert src.session.counters.retries == 2 and src.requests == 3


def test_requests_are_never_closer_than_three_seconds(clock):
    with FakeArxiv(entries(30)) as fake:
        fake.queue(None, Response(503, "busy", {"Retry-After": "0"}))
        times = arrivals(fake, clock)
        collect(source(fake, clock))
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:])) >= 3.0


def test_case2_503_every_time_gives_up_after_configured_tries(clock):
    with FakeArxiv(entries(5)) as fake:
        fake.rule = lambda req: Response(503, "Service Unavailable")
        src = source(fake, clock, max_attempts=3)
        with pytest.raises(Unavailable, match="HTTP 503 after 3 attempts"):
            collect(src)
    assert len(fake.requests) == 3


def test_retry_after_beyond_the_cap_fails_without_sleeping_it(clock):
    with FakeArxiv(entries(5)) as fake:
        fake.rule = lambda req: Response(429, "", {"Retry-After": "3600"})
        with pytest.raises(Unavailable, match="retry after 3600 s"):
            collect(source(fake, clock))
    assert len(fake.requests) == 1 and sum(clock.sleeps) == 0


def test_case3_400_is_not_retried_and_shows_arxivs_message(clock):
    with FakeArxiv(entries(5)) as fake:
        fake.queue(error_400("incorrect id format for 1234.1234v2"))
        with pytest.raises(BadRequest, match="HTTP 400: incorrect id format for 1234.1234v2"):
            collect(source(fake, clock))
    assert len(fake.requests) == 1


def test_case4_page_two_empty_keeps_page_one_and_stops_incomplete(clock):
    with FakeArxiv(entries(25)) as fake:
        fake.rule = lambda req: empty_page(25, 10) if req.param("start") == "10" else None
        src = source(fake, clock)
        out, pages = collect(src)
    assert len(pages) == 1 and len(pages[0][0].papers) == 10
    assert out.incomplete and "stayed empty" in out.incomplete
    assert [r.param("start") for r in fake.requests] == ["0", "10", "10", "10", "10"]  # 1 + 3 retries


def test_page_two_empty_once_is_asked_again_and_completes(clock):
    with FakeArxiv(entries(15)) as fake:
        fake.queue(None, empty_page(15, 10))
        out, pages = collect(source(fake, clock))
    assert out.incomplete is None and sum(len(p.papers) for p, _ in pages) == 15


def test_case5_empty_first_page_is_not_truth_when_there_were_results_before(clock):
    with FakeArxiv(entries(5)) as fake:
        fake.rule = lambda req: empty_page(0, 0)
        out, pages = collect(source(fake, clock), expect=True)
        assert out.incomplete and "not taken as truth" in out.incomplete
        assert pages == [] and len(fake.requests) == 4
        out, pages = collect(source(fake, clock), expect=False)  # a new query: zero is an answer
    assert out.incomplete is None and len(pages) == 1 and pages[0][1] == UNTIL


def test_first_page_empty_with_a_positive_total_is_never_truth(clock):
    with FakeArxiv(entries(5)) as fake:
        fake.rule = lambda req: empty_page(5, 0)
        out, _ = collect(source(fake, clock, empty_page_retries=1))
    assert out.incomplete and len(fake.requests) == 2


@pytest.mark.parametrize("bad", [maintenance_page(), atom(feed(entries(3), 3, 0, 3)[:-300]),
                                 Response(200, "", {"Content-Type": "application/atom+xml"})])
def test_case6_malformed_200_is_retried_then_an_error_never_zero_results(clock, bad):
    with FakeArxiv(entries(3)) as fake:
        fake.rule = lambda req: bad
        with pytest.raises(Unavailable, match="malformed response"):
            collect(source(fake, clock, max_attempts=2))
    assert len(fake.requests) == 2


def test_case6_maintenance_then_truncated_then_good(clock):
    with FakeArxiv(entries(3)) as fake:
        fake.queue(maintenance_page(), atom(feed(entries(3), 3, 0, 3)[:-40]))
        out, pages = collect(source(fake, clock))
    assert len(pages[0][0].papers) == 3 and len(fake.requests) == 3


def test_case7_a_server_that_never_answers_times_out(clock):
    with FakeArxiv(entries(3)) as fake:
        fake.rule = lambda req: Response(hang=True)
        started = time.monotonic()
        with pytest.raises(Unavailable, match="timed out.*2 attempts"):
            collect(source(fake, clock, read_timeout=0.3, connect_timeout=0.3, max_attempts=2))
        assert time.monotonic() - started < 3
    assert len(fake.requests) == 2


def test_case8_same_entry_on_two_pages_newest_version_handed_over(clock):
    first = entries(12)
    v2 = Entry(first[3].arxiv_id, "A better title", first[3].abstract, ["cs.LG"], first[3].published,
               updated="2024-02-01T00:00:00Z", version=2)
    with FakeArxiv(first + [v2]) as fake:
        out, pages = collect(source(fake, clock))
    seen = [(p.arxiv_id, p.version, p.title) for page, _ in pages for p in page.papers]
    assert ("2401.00003", 1, "Paper 3 on KV cache") in seen and ("2401.00003", 2, "A better title") in seen


def test_case9_entries_without_date_title_or_pdf(clock, caplog):
    good, undated, untitled, nopdf = entries(4)
    undated.dated = False
    untitled.title = "   "
    nopdf.pdf = False
    with FakeArxiv([good, undated, untitled, nopdf]) as fake:
        fake.rule = lambda req: atom(feed([good, undated, untitled, nopdf], 4, 0, 4))
        out, pages = collect(source(fake, clock))
    page = pages[0][0]
    assert [p.arxiv_id for p in page.papers] == [good.arxiv_id, nopdf.arxiv_id]
    assert page.papers[1].repaired == ["no pdf link"]
    assert len(page.skipped) == 2 and any("no date" in s for s in page.skipped)
    assert any("empty title" in s for s in page.skipped)
    assert out.incomplete is None and len(fake.requests) == 1  # no extra page asked for the missing ones
    assert "arXiv entry skipped" in caplog.text


def test_an_invalid_date_is_dropped_before_the_client_sees_it(clock):
    bad = entries(2)
    bad[0].published = "yesterday"
    with FakeArxiv(bad) as fake:
        fake.rule = lambda req: atom(feed(bad, 2, 0, 2))
        _, pages = collect(source(fake, clock))
    assert [p.arxiv_id for p in pages[0][0].papers] == [bad[1].arxiv_id] and len(pages[0][0].skipped) == 1


def test_large_windows_are_split_by_date(clock):
    many = entries(40)  # 2024-01-01 .. 2024-01-04
    with FakeArxiv(many) as fake:
        src = source(fake, clock, split_above=15)
        out, pages = collect(src)
    got = [p.arxiv_id for page, _ in pages for p in page.papers]
    assert sorted(got) == sorted(e.arxiv_id for e in many) and len(got) == len(set(got))
    assert out.windows > 1 and out.incomplete is None
    assert len({r.param("search_query") for r in fake.requests}) > 2


def test_fetch_ids_uses_id_list_in_chunks(clock):
    with FakeArxiv(entries(25)) as fake:
        src = source(fake, clock, page_size=10)
        got = []
        ids = [f"2401.{i:05d}" for i in range(12)]
        src.fetch_ids(ids, lambda page, cursor: got.extend(p.arxiv_id for p in page.papers))
    assert got == ids
    assert [r.param("id_list") for r in fake.requests] == [",".join(ids[:10]), ",".join(ids[10:])]
    assert [r.param("max_results") for r in fake.requests] == ["10", "10"]


def test_sample_entries_round_trip_through_the_real_client(clock):
    sample = sample_entries(limit=30)
    with FakeArxiv(sample) as fake:
        _, pages = collect(source(fake, clock, page_size=50), query="cat:cs.LG OR cat:cs.CL OR cat:cs.DC")
    papers = pages[0][0].papers
    assert papers and all(p.title and p.abstract and p.authors and p.published for p in papers)
    assert papers[0].abs_url == f"https://arxiv.org/abs/{papers[0].arxiv_id}"


def test_build_query_combines_categories_and_terms():
    assert build_query(["cs.DC", "cs.LG"], ["LLM", "KV cache"]) == \
        '(cat:cs.DC OR cat:cs.LG) AND (all:LLM OR all:"KV cache")'


def test_build_query_with_a_narrow_clause():
    assert build_query(["cs.LG"], ["LLM"], ["cs.CV"], ["KV cache"]) == \
        '(((cat:cs.LG) AND (all:LLM)) OR ((cat:cs.CV) AND (all:"KV cache")))'


def test_default_query_catches_the_papers_the_list_references():
    """Evaluated by the fake's matcher (whole words, no stemming: stricter than arXiv's)."""
    import gzip
    import json
    from pathlib import Path

    from catalogue.settings import DEFAULTS
    from tests.fakes.arxiv import SAMPLE, compile_query

    a = DEFAULTS["arxiv"]
    match = compile_query(build_query(a["categories"], a["terms"], a["narrow_categories"], a["narrow_terms"]))
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        cats = {r["arxiv_id"]: r.get("categories") or [] for r in map(json.loads, fh)}
    labelled = Path(SAMPLE).parent / "labelled.jsonl"
    missed = []
    for row in map(json.loads, labelled.read_text(encoding="utf-8").splitlines()):
        entry = Entry(row["arxiv_id"], row["title"], row.get("abstract") or "",
                      row.get("categories") or cats.get(row["arxiv_id"], []), "2024-01-01T00:00:00Z")
        if not match(entry):
            missed.append(row["arxiv_id"])
    # the two misses have neither abstract nor categories in labelled.jsonl
    assert sorted(missed) == ["2304.11277", "2504.06443"]


def test_check_feed_reads_totals_and_rejects_non_feeds():
    info = check_feed(feed(entries(2), 40, 10, 2).encode())
    assert (info.total, info.start, info.entries) == (40, 10, 2)
    with pytest.raises(MalformedFeed, match="maintenance"):
        check_feed(maintenance_page().encoded())
    with pytest.raises(MalformedFeed, match="totalResults"):
        check_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>')


def test_find_repos_normalises_owner_and_name():
    text = ("Code: https://github.com/vllm-project/vllm. Also github.com/Foo/Bar.git, "
            "(see https://github.com/a-b/c_d.py), https://github.com/orgs/x and https://github.com/VLLM-project/vllm")
    assert find_repos(text) == [("vllm-project/vllm", "https://github.com/vllm-project/vllm"),
                                ("Foo/Bar", "https://github.com/Foo/Bar"),
                                ("a-b/c_d.py", "https://github.com/a-b/c_d.py")]


def test_split_id_handles_versions_and_old_style_ids():
    assert split_id("http://arxiv.org/abs/2309.06180v2") == ("2309.06180", 2)
    assert split_id("http://arxiv.org/abs/cs/0112017v1") == ("cs/0112017", 1)
    assert split_id("http://arxiv.org/api/errors#x") is None


def test_a_body_cut_short_mid_transfer_is_retried(clock):
    whole = feed(entries(3), 3, 0, 3).encode()
    cut = Response(200, headers={"Content-Type": "application/atom+xml", "Content-Length": str(len(whole))},
                   chunks=[whole[:200]])
    with FakeArxiv(entries(3)) as fake:
        fake.queue(cut)
        out, pages = collect(source(fake, clock))
    assert len(pages[0][0].papers) == 3 and len(fake.requests) == 2


# --- a total deadline on every request -------------------------------------------------------

def test_a_feed_trickled_one_byte_every_2_s_hits_the_deadline(clock):
    """A full, valid feed sent one byte every 2 s (fake time): read_timeout never trips,
    the 120 s deadline does, on each attempt, long before the feed is through."""
    good = feed(entries(3), 3, 0, 3)
    trickled: list[float] = []

    def advance(seconds):
        trickled.append(seconds)
        clock.now += seconds

    with FakeArxiv(entries(3)) as fake:
        fake.rule = lambda req: trickle(good, advance)
        started = time.monotonic()
        with pytest.raises(Unavailable, match=r"timed out \(no complete answer within deadline_seconds, 120 s\) "
                                              r"after 2 attempts"):
            collect(source(fake, clock, read_timeout=4.0, max_attempts=2, deadline_seconds=120.0))
        elapsed = time.monotonic() - started
    assert len(fake.requests) == 2
    whole_feed = 2.0 * len(good.encode())
    assert whole_feed > 4000  # the feed alone would hold one request for over an hour
    assert sum(trickled) < 2 * (120 + 30)  # each request was cut off near its deadline
    assert elapsed < 5


def test_a_slow_feed_within_the_deadline_is_read_whole(clock):
    good = feed(entries(3), 3, 0, 3)
    with FakeArxiv(entries(3)) as fake:
        fake.rule = lambda req: trickle(good, lambda s: setattr(clock, "now", clock.now + s),
                                        every=0.01, real_delay=0)
        out, pages = collect(source(fake, clock, read_timeout=4.0, deadline_seconds=120.0))
    assert len(pages[0][0].papers) == 3 and out.incomplete is None and len(fake.requests) == 1


def test_headers_trickled_in_real_time_are_cut_by_the_watchdog():
    """Nothing of the body ever arrives (the status line and headers trickle): the
    wall-clock watchdog shuts the socket at the deadline (1 s here, for real)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        conn.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nX-Slow: " + b"x" * 500:
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
            if stop.wait(0.1):
                break
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    src = ArxivSource(api_url=f"http://127.0.0.1:{listener.getsockname()[1]}/api/query", max_attempts=1,
                      connect_timeout=2.0, read_timeout=4.0, deadline_seconds=1.0, timing=Timing())
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable, match=r"deadline_seconds, 1 s\) after 1 attempts"):
            src.fetch_page("cat:cs.LG")
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert 0.9 <= elapsed < 2.5
