"""The night: every step in order, in process, and what failed.

The steps are the plain functions of :mod:`curator.steps` (``import-list``,
``crawl arxiv``, ``crawl github``, ``crawl web``, ``classify``, ``score``,
``render``, ``pr``), called with the invocation's App, so each records itself in
``runs`` as it does when run alone. A step fails when it raises or returns
anything but ``ok`` (a crawl stopped by a rate limit is ``incomplete``). A
failed step never stops the ones after it; the ``pr`` step is handed the
night's failures and names them in the pull request.
"""
from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from catalogue.errors import BadInput, ConfigError, RunFailed
from curator import clients
from curator.steps import StepResult

log = logging.getLogger(__name__)

Report = Callable[[int, int, str, "StepResult | None"], None]


@dataclass
class NightOptions:
    """What a caller (the demo) may change in the night: keyword arguments for a
    source's crawl (``{"web": {"readme_only": True}}``), and whether ``pr`` runs."""

    crawl: dict[str, dict[str, Any]] = field(default_factory=dict)
    with_pr: bool = True


def plan(list_path: Path | None, *, dry_run: Path | None = None, original: Path | None = None,
         options: NightOptions | None = None) -> list[tuple[str, Callable[..., StepResult]]]:
    """The night's steps in order (:func:`curator.sources.night_order`): (name, function
    of the App and the results so far).

    ``list_path`` is the working copy of the list (imported, then rendered in
    place); ``original`` the untouched copy that the dry run diffs against.
    Without a list the list steps fail ("no list") and ``pr`` reads the list
    from the target repository itself.
    """
    from curator.sources import night_order, registered
    from curator.steps import classify, listfile, publish, score

    options = options or NightOptions()

    def needs_list(step):
        def run(app, results):
            if list_path is None:
                raise RunFailed("no list to read (the list could not be fetched)")
            return step(app, list_path)
        return run

    def crawl(source):
        return lambda app, results: source.crawl(app, **options.crawl.get(source.name, {}))

    def pr(app, results):
        failures = publish.failures_of(results)
        if dry_run is not None:
            return publish.pr_dry_run(app, dry_run, original or list_path, failures=failures)
        return publish.pr(app, failures=failures)

    steps = {
        "import-list": needs_list(listfile.import_list),
        **{f"crawl {s.name}": crawl(s) for s in registered() if s.at_night},
        "classify": lambda app, results: classify.classify(app),
        "score": lambda app, results: score.score(app),
        "render": needs_list(listfile.render),
        "pr": pr,
    }
    return [(name, steps[name]) for name in night_order() if name != "pr" or options.with_pr]


def run_step(app, name: str, step: Callable[..., StepResult], results: Sequence[StepResult]) -> StepResult:
    """Run one step with the shared App; never raises for a step failure.

    A step that recorded no `runs` row of its own (it failed before starting its
    run, or records nothing, like the dry run) gets one written here, so every
    step of the night is in `runs`."""
    from db.nightly import record_step
    from db.runs import now_iso

    started_at, started = now_iso(), time.monotonic()
    recorded_before = app.recorded.count(name)
    try:
        result = step(app, list(results))
    except (RunFailed, BadInput, ConfigError) as exc:
        result = StepResult(name, "failed", error=one_line(exc))
    except Exception as exc:  # noqa: BLE001 - recorded and reported, never swallowed:
        # an unexpected error in one step must not stop the others; -v logs the traceback
        log.debug("step %s raised", name, exc_info=True)
        result = StepResult(name, "failed", error=f"{type(exc).__name__}: {one_line(exc)}")
    result.name, result.seconds = name, round(time.monotonic() - started, 1)
    if app.recorded.count(name) == recorded_before:
        record_step(app.db, name, started_at, "ok" if result.ok else "failed",
                    {"recorded_by": "nightly", **result.counts}, result.error)
    return result


def one_line(exc: BaseException | str) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:300]


def run_all(app, steps: Sequence[tuple[str, Callable[..., StepResult]]], report: Report | None = None) -> list[StepResult]:
    """Run every step in order; ``report(i, n, name, result)`` before (result None) and after each."""
    results: list[StepResult] = []
    for i, (name, step) in enumerate(steps, 1):
        if report:
            report(i, len(steps), name, None)
        result = run_step(app, name, step, results)
        if not result.ok:
            log.warning("nightly: step %s %s: %s", name, result.status, result.error)
        if result.summary:
            app.echo(result.summary)
        results.append(result)
        if report:
            report(i, len(steps), name, result)
    return results


