"""Regenerate the recorded responses that `curator demo` replays (curator/demo_data/).

    python -m bench.make_demo_data

Deterministic: the same inputs give the same bytes (fixed seed, no clock).

- arxiv/week-2026-08-10.atom.gz: one real-format arXiv Atom 1.0 feed (opensearch
  totals, arxiv: namespace, authors, abs/pdf links, categories, primary category)
  of the held-out week bench/data/weeks/2026-08-10.jsonl.gz (every paper announced
  2026-08-10 .. 2026-08-14 in cs.CL/LG/AI/CV/DC/AR/PF/OS): the papers the default
  crawl query matches (``crawler.arxiv.build_query`` of the built-in settings,
  evaluated as the fake arXiv API of tests/fakes/arxiv.py does), as the real API
  would return them, oldest first. Real ids, titles, abstracts, authors and
  categories; ``published`` = ``updated`` = 00:00 UTC of the announcement day,
  version 1. The replay server pages it by start/max_results and filters by
  submittedDate (it does not evaluate the rest of the query: the feed is its result).
- github.json: GitHub REST JSON for every repository of the demo list (the seed
  list): the repository, list resources (pulls, contributors, releases, issues)
  with their counts, issue comments, commit activity. These NUMBERS ARE SYNTHETIC
  (seeded random, scaled by a rough size class); timestamps are stored relative
  to ``recorded_at`` and shifted to the moment of the run by the replay server.
  READMEs are not copied: the server encodes readmes/OWNER+NAME.md (real).
- seed-list.md: the list as it started (tests/fixtures/seed-list.md), the demo's list.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]
WEEK_FILE = ROOT / "bench" / "data" / "weeks" / "2026-08-10.jsonl.gz"
SEED = ROOT / "tests" / "fixtures" / "seed-list.md"
OUT = ROOT / "curator" / "demo_data"
WEEK = (date(2026, 8, 10), date(2026, 8, 14))
FEED_NAME = f"week-{WEEK[0].isoformat()}.atom.gz"
FEED_UPDATED = datetime(2026, 8, 15, 0, 0, tzinfo=timezone.utc)
# the GitHub recording is its own (its times are shifted to the moment of the run)
RECORDED_AT = datetime(2026, 5, 11, 6, 0, tzinfo=timezone.utc)
SEED_NUMBER = 20260511

# rough size class of the seed engines (a multiplier for the synthetic numbers)
BIG = {"vllm-project/vllm", "ollama/ollama", "ggml-org/llama.cpp", "sgl-project/sglang", "unslothai/unsloth",
       "deepspeedai/DeepSpeed", "huggingface/text-generation-inference", "NVIDIA/TensorRT-LLM", "karpathy/llama2.c",
       "mlc-ai/mlc-llm", "InternLM/lmdeploy", "Lightning-AI/litgpt", "modular/modular", "microsoft/BitNet"}


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- arXiv -------------------------------------------------------------------

def query_matcher():
    """The default crawl query as a predicate on fake-API entries."""
    from catalogue.settings import DEFAULTS
    from crawler.arxiv import build_query
    from tests.fakes.arxiv import compile_query

    a = DEFAULTS["arxiv"]
    return compile_query(build_query(a["categories"], a["terms"], a["narrow_categories"], a["narrow_terms"]))


def week_papers() -> tuple[list[dict], int]:
    """The week's papers the default query matches, oldest first, and how many the week holds."""
    from tests.fakes.arxiv import Entry

    with gzip.open(WEEK_FILE, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    matches = query_matcher()
    chosen = []
    for row in rows:
        if not WEEK[0].isoformat() <= row["announced"] <= WEEK[1].isoformat():
            continue
        row = {**row, "published": f"{row['announced']}T00:00:00Z"}
        if matches(Entry(row["arxiv_id"], row["title"], row["abstract"], row["categories"], row["published"],
                         authors=row["authors"])):
            chosen.append(row)
    chosen.sort(key=lambda r: (r["published"], r["arxiv_id"]))
    return chosen, len(rows)


def atom_entry(row: dict) -> str:
    aid = row["arxiv_id"]
    cats = row["categories"] or ["cs.AI"]
    when = row["published"]
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{aid}v1</id>",
        f"    <title>{escape(row['title'])}</title>",
        f"    <updated>{when}</updated>",
        f"    <link href=\"https://arxiv.org/abs/{aid}v1\" rel=\"alternate\" type=\"text/html\"/>",
        f"    <link href=\"https://arxiv.org/pdf/{aid}v1\" rel=\"related\" type=\"application/pdf\" title=\"pdf\"/>",
        f"    <summary>{escape(row['abstract'])}</summary>",
    ]
    lines += [f"    <author>\n      <name>{escape(name)}</name>\n    </author>" for name in row["authors"]]
    lines += [f"    <category term={quoteattr(c)} scheme=\"http://arxiv.org/schemas/atom\"/>" for c in cats]
    lines += [
        f"    <published>{when}</published>",
        f"    <arxiv:primary_category term={quoteattr(cats[0])}/>",
        "  </entry>",
    ]
    return "\n".join(lines)


