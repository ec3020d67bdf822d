"""`curator demo [DIR]`: the whole nightly pipeline, offline, on recorded answers.

A loopback replay server (curator/replay.py) answers for arXiv (a recorded
week of Atom, 2026-05-04 .. 2026-05-10) and GitHub (the seed engines; synthetic
statistics, real READMEs); ``CURATOR_ARXIV_API_URL`` and ``CURATOR_GITHUB_API_URL``
point at it for the run and are restored after. No token is used, web pages are
not fetched (``crawl web --readme-only``), the model loads from the installed
package, and the pull request is a dry run. DIR receives the demo's list
(updated), the PR body, the diff, curator.toml and curator.db; the demo's
database and settings are always those in DIR (the global --db and --config
are not used), and a previous demo database in DIR is replaced.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from curator.app import App, pass_app

WEEK = ("2026-05-04", "2026-05-10T23:59:59")
QUICK = ("2026-05-04", "2026-05-04T23:59:59")  # the week's first day: 111 papers
LIST_NAME = "seed-list.md"
DEMO_CONFIG = f"""# Settings of `curator demo` (everything else is the built-in default).
[list]
path = "{LIST_NAME}"

[arxiv]
# the recorded week (1,178 papers) in two requests, 3 s apart
page_size = 1000
"""


@click.command("demo")
@click.argument("out_dir", metavar="[DIR]", default="demo-out", type=click.Path(file_okay=False))
@click.option("--quick", is_flag=True, help="Replay the week's first day only (111 papers instead of 1,178).")
@pass_app
def demo(app: App, out_dir: str, quick: bool) -> None:
    """Run the whole pipeline offline on recorded data; results in DIR [default: demo-out].

    No network, no token: arXiv and GitHub answers are replayed on loopback
    (GitHub figures are synthetic). DIR gets the updated list, the PR body, the
    diff and the database DIR/curator.db (replaced on every run).
    """
    from curator.commands.nightly import run_nightly
    from curator.errors import BadInput, RunFailed
    from curator.replay import DATA_DIR, ReplayServer

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (out / f"curator.db{suffix}").unlink(missing_ok=True)
        shutil.copyfile(DATA_DIR / LIST_NAME, out / LIST_NAME)
        (out / "curator.toml").write_text(DEMO_CONFIG, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{out}: cannot prepare the demo directory ({exc.strerror})") from None
    demo_app = App(str(out / "curator.db"), str(out / "curator.toml"), app.quiet, app.verbose)
    since, until = QUICK if quick else WEEK
    extra = {"crawl arxiv": ["--since", since, "--until", until], "crawl web": ["--readme-only"]}
    failure: RunFailed | None = None
    with ReplayServer() as server:
        app.note(f"demo: replaying recorded arXiv and GitHub answers on {server.url} (loopback only)")
        with _environment(server):
            try:
                run_nightly(demo_app, out / LIST_NAME, out, extra)
            except RunFailed as exc:
                failure = exc
    _summary(demo_app, out, (since, until[:10]))
    if failure is not None:
        raise failure


@contextmanager
def _environment(server) -> Iterator[None]:
    """Point the clients at the replay server, offline and without a token; restore after."""
    values = {"CURATOR_ARXIV_API_URL": server.arxiv_url, "CURATOR_GITHUB_API_URL": server.github_url,
              "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GITHUB_TOKEN": None}
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _summary(demo_app: App, out: Path, days: tuple[str, str]) -> None:
    from curator.commands.pr import BODY_FILE, DIFF_FILE
    from db.demo import demo_summary

    s = demo_summary(demo_app.db)
    proposed = ", ".join(f"{cat} {n}" for cat, n in s["proposed"].items()) or "none"
    top = ", ".join(f"{r['engine']} {r['ease_of_use']:.0f}" for r in s["top_ease_of_use"]) or "none"
    lines = [
        "",
        "curator demo: summary (offline replay; GitHub figures are SYNTHETIC, READMEs are real)",
        f"  papers fetched from arXiv (submitted {days[0]} .. {days[1]}): {s['papers']}",
        f"  proposed by the classifier: {sum(s['proposed'].values())} ({proposed})",
        f"  engines: {s['engines']}, repositories crawled: {s['repos_crawled']}, engines scored: {s['engines_scored']}",
        f"  top Ease-of-Use: {top}",
        f"  files: {out / LIST_NAME} (updated list), {out / BODY_FILE}, {out / DIFF_FILE}, {out / 'curator.db'}",
        f"  browse the data: curator --db {out / 'curator.db'} serve",
    ]
    click.echo("\n".join(lines))
