"""Where crawl sources register: ``curator crawl NAME`` and the night's crawls come from here.

Each source is a :class:`curator.steps.Source` defined beside its step (the
``SOURCE`` of a module in :mod:`curator.steps`). Adding a source means a crawler
module (fetch), its step module with ``SOURCE`` (save what was fetched through
``db``), one line below, and a migration for what it stores; docs/adding-a-source.md
walks through it.
"""
from __future__ import annotations

from curator.steps import Source


def registered() -> tuple[Source, ...]:
    """The sources, in the order the night crawls them."""
    from curator.steps import arxiv, docs, github, web

    return (arxiv.SOURCE, github.SOURCE, web.SOURCE, docs.SOURCE)


def night_order() -> tuple[str, ...]:
    """The steps of a night, in order, as recorded in `runs`."""
    crawls = tuple(f"crawl {s.name}" for s in registered() if s.at_night)
    return ("import-list", *crawls, "classify", "score", "render", "pr")
