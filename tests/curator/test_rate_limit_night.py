"""A night on Actions' own token: 1,000 GitHub requests an hour for 200 repositories.

Real `curator` processes against the local fake GitHub (rate-limit headers,
403 once the limit is spent): the crawl spends down to `github.rate_reserve`,
stops before the limit with the repositories done saved, says when it resumes,
and the next run starts with the repositories it did not reach. The night
still renders and opens its pull request with what it has.
"""
from __future__ import annotations

from pathlib import Path

from db import open_db
from tests.curator import processes as procs
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub, FakeRepo
from tests.fakes.github_git import FakeGitHub as FakeListRepo
from tests.fakes.server import FakeServer

TOKEN = "ghs_ActionsOwnToken_0123456789abcdef"
LIMIT = 1000
RESERVE = 100  # github.rate_reserve's default
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed-list.md"


def repos(n: int) -> list[str]:
    return [f"org{i % 7}/engine{i:03d}" for i in range(n)]


def stats_fake(names: list[str]) -> tuple[FakeGitHub, list[int]]:
    """The fake API with ``names``, the hourly limit, and a record of every answer's status."""
    fake = FakeGitHub(token=TOKEN, limit=LIMIT)
    for i, name in enumerate(names, 1):
        fake.add(FakeRepo(name, id=i, stars=1000 + i))
    answered: list[int] = []
    handle = fake.server.handler

    def noting(req):
        resp = handle(req)
        answered.append(resp.status)
        return resp

    fake.server.handler = noting
    return fake, answered


def crawled(db: Path) -> set[str]:
    return {r[0] for r in procs.rows(db, "SELECT repo FROM repo_stats")}


def test_two_hundred_repositories_over_three_hours_of_limit(tmp_path):
    names = repos(200)
    db = open_db(tmp_path / "c.db")
    for i, name in enumerate(names):
        db["engines"].insert({"name": f"Engine {i:03d}", "kind": "open_source", "repo": name, "section": "s",
                              "first_seen": "2026-01-01"})
    db.conn.close()
    fake, answered = stats_fake(names)
    done_before: set[str] = set()
    hours = 0
    with fake:
        env = procs.environment(CURATOR_GITHUB_API_URL=fake.url, GITHUB_TOKEN=TOKEN)
        while done_before != set(names) and hours < 4:
            hours += 1
            fake.remaining = LIMIT  # a new hour
            start = len(fake.requests)
            result = procs.run("--db", "c.db", "crawl", "github", "--no-candidates", cwd=tmp_path, env=env)
            assert result.returncode == 0, result.stderr
            now = crawled(tmp_path / "c.db")
            first = fake.requests[start].path.split("/", 2)[2]
            print(f"hour {hours}: {len(now - done_before)} repositories, {LIMIT - fake.remaining} requests, "
                  f"{fake.remaining} left")
            assert first not in done_before, "the run starts with the repositories not crawled yet"
            assert fake.remaining >= RESERVE, "the crawl spent into the reserve"
            assert 403 not in answered, "the crawl hit the limit"
            if len(now) < len(names):
                assert "rate-limited, resumes next run (limit resets at 04:00 UTC)" in result.stderr
                assert f"{len(now) - len(done_before)} of {len(names)} repositories crawled" in result.stderr
                assert fake.remaining - RESERVE < 15  # it spent what it might
            done_before = now
        assert done_before == set(names) and hours >= 2
        # the last hour went round every repository (the unchanged ones cost only free 304s), so
        # the next night begins again where that hour began: the least recently crawled
        start = len(fake.requests)
        fake.remaining = LIMIT
        assert procs.run("--db", "c.db", "crawl", "github", cwd=tmp_path, env=env).returncode == 0
        assert fake.requests[start].path.split("/", 2)[2] == first
    runs = procs.rows(tmp_path / "c.db", "SELECT status, error FROM runs ORDER BY id")
    assert [r[0] for r in runs][:hours] == ["incomplete"] * (hours - 1) + ["ok"]
    assert "kept for the pull request" in runs[0][1]
    assert TOKEN not in "".join(str(r) for r in runs)


def test_the_night_renders_and_opens_its_pull_request_with_what_it_has(tmp_path, heads_file):
    names = repos(200)
    # the seed list's headings and technique tables, its engines replaced by 200 on the fake
    # (none with a web page, so the web crawl reads only the READMEs the GitHub crawl stores)
    seed = [line for line in SEED.read_text(encoding="utf-8").splitlines(keepends=True)
            if not (line.startswith("- [") and "http" in line)]
    at = seed.index("## Open Source Inference Engines\n") + 2
    listed = "".join(seed[:at] + [f"- [Engine {i:03d}](https://github.com/{n})\n" for i, n in enumerate(names)]
                     + seed[at:])
    list_repo = FakeListRepo("curator-org/awesome-list", {"README.md": listed}, token=TOKEN)
    fake, answered = stats_fake(names)
    prefix = f"/repos/{list_repo.full_name}"
    both = FakeServer(lambda req: list_repo.handle(req) if req.path == "/user" or req.path.startswith(prefix)
                      else fake.server.handler(req))
    fake.link_origin = both.url  # one API origin for both fakes
    arxiv = FakeArxiv([])
    (tmp_path / "curator.toml").write_text(
        f'[list]\nrepo = "{list_repo.full_name}"\n'
        f'[classifier]\nmodel = "hashing:512"\nheads = "{heads_file}"\n'
        '[pr]\nseconds_between_requests = 0.0\nseconds_between_writes = 0.0\n')
    with both, arxiv:
        env = procs.environment(CURATOR_GITHUB_API_URL=both.url, GITHUB_TOKEN=TOKEN,
                                CURATOR_ARXIV_API_URL=arxiv.url)
        night = procs.run("--db", "c.db", "nightly", cwd=tmp_path, env=env, timeout=600)
    assert night.returncode == 1, night.stderr  # a step ended incomplete
    assert "crawl github: rate-limited, resumes next run (limit resets at 04:00 UTC)" in night.stderr
    assert fake.remaining >= RESERVE and 403 not in answered
    done = crawled(tmp_path / "c.db")
    assert 50 < len(done & set(names)) < 200
    # rendered and proposed anyway, with the statistics it has
    (pr,) = list_repo.pulls.values()
    assert "crawl github" in pr.body and "rate-limited, resumes next run" in pr.body
    text = list_repo.text(pr.head, "README.md")
    some = sorted(done & set(names))[0]
    i = names.index(some)
    row = next(line for line in text.splitlines() if line.startswith(f"| [Engine {i:03d}]"))
    assert f"{1000 + i + 1:,}" in row  # its stars, from tonight's crawl
    steps = procs.rows(tmp_path / "c.db", "SELECT command, status FROM runs ORDER BY id")
    assert ("render", "ok") in steps and ("pr", "ok") in steps and ("crawl github", "incomplete") in steps
