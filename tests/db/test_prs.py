"""`db.prs.failed_steps`: the steps that failed in the current night, and only those."""
from __future__ import annotations

from db.nightly import record_step
from db.prs import failed_steps
from db.runs import finish_run, start_run

STEPS = ["import-list", "crawl arxiv", "crawl github", "crawl web", "classify", "score", "render"]


def run(db, command, status="ok", error=None):
    record_step(db, command, "2026-06-01T00:00:00+00:00", status, {}, error)


def test_every_failed_step_of_the_night_with_its_error(mem_db):
    start_run(mem_db, "nightly")  # still running: the PR step reads while the night goes on
    run(mem_db, "import-list")
    run(mem_db, "crawl arxiv", "failed", "arXiv answered 503")
    run(mem_db, "crawl github", "incomplete", "rate limit reached")
    run(mem_db, "crawl web")
    run(mem_db, "classify", "failed", "ConfigError: no model")
    run(mem_db, "score")
    run(mem_db, "render", "failed", None)
    run(mem_db, "evaluate", "failed", "not a nightly step")

    assert failed_steps(mem_db, STEPS) == [
        {"command": "crawl arxiv", "status": "failed", "error": "arXiv answered 503"},
        {"command": "crawl github", "status": "incomplete", "error": "rate limit reached"},
        {"command": "classify", "status": "failed", "error": "ConfigError: no model"},
        {"command": "render", "status": "failed", "error": None},
    ]


def test_failures_of_earlier_nights_or_made_good_are_not_reported(mem_db):
    first = start_run(mem_db, "nightly")
    run(mem_db, "crawl arxiv", "failed", "arXiv answered 503")
    run(mem_db, "score", "failed", "division by zero")
    finish_run(mem_db, first, "failed")
    start_run(mem_db, "nightly")
    run(mem_db, "crawl arxiv")
    run(mem_db, "crawl web", "failed", "timeout")
    run(mem_db, "crawl web")  # run again in the same night, and fine this time

    assert failed_steps(mem_db, STEPS) == []


def test_without_a_nightly_the_latest_run_of_each_step_counts(mem_db):
    run(mem_db, "crawl arxiv", "failed", "arXiv answered 503")
    run(mem_db, "crawl arxiv")
    run(mem_db, "score", "failed", "division by zero")

    assert [r["command"] for r in failed_steps(mem_db, STEPS)] == ["score"]
    assert failed_steps(mem_db, []) == []
