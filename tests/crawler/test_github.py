"""The GitHub crawler against the fake GitHub API: figures, ETags, RELIABILITY cases 10-17."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from crawler.github import clean_text, fetch_repo
from crawler.github_http import (
    AccessDenied, ForeignLink, GitHubClient, RateLimited, TooManyRequests,
)
from tests.fakes.github import NOW, FakeGitHub, FakeIssue, FakeRepo
from tests.fakes.server import FakeServer, Response

TOKEN = "ghp_SeCrEtTokenValue0123456789abcdefXYZ"


class MemCache:
    def __init__(self):
        self.entries: dict[str, tuple[str, str]] = {}

    def get(self, url):
        return self.entries.get(url)

    def put(self, url, etag, body):
        self.entries[url] = (etag, body)


class FakeClock:
    def __init__(self):
        self.t = NOW.timestamp()
        self.sleeps: list[float] = []

    def now(self):
        return self.t

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.t += seconds


def busy_repo(name="org/engine", **kw) -> FakeRepo:
    day = timedelta(days=1)
    kw.setdefault("contributors", 42)
    return FakeRepo(
        name, stars=1234, forks=56, watchers=78, open_issues=9, open_prs=4,
        weekly_commits=[5] * 39 + [2] * 13,
        releases=[{"tag": "v2.0rc1", "published_at": "2026-06-20T00:00:00Z", "prerelease": True},
                  {"tag": "v1.9", "published_at": "2026-05-01T00:00:00Z"},
                  {"tag": "v1.8", "published_at": "2026-03-01T00:00:00Z"}],
        issues=[FakeIssue(30, NOW - 2 * day, comments=[("dependabot[bot]", NOW - 2 * day + timedelta(minutes=1)),
                                                         ("maint", NOW - 2 * day + timedelta(hours=2))]),
                FakeIssue(29, NOW - 5 * day, pull_request=True, comments=[("x", NOW - 5 * day)]),
                FakeIssue(28, NOW - 6 * day, user="bob", comments=[("bob", NOW - 6 * day + timedelta(hours=1)),
                                                                   ("maint", NOW - 6 * day + timedelta(hours=6))]),
                FakeIssue(27, NOW - 8 * day),  # no answer yet
                FakeIssue(3, NOW - 200 * day, comments=[("maint", NOW - 100 * day)])],  # outside the window
        **kw)


@pytest.fixture
def gh():
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def client(gh, cache=None, clock=None, **kw) -> GitHubClient:
    return GitHubClient(gh.url, TOKEN, cache=cache if cache is not None else MemCache(),
                        clock=clock or FakeClock(), **kw)


def test_first_crawl_collects_every_figure(gh):
    gh.add(busy_repo())
    r = fetch_repo(client(gh), "org/engine", now=NOW)
    s = r.stats
    assert r.status == "ok" and r.unknown == []
    assert (s.stars, s.forks, s.watchers, s.open_issues, s.open_prs, s.contributors) == (1234, 56, 78, 9, 4, 42)
    assert s.commits_90d == 2 * 13
    assert (s.releases, s.latest_release, s.latest_release_date) == (3, "v1.9", "2026-05-01T00:00:00Z")
    assert s.license == "Apache-2.0" and s.topics == ["llm", "inference"] and s.has_discussions is True
    assert s.median_first_response_hours == 4.0  # 2 h (bot skipped) and 6 h (author skipped)
    assert r.readme.text.startswith("# Fake") and not r.readme.truncated
    assert all(q.headers["authorization"] == f"token {TOKEN}" for q in gh.requests)
    assert r.requests == len(gh.requests) == 9


def _sent(gh) -> list[tuple[str, dict[str, str]]]:
    return [(q.path, {k: v[0] for k, v in q.query.items()}) for q in gh.requests]


def test_first_crawl_sends_exactly_these_requests(gh):
    gh.add(busy_repo())
    fetch_repo(client(gh), "org/engine", now=NOW, response_sample=10)
    base = "/repos/org/engine"
    assert _sent(gh) == [
        (base, {}),
        (f"{base}/pulls", {"state": "open", "per_page": "1"}),
        (f"{base}/contributors", {"anon": "1", "per_page": "1"}),
        (f"{base}/releases", {"per_page": "1"}),
        (f"{base}/releases/latest", {}),  # the newest release is a pre-release
        (f"{base}/stats/commit_activity", {}),
        (f"{base}/issues", {"state": "all", "sort": "created", "direction": "desc", "per_page": "30"}),
        # from the oldest sampled issue that has comments (#28, opened 6 days before NOW)
        (f"{base}/issues/comments", {"sort": "created", "direction": "asc", "since": "2026-06-25T03:00:00Z",
                                     "per_page": "100"}),
        (f"{base}/readme", {}),
    ]


def test_response_sample_reads_repository_comments_once(gh):
    day, hour = timedelta(days=1), timedelta(hours=1)
    repo = busy_repo()
    repo.issues = [
        FakeIssue(50, NOW - 1 * day, comments=[("maint", NOW - 1 * day + 3 * hour)]),
        FakeIssue(49, NOW - 2 * day, user="renovate[bot]", comments=[("maint", NOW - 2 * day + hour)]),  # bot's
        FakeIssue(48, NOW - 3 * day, pull_request=True, comments=[("maint", NOW - 3 * day + hour)]),  # a PR
        FakeIssue(47, NOW - 4 * day, user="eve", comments=[("eve", NOW - 4 * day + hour),
                                                           ("ci[bot]", NOW - 4 * day + 2 * hour),
                                                           ("maint", NOW - 4 * day + 9 * hour),
                                                           ("other", NOW - 4 * day + 10 * hour)]),
        FakeIssue(46, NOW - 5 * day, comments=[("maint", NOW - 5 * day + 30 * hour)]),
        FakeIssue(45, NOW - 6 * day, comments=[("alice", NOW - 6 * day + hour)]),  # only the author: unanswered
        FakeIssue(44, NOW - 7 * day),  # no comments
        FakeIssue(2, NOW - 100 * day, comments=[("maint", NOW - 2 * day)]),  # opened before the window
    ]
    gh.add(repo)
    r = fetch_repo(client(gh), "org/engine", now=NOW, response_sample=10)
    assert r.stats.median_first_response_hours == 9.0  # median of 3, 9 and 30 hours
    comments = [q for q in gh.requests if "comments" in q.path]
    assert [q.path for q in comments] == ["/repos/org/engine/issues/comments"]
    assert comments[0].query["since"] == ["2026-06-25T03:00:00Z"]  # #45, the oldest sampled with comments


def test_response_sample_reads_at_most_two_pages_of_comments(gh):
    day, hour = timedelta(days=1), timedelta(hours=1)
    repo = busy_repo()
    repo.issues = [FakeIssue(10 + k, NOW - (4 - k) * day, comments=[("maint", NOW - (4 - k) * day + (4 - k) * hour)])
                   for k in range(4)][::-1]  # #13 opened 1 day ago answered in 1 h ... #10 4 days ago in 4 h
    # a busy pull request: 150 bot comments between #10's and #11's answers, 200 more after #11's
    repo.issues.append(FakeIssue(5, NOW - 10 * day, pull_request=True,
                                 comments=[("ci[bot]", NOW - 3.5 * day)] * 150 + [("ci[bot]", NOW - 2.5 * day)] * 200))
    gh.add(repo)
    r = fetch_repo(client(gh), "org/engine", now=NOW, response_sample=4)
    assert r.stats.median_first_response_hours == 3.5  # #10 (4 h, page 1) and #11 (3 h, page 2); #12, #13 left out
    pages = [q for q in gh.requests if q.path.endswith("/issues/comments")]
    assert len(pages) == 2 and "page" not in pages[0].query and pages[1].query["page"] == ["2"]
    assert pages[1].query["since"] == ["2026-06-27T03:00:00Z"] and pages[1].query["direction"] == ["asc"]
    assert next(q for q in gh.requests if q.path.endswith("/issues")).query["per_page"] == ["12"]


def test_quiet_repo_skips_what_the_repository_already_answers(gh):
    gh.add(FakeRepo("org/engine", open_issues=0, open_prs=0, has_issues=False))
    r = fetch_repo(client(gh), "org/engine", now=NOW)
    assert (r.stats.open_issues, r.stats.open_prs, r.stats.median_first_response_hours) == (0, 0, None)
    assert r.unknown == [] and r.stats.releases == 0
    assert [path for path, _ in _sent(gh)] == ["/repos/org/engine", "/repos/org/engine/contributors",
                                               "/repos/org/engine/releases", "/repos/org/engine/stats/commit_activity",
                                               "/repos/org/engine/readme"]


def test_no_comment_request_when_no_sampled_issue_has_comments(gh):
    repo = busy_repo()
    repo.issues = [FakeIssue(9, NOW - timedelta(days=1)), FakeIssue(8, NOW - timedelta(days=2), pull_request=True,
                                                                     comments=[("maint", NOW)])]
    gh.add(repo)
    r = fetch_repo(client(gh), "org/engine", now=NOW)
    assert r.stats.median_first_response_hours is None and r.unknown == []
    assert not any("comments" in q.path for q in gh.requests)


def test_unchanged_repo_costs_only_304s(gh):
    gh.add(busy_repo())
    cache = MemCache()
    first = fetch_repo(client(gh, cache), "org/engine", now=NOW)
    before = gh.remaining
    second = fetch_repo(client(gh, cache), "org/engine", now=NOW)  # a new client: only the cache persists
    assert second.billable == 0 and second.requests == first.requests
    assert gh.remaining == before
    assert second.stats == first.stats and second.readme == first.readme


def test_changed_resource_is_refetched(gh):
    repo = gh.add(busy_repo())
    cache = MemCache()
    fetch_repo(client(gh, cache), "org/engine", now=NOW)
    repo.stars += 1
    r = fetch_repo(client(gh, cache), "org/engine", now=NOW)
    assert r.stats.stars == 1235 and r.billable == 1


def test_renamed_repo_is_followed(gh):
    gh.add(busy_repo("old/name"))
    gh.rename("old/name", "new/name")
    r = fetch_repo(client(gh), "old/name", now=NOW)
    assert r.status == "ok" and r.renamed_to == "new/name" and r.stats.stars == 1234
    assert any(q.path == "/repositories/1" for q in gh.requests)
    assert any(q.path.startswith("/repos/new/name/") for q in gh.requests)


@pytest.mark.parametrize("status, expected", [(404, "missing"), (451, "blocked")])
def test_missing_repo_is_reported_not_raised(gh, status, expected):
    gh.gone["gone/repo"] = status
    r = fetch_repo(client(gh), "gone/repo", now=NOW)
    assert r.status == expected and r.http_status == status and r.stats is None


def test_archived_is_flagged(gh):
    gh.add(busy_repo(archived=True))
    assert fetch_repo(client(gh), "org/engine", now=NOW).status == "archived"


def test_case10_far_reset_raises_without_long_sleep(gh):
    gh.add(busy_repo())
    gh.exhaust(reset_in=50 * 60)
    clock = FakeClock()
    with pytest.raises(RateLimited, match="rate-limited, resumes next run"):
        fetch_repo(client(gh, clock=clock, max_rate_limit_wait=60), "org/engine", now=NOW)
    assert clock.sleeps == [] and len(gh.requests) == 1


def test_case10_near_reset_waits_then_continues(gh):
    gh.add(busy_repo())
    gh.fault(r"/pulls$", gh.error(403, "API rate limit exceeded for user ID 1.",
                                  {"x-ratelimit-remaining": "0",
                                   "x-ratelimit-reset": str(int(NOW.timestamp()) + 20)}))
    clock = FakeClock()
    r = fetch_repo(client(gh, clock=clock, max_rate_limit_wait=60), "org/engine", now=NOW)
    assert r.stats.open_prs == 4 and clock.sleeps == [21]


def test_case11_429_retry_after_then_success(gh):
    gh.add(busy_repo())
    gh.fault(r"/repos/org/engine$", gh.error(429, "Too Many Requests", {"Retry-After": "7"}), times=2)
    clock = FakeClock()
    r = fetch_repo(client(gh, clock=clock, max_attempts=3), "org/engine", now=NOW)
    assert r.status == "ok" and clock.sleeps == [7, 7]


def test_case11_429_without_retry_after_gives_up_clearly(gh):
    gh.add(busy_repo())
    gh.fault(r"/repos/org/engine$", gh.error(429, "Too Many Requests"), times=-1)
    clock = FakeClock()
    with pytest.raises(TooManyRequests) as exc:
        fetch_repo(client(gh, clock=clock, max_attempts=3), "org/engine", now=NOW)
    assert "429" in str(exc.value) and "3 times" in str(exc.value) and "/repos/org/engine" in str(exc.value)
    assert clock.sleeps == [2, 4] and len(gh.requests) == 3


def test_case11_secondary_limit_with_long_retry_after_is_not_waited(gh):
    gh.add(busy_repo())
    gh.fault(r"/repos/org/engine$", gh.error(403, "You have exceeded a secondary rate limit.",
                                             {"Retry-After": "3600"}), times=-1)
    clock = FakeClock()
    with pytest.raises(TooManyRequests, match="3600"):
        fetch_repo(client(gh, clock=clock, max_rate_limit_wait=60), "org/engine", now=NOW)
    assert clock.sleeps == []


def test_case12_bad_token_fails_fast_without_the_token(gh, caplog):
    caplog.set_level(logging.DEBUG)
    gh.add(busy_repo())
    c = GitHubClient(gh.url, TOKEN + "-wrong", cache=MemCache(), clock=FakeClock())
    with pytest.raises(AccessDenied) as exc:
        fetch_repo(c, "org/engine", now=NOW)
    assert "401" in str(exc.value) and "GITHUB_TOKEN" in str(exc.value) and len(gh.requests) == 1
    assert TOKEN not in str(exc.value) and TOKEN not in caplog.text


def test_case12_not_accessible_names_the_permission(gh, caplog):
    caplog.set_level(logging.DEBUG)
    gh.add(busy_repo())
    gh.fault(r"/issues$", gh.error(403, "Resource not accessible by personal access token",
                                   {"x-accepted-github-permissions": "issues=read"}))
    with pytest.raises(AccessDenied) as exc:
        fetch_repo(client(gh), "org/engine", now=NOW)
    assert "issues=read" in str(exc.value) and "not accessible" in str(exc.value)
    assert TOKEN not in str(exc.value) and TOKEN not in caplog.text


def test_case12_permission_guessed_from_endpoint(gh):
    gh.add(busy_repo())
    gh.fault(r"/pulls$", gh.error(403, "Resource not accessible by integration"))
    with pytest.raises(AccessDenied, match="pull_requests: read"):
        fetch_repo(client(gh), "org/engine", now=NOW)


def test_case13_stats_202_forever_is_bounded_and_unknown(gh):
    gh.add(busy_repo(stats_pending=-1))
    clock = FakeClock()
    r = fetch_repo(client(gh, clock=clock, stats_attempts=3), "org/engine", now=NOW)
    assert r.status == "ok" and r.stats.commits_90d is None and r.unknown == ["commits_90d"]
    assert sum(q.path.endswith("/stats/commit_activity") for q in gh.requests) == 3
    assert len(clock.sleeps) == 2 and sum(clock.sleeps) < 30
    assert r.stats.stars == 1234


def test_case13_stats_202_then_ready(gh):
    gh.add(busy_repo(stats_pending=1))
    r = fetch_repo(client(gh), "org/engine", now=NOW)
    assert r.stats.commits_90d == 26


def test_case16_huge_binary_readme_and_control_characters(gh):
    gh.add(busy_repo(readme=b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4000,
                     description="evil\x1b[31m red\u202e txt\x00 \u200bend"))
    r = fetch_repo(client(gh), "org/engine", now=NOW, readme_max_bytes=4096)
    assert r.readme.binary and r.readme.text is None and r.readme.truncated
    assert r.stats.description == "evil [31m red txt end"


def test_case16_long_text_readme_is_capped(gh):
    gh.add(busy_repo(readme=("# Big\n" + "é line of text\n" * 100_000).encode()))
    r = fetch_repo(client(gh), "org/engine", now=NOW, readme_max_bytes=10_000)
    assert r.readme.truncated and r.readme.size > 1_000_000
    assert len(r.readme.text.encode()) <= 10_000 + 3 and r.readme.text.startswith("# Big")


def test_body_cap_protects_memory(gh):
    gh.add(busy_repo())
    gh.fault(r"/stats/commit_activity$", lambda: Response(200, b'[{"total": "' + b"A" * 3_000_000 + b'"}]'))
    r = fetch_repo(client(gh, max_body=1_000_000), "org/engine", now=NOW)
    assert r.stats.commits_90d is None and r.unknown == ["commits_90d"]
    assert "body larger than 1000000 bytes" in r.error


class _CountingReads:
    """Counts the body bytes the client takes off the socket (the HTTP boundary)."""

    def __init__(self, monkeypatch):
        import urllib3

        self.total = 0
        original = urllib3.response.HTTPResponse.read

        def read(resp, amt=None, *args, **kwargs):
            data = original(resp, amt, *args, **kwargs)
            self.total += len(data or b"")
            return data

        monkeypatch.setattr(urllib3.response.HTTPResponse, "read", read)


def test_case16_readme_over_8_mb_is_capped_not_dropped(gh, monkeypatch):
    """9 MB of README (past the 8 MB body cap, and past the 1 MB GitHub puts in JSON): the
    first readme_max_bytes are kept, and no more than that is ever read off the socket."""
    big = ("# Huge engine\n\n" + "Install with pip install huge.\n" * 300_000).encode()
    assert len(big) > 8_000_000
    gh.add(busy_repo(readme=big))
    reads = _CountingReads(monkeypatch)
    cache = MemCache()
    before = reads.total
    r = fetch_repo(client(gh, cache=cache), "org/engine", now=NOW, readme_max_bytes=262144)
    readme_bytes = reads.total - before

    assert "readme" not in r.unknown and r.readme is not None
    assert r.readme.truncated and r.readme.size == len(big) and not r.readme.binary
    assert r.readme.text.encode() == big[:262144]
    assert 262144 <= readme_bytes < 262144 + 100_000  # the other figures' JSON is small; never the 9 MB
    readme_request = [q for q in gh.requests if q.path.endswith("/readme")][-1]
    assert readme_request.headers["accept"] == "application/vnd.github.raw+json"

    again = fetch_repo(client(gh, cache=cache), "org/engine", now=NOW, readme_max_bytes=262144)
    assert again.readme == r.readme  # answered 304 from the stored ETag, the capped bytes reused
    assert gh.requests[-1].headers.get("if-none-match")


def test_readme_under_the_cap_is_whole_with_its_size(gh):
    gh.add(busy_repo(readme=b"# Small\n\nhello\n"))
    r = fetch_repo(client(gh), "org/engine", now=NOW, readme_max_bytes=15)  # exactly the cap
    assert (r.readme.text, r.readme.size, r.readme.truncated) == ("# Small\n\nhello\n", 15, False)
    r = fetch_repo(client(gh), "org/engine", now=NOW, readme_max_bytes=14)
    assert (r.readme.text, r.readme.size, r.readme.truncated) == ("# Small\n\nhello", 15, True)


def test_case17_foreign_pagination_link_is_not_followed():
    foreign = FakeServer(lambda req: Response(200, [])).start()
    try:
        with FakeGitHub(token=TOKEN) as gh:
            repo = gh.add(busy_repo())
            repo.issues[0].comments = [("ci[bot]", NOW - timedelta(days=1))] * 101  # page 1 all bots -> page 2
            gh.link_origin = foreign.url
            r = fetch_repo(client(gh), "org/engine", now=NOW)
            assert foreign.requests == []
            assert r.status == "ok" and "foreign host" in r.error
            assert {"contributors", "median_first_response_hours"} <= set(r.unknown)
            c = client(gh)
            with pytest.raises(ForeignLink):
                c.get(f"{foreign.url}/repos/org/engine/contributors?page=2")
            assert foreign.requests == []
    finally:
        foreign.stop()


def test_clean_text():
    assert clean_text("a\tb\x00c\u200bd\n") == "a b c d"
    assert clean_text("") is None and clean_text(None) is None


def test_redirect_off_the_api_host_is_refused():
    foreign = FakeServer(lambda req: Response(200, {})).start()
    try:
        with FakeGitHub(token=TOKEN) as gh:
            gh.add(busy_repo())
            gh.fault(r"/repos/org/engine$", lambda: Response(301, {"message": "Moved Permanently"},
                                                             {"Location": foreign.url.replace("127.0.0.1", "localhost")
                                                              + "/repositories/1"}))
            r = fetch_repo(client(gh), "org/engine", now=NOW)
            assert r.status == "error" and "redirected off the API host" in r.error
            assert foreign.requests == []
    finally:
        foreign.stop()


def test_server_errors_back_off_then_succeed(gh):
    gh.add(busy_repo())
    gh.fault(r"/repos/org/engine$", gh.error(502, "Server Error"), times=2)
    clock = FakeClock()
    r = fetch_repo(client(gh, clock=clock, max_attempts=3), "org/engine", now=NOW)
    assert r.status == "ok" and clock.sleeps == [2, 4]


def test_hanging_server_times_out_into_a_repo_error(gh):
    gh.add(busy_repo())
    gh.fault(r"/repos/org/engine$", lambda: Response(hang=True), times=-1)
    clock = FakeClock()
    started = NOW.timestamp()
    r = fetch_repo(client(gh, clock=clock, max_attempts=2, connect_timeout=0.5, read_timeout=0.2),
                   "org/engine", now=NOW)
    assert r.status == "error" and "after 2 attempts" in r.error and "Timeout" in r.error
    assert len(gh.requests) == 2 and clock.t - started == 2


def test_without_token_no_authorization_header_is_sent():
    with FakeGitHub() as gh:
        gh.add(busy_repo())
        r = GitHubClient(gh.url, None, cache=MemCache(), clock=FakeClock())
        assert fetch_repo(r, "org/engine", now=NOW).status == "ok"
        assert all("authorization" not in q.headers for q in gh.requests)


def test_count_trick_uses_the_last_page_number(gh):
    gh.add(busy_repo(contributors=250))
    c = client(gh)
    assert fetch_repo(c, "org/engine", now=NOW).stats.contributors == 250
    q = next(q for q in gh.requests if q.path.endswith("/contributors"))
    assert q.query["per_page"] == ["1"]


def test_readme_cached_in_the_old_json_form_is_asked_afresh(gh):
    """A cache row written by the JSON form of /readme (an older curator) is not used for the
    raw request: no If-None-Match from it, and the fresh raw bytes replace it."""
    gh.add(busy_repo(readme=b"# Fresh\n"))
    cache = MemCache()
    url = "/repos/org/engine/readme"
    cache.put(url, 'W/"old-json-etag"', json.dumps({"data": {"content": "IyBPbGQK", "encoding": "base64"},
                                                    "link": None}))
    r = fetch_repo(client(gh, cache=cache), "org/engine", now=NOW)
    assert r.readme.text == "# Fresh\n"
    asked = [q for q in gh.requests if q.path == url][-1]
    assert "if-none-match" not in asked.headers
    assert "raw" in json.loads(cache.entries[url][1])
