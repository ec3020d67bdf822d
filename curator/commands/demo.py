"""`curator demo [DIR]`: runs :func:`curator.demo.run_demo` and prints its summary."""
from __future__ import annotations

import click

from catalogue.errors import RunFailed
from curator.app import App, pass_app


@click.command("demo", short_help="Run the whole pipeline offline on recorded data.")
@click.argument("out_dir", metavar="[DIR]", default="demo-out", type=click.Path(file_okay=False))
@click.option("--quick", is_flag=True, help="Replay the week's first day only (205 papers instead of 1,361).")
@pass_app
def demo(app: App, out_dir: str, quick: bool) -> None:
    """Run the whole pipeline offline on recorded data; results in DIR [default: demo-out].

    No network, no token: arXiv and GitHub answers are replayed on loopback
    (GitHub figures are synthetic). DIR gets the updated list, the PR body, the
    diff, the database DIR/curator.db (replaced on every run) and browse.sh.
    """
    from curator.demo import run_demo
    from curator.steps.nightly import describe

    result = run_demo(app, out_dir, quick)
    app.echo(result.summary)
    if result.failed:
        raise RunFailed(f"nightly: {describe(result.results)}")
