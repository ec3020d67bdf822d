"""The nightly pipeline: run every step in order, in process, and say what failed.

Each step is an ordinary sub-command (``import-list``, ``crawl arxiv``,
``crawl github``, ``crawl web``, ``classify``, ``score``, ``render``, ``pr``)
invoked through the ``curator`` click group with the invocation's shared
:class:`~curator.app.App`, so it records itself in ``runs`` exactly as it does
when run alone. A step fails when it raises, exits non-zero, or leaves its
``runs`` row in any state but ``ok`` (a crawl stopped by a rate limit is
``incomplete``). A failed step never stops the ones after it: the PR step reads
the night's failed steps and their errors from ``runs`` and names them in the
pull request.
"""
from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import click

from catalogue.errors import ConfigError
from catalogue.errors import BadInput, RunFailed

log = logging.getLogger(__name__)

ORDER = ("import-list", "crawl arxiv", "crawl github", "crawl web", "classify", "score", "render", "pr")


@dataclass
class Step:
    name: str                       # as recorded in runs: "crawl arxiv"
    args: list[str] = field(default_factory=list)   # options and arguments after the command name


@dataclass
class StepResult:
    name: str
    status: str                     # ok | failed | incomplete | missing
    seconds: float
    error: str | None = None
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def plan(list_path: Path | None, *, dry_run: Path | None = None, original: Path | None = None,
         extra: dict[str, Sequence[str]] | None = None) -> list[Step]:
    """The nightly steps in order.

    ``list_path`` is the working copy of the list (imported, then rendered in
    place); ``original`` the untouched copy that ``pr --dry-run`` diffs against.
    Without a list, the list steps fail ("no list") and ``pr`` reads the list
    from the target repository itself. ``extra`` adds arguments per step name.
    """
    extra = extra or {}
    steps = []
    for name in ORDER:
        args: list[str] = []
        if name in ("import-list", "render") and list_path is not None:
            args.append(str(list_path))
        if name == "pr" and dry_run is not None:
            args += ["--dry-run", str(dry_run)]
            if original is not None:
                args += ["--list", str(original)]
        args += list(extra.get(name, ()))
        steps.append(Step(name, args))
    return steps


def _command(name: str) -> click.Command | None:
    from curator.cli import cli

    command: click.Command | None = cli
    with click.Context(cli) as ctx:
        for word in name.split():
            if not isinstance(command, click.Group):
                return None
            command = command.get_command(ctx, word)
            if command is None:
                return None
    return command


def _latest_run_id(db, name: str) -> int:
    from db.runs import last_runs

    rows = last_runs(db, name, 1)
    return int(rows[0]["id"]) if rows else 0


def run_step(app, step: Step, needs_list: bool = False) -> StepResult:
    """Run one sub-command with the shared App; never raises for a step failure.

    A step that left no `runs` row of its own (it failed before starting its
    run, was not available, or records nothing, like ``pr --dry-run``) gets one
    written here, so every step of the night is in `runs`."""
    from db.nightly import record_step
    from db.runs import now_iso

    started_at = now_iso()
    before = _latest_run_id(app.db, step.name)
    result = _run_step(app, step, needs_list)
    if _latest_run_id(app.db, step.name) == before:
        record_step(app.db, step.name, started_at, "ok" if result.ok else "failed",
                    {"recorded_by": "nightly", **result.counts}, result.error)
    return result


def _run_step(app, step: Step, needs_list: bool) -> StepResult:
    started = time.monotonic()

    def result(status: str, error: str | None = None, counts: dict | None = None) -> StepResult:
        return StepResult(step.name, status, round(time.monotonic() - started, 1), error, counts or {})

    command = _command(step.name)
    if command is None:
        return result("missing", f"`curator {step.name}` is not available in this installation")
    if needs_list:
        return result("failed", "no list to read (the list could not be fetched)")
    before = _latest_run_id(app.db, step.name)
    try:
        code = command.main(args=list(step.args), prog_name=f"curator {step.name}",
                            standalone_mode=False, obj=app)
    except (RunFailed, BadInput, ConfigError) as exc:
        return result("failed", _one_line(exc))
    except click.ClickException as exc:
        return result("failed", _one_line(exc.format_message()))
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except Exception as exc:  # noqa: BLE001 - recorded and reported, never swallowed:
        # an unexpected error in one step must not stop the others; -v logs the traceback
        log.debug("step %s raised", step.name, exc_info=True)
        return result("failed", f"{type(exc).__name__}: {_one_line(exc)}")
    if isinstance(code, int) and code != 0:
        return result("failed", f"exited with status {code}")
    return _from_runs(app.db, step.name, before, result)


def _from_runs(db, name: str, before: int, result: Callable[..., StepResult]) -> StepResult:
    """The step's own `runs` rows decide: anything but ``ok`` is a failure."""
    import json

    from db.runs import last_runs

    rows = [r for r in last_runs(db, name, 20) if int(r["id"]) > before]
    bad = [r for r in rows if r["status"] != "ok"]
    counts: dict = {}
    for r in rows:
        try:
            counts.update(json.loads(r["counts"] or "{}"))
        except ValueError:
            pass
    if bad:
        status = "incomplete" if bad[0]["status"] == "incomplete" else "failed"
        return result(status, bad[0]["error"] or bad[0]["status"], counts)
    return result("ok", None, counts)


def _one_line(exc: BaseException | str) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:300]


def run_all(app, steps: Sequence[Step], *, list_missing: bool = False,
            report: Callable[[int, int, Step, StepResult | None], None] | None = None) -> list[StepResult]:
    """Run every step in order; ``report(i, n, step, result)`` before (result None) and after each."""
    results = []
    for i, step in enumerate(steps, 1):
        if report:
            report(i, len(steps), step, None)
        needs_list = list_missing and step.name in ("import-list", "render")
        res = run_step(app, step, needs_list)
        if not res.ok:
            log.warning("nightly: step %s %s: %s", step.name, res.status, res.error)
        results.append(res)
        if report:
            report(i, len(steps), step, res)
    return results


def describe(results: Sequence[StepResult]) -> str:
    """One line: how many steps ran cleanly and which did not."""
    bad = [r for r in results if not r.ok]
    line = f"{len(results) - len(bad)} of {len(results)} steps ok"
    if bad:
        line += "; " + "; ".join(f"{r.name} {r.status}: {r.error}" for r in bad)
    return line


def fetch_list(config, work: Path, api_url: str | None, token: str | None) -> Path:
    """Download the target list (``list.repo``, ``list.path`` on ``list.branch``) into ``work``.

    Reading a public repository needs no token. Raises :class:`RunFailed`.
    """
    from github import Auth, Github, GithubException

    cfg = config["list"]
    client = Github(auth=Auth.Token(token) if token else None,
                    base_url=(api_url or "https://api.github.com").rstrip("/"),
                    timeout=int(config["github"]["read_timeout"]), retry=None)
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
