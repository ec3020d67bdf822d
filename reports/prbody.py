"""The pull request's title and body: what a maintainer reads to review in a minute.

The body describes every change of the diff, grouped:

1. the counts, which add up: papers fetched = relevant + not relevant, and
   relevant = added + maybe + held back (each held-back group with its reason);
2. the papers added, by category (headings as the list writes them), each
   with where it goes and one line of why: the phrases of its abstract that
   name its technique or category, else the closest paper the list cites;
3. the "maybe" papers (relevant, scope or row less sure) folded, with their two
   likeliest categories; never more than the papers added, the rest counted;
4. the papers held back, by reason;
5. the generated tables that changed (comparison, technique tables, chart),
   new candidate engines, and list hygiene (markers added, old regions
   removed, entries listed twice, links that lead nowhere);
6. where the dataset is, and last, what merging, closing, deleting a line and pushing
   to the branch do.

Everything untrusted (titles, authors, techniques, repo descriptions, list
labels) goes through ``reports.escape``; the fixed text written here holds no
mention, reference or closing keyword. The body always fits GitHub's limit:
lists are shortened first, then the text is cut, each time with a note.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from catalogue.vocabulary import CATEGORIES, HEADINGS
from classifier import triage
from db import prs
from reports import changes, escape, matrix_proposals, papers, references

GITHUB_BODY_LIMIT = 65_536
BODY_BUDGET = GITHUB_BODY_LIMIT - 536  # room for GitHub's own counting of line ends
TITLE_CHARS = 160
ERROR_CHARS = 300
ROW_CAPS: tuple[int | None, ...] = (None, 50, 20, 5, 0)
TRUNCATED_NOTE = "\n\n_The rest of this description was cut to fit GitHub's size limit; the dataset has everything._\n"
NO_PLACE = "no place for it in the list (no heading for its category)"


@dataclass
class Report:
    """What one update proposes; built from the database by :func:`gather`."""
    plan: papers.Plan
    placement: references.Placement
    added: list[papers.Paper]
    changes: list[changes.Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)       # render's notes: markers inserted, regions removed
    candidates: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    dead: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)  # steps: command, status, error
    listed: list[dict[str, Any]] = field(default_factory=list)  # papers the list cites, for "closest"
    matrix: list[Any] = field(default_factory=list)  # reports.matrix_proposals.Proposal: cells to review

    def held(self) -> dict[str, list[papers.Paper]]:
        return self.plan.held()


def gather(db, config, base_text: str, new_text: str | None = None,
           failed: Iterable[dict[str, Any]] = (), notes: Sequence[str] | None = None) -> Report:
    """Collect the report of the update from ``base_text`` to ``new_text`` (rendered
    here when None). An added paper is one the new list links and the old one does
    not; one the old list already links (in curator's regions) is held back as
    already in the list, one the new list lacks as having no place.
    ``failed`` are the night's failed steps (:func:`db.prs.failed_steps`)."""
    from reports.render import render_text, update_for

    if new_text is None:
        new_text, notes = render_text(base_text, db, config)
    update = update_for(base_text, db, config)
    added = []
    for p in update.plan.added:
        if p.url + ")" in base_text:
            p.verdict = triage.Verdict(triage.HELD, triage.IN_LIST)
        elif p.url + ")" not in new_text:
            p.verdict = triage.Verdict(triage.HELD, NO_PLACE)
        else:
            added.append(p)
    return Report(
        plan=update.plan, placement=update.placement, added=added,
        changes=changes.region_changes(base_text, new_text), notes=list(notes or []),
        candidates=[c for c in prs.candidate_engines(db, config["classifier"]["add_threshold"])
                    if f"github.com/{c['repo']}" not in base_text],
        duplicates=prs.duplicated_entries(db),
        dead=prs.dead_links(db, config["github"]["missing_after"]),
        failed=list(failed),
        listed=prs.list_paper_titles(db),
        matrix=matrix_proposals.proposals(db, base_text),
    )


def title(config, report: Report) -> str:
    prefix = config["pr"]["title_prefix"].strip()
    n = len(report.added)
    parts = [f"{n} new paper{'s' if n != 1 else ''}"]
    tables = sorted({_region_label(c.name) for c in report.changes
                     if not c.name.startswith("techniques-") and c.name != "candidate-engines"})
    parts += tables
    if report.candidates:
        parts.append(f"{len(report.candidates)} candidate engine{'s' if len(report.candidates) != 1 else ''}")
    return f"{prefix} update the list ({', '.join(parts)})".strip()


def _region_label(name: str) -> str:
    return {"comparison": "comparison table", "star-history": "star chart",
            "candidate-engines": "candidate engines"}.get(name, name.replace("-", " "))


# --- the body --------------------------------------------------------------------------------

def body(db, config, report: Report) -> str:
    """The Markdown body, never longer than :data:`BODY_BUDGET` characters."""
    for cap in ROW_CAPS:
        parts = [_summary(report), *_failures(report.failed), _added(report, cap), _maybe(report, cap),
                 _held(report, cap), _tables(report), _matrix(report, cap), _candidates(report, cap),
                 _hygiene(report, cap),
                 _dataset_note(), _next_steps()]
        text = "\n\n".join(p for p in parts if p) + "\n"
        if len(text) <= BODY_BUDGET:
            return text
    cut = text[: BODY_BUDGET - len(TRUNCATED_NOTE)]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return cut + TRUNCATED_NOTE


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _summary(report: Report) -> str:
    plan = report.plan
    maybe = len(plan.of(triage.MAYBE))
    held = report.held()
    held_n = sum(len(v) for v in held.values())
    not_rel = len(plan.of(triage.NOT_RELEVANT))
    unclassified = len(plan.of(triage.NOT_CLASSIFIED))
    since = (f"since curator's last pull request was closed ({plan.since[:10]})" if plan.since
             else "(all so far: no curator pull request was closed yet)")
    earlier = sum(p.earlier for p in plan.papers)
    cats = {p.category for p in report.added}
    tables = [c for c in report.changes if not c.name.startswith("techniques-") and c.name != "candidate-engines"]
    what = [f"adds **{_n(len(report.added), 'paper')}** to the list's technique tables"
            + (f" ({_n(len(cats), 'category', 'categories')})" if report.added else "")]
    if tables:
        what.append("updates curator's generated " + ", ".join(_region_label(c.name) for c in tables))
    lines = [f"This pull request {' and '.join(what)}. Every change of the diff is described below.", "",
             "| Papers | Count |", "|---|---:|",
             f"| fetched from arXiv {since}" + (f", with {earlier} earlier ones still waiting" if earlier else "")
             + f" | **{plan.fetched:,}** |",
             f"| not relevant | {not_rel:,} |"]
    if unclassified:
        lines.append(f"| not classified (no abstract, or `classify` has not run) | {unclassified:,} |")
    lines += [f"| **relevant** | **{plan.relevant:,}** |",
              f"| ↳ added to the list | {len(report.added):,} |",
              f"| ↳ maybe: relevant, scope or row less sure (folded below) | {maybe:,} |"]
    lines += [f"| ↳ held back: {reason} | {len(rows):,} |" for reason, rows in held.items()]  # fixed reasons
    if not held_n:
        lines.append("| ↳ held back | 0 |")
    return "\n".join(lines)


def _failures(failed: Sequence[dict[str, Any]]) -> list[str]:
    """The steps that failed, each with its one-line error (untrusted: it may quote a title or a URL)."""
    if not failed:
        return []
    lines = [f"**{len(failed)} step{'s' if len(failed) != 1 else ''} failed in this run;** "
             "what they feed is from their last successful run:", ""]
    for step in failed:
        error = step.get("error") or "no error recorded"
        error = error[len(step["command"]) + 2:] if error.startswith(f"{step['command']}: ") else error
        error = escape.inline(_short(error, ERROR_CHARS))
        lines.append(f"- **{escape.inline(step['command'])}** ({escape.inline(step['status'])}): {error}")
    return ["\n".join(lines)]


def _heading(category: str | None) -> str:
    return escape.inline(HEADINGS.get(category or "", category or "no category"))


def _cat_order(category: str | None) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)


