"""The star-history chart: drawn from repo_stats once there are two crawls, byte-identical for the same data."""
from __future__ import annotations

from reports import chart
from tests.reports.helpers import add_engine


def test_no_history_no_chart(mem_db):
    assert chart.render_svg(mem_db) is None


def test_one_crawl_is_no_chart(mem_db):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-01", 100)])
    add_engine(mem_db, "SGLang", "sgl-project/sglang", [("2026-06-01", 50)])
    assert chart.chart_series(mem_db) is None and chart.render_svg(mem_db) is None


def test_chart_is_deterministic_svg_without_a_date(mem_db):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-01", 100), ("2026-06-02", 180)])
    add_engine(mem_db, "$llama_cpp", "ggml-org/llama.cpp", [("2026-06-01", 90), ("2026-06-02", 95)])

    first, second = chart.render_svg(mem_db), chart.render_svg(mem_db)

    assert first == second
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert b"<dc:date>" not in first
    assert b"<!-- vLLM -->" in first  # legend text, drawn as paths


def test_series_follow_the_data_most_starred_first(mem_db):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-02", 180), ("2026-06-01", 100)])
    before = chart.render_svg(mem_db)
    add_engine(mem_db, "SGLang", "sgl-project/sglang", [("2026-06-02", 50)])

    shown = chart.chart_series(mem_db)

    assert shown.series["vLLM"][0][1] == 100 and shown.series["vLLM"][-1][1] == 180
    assert list(shown.series) == ["vLLM", "SGLang"]
    assert shown.tracked == 2 and shown.left_out == [] and not shown.log
    assert chart.render_svg(mem_db) != before


def test_only_the_top_engines_are_drawn_and_the_title_says_so(mem_db):
    for i in range(chart.MAX_SERIES + 3):
        add_engine(mem_db, f"engine{i:02d}", f"org/engine{i:02d}", [("2026-06-01", i), ("2026-06-02", i + 1)])
    shown = chart.chart_series(mem_db)
    assert len(shown.series) == chart.MAX_SERIES and shown.tracked == chart.MAX_SERIES + 3
    assert "engine00" not in shown.series and "engine12" in shown.series
    assert shown.left_out == ["engine00", "engine01", "engine02"]
    assert shown.title.startswith(f"GitHub stars of the {chart.MAX_SERIES} most-starred of 13 listed engines")


def test_log_scale_when_stars_span_orders_of_magnitude(mem_db):
    add_engine(mem_db, "big", "org/big", [("2026-06-01", 50_000), ("2026-06-02", 51_000)])
    add_engine(mem_db, "small", "org/small", [("2026-06-01", 300), ("2026-06-02", 310)])
    assert chart.chart_series(mem_db).log
    assert b"<!-- stars (log scale) -->" in chart.render_svg(mem_db)
