"""Generated regions about engines beside the list's own: candidate engines and the star chart.

- ``candidate-engines`` under "Open Source Inference Engines": repositories
  seen in relevant papers or crawls that look like engines and are not listed;
- ``star-history`` under "Comparison Table": the star chart the list links to
  (``assets/star-history.svg``, see ``reports.chart``), once there are at
  least two crawls to draw, with a line naming the engines it leaves out.

Each is a pure function ``(db, config) -> markdown``, or None when it has
nothing to show (then the region is left out of the list). Rows are sorted so
an unchanged database renders the same bytes. Importing the module registers
the regions in ``reports.regions``.
"""
from __future__ import annotations

from typing import Any, Callable

from db import prs
from reports import chart, escape
from reports import regions as registry
from reports.comparison import Footnotes

CANDIDATES_HEADING = "Open Source Inference Engines"
CHART_HEADING = "Comparison Table"  # beside the comparison region

Region = Callable[[Any, Any], "str | None"]


def candidate_engines(db, config) -> str | None:
    """Repos seen in relevant papers or crawls that look like engines and are not listed."""
    rows = prs.candidate_engines(db, config["classifier"]["add_threshold"])
    if not rows:
        return None
    notes = Footnotes()
    lines = ["Candidate engines seen by curator, not yet reviewed:", "",
             "| Repository | Stars | Seen in |", "|---|---:|---|"]
    for r in rows:
        seen = (escape.link(f"arXiv {r['arxiv_id']}", f"https://arxiv.org/abs/{r['arxiv_id']}")
                if r["arxiv_id"] else "GitHub crawl")
        stars = notes.blank("repository not crawled yet") if r["stars"] is None else f"{r['stars']:,}"
        lines.append(f"| {escape.link(r['repo'], r['url'])} | {stars} | {seen} |")
    if notes.reasons:
        lines += ["", "<sub>" + " · ".join(notes.legend()) + "</sub>"]
    return "\n".join(lines)


def star_chart(db, config) -> str | None:
    """The chart's image and what it shows, once there are two crawls of stars to draw."""
    shown = chart.chart_series(db)
    if shown is None:
        return None
    image = f"![{escape.inline(shown.title)}]({chart.CHART_PATH})"
    if not shown.left_out:
        return image
    others = ", ".join(escape.inline(name) for name in shown.left_out)
    return f"{image}\n\nThe chart shows the {len(shown.series)} most-starred of the {shown.tracked} engines " \
           f"with a repository; not drawn: {others}."


def regions() -> list[tuple[str, str, Region]]:
    """(region name, heading, function) for every region this module adds."""
    return [("candidate-engines", CANDIDATES_HEADING, candidate_engines),
            ("star-history", CHART_HEADING, star_chart)]


registry.register_all(regions())
