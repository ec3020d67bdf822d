"""The pipeline's steps as plain functions, below the command line.

Each step takes the :class:`~curator.app.App` of the invocation (database,
settings, output) plus its own arguments, records itself in ``runs`` and
returns a :class:`StepResult`: status, counts, error and the one summary line a
command prints. Failures raise :class:`~catalogue.errors.BadInput` (exit 2) or
:class:`~catalogue.errors.RunFailed` (exit 1); a crawl that saved part of its
work returns ``incomplete``. The click commands in :mod:`curator.commands` parse
options, call one step and print; ``curator nightly`` and ``curator demo`` call
the steps in order (:mod:`curator.steps.nightly`). Nothing is read back from
``runs`` to carry data from one step to the next.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable



@dataclass
class StepResult:
    name: str                        # as recorded in runs: "crawl arxiv"
    status: str = "ok"               # ok | incomplete | failed
    counts: dict = field(default_factory=dict)
    error: str | None = None
    summary: str = ""                # the line the command prints on stdout
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def from_run(run, summary: str = "") -> StepResult:
    """The result of a step that recorded ``run`` (a :class:`curator.runs.Run`)."""
    return StepResult(run.command, run.status, dict(run.counts), run.error, summary)


@dataclass(frozen=True)
class Source:
    """What a crawl source provides to the command line and the night.

    ``crawl(app, **options)`` fetches from the source and saves what it got (one
    transaction per unit of work), records itself in ``runs`` as ``crawl NAME``
    and returns a :class:`StepResult`. ``options`` are its click options; their
    values reach ``crawl`` as keyword arguments (parsed by the options' callbacks).
    The night runs every source with ``at_night`` in the order of registration
    (:mod:`curator.sources`), with the options' defaults.
    """

    name: str                                  # `curator crawl NAME`
    help: str                                  # one line for `curator crawl --help`
    crawl: Callable[..., StepResult]
    options: tuple[Any, ...] = ()              # click.Option objects
    at_night: bool = True