def atom_feed(rows: list[dict]) -> str:
    lo, hi = WEEK[0].strftime("%Y%m%d"), WEEK[1].strftime("%Y%m%d")
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
        ' xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        f'  <id>https://arxiv.org/api/demo-week-{WEEK[0].isoformat()}</id>\n'
        f'  <title>arXiv Query: submittedDate:[{lo}0000 TO {hi}2359]</title>\n'
        f'  <updated>{_iso(FEED_UPDATED)}</updated>\n'
        '  <link href="https://arxiv.org/api/query" type="application/atom+xml"/>\n'
        f'  <opensearch:itemsPerPage>{len(rows)}</opensearch:itemsPerPage>\n'
        f'  <opensearch:totalResults>{len(rows)}</opensearch:totalResults>\n'
        '  <opensearch:startIndex>0</opensearch:startIndex>\n'
    )
    return head + "\n".join(atom_entry(r) for r in rows) + "\n</feed>\n"


# --- GitHub ------------------------------------------------------------------

def seed_repos() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    found = re.findall(r"https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)", text)
    return sorted(set(r.removesuffix(".git") for r in found), key=str.lower)


def _user(login: str, uid: int, kind: str = "User") -> dict:
    return {"login": login, "id": uid, "type": kind, "site_admin": False,
            "html_url": f"https://github.com/{login}"}


