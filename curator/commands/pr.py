"""`curator pr`: open or update the one pull request that proposes the rendered list.

``--dry-run DIR`` renders from a local copy of the list and writes the new list,
the PR body, a unified diff and the star-history chart the list links to
(``assets/star-history.svg``, as the pull request commits it) to DIR; it needs
no token and touches nothing remote.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import click

from curator.app import App, pass_app
from catalogue.errors import BadInput

BODY_FILE = "pr-body.md"
DIFF_FILE = "list.diff"


@click.command("pr", short_help="Open or update the one pull request on the list.")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write the new list, the PR body and a diff to DIR; touch nothing remote.")
@click.option("--list", "list_file", type=click.Path(dir_okay=False), default=None,
              help="With --dry-run: the local list to start from [default: list.path in the current directory].")
@pass_app
def pr(app: App, dry_run: str | None, list_file: str | None) -> None:
    """Open or update curator's pull request on the list's repository (token: GITHUB_TOKEN)."""
    if dry_run is not None:
        _dry_run(app, Path(dry_run), Path(list_file or app.config["list"]["path"]))
        return
    if list_file is not None:
        raise BadInput("--list only applies with --dry-run; `curator pr` reads the list from list.repo")
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise BadInput("GITHUB_TOKEN is not set; `curator pr` needs a token (or use --dry-run DIR)")
    from reports.publish import Publisher, connect

    with app.run("pr") as run:
        client = connect(app.config, token, os.environ.get("CURATOR_GITHUB_API_URL"))
        outcome = Publisher(client, app.db, app.config, night_failures(app.db)).run()
        run.add("accepted", outcome.accepted)
        run.add("rejected", outcome.rejected)
        run.counts["action"] = outcome.action
    for note in outcome.notes:
        app.note(note)
    if outcome.accepted or outcome.rejected:
        app.echo(f"maintainer decisions synced: {outcome.accepted} papers accepted, {outcome.rejected} rejected")
    app.echo(_describe(outcome))


def night_failures(db) -> list[dict]:
    """The steps before ``pr`` that failed tonight, for the PR body to name."""
    from curator.pipeline import ORDER
    from db.prs import failed_steps

    return failed_steps(db, [name for name in ORDER if name != "pr"])


def _describe(outcome) -> str:
    if outcome.action == "unchanged":
        return "list unchanged: no commit, no pull request"
    if outcome.action == "held":
        return (f"held: branch {outcome.branch} has commits curator did not make; "
                f"not overwritten, commented on pull request {outcome.pr_number}")
    if outcome.action == "up_to_date":
        return f"pull request {outcome.pr_number} on {outcome.branch} is already up to date: no commit"
    return f"{outcome.action} pull request {outcome.pr_number} on branch {outcome.branch}"


def _dry_run(app: App, out_dir: Path, list_path: Path) -> None:
    try:
        text = list_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{list_path}: cannot read the list ({getattr(exc, 'strerror', None) or exc})") from None
    from reports import chart, prbody
    from reports.render import render_text

    new_text, notes = render_text(text, app.db, app.config)
    report = prbody.gather(app.db, app.config, text, new_text, night_failures(app.db))
    name = list_path.name
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))
    svg = chart.render_svg(app.db)
    written = [name, BODY_FILE, DIFF_FILE] + ([chart.CHART_PATH] if svg is not None else [])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_text(new_text, encoding="utf-8")
        (out_dir / BODY_FILE).write_text(prbody.body(app.db, app.config, report), encoding="utf-8")
        (out_dir / DIFF_FILE).write_text(diff, encoding="utf-8")
        if svg is not None:
            (out_dir / chart.CHART_PATH).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / chart.CHART_PATH).write_bytes(svg)
    except OSError as exc:
        raise BadInput(f"{out_dir}: cannot write the dry run ({exc.strerror})") from None
    for note in notes:
        app.note(note)
    state = "changed" if new_text != text else "unchanged"
    app.echo(f"dry run: list {state}; wrote {', '.join(written)} to {out_dir}")
    app.echo(f"title: {prbody.title(app.config, report)}")