def _added(report: Report, cap: int | None) -> str:
    if not report.added:
        return ""
    lines = [f"### Papers added ({len(report.added)})", "",
             "Each is one reference in its technique's row (of curator's technique table where the list has "
             "none of its own for the category), labelled as the list labels its references."]
    by_cat: dict[str | None, list[papers.Paper]] = {}
    for p in report.added:
        by_cat.setdefault(p.category, []).append(p)
    shown = 0
    for cat in sorted(by_cat, key=_cat_order):
        lines += ["", f"**{_heading(cat)}** ({len(by_cat[cat])})", ""]
        for p in by_cat[cat]:
            if cap is not None and shown >= cap:
                break
            lines.append(f"- {_paper_link(p)} → {_where(report, p)}; {_why(report, p)}")
            shown += 1
    if cap is not None and len(report.added) > cap:
        lines += ["", f"_… and {len(report.added) - cap} more; the diff has them all._"]
    return "\n".join(lines)


def _where(report: Report, p: papers.Paper) -> str:
    t = report.placement.targets.get(p.arxiv_id)
    name = escape.inline(t.technique if t else (p.technique or "?"))
    return f"new row **{name}**" if t is not None and t.kind == "new_row" else f"row **{name}**"


def _why(report: Report, p: papers.Paper) -> str:
    found = papers.phrases(p)
    if found:
        return "matched " + ", ".join(f"“{escape.inline(f, 40)}”" for f in found)
    near = papers.closest_listed(p, report.listed)
    if near is not None:
        return f"closest in the list: {escape.link(_short(near['label'] or near['title'], 60), near['url'])}"
    return f"category confidence {p.confidence or 0:.2f}, no phrase of its technique in the abstract"