def repo_record(full: str, rid: int, rng: random.Random) -> dict:
    scale = 10.0 if full in BIG else 1.0
    stars = int(rng.uniform(800, 6000) * scale)
    owner, name = full.split("/")
    created = RECORDED_AT - timedelta(days=rng.randint(400, 1600))
    pushed = RECORDED_AT - timedelta(hours=rng.randint(1, 24 * (3 if scale > 1 else 40)))
    readme_file = f"{owner}+{name}.md"
    repo = {
        "id": rid, "node_id": f"R_demo{rid}", "name": name, "full_name": full, "private": False,
        "owner": _user(owner, rid + 100000, "Organization"), "html_url": f"https://github.com/{full}",
        "description": None, "fork": False, "created_at": _iso(created), "updated_at": _iso(pushed),
        "pushed_at": _iso(pushed), "homepage": None, "size": rng.randint(2000, 400000),
        "stargazers_count": stars, "watchers_count": stars, "language": "Python", "has_issues": True,
        "has_discussions": rng.random() < 0.6, "forks_count": int(stars * rng.uniform(0.08, 0.2)),
        "archived": False, "disabled": False, "license": {"key": "apache-2.0", "name": "Apache License 2.0",
                                                          "spdx_id": "Apache-2.0"},
        "topics": ["llm", "inference"], "visibility": "public", "default_branch": "main",
        "subscribers_count": int(stars * rng.uniform(0.005, 0.02)),
    }
    open_prs = int(rng.uniform(5, 60) * scale)
    repo["open_issues_count"] = open_prs + int(rng.uniform(10, 200) * scale)
    contributors = int(rng.uniform(10, 120) * scale)
    n_releases = rng.randint(0, 12) * (4 if scale > 1 else 1)
    releases = []
    for i in range(min(n_releases, 3)):
        when = RECORDED_AT - timedelta(days=7 * i + rng.randint(1, 20))
        releases.append({"id": rid * 100 + i, "tag_name": f"v0.{n_releases - i}.0", "name": f"v0.{n_releases - i}.0",
                         "draft": False, "prerelease": False, "created_at": _iso(when), "published_at": _iso(when),
                         "html_url": f"https://github.com/{full}/releases/tag/v0.{n_releases - i}.0"})
    weeks = []
    start = RECORDED_AT - timedelta(days=RECORDED_AT.weekday() + 1, hours=RECORDED_AT.hour)  # a Sunday 00:00
    for w in range(52):
        days = [max(0, int(rng.gauss(6 * scale, 3 * scale))) if rng.random() < 0.8 else 0 for _ in range(7)]
        weeks.append({"days": days, "total": sum(days), "week": int((start - timedelta(weeks=51 - w)).timestamp())})
    issues, comments = [], {}
    for i in range(10):
        number = 1000 + 40 * (10 - i) + rng.randint(0, 30)
        opened = RECORDED_AT - timedelta(days=i * 4 + rng.randint(0, 3), hours=rng.randint(0, 20))
        author = f"user{rng.randint(1, 9999)}"
        n_comments = rng.randint(0, 4)
        issues.append({"number": number, "title": f"Issue {number}", "state": "open", "user": _user(author, number),
                       "comments": n_comments, "created_at": _iso(opened), "updated_at": _iso(opened),
                       "html_url": f"https://github.com/{full}/issues/{number}"})
        reply = opened
        thread = []
        for c in range(n_comments):
            reply += timedelta(hours=rng.uniform(0.5, 96))
            login = "github-actions[bot]" if c == 0 and rng.random() < 0.2 else f"maint{rng.randint(1, 30)}"
            thread.append({"id": number * 10 + c, "user": _user(login, 5000 + c, "Bot" if "[bot]" in login else "User"),
                           "created_at": _iso(reply), "body": "Thanks for the report."})
        comments[str(number)] = thread
    return {
        "repo": repo,
        "lists": {
            "pulls": {"count": open_prs, "items": [{"number": 5000 + i, "state": "open", "title": f"PR {5000 + i}"}
                                                   for i in range(3)]},
            "contributors": {"count": contributors,
                             "items": [{**_user(f"dev{i}", 9000 + i), "contributions": 500 // (i + 1)}
                                       for i in range(3)]},
            "releases": {"count": n_releases, "items": releases},
            "issues": {"count": 10, "items": issues},
        },
        "comments": comments,
        "commit_activity": weeks,
        "readme": readme_file if (OUT / "readmes" / readme_file).exists() else None,
    }


def github_records(repos: list[str]) -> dict:
    rng = random.Random(SEED_NUMBER)
    records = {}
    for i, full in enumerate(repos, 1):
        records[full] = repo_record(full, 700000 + i, random.Random(rng.random()))
    return {"recorded_at": _iso(RECORDED_AT), "synthetic": True,
            "note": "Synthetic statistics for the offline demo; READMEs are real (readmes/).",
            "repos": records}


def main() -> None:
    rows, in_week = week_papers()
    (OUT / "arxiv").mkdir(parents=True, exist_ok=True)
    for old in (OUT / "arxiv").glob("*.atom.gz"):  # the replay serves the one feed there
        if old.name != FEED_NAME:
            old.unlink()
    feed = atom_feed(rows).encode("utf-8")
    with open(OUT / "arxiv" / FEED_NAME, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
            fh.write(feed)
    data = github_records(seed_repos())
    (OUT / "github.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    shutil.copyfile(SEED, OUT / "seed-list.md")
    digest = hashlib.sha256(feed).hexdigest()[:12]
    days = {}
    for r in rows:
        days[r["announced"]] = days.get(r["announced"], 0) + 1
    print(f"arXiv: {len(rows)} entries of the week's {in_week} ({digest}; by day: "
          + ", ".join(f"{d} {n}" for d, n in sorted(days.items())) + f"); GitHub: {len(data['repos'])} repositories; list copied")


if __name__ == "__main__":
    main()
