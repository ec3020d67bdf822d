"""Candidate engines and the star chart's region, rendered from a fixture database."""
from __future__ import annotations

import pytest

from catalogue.settings import merge
from reports import engine_regions
from tests.reports.helpers import add_engine, add_paper, add_repo_stats


@pytest.fixture
def config():
    return merge({})


def test_candidate_engines_are_unlisted_engine_like_repos_by_stars(mem_db, config):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-30", 50000)], description="LLM serving")
    add_paper(mem_db, "2606.00001", "Paper with code", code="lab/fastserve")
    add_paper(mem_db, "2606.00002", "Weak paper", confidence=0.2, code="lab/weakserve")
    add_repo_stats(mem_db, "lab/fastserve", [("2026-06-30", 120)], "Fast LLM inference engine")
    add_repo_stats(mem_db, "org/bigengine", [("2026-06-30", 900)], "A serving runtime")
    add_repo_stats(mem_db, "org/dataset", [("2026-06-30", 5000)], "A benchmark dataset")

    text = engine_regions.candidate_engines(mem_db, config)

    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert [r.split("]")[0][3:] for r in rows] == ["org/bigengine", "lab/fastserve"]
    assert "900" in rows[0] and "GitHub crawl" in rows[0]
    assert "arxiv.org/abs/2606.00001" in rows[1]
    assert "vllm" not in text and "weakserve" not in text and "dataset" not in text


def test_no_candidates_means_no_region(mem_db, config):
    assert engine_regions.candidate_engines(mem_db, config) is None


def test_star_chart_only_with_two_crawls(mem_db, config):
    assert engine_regions.star_chart(mem_db, config) is None
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-30", 5)])
    assert engine_regions.star_chart(mem_db, config) is None  # one day of figures is not history
    add_repo_stats(mem_db, "vllm-project/vllm", [("2026-07-01", 7)])
    assert engine_regions.star_chart(mem_db, config) == (
        "![GitHub stars of the 1 listed engines, 2026-06-30 to 2026-07-01](assets/star-history.svg)")


def test_star_chart_names_the_engines_it_leaves_out(mem_db, config):
    from reports import chart

    for i in range(chart.MAX_SERIES + 2):
        add_engine(mem_db, f"engine{i:02d}", f"org/engine{i:02d}", [("2026-06-01", i + 1), ("2026-06-02", i + 2)])
    text = engine_regions.star_chart(mem_db, config)
    assert f"the {chart.MAX_SERIES} most-starred of {chart.MAX_SERIES + 2} listed engines" in text
    assert text.endswith("not drawn: engine00, engine01.")


def test_every_region_has_a_heading():
    names = {name: heading for name, heading, _ in engine_regions.regions()}
    assert names == {"candidate-engines": "Open Source Inference Engines", "star-history": "Comparison Table"}