def describe(results: Sequence[StepResult]) -> str:
    """One line: how many steps ran cleanly and which did not."""
    bad = [r for r in results if not r.ok]
    line = f"{len(results) - len(bad)} of {len(results)} steps ok"
    if bad:
        line += "; " + "; ".join(f"{r.name} {r.status}: {r.error}" for r in bad)
    return line


def fetch_list(config, work: Path, access: clients.GitHubAccess | None = None) -> Path:
    """Download the target list (``list.repo``, ``list.path`` on ``list.branch``) into ``work``.

    Reading a public repository needs no token. Raises :class:`RunFailed`.
    """
    from github import GithubException

    cfg = config["list"]
    client = clients.github_api(config, access)
    try:
        content = client.get_repo(cfg["repo"]).get_contents(cfg["path"], ref=cfg["branch"])
        text = content.decoded_content.decode("utf-8")
    except GithubException as exc:
        raise RunFailed(f"cannot read {cfg['repo']}/{cfg['path']}@{cfg['branch']}: GitHub answered {exc.status}") from None
    except (UnicodeDecodeError, AttributeError):
        raise RunFailed(f"{cfg['repo']}/{cfg['path']}: not a UTF-8 text file") from None
    finally:
        client.close()
    target = work / Path(cfg["path"]).name
    target.write_text(text, encoding="utf-8")
    return target


def working_copies(list_file: Path, work: Path) -> tuple[Path, Path]:
    """A copy to import and render, and an untouched copy for the diff (same file name)."""
    (work / "render").mkdir(parents=True, exist_ok=True)
    (work / "original").mkdir(parents=True, exist_ok=True)
    copy = work / "render" / list_file.name
    original = work / "original" / list_file.name
    shutil.copyfile(list_file, copy)
    shutil.copyfile(list_file, original)
    return copy, original


def nightly(app, list_file: Path | None, dry_run: Path | None, options: NightOptions | None = None,
            shown=None) -> list[StepResult]:
    """Run the night with ``app``; return every step's result (the night's `runs` row
    is ``failed`` when any step failed).

    The list is ``list_file`` or, without it, ``list.path`` of ``list.repo`` read
    from GitHub; it is never modified (a working copy is imported and rendered).
    Nightly's own lines (which step runs, how it ended) go through ``shown``
    [default: ``app``], so a caller can keep them while the steps' own output
    (through ``app``) goes elsewhere.
    """
    import tempfile

    from curator.lock import exclusive
    from curator.runs import recorded

    if list_file is not None and not list_file.is_file():
        raise BadInput(f"--list: {list_file} is not a file")
    app.config  # a bad config stops here, before anything runs
    app.check_db_folder()
    app.check_writable()  # so does a read-only or damaged database, before the night's first write
    shown = shown or app
    with tempfile.TemporaryDirectory(prefix="curator-nightly-") as tmp, \
            exclusive(app.db_path + ".nightly"), recorded(app.db, "nightly") as run:
        work = Path(tmp)
        if list_file is None:
            try:
                list_file = fetch_list(app.config, work)
                shown.note(f"nightly: read {app.config['list']['repo']}/{app.config['list']['path']}")
            except RunFailed as exc:
                shown.note(f"nightly: {exc}")
        copy = original = None
        if list_file is not None:
            copy, original = working_copies(list_file, work)
        steps = plan(copy, dry_run=dry_run, original=original, options=options)
        results = run_all(app, steps, report=_reporter(shown))
        for r in results:
            run.add("steps")
            run.add("ok" if r.ok else "failed")
        failed = [r.name for r in results if not r.ok]
        if failed:
            run.counts["failed_steps"] = ", ".join(failed)
        summary = describe(results)
        shown.note(f"nightly: {summary}")
        if failed:
            run.status, run.error = "failed", f"nightly: {summary}"
    return results


def check(results: Sequence[StepResult]) -> None:
    """RunFailed (exit 1) naming the failed steps, when any failed."""
    if any(not r.ok for r in results):
        raise RunFailed(f"nightly: {describe(results)}")


def _reporter(shown) -> Report:
    def report(i: int, n: int, name: str, result: StepResult | None) -> None:
        if result is None:
            shown.note(f"nightly [{i}/{n}] {name} ...")
            return
        line = f"nightly [{i}/{n}] {name}: {result.status} in {result.seconds:.1f} s"
        if result.error:
            line += f": {result.error}"
        shown.note(line)
    return report
