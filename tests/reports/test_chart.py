"""The star-history chart: drawn from repo_stats, byte-identical for the same data."""
from __future__ import annotations

from reports import chart
from tests.reports.test_paper_regions import add_engine


def test_no_history_no_chart(mem_db):
    assert chart.render_svg(mem_db) is None


def test_chart_is_deterministic_svg_without_a_date(mem_db):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-01", 100), ("2026-06-02", 180)])
    add_engine(mem_db, "$llama_cpp", "ggml-org/llama.cpp", [("2026-06-01", 90), ("2026-06-02", 95)])

    first, second = chart.render_svg(mem_db), chart.render_svg(mem_db)

    assert first == second
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert b"<dc:date>" not in first
    assert b"<!-- vLLM -->" in first  # legend text, drawn as paths


def test_series_follow_the_data(mem_db):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-02", 180), ("2026-06-01", 100)])
    before = chart.render_svg(mem_db)
    add_engine(mem_db, "SGLang", "sgl-project/sglang", [("2026-06-02", 50)])

    series = chart.star_series(mem_db)

    assert series["vLLM"][0][1] == 100 and series["vLLM"][-1][1] == 180
    assert list(series) == ["SGLang", "vLLM"]
    assert chart.render_svg(mem_db) != before


def test_only_the_top_engines_are_drawn(mem_db):
    for i in range(chart.MAX_SERIES + 3):
        add_engine(mem_db, f"engine{i:02d}", f"org/engine{i:02d}", [("2026-06-01", i)])
    series = chart.star_series(mem_db)
    assert len(series) == chart.MAX_SERIES
    assert "engine00" not in series and "engine12" in series
