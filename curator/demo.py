"""The demo: the whole nightly pipeline, offline, on recorded answers (`curator demo [DIR]`).

A loopback replay server (curator/replay.py) answers for arXiv (a real week of
Atom, 2026-08-10 .. 2026-08-14: the papers the default query matches, with their
authors and categories) and GitHub (the seed engines; synthetic
statistics, real READMEs); ``CURATOR_ARXIV_API_URL`` and ``CURATOR_GITHUB_API_URL``
point at it for the run and are restored after. No token is used, web pages are
not fetched (``crawl web --readme-only``), the engines' documentation is read from
a bundled snapshot (``crawl docs --from demo_data/docs-snapshot.tar.xz``), the
model loads from the installed package, and the pull request is a dry run.

DIR receives only what a newcomer opens: the updated list (and the star chart
it links to), the PR body, the diff, the database ``curator.db`` (replaced on
every run) and ``browse.sh``, the command that serves it. The demo's settings
live in a temporary directory and the lock files are removed, so nothing else
is left; the global --db and --config are not used. The steps' own output is
logged (shown with -v); the demo prints which step runs and a short summary.
"""
from __future__ import annotations

import logging
import os
import shlex
import shutil
import stat
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from catalogue.errors import BadInput
from curator.app import App

log = logging.getLogger(__name__)

WEEK = ("2026-08-10", "2026-08-14T23:59:59")  # announced Monday to Friday: 1,361 papers
QUICK = ("2026-08-10", "2026-08-10T23:59:59")  # the week's first day: 205 papers
LIST_NAME = "seed-list.md"
DOCS_SNAPSHOT = "docs-snapshot.tar.xz"  # the engines' docs, as `crawl docs --from` reads them
DB_NAME = "curator.db"
BROWSE_NAME = "browse.sh"
LOCK_SUFFIXES = (".lock", ".nightly.lock")
DEMO_CONFIG = f"""# Settings of `curator demo` (everything else is the built-in default).
[list]
path = "{LIST_NAME}"

[arxiv]
# the recorded week (1,361 papers) in two requests, 3 s apart
page_size = 1000
"""


class StepsApp(App):
    """The App the demo's steps run with: their result lines and remarks go to the
    log (visible with -v), progress bars show as they would for the caller."""

    def __init__(self, db_path: str, config_path: str, caller: App):
        super().__init__(db_path, config_path, caller.quiet, caller.verbose)
        self._bars = caller.show_progress

    def echo(self, message: str) -> None:
        log.info("%s", message)

    def note(self, message: str) -> None:
        log.info("%s", message)

    @property
    def show_progress(self) -> bool:
        return self._bars


@dataclass
class DemoResult:
    summary: str          # what the demo prints at the end
    results: list         # every step's StepResult

    @property
    def failed(self) -> list:
        return [r for r in self.results if not r.ok]


def run_demo(app: App, out_dir: str | Path, quick: bool = False) -> DemoResult:
    """Run the night on the replayed answers into ``out_dir``; the outputs are written
    whether or not a step failed."""
    from curator.replay import DATA_DIR, ReplayServer
    from curator.steps.nightly import NightOptions, nightly

    out = Path(out_dir)
    _prepare(out, DATA_DIR / LIST_NAME)
    since, until = QUICK if quick else WEEK
    options = NightOptions(crawl={"arxiv": {"since": datetime.fromisoformat(since),
                                            "until": datetime.fromisoformat(until)},
                                  "web": {"readme_only": True},
                                  "docs": {"from_dir": str(DATA_DIR / DOCS_SNAPSHOT)}})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="curator-demo-") as tmp:
        settings = Path(tmp) / "curator.toml"
        settings.write_text(DEMO_CONFIG, encoding="utf-8")
        steps_app = StepsApp(str(out / DB_NAME), str(settings), app)
        try:
            with ReplayServer() as server:
                app.note(f"demo: replaying recorded arXiv and GitHub answers on {server.url} (loopback only); "
                         f"{'one day' if quick else 'a week'} of arXiv, about "
                         f"{'10 s' if quick else '30 s'} on 2 idle cores")
                with _environment(server):
                    results = nightly(steps_app, out / LIST_NAME, out, options, shown=app)
            browse = _write_browse(out)
            failed = [r for r in results if not r.ok]
            text = summary(steps_app, out, DATA_DIR / LIST_NAME, (since, until[:10]),
                           time.monotonic() - started, browse, failed)
        finally:
            _tidy(steps_app, out)
    return DemoResult(text, results)


