"""Run records and the single-writer lock."""
from __future__ import annotations

import json
import multiprocessing
import time

import pytest

from catalogue.errors import BadInput, RunFailed
from curator.lock import exclusive
from curator.runs import recorded


def test_successful_run_is_recorded_with_counts(mem_db):
    with recorded(mem_db, "crawl arxiv") as run:
        run.add("new", 3)
        run.add("new")
        run.status = "incomplete"
    row = mem_db.execute("SELECT command, status, counts, finished FROM runs").fetchone()
    assert row[0] == "crawl arxiv"
    assert row[1] == "incomplete"
    assert json.loads(row[2]) == {"new": 4}
    assert row[3] is not None


@pytest.mark.parametrize("exc, status", [(BadInput("bad list"), "bad_input"),
                                          (RunFailed("arXiv 503 after 4 attempts"), "failed")])
def test_failed_run_keeps_its_error(mem_db, exc, status):
    with pytest.raises(type(exc)):
        with recorded(mem_db, "x"):
            raise exc
    row = mem_db.execute("SELECT status, error FROM runs").fetchone()
    assert row == (status, str(exc))


def _hold(path, seconds, started):
    with exclusive(path):
        started.set()
        time.sleep(seconds)


def test_second_writer_waits_then_gives_up(tmp_path):
    path = str(tmp_path / "curator.db")
    started = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(path, 2.0, started))
    holder.start()
    try:
        assert started.wait(10)
        with pytest.raises(RunFailed, match="holds the lock"):
            with exclusive(path, wait_seconds=0.3):
                pass
        t0 = time.monotonic()
        with exclusive(path, wait_seconds=20):
            waited = time.monotonic() - t0
        assert waited > 0.5  # it queued behind the holder instead of running alongside
    finally:
        holder.join(10)
