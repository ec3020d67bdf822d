"""The `curator` command: one group, thin sub-commands.

Exit status: 0 success, 1 a failed run, 2 bad input or usage (one line on stderr).
Heavy libraries are imported inside commands so that `curator --help` is instant.
"""
from __future__ import annotations

import sqlite3
import sys

import click

from curator.app import App, setup_logging
from catalogue.errors import ConfigError
from catalogue.errors import BadInput, RunFailed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", envvar="CURATOR_DB", default="curator.db", show_default=True,
              help="SQLite database file (env CURATOR_DB).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Settings file [default: ./curator.toml when it exists].")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr, no progress.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@click.version_option(package_name="curator")
@click.pass_context
def cli(ctx: click.Context, db_path: str, config_path: str | None, quiet: bool, verbose: bool) -> None:
    """Keep the awesome-list of LLM inference engines current.

    Reads the list, crawls arXiv, GitHub and the engines' pages, classifies
    papers, scores engines, stores everything in one SQLite file and opens one
    reviewable pull request.
    """
    setup_logging(quiet, verbose)
    ctx.obj = App(db_path, config_path, quiet, verbose)


def _register() -> None:
    from curator.commands import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the group and map errors to exit statuses."""
    try:
        cli.main(args=argv, prog_name="curator", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("curator: aborted", err=True)
        return 1
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (ConfigError, BadInput) as exc:
        click.echo(f"curator: error: {_one_line(exc)}", err=True)
        return 2
    except RunFailed as exc:
        click.echo(f"curator: failed: {_one_line(exc)}", err=True)
        return 1
    except sqlite3.Error as exc:  # the file went bad mid-run (disk full, damage); the unit in progress rolled back
        click.echo(f"curator: failed: database: {_one_line(exc)}", err=True)
        return 1
    return 0


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
