"""The engine comparison: the ``comparison`` region under "Comparison Table".

Two tables that each fit GitHub's content width (about 880 px):

- popularity and activity: engines with a GitHub repository; stars, the change
  since curator's last merged pull request, the latest release, the licence;
- ease of use and deployment: engines curator has scored; Ease-of-Use,
  documentation level, community channels, Ease-of-Deployment.

Rules every table here keeps: a column empty for every row is left out; an
engine with nothing in a table is named under it with the reason instead of a
row of blanks; a blank that remains carries a footnote mark whose reason is
in the legend under the table; scores are whole numbers; headers are short
and explained in the legend. :func:`comparison` is the region function; each
table is its own function so other tables (the feature matrices) can sit
beside them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Sequence

from db import catalogue
from reports import escape, regions

MARKS = "¹²³⁴⁵⁶⁷⁸⁹"
BLANK = "—"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

NOT_CRAWLED = "not crawled yet"
NOT_SCORED = "not scored yet: no README or web page of it was read"


class Footnotes:
    """Reasons for blank cells, one mark per reason, in order of first use."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def blank(self, reason: str) -> str:
        if reason not in self.reasons:
            self.reasons.append(reason)
        i = self.reasons.index(reason)
        return BLANK + (MARKS[i] if i < len(MARKS) else f"({i + 1})")

    def legend(self) -> list[str]:
        return [f"{BLANK}{MARKS[i] if i < len(MARKS) else f'({i + 1})'} {r}" for i, r in enumerate(self.reasons)]


@dataclass
class Column:
    header: str
    cell: Callable[[dict[str, Any], Footnotes], str]
    legend: str = ""         # what the header means, for the legend
    has: Callable[[dict[str, Any]], bool] = lambda r: True  # whether the row has the figure
    align: str = "---"       # the delimiter cell: "---", "---:" (numbers) or ":---:" (marks)


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (engine, why it has no row)
    notes: list[str] = field(default_factory=list)
    empty: str = ""          # what to say instead when no engine has a row


def render_table(t: Table) -> list[str]:
    """Markdown lines of one table with its legend: all-empty columns dropped, blanks marked."""
    cols = [c for c in t.columns if any(c.has(r) for r in t.rows)] if t.rows else []
    out = [f"### {t.title}", ""]
    if not t.rows and t.empty:
        return out + [t.empty]
    notes = Footnotes()
    if cols:
        out.append("| " + " | ".join(c.header for c in cols) + " |")
        out.append("|" + "|".join(c.align for c in cols) + "|")
        for r in t.rows:
            out.append("| " + " | ".join(c.cell(r, notes) for c in cols) + " |")
        out.append("")
    legend = [c.legend for c in cols if c.legend] + notes.legend() + t.notes
    if legend:
        out.append("<sub>" + " · ".join(legend) + "</sub>")
    for line in _left_out(t.left_out):
        out += ["", line]
    return out


def _left_out(left: list[tuple[str, str]]) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for name, why in left:
        by_reason.setdefault(why, []).append(escape.inline(name))
    return [f"Not in this table, {why}: {', '.join(names)}." for why, names in by_reason.items()]


# --- cells -------------------------------------------------------------------------------

def _engine_url(r: dict[str, Any]) -> str | None:
    return f"https://github.com/{r['repo']}" if r["repo"] else r["homepage"]


def engine_cell(r: dict[str, Any], notes: Footnotes) -> str:
    return escape.link(r["name"], _engine_url(r), 60)


def score_cell(key: str, reason: Callable[[dict[str, Any]], str]):
    def cell(r: dict[str, Any], notes: Footnotes) -> str:
        return notes.blank(reason(r)) if r[key] is None else str(round(r[key]))
    return cell


def flag_cell(key: str):
    def cell(r: dict[str, Any], notes: Footnotes) -> str:
        return notes.blank(NOT_SCORED) if r[key] is None else ("✅" if r[key] else "❌")
    return cell


def release_cell(r: dict[str, Any], notes: Footnotes) -> str:
    if r["stats_date"] is None:
        return notes.blank(NOT_CRAWLED)
    if not r["latest_release"]:
        return notes.blank("no release published on GitHub")
    tag = escape.cell(r["latest_release"], 16)
    when = _month(r["latest_release_date"])
    return f"{tag} ({when})" if when else tag


def _month(value: Any) -> str:
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    return f"{MONTHS[d.month - 1]} {d.year}"


def stars_cell(r: dict[str, Any], notes: Footnotes) -> str:
    if r["stars"] is None:
        status = r.get("repo_status")
        return notes.blank(f"repository {escape.inline(status, 20)} on GitHub" if status not in (None, "ok", "unknown")
                           else NOT_CRAWLED)
    return f"{r['stars']:,}"


