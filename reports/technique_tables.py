"""The generated technique tables: ``techniques-<category>`` regions, one per category.

Only for a category the list has no hand-written technique table for (the
seed list has none): there curator's table carries the references, one row
per technique that has any, in the list's own columns (Technique, Description,
References). A row's references are the papers maintainers accepted from
earlier pull requests and the papers this update adds, in arXiv order, so a
new paper extends one line. A category with a hand-written table, or with no
reference yet, has no generated table (the region is left out, or removed).
"""
from __future__ import annotations

from typing import Any

from catalogue import vocabulary
from catalogue.vocabulary import CATEGORIES
from db import catalogue, prs
from reports import escape, references, regions
from reports.regions import Context


def known_techniques(db) -> dict[str, dict[str, dict[str, Any]]]:
    """category -> {technique key: technique row (name, description, refs)} of the database."""
    return {cat: {vocabulary.technique_key(t["name"]): t for t in catalogue.techniques(db, cat)}
            for cat in CATEGORIES}


def rows_for(category: str, db, ctx: Context) -> dict[str, list[Any]]:
    """technique name -> papers its generated row references."""
    known = {k: t["name"] for k, t in known_techniques(db)[category].items()}
    rows: dict[str, list[Any]] = {}
    added = {p.arxiv_id: p for p in (ctx.plan.added if ctx.plan else [])}
    for p in prs.accepted_papers(db):
        if p["category"] != category or p["arxiv_id"] in ctx.doc.linked or p["arxiv_id"] in added:
            continue
        name = references.target(category, p["technique"], ctx.doc, known).technique
        rows.setdefault(name, []).append(p)
    if ctx.placement is not None:
        for name, ids in ctx.placement.generated(category).items():
            rows.setdefault(name, []).extend(added[a] for a in ids)
    return rows


def techniques_region(category: str):
    """The region function for one category's generated technique table."""
    def region(db, config, ctx: Context) -> str | None:
        if ctx.doc.has_table(category):
            return None
        rows = rows_for(category, db, ctx)
        if not rows:
            return None
        known = known_techniques(db)[category]
        head = [] if ctx.home else [f"### {vocabulary.HEADINGS[category]}", ""]
        lines = head + ["| Technique | Description | References |", "|---|---|---|"]
        for name in sorted(rows, key=lambda n: (n == references.OTHER_ROW, n.casefold(), n)):
            row = known.get(vocabulary.technique_key(name))
            desc = (row["description"] if row else None) or (
                references.OTHER_DESCRIPTION if name == references.OTHER_ROW else "")
            lines.append(f"| {escape.cell(name, 120)} | {escape.cell(desc)} | "
                         f"{references.generated_refs(rows[name])} |")
        return "\n".join(lines)
    region.__name__ = f"techniques_{category}"
    return region


for _cat in CATEGORIES:
    regions.register(f"techniques-{vocabulary.slug(_cat)}", vocabulary.HEADINGS[_cat], techniques_region(_cat),
                     fallback="Optimization Techniques", context=True, required=True)
