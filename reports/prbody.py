"""The pull request's title and body: what a maintainer reads to review in a minute.

Everything untrusted (titles, authors, techniques, repo descriptions, list
labels) goes through ``reports.escape``; the fixed text written here holds no
mention, reference or closing keyword. The body always fits GitHub's limit:
tables are shortened first, then the text is cut, each time with a note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from catalogue.vocabulary import CATEGORIES
from db import prs
from reports import escape

GITHUB_BODY_LIMIT = 65_536
BODY_BUDGET = GITHUB_BODY_LIMIT - 536  # room for GitHub's own counting of line ends
TITLE_CHARS = 160
ERROR_CHARS = 300
ROW_CAPS: tuple[int | None, ...] = (None, 50, 20, 5, 0)
TRUNCATED_NOTE = "\n\n_The rest of this description was cut to fit GitHub's size limit; the dataset has everything._\n"


@dataclass
class Table:
    heading: str
    columns: Sequence[str]
    rows: list[Sequence[str]]
    intro: str = ""
    collapsed: bool = False


@dataclass
class Report:
    """What one nightly update proposes; built from the database by :func:`gather`."""
    added: list[dict[str, Any]]
    movers: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    low: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    dead: list[dict[str, Any]]
    failed: list[dict[str, Any]] = field(default_factory=list)  # steps: command, status, error
    matrix: list[Any] = field(default_factory=list)  # reports.matrix_proposals.Proposal: cells to review


def gather(db, config, base_text: str, new_text: str | None = None,
           failed: Iterable[dict[str, Any]] = ()) -> Report:
    """Collect the report. "Added" papers are those the paper tables show, the new list links
    and the old one does not (with no ``new_text``: all shown that the old list does not link).
    ``failed`` are the night's failed steps (:func:`db.prs.failed_steps`)."""
    from reports.matrix_proposals import proposals
    from reports.paper_regions import shown_papers

    cls = config["classifier"]
    listed = [p for cat in CATEGORIES for p in shown_papers(db, config, cat)]
    added = [p for p in listed if _abs(p) not in base_text and (new_text is None or _abs(p) in new_text)]
    return Report(
        added=added,
        movers=prs.star_movers(db),
        candidates=prs.candidate_engines(db, cls["confidence_threshold"]),
        low=prs.low_confidence_papers(db, cls["low_confidence_floor"], cls["confidence_threshold"]),
        duplicates=prs.duplicated_entries(db),
        dead=prs.dead_links(db, config["github"]["missing_after"]),
        failed=list(failed),
        matrix=proposals(db, base_text),
    )


def title(config, report: Report) -> str:
    prefix = config["pr"]["title_prefix"].strip()
    parts = [f"{len(report.added)} new paper{'s' if len(report.added) != 1 else ''}"]
    if report.movers:
        parts.append(f"{len(report.movers)} star movers")
    if report.candidates:
        parts.append(f"{len(report.candidates)} candidate engines")
    return f"{prefix} update the list ({', '.join(parts)})".strip()


def body(db, config, report: Report) -> str:
    """The Markdown body, never longer than :data:`BODY_BUDGET` characters.

    Tables with no rows are left out: the summary line already counts them."""
    head = _summary(report)
    tables = [t for t in _tables(db, report) if t.rows]
    tail = _dataset_note(config)
    for cap in ROW_CAPS:
        text = "\n\n".join([head, *(_render(t, cap) for t in tables), tail]) + "\n"
        if len(text) <= BODY_BUDGET:
            return text
    cut = text[: BODY_BUDGET - len(TRUNCATED_NOTE)]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return cut + TRUNCATED_NOTE


def _summary(report: Report) -> str:
    cats = sorted({p["category"] for p in report.added})
    line = (f"This update adds {len(report.added)} paper{'s' if len(report.added) != 1 else ''}"
            f" in {len(cats)} categor{'ies' if len(cats) != 1 else 'y'}, reports {len(report.movers)} star movers,"
            f" {len(report.candidates)} candidate engines and {len(report.low)} low-confidence papers to review.")
    if report.failed:
        line += "\n\n" + _failures(report.failed)
    return line


def _failures(failed: Sequence[dict[str, Any]]) -> str:
    """The steps that failed, each with its one-line error (untrusted: it may quote a title or a URL)."""
    lines = [f"**{len(failed)} step{'s' if len(failed) != 1 else ''} failed in this run;** "
             "what they feed is from their last successful run:", ""]
    for step in failed:
        error = step.get("error") or "no error recorded"
        error = error[len(step["command"]) + 2:] if error.startswith(f"{step['command']}: ") else error
        error = escape.inline(_short(error, ERROR_CHARS))
        lines.append(f"- **{escape.inline(step['command'])}** ({escape.inline(step['status'])}): {error}")
    return "\n".join(lines)