def _maybe(report: Report, cap: int | None) -> str:
    rows = report.plan.maybe
    if not rows:
        return ""
    shown = rows[:triage.maybe_shown(len(rows), len(report.added))]
    if cap is not None:
        shown = shown[:cap]
    lines = [f"<details><summary><b>Maybe ({len(rows)})</b>: relevant papers curator is less sure of (in scope, "
             f"or in which row), {len(shown)} shown (never more than the papers added), likeliest first</summary>", ""]
    if shown:
        lines += ["| Paper | Likeliest categories |", "|---|---|"]
        lines += [f"| {_paper_link(p)} | {_two(p)} |" for p in shown]
    if len(rows) > len(shown):
        lines += ["", f"{len(rows) - len(shown)} more are in the dataset: the `classified_papers` view, status "
                  f"`proposed`."]
    lines += ["", "To add one, add its reference to the list by hand, here or later.", "", "</details>"]
    return "\n".join(lines)


def _two(p: papers.Paper) -> str:
    first = f"{_heading(p.category)} {p.confidence or 0:.2f}"
    return f"{first} · {_heading(p.second)} {p.second_confidence or 0:.2f}" if p.second else first


def _held(report: Report, cap: int | None) -> str:
    held = report.held()
    if not held:
        return ""
    lines = [f"### Held back ({sum(len(v) for v in held.values())})", ""]
    for reason, rows in held.items():
        some = rows if cap is None else rows[:cap]
        names = ", ".join(_paper_link(p, 80) for p in some)
        more = f" and {len(rows) - len(some)} more" if len(rows) > len(some) else ""
        lines.append(f"- {reason} ({len(rows)}): {names}{more}")
    return "\n".join(lines)


def _tables(report: Report) -> str:
    described = changes.describe_all([c for c in report.changes if c.name != "candidate-engines"])
    if not described:
        return ""
    return "\n".join(["### Generated tables", ""] + [f"- {line}" for line in described])


