"""Generated regions about papers and new engines, added to the region registry.

Per category a "recent papers" table (only papers at or above
``classifier.confidence_threshold`` that no maintainer rejected), a
"candidate engines" table, and the star-history chart link for the comparison
section. Importing the module registers them in ``reports.regions``.
Each region is a pure function ``(db, config) -> markdown``; rows are
sorted so an unchanged database renders the same bytes.
"""
from __future__ import annotations

from typing import Any, Callable

from catalogue.vocabulary import CATEGORIES
from db import prs
from reports import escape
from reports import regions as registry
from reports.chart import CHART_PATH
from catalogue.vocabulary import HEADINGS as CATEGORY_HEADINGS

RECENT_LIMIT = 25
TITLE_CHARS = 200

CANDIDATES_HEADING = "Open Source Inference Engines"
CHART_HEADING = "Comparison Table"  # beside the comparison region

Region = Callable[[Any, Any], str]


def shown_papers(db, config, category: str) -> list[dict[str, Any]]:
    """The papers a category's table shows: confident, never rejected, newest first, capped."""
    return prs.listed_papers(db, config["classifier"]["confidence_threshold"], category)[:RECENT_LIMIT]


def recent_papers(category: str) -> Region:
    """The region function for one category's "recent papers" table."""
    def region(db, config) -> str:
        rows = shown_papers(db, config, category)
        if not rows:
            return "_No recent papers above the confidence bar yet._"
        lines = ["| Paper | Authors | Date | Technique | Confidence | Code |", "|---|---|---|---|---|---|"]
        lines += [_paper_row(p) for p in rows]
        return "\n".join(lines)
    region.__name__ = f"recent_papers_{category}"
    return region


def _paper_row(p: dict[str, Any]) -> str:
    title = " ".join(str(p["title"] or p["arxiv_id"]).split())
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    author = p["first_author"] or "—"
    if (p["authors"] or 0) > 1:
        author += " et al."
    code = escape.link("code", p["code_url"]) if p["code_url"] and escape.safe_url(p["code_url"]) else "—"
    cells = [
        escape.link(title, f"https://arxiv.org/abs/{p['arxiv_id']}"),
        escape.cell(author),
        escape.cell(str(p["published"] or "")[:10] or "—"),
        escape.cell(p["technique"] or "—"),
        f"{p['confidence']:.2f}",
        code,
    ]
    return "| " + " | ".join(cells) + " |"


def candidate_engines(db, config) -> str:
    """Repos seen in relevant papers or crawls that look like engines and are not listed."""
    rows = prs.candidate_engines(db, config["classifier"]["confidence_threshold"])
    if not rows:
        return "_No candidate engines found._"
    lines = ["Candidate engines seen by curator, not yet reviewed:", "",
             "| Repository | Stars | Seen in |", "|---|---|---|"]
    for r in rows:
        seen = (escape.link(f"arXiv {r['arxiv_id']}", f"https://arxiv.org/abs/{r['arxiv_id']}")
                if r["arxiv_id"] else "GitHub crawl")
        stars = "—" if r["stars"] is None else str(r["stars"])
        lines.append(f"| {escape.link(r['repo'], r['url'])} | {stars} | {seen} |")
    return "\n".join(lines)


def star_chart(db, config) -> str:
    """A link to the star-history chart (written to ``assets/`` beside the list)."""
    if not prs.star_history(db):
        return "_No star history yet._"
    return f"![GitHub stars of the listed engines over time]({CHART_PATH})"


def regions() -> list[tuple[str, str, Region]]:
    """(region name, heading, function) for every region this module adds."""
    out = [(f"papers-{cat.replace('_', '-')}", CATEGORY_HEADINGS[cat], recent_papers(cat)) for cat in CATEGORIES]
    out.append(("candidate-engines", CANDIDATES_HEADING, candidate_engines))
    out.append(("star-history", CHART_HEADING, star_chart))
    return out


registry.register_all(regions())
