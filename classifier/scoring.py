"""Engine scores from crawled signals and GitHub statistics: model-free maths.

``score_engine(signals, stats, weights)`` returns an :class:`EngineScore`
with the totals and a ``components`` dict naming every input, its value, its
weight and, when missing, why. Nothing here knows any engine by name. The
weights of the parts inside each score are the constants below; the weights
between the scores, the caps and the install-method points are settings
(``[scoring]``, defaults in :mod:`catalogue.settings`). docs/scores.md shows
all of them in tables generated from this module and the settings, which
tests/test_docs.py checks.

**Documentation** (``docs_score`` 0-1): a weighted sum of a docs site found (a
docs page fetched, or a link labelled docs/documentation whose host or path
names the repository's owner or name), a quick start, an API reference,
tutorials/examples/guides, and the navigation depth on a capped log scale.
``docs_level`` cuts the score into ``missing``, ``simple``, ``moderate`` and
``detailed`` at ``DOCS_LEVELS``. When the engine's documentation was read
(``curator crawl docs``), its pages count too: a vendor's docs pages are a
docs site, the repository's documentation pages are its navigation, and an
engine with no documentation beyond its README (no docs site and fewer than
``MIN_DOC_PAGES`` documentation pages) is ``missing``, its score capped below
the ``simple`` floor - a README with a quick start is not documentation.

**Community** (``community_score`` 0-1): a weighted sum of chat (Discord or
Slack, the survey's SNS; WeChat is recorded but not counted), a dedicated community forum (Discourse, a vendor forum - not
GitHub Discussions nor Reddit, which the survey does not count),
meetups/events and X/Twitter. ``sns`` = chat present, ``forum`` = forum
present, ``meetup`` = meetups present.

**Activity** (``activity_score`` 0-1), from the latest ``repo_stats`` row,
combined as the OpenSSF criticality score does: ``sum(w_i * s_i) / sum(w_i)``
over the signals present, with ``s_i = log(1+x_i) / log(1+max(x_i, cap_i))``:
contributors, commits in 90 days, releases (count), star growth over ~30 days
(from repo_stats history, scaled to 30 days) and the median first response to
issues, where lower is better: ``s = 1 - log(1+h)/log(1+max(h, cap))``.

**Ease-of-Use** (0-100) = 100 * the weighted mean of docs, community and
activity; a part with no data (null) is left out and the other weights
renormalised.

**Ease-of-Deployment** (0-100) = the points of the best install method plus a
breadth bonus per other method, at most 100. No install signal read at all:
null; install steps only behind a guide that was not read: null.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from catalogue.settings import DEFAULTS
from catalogue.vocabulary import INSTALL_METHODS

DOCS_PARTS = {"docs_site": 0.30, "quick_start": 0.20, "api_reference": 0.20, "tutorials": 0.15, "navigation": 0.15}
NAV_CAP = 50
DOCS_LEVELS = ((0.75, "detailed"), (0.45, "moderate"), (0.15, "simple"), (0.0, "missing"))
MIN_DOC_PAGES = 3        # documentation pages (beyond READMEs) that make a documentation without a site
README_ONLY_CAP = 0.10   # docs score of an engine with nothing beyond its README (below "simple")
COMMUNITY_PARTS = {"chat": 0.35, "forum": 0.30, "meetup": 0.20, "twitter": 0.15}
ACTIVITY_WEIGHTS = {"contributors": 2.0, "commits_90d": 1.0, "releases": 0.5, "stars_growth_30d": 1.0,
                    "median_first_response_hours": 1.0}
# activity input -> the setting that caps it
CAP_SETTINGS = {"contributors": "contributors_cap", "commits_90d": "commits_90d_cap", "releases": "releases_cap",
                "stars_growth_30d": "stars_growth_cap", "median_first_response_hours": "response_hours_cap"}


@dataclass
class Weights:
    """The settings of ``[scoring]`` as the maths uses them; ``from_config()`` gives the defaults."""

    docs: float
    community: float
    activity: float
    caps: dict[str, float]
    install: dict[str, float]
    breadth_bonus: float

    @classmethod
    def from_config(cls, section: dict[str, Any] | None = None) -> "Weights":
        section = DEFAULTS["scoring"] if section is None else section
        return cls(docs=section["docs_weight"], community=section["community_weight"],
                   activity=section["activity_weight"],
                   caps={name: section[key] for name, key in CAP_SETTINGS.items()},
                   install={method: section[f"install_{method}"] for method in INSTALL_METHODS},
                   breadth_bonus=section["install_breadth_bonus"])


@dataclass
class EngineScore:
    ease_of_use: float | None
    docs_level: str | None
    sns: bool | None
    forum: bool | None
    meetup: bool | None
    ease_of_deployment: float | None
    docs_score: float | None
    community_score: float | None
    activity_score: float | None
    components: dict[str, Any]


def capped_log(x: float, cap: float) -> float:
    """OpenSSF criticality: log(1+x)/log(1+max(x, cap)), in [0, 1]."""
    x = max(0.0, float(x))
    denom = math.log1p(max(x, cap))
    return 0.0 if denom == 0 else math.log1p(x) / denom


def docs_part(sig: dict | None) -> tuple[float | None, str | None, dict]:
    if sig is None:
        return None, None, {"reason": "no README or page read"}
    nav = max(int(sig.get("nav_entries") or 0), int(sig.get("doc_pages") or 0))
    present = {
        "docs_site": bool(sig.get("docs_site_fetched") or sig.get("docs_root") or sig.get("is_docs_page")
                          or sig.get("docs_site_pages")),
        "quick_start": bool(sig.get("quick_start")),
        "api_reference": bool(sig.get("api_reference")),
        "tutorials": bool(sig.get("tutorials")),
    }
    parts = {k: {"present": v, "weight": DOCS_PARTS[k], "points": DOCS_PARTS[k] * v} for k, v in present.items()}
    nav_s = min(1.0, capped_log(nav, NAV_CAP))
    parts["navigation"] = {"entries": nav, "cap": NAV_CAP, "weight": DOCS_PARTS["navigation"],
                           "points": DOCS_PARTS["navigation"] * nav_s}
    score = round(sum(p["points"] for p in parts.values()), 4)
    if readme_only(sig, present["docs_site"]):
        parts["readme_only"] = {"doc_pages": int(sig.get("doc_pages") or 0), "min_doc_pages": MIN_DOC_PAGES,
                                "cap": README_ONLY_CAP}
        score = min(score, README_ONLY_CAP)
    level = next(name for floor, name in DOCS_LEVELS if score >= floor)
    return score, level, parts


def readme_only(sig: dict, docs_site: bool) -> bool:
    """No documentation beyond the README: known only when the docs were read (``doc_pages``)."""
    if sig.get("doc_pages") is None or docs_site:
        return False
    return int(sig.get("doc_pages") or 0) < MIN_DOC_PAGES


def community_part(sig: dict | None, stats: dict | None) -> tuple[float | None, dict, dict]:
    channels = (sig or {}).get("channels") or {}
    discussions = bool(stats and stats.get("has_discussions"))
    if sig is None and stats is None:
        return None, {}, {"reason": "no README, page or GitHub data"}
    present = {
        "chat": any(k in channels for k in ("discord", "slack")),  # the survey's SNS: Discord or Slack
        "forum": "forum" in channels,  # GitHub Discussions and Reddit are not a forum here
        "meetup": "meetup" in channels,
        "twitter": "twitter" in channels,
    }
    parts = {k: {"present": v, "weight": COMMUNITY_PARTS[k], "points": COMMUNITY_PARTS[k] * v}
             for k, v in present.items()}
    parts["forum"]["github_discussions_enabled"] = discussions
    parts["channels_seen"] = sorted(channels)
    score = round(sum(COMMUNITY_PARTS[k] * present[k] for k in COMMUNITY_PARTS), 4)
    return score, present, parts


def activity_part(inputs: dict[str, float | None], weights: Weights) -> tuple[float | None, dict]:
    parts: dict[str, dict] = {}
    total = weight_sum = 0.0
    for name, w in ACTIVITY_WEIGHTS.items():
        x, cap = inputs.get(name), weights.caps[name]
        if x is None:
            parts[name] = {"value": None, "weight": w, "cap": cap, "score": None, "reason": "not measured"}
            continue
        s = capped_log(x, cap)
        if name == "median_first_response_hours":
            s = 1.0 - s  # faster answers are better
        parts[name] = {"value": x, "weight": w, "cap": cap, "score": round(s, 4)}
        total += w * s
        weight_sum += w
    if weight_sum == 0:
        return None, parts
    return round(total / weight_sum, 4), parts


def deployment_part(sig: dict | None, weights: Weights) -> tuple[float | None, dict]:
    if sig is None:
        return None, {"reason": "no README or page read"}
    methods = sorted(m for m in (sig.get("install") or {}) if m in weights.install)
    points = {m: weights.install[m] for m in methods}
    if not methods:
        guides = list(sig.get("install_links") or [])
        read = set(sig.get("read_urls") or [])
        if guides and not read.intersection(guides):  # the install steps were not read: unknown, not zero
            return None, {"reason": "install steps only behind a link that was not read",
                          "install_links": guides[:3]}
        return 0.0, {"methods": [], "points": {}, "best": 0, "breadth_bonus": weights.breadth_bonus}
    best = max(points.values())
    score = min(100.0, best + weights.breadth_bonus * (len(methods) - 1))
    return round(score, 2), {"methods": methods, "points": points, "best": best,
                             "breadth_bonus": weights.breadth_bonus}


def activity_inputs(history: list[dict], today: str | None = None) -> dict[str, float | None]:
    """Activity inputs from a repo's repo_stats rows (any order)."""
    rows = sorted(history, key=lambda r: r["date"])
    if not rows:
        return {name: None for name in ACTIVITY_WEIGHTS}
    latest = rows[-1]
    out: dict[str, float | None] = {k: latest.get(k) for k in
                                    ("contributors", "commits_90d", "releases", "median_first_response_hours")}
    out["stars_growth_30d"] = stars_growth(rows)
    return out


