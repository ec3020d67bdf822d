"""Requests per repository of `curator crawl github`, first night and after.

Runs the real command (PyGithub and all) four times against the fake GitHub
API holding the seed engines' repositories (curator/demo_data/readmes, with
their real READMEs): night 1 on an empty database, night 2 with nothing
changed, night 3 after a quarter of the repositories gained a star, night 4
after another quarter got a new comment on their newest issue. Prints
requests (every request the fake server received), billable requests (what
the fake's rate-limit counter spent: every answer but a 304 to a conditional
request) and time per night, and night 1's requests by endpoint.

    /work/venv/bin/python bench/bench_github.py [--response-sample N]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curator.cli import main  # noqa: E402
from db import open_db  # noqa: E402
from tests.fakes.github import FakeGitHub, FakeIssue, FakeRepo  # noqa: E402

READMES = ROOT / "curator" / "demo_data" / "readmes"


def seed_repos() -> list[tuple[str, bytes]]:
    index = json.loads((READMES / "INDEX.json").read_text())
    seen: dict[str, bytes] = {}
    for entry in index:
        if entry["repo"].lower() not in {k.lower() for k in seen}:
            seen[entry["repo"]] = (READMES / entry["file"]).read_bytes()
    return sorted(seen.items())


def fake_repo(i: int, name: str, readme: bytes, now: datetime, rng: random.Random) -> FakeRepo:
    issues = []
    for n in range(12):
        opened = now - timedelta(days=rng.randint(1, 120))
        comments = [("ci[bot]", opened + timedelta(minutes=1))] if rng.random() < 0.3 else []
        if rng.random() < 0.7:
            comments.append((f"maint{n % 3}", opened + timedelta(hours=rng.randint(1, 72))))
        issues.append(FakeIssue(500 - n, opened, comments=comments, pull_request=rng.random() < 0.2))
    issues.sort(key=lambda x: x.created_at, reverse=True)
    releases = [{"tag": f"v0.{k}", "published_at": (now - timedelta(days=20 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")}
                for k in range(rng.randint(0, 40))]
    return FakeRepo(name, id=1000 + i, stars=rng.randint(500, 80000), forks=rng.randint(50, 9000),
                    watchers=rng.randint(20, 600), open_issues=rng.randint(0, 900), open_prs=rng.randint(0, 400),
                    contributors=rng.randint(3, 900), weekly_commits=[rng.randint(0, 60) for _ in range(52)],
                    releases=releases, issues=issues, readme=readme)


def night(label: str, db_path: Path, cfg: Path, fake: FakeGitHub, repos: int) -> None:
    fake_before = len(fake.requests)
    billed_before = fake.limit - fake.remaining
    t0 = time.perf_counter()
    code = main(["--db", str(db_path), "--config", str(cfg), "-q", "crawl", "github"])
    elapsed = time.perf_counter() - t0
    requests = len(fake.requests) - fake_before
    billable = fake.limit - fake.remaining - billed_before
    db = open_db(db_path)
    counts = json.loads(db.execute("SELECT counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    db.conn.close()
    print(f"{label}: exit {code}, {repos} repos, {requests} requests ({requests / repos:.1f}/repo), "
          f"{billable} billable ({billable / repos:.2f}/repo), {counts.get('unchanged', 0)} unchanged, "
          f"{elapsed:.2f} s")


def by_endpoint(fake: FakeGitHub, first: int, last: int) -> str:
    """Requests ``first:last`` counted by the path after ``/repos/OWNER/NAME``."""
    counts: Counter[str] = Counter()
    for q in fake.requests[first:last]:
        counts["/".join(q.path.split("/")[4:]) or "(repository)"] += 1
    return ", ".join(f"{name} {n}" for name, n in counts.most_common())


def run(response_sample: int) -> None:
    now = datetime.now(timezone.utc)
    rng = random.Random(7)
    seeds = seed_repos()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        cfg = Path(tmp) / "curator.toml"
        cfg.write_text(f"[github]\nresponse_sample = {response_sample}\n")
        db = open_db(db_path)
        for name, _ in seeds:
            db["engines"].insert({"name": name.split("/")[1], "kind": "open_source", "repo": name,
                                  "section": "Engines", "first_seen": "2026-01-01"}, replace=True)
        db.conn.close()
        fake = FakeGitHub(token="bench-token", now=now)
        repos = [fake.add(fake_repo(i, name, readme, now, rng)) for i, (name, readme) in enumerate(seeds)]
        os.environ["GITHUB_TOKEN"] = "bench-token"
        with fake:
            os.environ["CURATOR_GITHUB_API_URL"] = fake.url
            print(f"{len(seeds)} seed repositories, response_sample = {response_sample}")
            night("night 1 (empty database)", db_path, cfg, fake, len(seeds))
            print(f"  night 1 by endpoint: {by_endpoint(fake, 0, len(fake.requests))}")
            night("night 2 (nothing changed)", db_path, cfg, fake, len(seeds))
            for repo in repos[::4]:
                repo.stars += 1
            night(f"night 3 ({len(repos[::4])} repos gained a star)", db_path, cfg, fake, len(seeds))
            commented = [r for r in repos[1::4] if any(not i.pull_request for i in r.issues)]
            for repo in commented:
                newest = next(i for i in repo.issues if not i.pull_request)
                newest.comments.append(("newcomer", now))
            night(f"night 4 ({len(commented)} repos got an issue comment)", db_path, cfg, fake, len(seeds))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--response-sample", type=int, default=10)
    run(parser.parse_args().response_sample)
