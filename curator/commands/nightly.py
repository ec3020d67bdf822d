"""`curator nightly`: the whole pipeline, one step after another, in process.

import-list, crawl arxiv, crawl github, crawl web, classify, score, render, pr.
Each step records itself in `runs`; nightly records one more row for the whole
night. A failing step does not stop the others; the exit status is 1 when any
step failed, 0 when everything ran.

The list is ``--list FILE`` or, without it, ``list.path`` of ``list.repo`` read
from GitHub. It is never modified: nightly imports and renders a working copy;
``pr`` renders and publishes (with ``--dry-run DIR``: writes the updated list,
the PR body and the diff against the list as it was to DIR).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from curator.app import App, pass_app

DRY_RUN_DEFAULT = "curator-dry-run"


@click.command("nightly", short_help="Run every step: import, crawl, classify, score, render, pr.")
@click.option("--list", "list_file", type=click.Path(dir_okay=False), default=None,
              help="Local copy of the list [default: read list.path of list.repo from GitHub].")
@click.option("--dry-run", "dry_run", is_flag=False, flag_value=DRY_RUN_DEFAULT, default=None, metavar="[DIR]",
              help=f"Open no pull request: `pr --dry-run DIR` writes the list, PR body and diff "
                   f"[DIR default: {DRY_RUN_DEFAULT}].")
@pass_app
def nightly(app: App, list_file: str | None, dry_run: str | None) -> None:
    """Run every step of the night: import, crawl, classify, score, render, pr."""
    run_nightly(app, Path(list_file) if list_file else None, Path(dry_run) if dry_run else None)


def run_nightly(app: App, list_file: Path | None, dry_run: Path | None,
                extra: dict[str, list[str]] | None = None, shown: App | None = None) -> list:
    """Run the pipeline with ``app``; raise RunFailed when any step failed.

    Nightly's own lines (which step runs, how it ended) go through ``shown``
    [default: ``app``], so a caller can keep them while hiding the steps' output.
    """
    from curator import pipeline
    from catalogue.errors import BadInput, RunFailed
    from curator.lock import exclusive
    from curator.runs import recorded

    if list_file is not None and not list_file.is_file():
        raise BadInput(f"--list: {list_file} is not a file")
    app.config  # a bad config stops here, before anything runs
    shown = shown or app
    with tempfile.TemporaryDirectory(prefix="curator-nightly-") as tmp, \
            exclusive(app.db_path + ".nightly"), recorded(app.db, "nightly") as run:
        work = Path(tmp)
        list_missing = False
        if list_file is None:
            try:
                list_file = pipeline.fetch_list(app.config, work, os.environ.get("CURATOR_GITHUB_API_URL"),
                                                os.environ.get("GITHUB_TOKEN") or None)
                shown.note(f"nightly: read {app.config['list']['repo']}/{app.config['list']['path']}")
            except RunFailed as exc:
                shown.note(f"nightly: {exc}")
                list_missing = True
        copy = original = None
        if list_file is not None:
            copy, original = pipeline.working_copies(list_file, work)
        steps = pipeline.plan(copy, dry_run=dry_run, original=original, extra=extra)
        results = pipeline.run_all(app, steps, list_missing=list_missing, report=_reporter(shown))
        for r in results:
            run.add("steps")
            run.add("ok" if r.ok else "failed")
        failed = [r.name for r in results if not r.ok]
        if failed:
            run.counts["failed_steps"] = ", ".join(failed)
        summary = pipeline.describe(results)
        shown.note(f"nightly: {summary}")
        if failed:
            raise RunFailed(f"nightly: {summary}")
    return results


def _reporter(app: App):
    def report(i: int, n: int, step, result) -> None:
        if result is None:
            app.note(f"nightly [{i}/{n}] {step.name} ...")
            return
        line = f"nightly [{i}/{n}] {step.name}: {result.status} in {result.seconds:.1f} s"
        if result.error:
            line += f": {result.error}"
        app.note(line)
    return report