def delta_cell(r: dict[str, Any], notes: Footnotes) -> str:
    if r["stars_delta"] is None:
        return notes.blank("not crawled when curator's last pull request was merged")
    return f"{r['stars_delta']:+,}"


def licence_cell(r: dict[str, Any], notes: Footnotes) -> str:
    if r["stats_date"] is None:
        return notes.blank(NOT_CRAWLED)
    return escape.cell(r["license"], 24) if r["license"] else notes.blank("no licence GitHub recognises")


def docs_cell(r: dict[str, Any], notes: Footnotes) -> str:
    return escape.cell(r["docs_level"], 20) if r["docs_level"] else notes.blank(NOT_SCORED)


def _use_reason(r: dict[str, Any]) -> str:
    return NOT_SCORED


def _deploy_reason(r: dict[str, Any]) -> str:
    why = r.get("deploy_reason")
    return f"not scored: {escape.inline(why, 100)}" if why else NOT_SCORED


# --- the two tables ---------------------------------------------------------------------------

def popularity_table(rows: list[dict[str, Any]]) -> Table:
    """Stars, their change, the latest release and the licence of every engine with a repository."""
    columns = [
        Column("Engine", engine_cell),
        Column("Stars", stars_cell, align="---:", has=lambda r: r["stars"] is not None),
        Column("Δ stars", delta_cell, "Δ stars: since curator's last merged pull request",
               align="---:", has=lambda r: r["stars_delta"] is not None),
        Column("Latest release", release_cell, has=lambda r: bool(r["latest_release"])),
        Column("Licence", licence_cell, has=lambda r: bool(r["license"])),
    ]
    shown = [r for r in rows if r["repo"] and r["stats_date"] is not None]
    left = [(r["name"], _why_no_stats(r)) for r in rows if r not in shown]
    return Table("Popularity and activity", columns, shown, left,
                 empty="No engine's repository has been crawled yet (`curator crawl github`).")


def _why_no_stats(r: dict[str, Any]) -> str:
    if not r["repo"]:
        return "no public repository"
    status = r.get("repo_status")
    if status not in (None, "ok", "unknown"):
        return f"repository {escape.inline(status, 20)} on GitHub"
    return "repository not crawled yet"


def ease_table(rows: list[dict[str, Any]]) -> Table:
    """Ease-of-Use, its documentation and community parts, and Ease-of-Deployment."""
    columns = [
        Column("Engine", engine_cell),
        Column("Use", score_cell("ease_of_use", _use_reason),
               "Use: Ease-of-Use, 0 to 100 (higher is easier)",
               align=":---:", has=lambda r: r["ease_of_use"] is not None),
        Column("Docs", docs_cell, "Docs: documentation found (detailed, moderate, simple or missing)",
               align=":---:", has=lambda r: r["docs_level"] is not None),
        Column("SNS", flag_cell("sns"), "SNS: a chat such as Discord or Slack", align=":---:", has=lambda r: r["sns"] is not None),
        Column("Forum", flag_cell("forum"), "Forum: a forum or GitHub Discussions",
               align=":---:", has=lambda r: r["forum"] is not None),
        Column("Meetup", flag_cell("meetup"), "Meetup: meetups or events", align=":---:", has=lambda r: r["meetup"] is not None),
        Column("Deploy", score_cell("ease_of_deployment", _deploy_reason), "Deploy: Ease-of-Deployment, 0 to 100",
               align=":---:", has=lambda r: r["ease_of_deployment"] is not None),
    ]
    scored = [r for r in rows if any(r[k] is not None for k in ("ease_of_use", "docs_level", "ease_of_deployment"))]
    left = [(r["name"], "not scored yet (no README or web page of it was read)") for r in rows if r not in scored]
    table = Table("Ease of use and deployment", columns, scored, left,
                  empty="No engine has been scored yet: curator scores an engine once its README or web page "
                        "was read (`curator crawl web`, `curator score`).")
    if any(r["sns"] is not None for r in scored):
        table.notes.append("✅ found, ❌ not found")
    return table


def engine_rows(db) -> list[dict[str, Any]]:
    """Every listed engine with its latest figures and what explains a missing one."""
    gaps = catalogue.engine_gaps(db)
    return [{**r, **gaps.get(r["name"], {})} for r in catalogue.engine_table(db)]


def comparison(db, config) -> str | None:
    """The comparison region: the two tables, each with its legend (None with no engine listed)."""
    rows = engine_rows(db)
    if not rows:
        return None
    return "\n".join(render_table(popularity_table(rows)) + [""] + render_table(ease_table(rows)))


regions.register("comparison", "Comparison Table", comparison, required=True)
