"""Scoring maths on fixture data: monotonicity, caps, weights, nulls."""
from __future__ import annotations

from dataclasses import replace

import pytest

from classifier.scoring import (Weights, activity_inputs, capped_log, deployment_part, docs_part,
                                score_engine, stars_growth)
from catalogue.settings import DEFAULTS

FULL_DOCS = {"docs_root": "https://docs.e.org", "quick_start": True, "api_reference": True,
             "tutorials": True, "nav_entries": 50, "channels": {}, "install": {}}


def stats(date: str, **kw) -> dict:
    row = {"date": date, "stars": None, "contributors": None, "commits_90d": None, "releases": None,
           "median_first_response_hours": None, "has_discussions": None}
    row.update(kw)
    return row


def sig(**kw) -> dict:
    base = {"docs_links": [], "quick_start": False, "api_reference": False, "tutorials": False,
            "nav_entries": 0, "channels": {}, "install": {}}
    base.update(kw)
    return base


def test_capped_log_matches_openssf_formula():
    assert capped_log(0, 100) == 0
    assert capped_log(100, 100) == pytest.approx(1.0)
    assert capped_log(10_000, 100) == pytest.approx(1.0)  # above the cap: saturates
    assert 0 < capped_log(10, 100) < capped_log(50, 100) < 1


def test_activity_monotone_in_each_signal():
    w = Weights.from_config()
    low = score_engine(sig(), [stats("2026-06-01", contributors=5, commits_90d=10)], w).activity_score
    more = score_engine(sig(), [stats("2026-06-01", contributors=50, commits_90d=10)], w).activity_score
    most = score_engine(sig(), [stats("2026-06-01", contributors=50, commits_90d=500)], w).activity_score
    assert low < more < most


def test_response_time_lower_is_better():
    w = Weights.from_config()
    fast = score_engine(sig(), [stats("2026-06-01", median_first_response_hours=2)], w).activity_score
    slow = score_engine(sig(), [stats("2026-06-01", median_first_response_hours=200)], w).activity_score
    never = score_engine(sig(), [stats("2026-06-01", median_first_response_hours=5000)], w).activity_score
    assert fast > slow > never == 0


def test_caps_saturate_and_caps_come_from_config():
    w = Weights.from_config()
    at_cap = score_engine(None, [stats("2026-06-01", contributors=1000)], w).activity_score
    beyond = score_engine(None, [stats("2026-06-01", contributors=50_000)], w).activity_score
    assert at_cap == beyond == 1.0
    cfg = dict(DEFAULTS["scoring"], contributors_cap=10)
    assert Weights.from_config(cfg).caps["contributors"] == 10
    low_cap = score_engine(None, [stats("2026-06-01", contributors=10)], Weights.from_config(cfg)).activity_score
    assert low_cap == 1.0 > score_engine(None, [stats("2026-06-01", contributors=10)], w).activity_score


def test_weights_change_ease_of_use():
    s, h = sig(**FULL_DOCS), [stats("2026-06-01", contributors=3)]
    docs_heavy = score_engine(s, h, replace(Weights.from_config(), docs=1, community=0, activity=0)).ease_of_use
    activity_heavy = score_engine(s, h, replace(Weights.from_config(), docs=0, community=0, activity=1)).ease_of_use
    assert docs_heavy == 100.0 and activity_heavy < 30


def test_missing_stats_recorded_as_null_and_excluded():
    r = score_engine(sig(**FULL_DOCS), [], replace(Weights.from_config(), docs=0.4, community=0.25, activity=0.35))
    assert r.activity_score is None
    assert r.components["ease_of_use"]["missing"] == ["activity"]
    assert "no repo_stats" in r.components["activity"]["reason"]
    assert r.ease_of_use == pytest.approx(100 * (0.4 * 1.0 + 0.25 * 0) / 0.65, abs=0.01)


def test_nothing_crawled_gives_nulls_not_zeros():
    r = score_engine(None, [], Weights.from_config())
    assert r.ease_of_use is None and r.docs_level is None and r.ease_of_deployment is None
    assert r.sns is None and r.forum is None and r.meetup is None


def test_channels_map_to_marks():
    r = score_engine(sig(channels={"slack": ["x"], "meetup": ["y"]}), [], Weights.from_config())
    assert (r.sns, r.forum, r.meetup) == (True, False, True)


def test_forum_is_a_dedicated_forum_not_github_discussions_or_reddit():
    """Issue 16: the survey counts Discourse or a vendor forum, not GitHub Discussions."""
    r = score_engine(sig(channels={"discussions": ["https://github.com/o/r/discussions"],
                                   "reddit": ["https://reddit.com/r/e"]}),
                     [stats("2026-06-01", has_discussions=1)], Weights.from_config())
    assert r.forum is False and r.community_score == 0
    assert r.components["community"]["parts"]["forum"]["github_discussions_enabled"] is True
    r2 = score_engine(sig(channels={"forum": ["https://discuss.e.org"]}), [], Weights.from_config())
    assert r2.forum is True and r2.community_score == pytest.approx(0.30)