def _matrix(report: Report, cap: int | None) -> str:
    """Cells of the list's hand-made comparison matrices that the engines' docs fill or contradict."""
    if not report.matrix:
        return ""
    rows = matrix_proposals.table_rows(report.matrix)
    shown = rows if cap is None else rows[:cap]
    lines = [f"### Comparison matrices: {len(report.matrix)} cells the engines' docs fill or contradict", "",
             matrix_proposals.INTRO, "",
             "| " + " | ".join(matrix_proposals.COLUMNS) + " |", "|" + "---|" * len(matrix_proposals.COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in shown]
    if len(shown) < len(rows):
        lines += ["", f"_… and {len(rows) - len(shown)} more in the dataset (`feature_proposals`)._"]
    return "\n".join(lines)


def _candidates(report: Report, cap: int | None) -> str:
    if not report.candidates:
        return ""
    rows = report.candidates if cap is None else report.candidates[:cap]
    lines = [f"### New candidate engines ({len(report.candidates)})", "",
             "Repositories that look like engines and are not listed; they appear in the list's candidate "
             "section. Add one to the list by hand if it belongs.", "",
             "| Repository | Stars | Description |", "|---|---:|---|"]
    lines += [f"| {escape.link(c['repo'], c['url'])} | {_stars(c['stars'])} "
              f"| {escape.cell(_short(c['description'] or '', 100))} |" for c in rows]
    if len(rows) < len(report.candidates):
        lines += ["", f"_… and {len(report.candidates) - len(rows)} more in the dataset._"]
    return "\n".join(lines)


def _stars(n: int | None) -> str:
    return "not crawled" if n is None else f"{n:,}"


def _hygiene(report: Report, cap: int | None) -> str:
    lines = []
    inserted = [n for n in report.notes if n.startswith("inserted region")]
    if inserted:
        lines.append(f"- curator added its region markers (`<!-- curator:begin … -->`) in {len(inserted)} "
                     "place(s); only the text between them is curator's, everything else stays as written")
    for note in report.notes:
        if note.startswith("removed region"):
            lines.append(f"- {escape.inline(note)}")
    dup = report.duplicates if cap is None else report.duplicates[:cap]
    for d in dup:
        lines.append(f"- listed more than once (not changed): {escape.inline(_short(d['name'], 80))} under "
                     f"{escape.inline(d['sections'])}")
    dead = report.dead if cap is None else report.dead[:cap]
    for d in dead:
        lines.append(f"- link that leads nowhere (not changed): {escape.inline(_short(d['url'], 100))} "
                     f"({escape.inline(d['why'])})")
    if not lines:
        return ""
    return "\n".join(["### List hygiene", ""] + lines)


def _next_steps() -> str:
    return "\n".join([
        "### What your action does", "",
        "- **Merge**: the references above become part of the list; curator records each paper as accepted "
        "and its classifier learns from them.",
        "- **Close without merging**: every paper added here is recorded as rejected, never proposed again, "
        "and the classifier learns from that too.",
        "- **Delete a line, then merge**: remove a reference (or a whole new row) in this branch; the papers "
        "whose reference you deleted are recorded as rejected and never proposed again, the rest as accepted.",
        "- **Push other edits to this branch**: curator never overwrites commits it did not make; it says so "
        "here and proposes its next update once this one is merged or closed.",
    ])


def _dataset_note() -> str:
    return ("### Open the dataset\n\n"
            "Every paper, score and star count behind this update is in the SQLite database: "
            "`curator.db.gz` on the `curator-data` release of the curator repository, or the `curator-db` "
            "artifact of the nightly run. Unpack it and browse it with `curator --db curator.db serve`; "
            "`curator-public.db` on the same release opens directly with `datasette curator-public.db`.")


def _paper_link(paper: papers.Paper, limit: int = TITLE_CHARS) -> str:
    return escape.link(_short(paper.title or paper.arxiv_id, limit), paper.url)


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