def _tables(db, report: Report) -> list[Table]:
    tables: list[Table] = []
    by_cat: dict[str, list[dict[str, Any]]] = {}
    for paper in report.added:
        by_cat.setdefault(paper["category"], []).append(paper)
    for cat in sorted(by_cat, key=lambda c: (CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES), c)):
        rows = [[_paper_link(p), escape.cell(p["technique"] or "—"), f"{p['confidence']:.2f}",
                 _nearest_ref(db, p)] for p in by_cat[cat]]
        tables.append(Table(f"Added papers: {escape.inline(cat)}",
                            ("Paper", "Technique", "Confidence", "Nearest reference in the list"), rows))
    tables.append(Table("Top star movers", ("Engine", "Stars", "Change"),
                        [[escape.cell(m["name"]), str(m["stars"]), f"{m['delta']:+d}"] for m in report.movers]))
    tables.append(Table("Candidate engines", ("Repository", "Stars", "Description"),
                        [[escape.link(c["repo"], c["url"]), _num(c["stars"]), escape.cell(_short(c["description"] or ""))]
                         for c in report.candidates]))
    tables.append(Table(f"Low-confidence papers ({len(report.low)})", ("Paper", "Category", "Technique", "Confidence"),
                        [[_paper_link(p), escape.cell(p["category"]), escape.cell(p["technique"] or "—"),
                          f"{p['confidence']:.2f}"] for p in report.low],
                        intro="Below the confidence bar; add any that belong by hand.", collapsed=True))
    tables.append(Table("List hygiene: entries in more than one section", ("Entry", "Sections"),
                        [[escape.cell(_short(d["name"])), escape.cell(d["sections"])] for d in report.duplicates]))
    tables.append(Table("List hygiene: links that point nowhere", ("Link", "Why"),
                        [[escape.cell(_short(d["url"])), escape.cell(d["why"])] for d in report.dead]))
    tables.append(_matrix_table(report.matrix))
    return tables


def _matrix_table(found: list[Any]) -> Table:
    """Cells of the list's hand-made comparison matrices that the engines' docs fill or contradict."""
    from reports import matrix_proposals as mp

    return Table(f"Comparison matrices: {len(found)} cells the engines' docs fill or contradict", mp.COLUMNS,
                 mp.table_rows(found), intro=mp.INTRO)


def _render(table: Table, cap: int | None) -> str:
    lines = [f"### {table.heading}", ""] if not table.collapsed else [
        f"<details><summary>{table.heading}</summary>", ""]
    if table.intro:
        lines += [table.intro, ""]
    shown = table.rows if cap is None else table.rows[:cap]
    if shown:
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append("|" + "---|" * len(table.columns))
        lines += ["| " + " | ".join(row) + " |" for row in shown]
    if len(shown) < len(table.rows):
        lines += ["", f"_… and {len(table.rows) - len(shown)} more in the dataset._"]
    if table.collapsed:
        lines += ["", "</details>"]
    return "\n".join(lines)


def _dataset_note(config) -> str:
    return ("### Open the dataset\n\n"
            "Every paper, score and star count behind this update is in the SQLite database: "
            "`curator.db.gz` on the `curator-data` release of the curator repository, or the `curator-db` "
            "artifact of the nightly run. Unpack it and browse it with `curator --db curator.db serve`; "
            "`curator-public.db` on the same release opens directly with `datasette curator-public.db`.")


def _abs(paper: dict[str, Any]) -> str:
    return f"arxiv.org/abs/{paper['arxiv_id']})"


def _paper_link(paper: dict[str, Any]) -> str:
    return escape.link(_short(paper["title"] or paper["arxiv_id"]), f"https://arxiv.org/abs/{paper['arxiv_id']}")


def _nearest_ref(db, paper: dict[str, Any]) -> str:
    """The list's reference that shares most title words with the paper: among its
    technique's references, else among its category's; "—" when the list has none."""
    refs = prs.technique_refs(db, paper["category"], paper["technique"]) if paper["technique"] else []
    if not refs:
        refs = prs.technique_refs(db, paper["category"], None)
    if not refs:
        return "—"
    words = _words(paper["title"] or "")
    best = max(refs, key=lambda r: (len(words & _words(r["label"] or "")), -refs.index(r)))
    label = best["label"] or best["arxiv_id"] or best["url"]
    return escape.link(_short(label), best["url"])


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(value: Any) -> str:
    return "—" if value is None else str(value)
