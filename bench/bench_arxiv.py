"""Benchmark (not a test): crawl all of the bundled arXiv sample from the fake API.

    /work/venv/bin/python -m bench.bench_arxiv [--page-size 500] [--db PATH]

Serves classifier/data/arxiv-sample.jsonl.gz from the fake arXiv server, crawls
it with the real client and delay 0 (set here, below config validation), saves
every page into a fresh database as the command does, and prints papers stored
per second, requests against ceil(N / page size), and peak memory.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import re
import resource
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from crawler.arxiv import ArxivSource, build_query
from db import open_db
from db.papers import save_papers
from tests.fakes.arxiv import FakeArxiv, sample_entries

_ARXIV_CATEGORY = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")


def _serve(conn) -> None:
    with FakeArxiv(sample_entries(), cache=True) as fake:
        conn.send(fake.url)
        conn.recv()  # until the bench is done


@contextmanager
def _served():
    """The fake API in its own process, so its work does not share our interpreter."""
    ours, theirs = multiprocessing.Pipe()
    proc = multiprocessing.get_context("fork").Process(target=_serve, args=(theirs,), daemon=True)
    proc.start()
    try:
        yield ours.recv()
    finally:
        ours.send("stop")
        proc.join(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--db", help="database file (default: a temporary file)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    args = parser.parse_args()

    entries = sample_entries()
    categories = sorted({c for e in entries for c in e.categories if _ARXIV_CATEGORY.match(c)})
    query = build_query(categories, [])  # every sample entry matches
    with tempfile.TemporaryDirectory() as tmp, _served() as url:
        db = open_db(args.db or Path(tmp) / "bench.db")
        source = ArxivSource(api_url=url, page_size=args.page_size, delay_seconds=0)
        stored = 0

        def on_page(page, cursor) -> None:
            nonlocal stored
            counts = save_papers(db, page.papers, "2026-07-01T00:00:00+00:00")
            stored += counts.new + counts.updated

        if args.tracemalloc:
            tracemalloc.start()
        started = time.perf_counter()
        outcome = source.crawl(query, datetime(1991, 1, 1), datetime(2030, 1, 1), on_page)
        elapsed = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        rows = db["papers"].count
    n = len(entries)
    print(f"entries served            {n}")
    print(f"papers stored             {stored} (rows {rows}, incomplete: {outcome.incomplete})")
    print(f"elapsed                   {elapsed:.2f} s")
    print(f"papers stored per second  {stored / elapsed:,.0f}")
    print(f"requests                  {source.requests} (ceil(N / page size) = {math.ceil(n / args.page_size)})")
    print(f"requests per 1,000 papers {1000 * source.requests / max(stored, 1):.2f}")
    print(f"peak RSS                  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if traced is not None:
        print(f"peak traced Python memory {traced / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
