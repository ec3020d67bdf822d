"""Step ``pr``: open or update the one pull request that proposes the rendered list.

:func:`pr_dry_run` renders from a local copy of the list and writes the new
list, the PR body, a unified diff and the star-history chart the list links to
(``assets/star-history.svg``, as the pull request commits it) to a folder; it
needs no token and touches nothing remote.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Sequence

from catalogue.errors import BadInput
from curator import clients
from curator.steps import StepResult, from_run

BODY_FILE = "pr-body.md"
DIFF_FILE = "list.diff"


def night_failures(db) -> list[dict]:
    """The steps before ``pr`` that failed tonight, as `runs` recorded them (for a ``pr`` run on its own)."""
    from curator.sources import night_order
    from db.prs import failed_steps

    return failed_steps(db, [name for name in night_order() if name != "pr"])


def failures_of(results: Sequence[StepResult]) -> list[dict[str, Any]]:
    """The failed steps of a night run in this process, in the shape the PR body names them."""
    return [{"command": r.name, "status": r.status, "error": r.error} for r in results if not r.ok]


def pr(app, *, failures: list[dict] | None = None) -> StepResult:
    """Open or update curator's pull request on ``list.repo``; the night's failures are
    named in its body (default: read from `runs`)."""
    from reports.publish import Publisher

    client = clients.github_api(app.config, writes=True)
    with app.run("pr") as run:
        failed = night_failures(app.db) if failures is None else failures
        outcome = Publisher(client, app.db, app.config, failed).run()
        run.add("accepted", outcome.accepted)
        run.add("rejected", outcome.rejected)
        run.counts["action"] = outcome.action
        result = from_run(run, describe(outcome))
    for note in outcome.notes:
        app.note(note)
    if outcome.accepted or outcome.rejected:
        app.echo(f"maintainer decisions synced: {outcome.accepted} papers accepted, {outcome.rejected} rejected")
    return result


def describe(outcome) -> str:
    if outcome.action == "unchanged":
        return "list unchanged: no commit, no pull request"
    if outcome.action == "held":
        return (f"held: branch {outcome.branch} has commits curator did not make; "
                f"not overwritten, commented on pull request {outcome.pr_number}")
    if outcome.action == "up_to_date":
        return f"pull request {outcome.pr_number} on {outcome.branch} is already up to date: no commit"
    return f"{outcome.action} pull request {outcome.pr_number} on branch {outcome.branch}"


def pr_dry_run(app, out_dir: Path, list_path: Path, *, failures: list[dict] | None = None) -> StepResult:
    """Write the new list, ``pr-body.md``, ``list.diff`` and (once there is star history)
    the chart to ``out_dir``; the summary names them and the pull request's title."""
    from reports import chart
    from reports.publish import propose

    try:
        text = list_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{list_path}: cannot read the list ({getattr(exc, 'strerror', None) or exc})") from None
    failed = night_failures(app.db) if failures is None else failures
    proposal = propose(app.db, app.config, text, failed)
    name = list_path.name
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), proposal.new_text.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))
    svg = chart.render_svg(app.db)
    written = [name, BODY_FILE, DIFF_FILE] + ([chart.CHART_PATH] if svg is not None else [])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_text(proposal.new_text, encoding="utf-8")
        (out_dir / BODY_FILE).write_text(proposal.body, encoding="utf-8")
        (out_dir / DIFF_FILE).write_text(diff, encoding="utf-8")
        if svg is not None:
            (out_dir / chart.CHART_PATH).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / chart.CHART_PATH).write_bytes(svg)
    except OSError as exc:
        raise BadInput(f"{out_dir}: cannot write the dry run ({exc.strerror})") from None
    for note in proposal.notes:
        app.note(note)
    state = "changed" if proposal.changed else "unchanged"
    return StepResult("pr", "ok", {"changed": int(proposal.changed)},
                      summary=f"dry run: list {state}; wrote {', '.join(written)} to {out_dir}\n"
                              f"title: {proposal.title}")
