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

# the steps of a night, in order, as recorded in runs
ORDER = ("import-list", "crawl arxiv", "crawl github", "crawl web", "classify", "score", "render", "pr")


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