def _prepare(out: Path, seed: Path) -> None:
    """DIR with a fresh copy of the seed list and no database of an earlier demo."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (out / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(seed, out / LIST_NAME)
    except OSError as exc:
        raise BadInput(f"{out}: cannot prepare the demo directory ({exc.strerror})") from None


def _tidy(steps_app: StepsApp, out: Path) -> None:
    """Close the database and remove the lock files the run left beside it."""
    steps_app.close()
    for suffix in LOCK_SUFFIXES:
        (out / f"{DB_NAME}{suffix}").unlink(missing_ok=True)


def _curator() -> str:
    """How to call curator here: the command when it is on PATH, else this interpreter's module."""
    return "curator" if shutil.which("curator") else f"{shlex.quote(sys.executable)} -m curator"


def browse_command(out: Path) -> str:
    return f"{_curator()} --db {shlex.quote(str(out / DB_NAME))} serve"


def _write_browse(out: Path) -> Path:
    """DIR/browse.sh: serve DIR's database with Datasette, from wherever DIR is moved."""
    path = out / BROWSE_NAME
    script = ["#!/bin/sh",
              "# Browse the demo's database with Datasette (read-only): http://127.0.0.1:8001/",
              f'cd "$(dirname "$0")" && exec {_curator()} --db {DB_NAME} serve "$@"']
    path.write_text("\n".join(script) + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@contextmanager
def _environment(server) -> Iterator[None]:
    """Point the clients at the replay server, offline and without a token; restore after."""
    values = {"CURATOR_ARXIV_API_URL": server.arxiv_url, "CURATOR_GITHUB_API_URL": server.github_url,
              "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GITHUB_TOKEN": None}
    saved = {key: os.environ.get(key) for key in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: dict[str, str | None]) -> None:
    """Set each variable to its value; None removes it."""
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def summary(steps_app: App, out: Path, seed: Path, days: tuple[str, str], seconds: float,
            browse: Path, failed: list | None = None) -> str:
    """What the demo did, in a few lines, and what to open next."""
    from catalogue.vocabulary import HEADINGS
    from curator.steps.publish import BODY_FILE, DIFF_FILE
    from db.demo import demo_summary
    from reports import chart, prbody

    db, config = steps_app.db, steps_app.config
    s = demo_summary(db)
    top = ", ".join(f"{r['engine']} {r['ease_of_use']:.0f}" for r in s["top_ease_of_use"]) or "none"
    lines = [f"curator demo: done in {seconds:.0f} s (offline replay: arXiv {days[0]} .. {days[1]}; "
             "GitHub figures are SYNTHETIC, READMEs are real)"]
    try:
        report = prbody.gather(db, config, seed.read_text(encoding="utf-8"),
                               (out / LIST_NAME).read_text(encoding="utf-8"))
    except BadInput as exc:  # an early step failed: no list in the database
        lines.append(f"  papers                 not counted: {exc}")
    else:
        lines += _paper_lines(report, HEADINGS)
    lines += [
        f"  engines                {s['engines']} listed, {s['repos_crawled']} GitHub repositories crawled, "
        f"{s['engines_scored']} scored",
        f"  best Ease-of-Use       {top} (of 100)",
    ]
    lines += [f"  FAILED                 {f.name} ({f.status}): {f.error or 'see the log'}"
              for f in failed or []]
    chart_note = f" (its chart: {chart.CHART_PATH})" if (out / chart.CHART_PATH).is_file() else ""
    files = [(out / BODY_FILE, "the pull request a maintainer would review"),
             (out / DIFF_FILE, "what it changes in the list"),
             (out / LIST_NAME, "the updated list" + chart_note)]
    width = max(len(str(path)) for path, _ in files)
    lines.append("Open next:")
    lines += [f"  {str(path):<{width}}  {what}" for path, what in files]
    lines += ["Browse everything in Datasette (http://127.0.0.1:8001/):",
              f"  {browse_command(out)}    (or {browse})"]
    return "\n".join(lines)


def _paper_lines(report, headings: dict[str, str]) -> list[str]:
    """The pull request's paper counts, which add up, in three lines."""
    plan = report.plan
    by_cat: dict[str, int] = {}
    for p in plan.papers:
        if p.verdict.relevant and p.category:
            by_cat[p.category] = by_cat.get(p.category, 0) + 1
    relevant = ", ".join(f"{headings.get(cat, cat)} {n}" for cat, n in
                         sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0])))
    held = sum(len(v) for v in report.held().values())
    maybe = len(plan.maybe)
    return [
        f"  arXiv papers fetched   {plan.fetched} = {plan.relevant} relevant + {plan.fetched - plan.relevant} not",
        f"  relevant               {plan.relevant}" + (f" ({relevant})" if relevant else ""),
        f"  in the pull request    {len(report.added)} added to the list + {maybe} maybe (category uncertain; "
        f"{min(maybe, len(report.added))} shown folded) + {held} held back",
    ]