def stars_growth(rows: list[dict], window_days: int = 30, min_days: int = 7) -> float | None:
    """Stars gained over ~30 days, from the oldest row within the window (or the
    closest one before it), scaled to 30 days; None under a week of history."""
    latest = rows[-1]
    if latest.get("stars") is None:
        return None
    end = Date.fromisoformat(latest["date"][:10])
    base = None
    for row in rows[:-1]:
        if row.get("stars") is None:
            continue
        age = (end - Date.fromisoformat(row["date"][:10])).days
        if age >= min_days and (base is None or abs(age - window_days) < abs(base[0] - window_days)):
            base = (age, row["stars"])
    if base is None:
        return None
    days, stars = base
    return max(0.0, (latest["stars"] - stars) * window_days / days)


def score_engine(signals: dict | None, stats_history: list[dict], weights: Weights) -> EngineScore:
    """All scores of one engine; ``signals`` is the merged web/README signals dict."""
    latest = sorted(stats_history, key=lambda r: r["date"])[-1] if stats_history else None
    docs, level, docs_c = docs_part(signals)
    community, present, comm_c = community_part(signals, latest)
    inputs = activity_inputs(stats_history)
    activity, act_c = activity_part(inputs, weights)
    deploy, dep_c = deployment_part(signals, weights)
    parts = {"docs": (docs, weights.docs), "community": (community, weights.community),
             "activity": (activity, weights.activity)}
    used = {k: w for k, (v, w) in parts.items() if v is not None and w > 0}
    ease = None
    if used:
        ease = round(100 * sum(parts[k][0] * w for k, w in used.items()) / sum(used.values()), 2)
    components = {
        "ease_of_use": {"formula": "100 * sum(w_part * part) / sum(w_part) over parts with data",
                        "weights": {k: w for k, (_, w) in parts.items()},
                        "used": sorted(used), "missing": sorted(k for k, (v, _) in parts.items() if v is None)},
        "inputs": {"web_sources": (signals or {}).get("sources", []),
                   "stats_rows": len(stats_history)},
        "docs": {"score": docs, "level": level, "parts": docs_c},
        "community": {"score": community, "parts": comm_c},
        "activity": {"score": activity, "parts": act_c,
                     "stats_date": latest["date"] if latest else None,
                     **({} if latest else {"reason": "no repo_stats (no repo or not crawled)"})},
        "ease_of_deployment": {"score": deploy, **dep_c},
    }
    return EngineScore(
        ease_of_use=ease, docs_level=level,
        sns=present.get("chat") if present else None,
        forum=present.get("forum") if present else None,
        meetup=present.get("meetup") if present else None,
        ease_of_deployment=deploy, docs_score=docs, community_score=community,
        activity_score=activity, components=components,
    )


def merge_readings(readings: list[dict]) -> dict | None:
    """One signals dict from an engine's recent ``web_signals`` readings (``source``,
    ``url``, ``date``, ``signals``), with what the scores need to know about them:
    whether a docs page was read, which addresses were read, and where each came from."""
    from crawler.signals import Signals, merge

    rows = [r for r in readings if r["signals"]]
    if not rows:
        return None
    merged = merge([Signals.from_dict(r["signals"]) for r in rows]).to_dict()
    merged["docs_site_fetched"] = any(r["source"] in ("docs", "docs_link") for r in rows)
    merged["read_urls"] = sorted({r["url"] for r in rows if r["url"]})
    merged["sources"] = [f"{r['source']}@{r['date']}" for r in rows]
    return merged