def test_wechat_alone_is_not_the_surveys_sns():
    r = score_engine(sig(channels={"wechat": ["text: WeChat"]}), [], Weights.from_config())
    assert r.sns is False


@pytest.mark.parametrize("signals, level", [
    (sig(), "missing"),
    (sig(quick_start=True), "simple"),
    (sig(docs_root="https://docs.e.org", quick_start=True), "moderate"),
    (sig(docs_links=["https://docs.other.org"], quick_start=True), "simple"),  # not the project's docs
    (FULL_DOCS, "detailed"),
])
def test_docs_levels(signals, level):
    assert docs_part(signals)[1] == level


def test_docs_monotone_in_navigation():
    a = docs_part(sig(nav_entries=3))[0]
    b = docs_part(sig(nav_entries=30))[0]
    assert a < b <= docs_part(sig(nav_entries=5000))[0] == pytest.approx(0.15)


def test_deployment_points_and_breadth():
    w = Weights.from_config()
    assert deployment_part(sig(install={"pip": ["pip install x"]}), w)[0] == 70
    assert deployment_part(sig(install={"pip": [], "docker": []}), w)[0] == 80
    assert deployment_part(sig(install={"source": []}), w)[0] == 25
    assert deployment_part(sig(), w)[0] == 0
    assert deployment_part(sig(install={m: [] for m in w.install}), w)[0] == 100
    cfg = dict(DEFAULTS["scoring"], install_source=90)
    assert deployment_part(sig(install={"source": []}), Weights.from_config(cfg))[0] == 90


def test_an_unread_installation_guide_makes_deployment_unknown_not_zero():
    w = Weights.from_config()
    guide = "https://nvidia.github.io/TensorRT-LLM/installation/linux.html"
    score, parts = deployment_part(sig(install_links=[guide]), w)
    assert score is None and parts["install_links"] == [guide] and "not read" in parts["reason"]
    assert deployment_part(sig(install_links=[guide], read_urls=[guide]), w)[0] == 0
    assert deployment_part(sig(install_links=[guide], read_urls=["https://other.example/"]), w)[0] is None
    assert deployment_part(sig(install={"pip": []}, install_links=[guide]), w)[0] == 70


def test_star_growth_from_history():
    rows = [stats("2026-05-01", stars=1000), stats("2026-05-16", stars=1100), stats("2026-05-31", stars=1300)]
    assert stars_growth(rows) == pytest.approx(300)  # 30 days, from the row 30 days back
    assert stars_growth(rows[1:]) == pytest.approx(400)  # 15 days of +200 scaled to 30
    assert stars_growth([stats("2026-05-29", stars=1), stats("2026-05-31", stars=9)]) is None  # under a week
    assert activity_inputs(rows)["stars_growth_30d"] == pytest.approx(300)


def test_components_explain_every_part():
    r = score_engine(dict(FULL_DOCS, install={"pip": ["pip install x"]}),
                     [stats("2026-06-01", contributors=10, commits_90d=20)], Weights.from_config())
    c = r.components
    assert set(c) == {"ease_of_use", "inputs", "docs", "community", "activity", "ease_of_deployment"}
    assert c["inputs"]["stats_rows"] == 1
    assert c["activity"]["parts"]["contributors"] == {"value": 10, "weight": 2.0, "cap": 1000,
                                                     "score": pytest.approx(capped_log(10, 1000), abs=1e-4)}
    assert c["activity"]["parts"]["releases"]["reason"] == "not measured"
    assert c["ease_of_deployment"]["methods"] == ["pip"]


def test_docs_read_by_crawl_docs_tell_missing_from_simple():
    """Issue 16: no documentation beyond the README is "missing", even with a quick start in it."""
    readme_only = sig(quick_start=True, tutorials=True, doc_pages=0, readme_only=True)
    r = score_engine(readme_only, [], Weights.from_config())
    assert r.docs_level == "missing" and r.docs_score <= 0.10
    assert r.components["docs"]["parts"]["readme_only"]["min_doc_pages"] == 3
    with_pages = score_engine(sig(quick_start=True, tutorials=True, doc_pages=12), [], Weights.from_config())
    assert with_pages.docs_level == "simple"  # 0.35 plus navigation from the 12 pages
    assert with_pages.components["docs"]["parts"]["navigation"]["entries"] == 12
    site = score_engine(sig(docs_root="https://docs.e.org", doc_pages=0), [], Weights.from_config())
    assert site.docs_level == "simple"  # a docs site is documentation beyond the README
    legacy = score_engine(sig(quick_start=True), [], Weights.from_config())
    assert legacy.docs_level == "simple"  # README signals alone (no docs read): no "missing" rule


def test_a_vendors_docs_pages_are_its_docs_site():
    r = score_engine(sig(docs_site_pages=3, doc_pages=0, vendor_pages=3), [], Weights.from_config())
    assert r.docs_level == "simple" and r.components["docs"]["parts"]["docs_site"]["present"] is True
