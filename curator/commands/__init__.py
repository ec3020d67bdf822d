"""Sub-commands. Each module defines one click command; ``COMMANDS`` is what
`curator --help` shows. Crawl sources are added to the ``crawl`` group."""
from __future__ import annotations

from curator.commands.classify import classify
from curator.commands.crawl import crawl
from curator.commands.crawl_arxiv import arxiv as crawl_arxiv
from curator.commands.crawl_docs import docs as crawl_docs
from curator.commands.crawl_github import github as crawl_github
from curator.commands.crawl_web import web as crawl_web
from curator.commands.evaluate import evaluate
from curator.commands.demo import demo
from curator.commands.import_list import import_list
from curator.commands.nightly import nightly
from curator.commands.pr import pr
from curator.commands.render import render
from curator.commands.score import score
from curator.commands.serve import serve

# one line per command module, in the order of the nightly pipeline
COMMANDS: list = [crawl]
COMMANDS.append(serve)
COMMANDS.append(pr)
crawl.add_command(crawl_arxiv)
crawl.add_command(crawl_web)
crawl.add_command(crawl_github)
crawl.add_command(crawl_docs)
COMMANDS.append(score)
COMMANDS.insert(0, import_list)
COMMANDS.append(render)
COMMANDS.append(nightly)
COMMANDS.append(demo)
COMMANDS.append(classify)
COMMANDS.append(evaluate)
