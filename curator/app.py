"""Shared state of one CLI invocation: paths, settings, database, output."""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from catalogue import settings as config_mod
from catalogue.errors import BadInput
from curator.lock import exclusive
from curator.runs import Run, recorded


class App:
    def __init__(self, db_path: str, config_path: str | None, quiet: bool, verbose: bool):
        self.db_path = db_path
        self.config_path = config_path
        self.quiet = quiet
        self.verbose = verbose
        self._config: config_mod.Config | None = None
        self._db = None
        self.recorded: list[str] = []  # the commands this invocation recorded in `runs`, in order
        self._checked = False  # the file was found writable and sound (once per invocation)

    @property
    def config(self) -> config_mod.Config:
        if self._config is None:
            self._config = config_mod.load(self.config_path)
        return self._config

    @property
    def db(self):
        if self._db is None:
            from db import open_db

            self.check_db_folder()
            self._db = open_db(self.db_path)
        return self._db

    def check_db_folder(self) -> None:
        """BadInput (exit 2) when the database's folder does not exist: curator never creates it."""
        if self.db_path in ("", ":memory:"):
            return
        folder = Path(self.db_path).parent
        if not folder.is_dir():
            blocker = next((p for p in [folder, *folder.parents] if p.exists() and not p.is_dir()), None)
            if blocker is not None:
                raise BadInput(f"--db {self.db_path}: {blocker} is a file, not a folder")
            raise BadInput(f"--db {self.db_path}: the folder {folder} does not exist (curator does not create it)")

    def close(self) -> None:
        """Close the database if it was opened (it reopens on next use)."""
        if self._db is not None:
            self._db.conn.close()
            self._db = None
            self._checked = False

    def echo(self, message: str) -> None:
        """A result line on stdout, unless --quiet."""
        if not self.quiet:
            click.echo(message)

    def note(self, message: str) -> None:
        """Progress or a remark on stderr, unless --quiet."""
        if not self.quiet:
            click.echo(message, err=True)

    @property
    def show_progress(self) -> bool:
        return not self.quiet and sys.stderr.isatty()

    @contextmanager
    def progress(self, label: str, length: int = 0) -> Iterator["Progress"]:
        """A progress bar on stderr when it is a terminal (and not --quiet), else one that shows nothing."""
        if not self.show_progress:
            yield Progress()
            return
        with click.progressbar(length=max(length, 1), label=label, file=sys.stderr, show_pos=True,
                               item_show_func=lambda text: text) as bar:
            yield Progress(bar)

    @contextmanager
    def run(self, command: str) -> Iterator[Run]:
        """Lock the database and record the command in `runs`.

        Before the first write of the invocation the file is checked: a read-only
        file or a damaged one is refused (BadInput) with nothing written."""
        self.config  # a bad config fails before anything is locked or written
        self.check_db_folder()
        with exclusive(self.db_path):
            self.check_writable()
            with recorded(self.db, command) as run:
                self.recorded.append(command)
                yield run

    def check_writable(self) -> None:
        """BadInput unless the database file may be written and is sound (checked once)."""
        if self._checked:
            return
        from db import check_integrity

        if self.db_path not in ("", ":memory:") and os.path.isfile(self.db_path) \
                and not os.access(self.db_path, os.W_OK):  # refused before SQLite opens it (and adds -wal, -shm)
            raise BadInput(f"{self.db_path}: the database file is read-only")
        check_integrity(self.db, self.db_path)
        self._checked = True


class Progress:
    """What a step tells a progress bar: the total, and how far it got (with a short text)."""

    def __init__(self, bar=None):
        self._bar = bar

    def total(self, n: int) -> None:
        if self._bar is not None:
            self._bar.length = max(n, 1)

    def advance(self, n: int, text: str | None = None) -> None:
        if self._bar is not None:
            self._bar.update(n, text)


def setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING
    if verbose:
        level = logging.DEBUG
    elif quiet:
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("urllib3", "arxiv", "github", "sentence_transformers", "filelock", "matplotlib"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


pass_app = click.make_pass_decorator(App)
