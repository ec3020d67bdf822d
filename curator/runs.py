"""Recording a command in the `runs` table, whatever way it ends."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from catalogue.errors import BadInput, RunFailed
from db.runs import finish_run, start_run

log = logging.getLogger(__name__)


class Run:
    """Counts and final status of one command run; ``status`` may be set to
    ``incomplete`` by the command (partial data saved, next run resumes)."""

    def __init__(self, command: str, run_id: int):
        self.command = command
        self.id = run_id
        self.counts: dict[str, int | str] = {}
        self.status = "ok"
        self.error: str | None = None

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = int(self.counts.get(key, 0)) + n


@contextmanager
def recorded(db, command: str) -> Iterator[Run]:
    """Start a `runs` row, yield a :class:`Run`, and close the row.

    An exception marks the run ``failed`` (``bad_input`` for :class:`BadInput`)
    with its one-line message, then propagates.
    """
    run = Run(command, start_run(db, command))
    try:
        yield run
    except BadInput as exc:
        finish_run(db, run.id, "bad_input", run.counts, str(exc))
        raise
    except (RunFailed, Exception) as exc:  # recorded, then re-raised unchanged
        finish_run(db, run.id, "failed", run.counts, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise
    except KeyboardInterrupt:
        finish_run(db, run.id, "interrupted", run.counts, "interrupted")
        raise
    else:
        finish_run(db, run.id, run.status, run.counts, run.error)
