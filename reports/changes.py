"""What an update changes in curator's generated regions, in words a maintainer reads.

:func:`region_changes` compares the regions of the list before and after
rendering and returns one :class:`Change` per region added, updated or
removed; :func:`describe` turns each into a line: which tables appeared, which
engines' figures moved and how, which rows came or went. Tables are read with
markdown-it (cells as plain text, rows keyed by their first cell), so the
words follow the rendered tables whatever their columns. The papers the
update adds are described by ``reports.prbody`` from the plan, not here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

from reports import escape, regions

EXAMPLES = 5


@dataclass
class Change:
    name: str
    kind: str        # "added", "updated" or "removed"
    old: str         # region content before ("" when added)
    new: str         # region content after ("" when removed)


def _contents(text: str) -> dict[str, str]:
    lines = text.split("\n")
    return {m.name: "\n".join(lines[m.begin + 1:m.end]).strip() for m in regions.find_regions(text)}


def region_changes(old_text: str, new_text: str) -> list[Change]:
    """Every region whose content differs between the two texts, in the new text's order."""
    old, new = _contents(old_text), _contents(new_text)
    out = [Change(name, "added" if name not in old else "updated", old.get(name, ""), body)
           for name, body in new.items() if old.get(name) != body]
    out += [Change(name, "removed", body, "") for name, body in old.items() if name not in new]
    return out


# --- reading tables ---------------------------------------------------------------------------

@dataclass
class ParsedTable:
    title: str
    header: list[str]
    rows: dict[str, dict[str, str]] = field(default_factory=dict)   # first cell -> header -> cell


def tables(markdown: str) -> list[ParsedTable]:
    """The tables of a region, each with the heading (or bold line) above it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    out: list[ParsedTable] = []
    title = ""
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            title = tokens[i + 1].content
        elif t.type == "table_open":
            rows: list[list[str]] = []
            while tokens[i].type != "table_close":
                if tokens[i].type == "tr_open":
                    rows.append([])
                elif tokens[i].type == "inline" and rows:
                    rows[-1].append(_plain(tokens[i]))
                i += 1
            table = ParsedTable(title, rows[0] if rows else [])
            for row in rows[1:]:
                if row:
                    table.rows[row[0]] = dict(zip(table.header, row))
            out.append(table)
        i += 1
    return out


def _plain(tok: Any) -> str:
    return "".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline")).strip()


# --- describing -----------------------------------------------------------------------------

def describe_all(found: list[Change]) -> list[str]:
    """One line per change; the technique tables curator added are one line together."""
    added = [c for c in found if c.name.startswith("techniques-") and c.kind == "added"]
    out = [describe(c) for c in found if c not in added]
    if added:
        parts = []
        for c in added:
            new = tables(c.new)
            rows = len(new[0].rows) if new else 0
            parts.append(f"{_category_heading(c.name)} ({rows} row{'s' * (rows != 1)})")
        out.insert(0, f"**Technique tables** added by curator for {', '.join(parts)}: the list has no technique "
                      "table of its own for these categories, so these carry the papers added above.")
    return out


def _category_heading(name: str) -> str:
    from catalogue.vocabulary import HEADINGS

    cat = name[len("techniques-"):].replace("-", "_")
    return escape.inline(HEADINGS.get(cat, cat))


def describe(change: Change) -> str:
    """One Markdown line (escaped) saying what the change does."""
    label = _LABELS.get(change.name.split("-")[0], change.name)
    if change.name.startswith("techniques-"):
        return _describe_techniques(change)
    if change.kind == "removed":
        return f"**{label}**: removed (nothing to show any more)."
    if change.name == "candidate-engines":
        new = tables(change.new)
        old = tables(change.old)
        rows = list(new[0].rows) if new else []
        came = [r for r in rows if not old or r not in old[0].rows]
        return (f"**{label}**: {len(rows)} repositor{'ies' if len(rows) != 1 else 'y'} that look like engines and "
                f"are not listed" + (f"; new: {_names(came)}" if came and change.kind != "added" else "") + ".")
    if change.name == "star-history":
        return f"**{label}**: {'added' if change.kind == 'added' else 'redrawn'} from the latest star counts."
    before, after = tables(change.old), tables(change.new)
    if not after:
        return f"**{label}**: {'added' if change.kind == 'added' else 'rewritten'}."
    parts = []
    for table in after:
        old = next((t for t in before if t.title == table.title), None)
        parts.append(_describe_table(table, old))
    return f"**{label}**: " + "; ".join(parts) + "."


_LABELS = {"comparison": "Comparison table", "candidate": "Candidate engines", "star": "Star chart",
           "techniques": "Technique table"}


def _describe_techniques(change: Change) -> str:
    heading = _category_heading(change.name)
    if change.kind == "removed":
        return f"**Technique table {heading}**: removed (the list has its own table, or it has no reference)."
    new = tables(change.new)
    rows = len(new[0].rows) if new else 0
    if change.kind == "added":
        return (f"**Technique table {heading}**: added by curator ({rows} row{'s' * (rows != 1)}), because the "
                f"list has no technique table of its own for it; it carries the papers added above.")
    old = tables(change.old)
    gained = [escape.inline(r) for r in new[0].rows if not old or r not in old[0].rows] if new else []
    extra = f", new row{'s' * (len(gained) != 1)} {', '.join(gained)}" if gained else ""
    return f"**Technique table {heading}**: references of the papers added above{extra}."


def _describe_table(table: ParsedTable, old: ParsedTable | None) -> str:
    title = escape.inline(table.title or "table")
    if old is None:
        return f"{title} added ({len(table.rows)} row{'s' * (len(table.rows) != 1)})"
    came = [r for r in table.rows if r not in old.rows]
    went = [r for r in old.rows if r not in table.rows]
    bits = []
    if came:
        bits.append(f"new rows {_names(came)}")
    if went:
        bits.append(f"rows removed {_names(went)}")
    for col in table.header[1:]:
        moved = [(r, old.rows[r].get(col, ""), cells.get(col, "")) for r, cells in table.rows.items()
                 if r in old.rows and old.rows[r].get(col, "") != cells.get(col, "")]
        if moved:
            shown = ", ".join(f"{escape.inline(r)} {escape.inline(a) or '—'} → {escape.inline(b) or '—'}"
                              for r, a, b in moved[:EXAMPLES])
            more = f" and {len(moved) - EXAMPLES} more" if len(moved) > EXAMPLES else ""
            bits.append(f"{escape.inline(col)} of {len(moved)} engine{'s' * (len(moved) != 1)} ({shown}{more})")
    if table.header != old.header:
        bits.append(f"columns now {', '.join(escape.inline(h) for h in table.header)}")
    return f"{title}: " + ("; ".join(bits) if bits else "same figures")


def _names(rows: list[str]) -> str:
    shown = ", ".join(escape.inline(r) for r in rows[:EXAMPLES])
    return shown + (f" and {len(rows) - EXAMPLES} more" if len(rows) > EXAMPLES else "")
