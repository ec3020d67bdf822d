"""Sub-commands. Each module defines one click command that parses its options,
calls one function below the command line and prints. ``COMMANDS`` is what
`curator --help` shows, in the order of the night; the ``crawl`` group takes its
sub-commands from the registered sources (:mod:`curator.sources`)."""
from __future__ import annotations

from curator.commands.classify import classify
from curator.commands.crawl import add_sources, crawl
from curator.commands.demo import demo
from curator.commands.evaluate import evaluate
from curator.commands.import_list import import_list
from curator.commands.nightly import nightly
from curator.commands.pr import pr
from curator.commands.render import render
from curator.commands.score import score
from curator.commands.serve import serve

COMMANDS: list = [import_list, crawl, classify, score, render, pr, nightly, serve, demo, evaluate]
add_sources()
