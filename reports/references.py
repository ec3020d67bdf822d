"""Where each added paper goes in the list, labelled in the list's own style.

A paper is one reference ``[Kwon et al. (2023)](https://arxiv.org/abs/2309.06180)``
(first author's surname, "et al." when there are more authors, the year; the
title's lead words when arXiv gave no author) in exactly one place:

- ``row``: the References cell of its technique's row in a hand-written table
  of its category; the reference is inserted after the cell's last reference
  and nothing else of the line changes;
- ``new_row``: a new row at the end of the category's hand-written table when
  no row there is its technique;
- ``generated``: the generated technique table of its category (the
  ``techniques-<category>`` region) when the list has no table of its own.

:func:`place` decides the targets; :func:`line_edits` turns the first two
kinds into edited and added lines of the list (one line per row touched).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from catalogue import vocabulary
from reports import escape

PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "dos", "das",
             "ten", "ter", "bin", "ibn", "al", "el", "st.", "zu"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
OTHER_ROW = "Other"
OTHER_DESCRIPTION = "Papers that fit no technique above."


# --- labels ------------------------------------------------------------------------------

def surname(name: str) -> str:
    """The family name of an author as arXiv writes it ("Woosuk Kwon" -> "Kwon",
    "Jan van der Berg" -> "van der Berg", "Kwon, Woosuk" -> "Kwon")."""
    name = escape.clean(name)
    if "," in name:
        return name.split(",", 1)[0].strip()
    tokens = name.split()
    while len(tokens) > 1 and tokens[-1].casefold().rstrip(",") in SUFFIXES:
        tokens.pop()
    if not tokens:
        return ""
    i = len(tokens) - 1
    while i > 0 and tokens[i - 1].casefold() in PARTICLES:
        i -= 1
    return " ".join(tokens[i:])


def short_title(title: str) -> str:
    """A paper's name from its title: the part before a colon when short, else its first words."""
    title = escape.clean(title)
    head = title.split(":", 1)[0].strip()
    if head != title and 2 <= len(head) <= 40:
        return head
    words = title.split()
    return " ".join(words[:3]) + ("…" if len(words) > 3 else "")


def label_text(first_author: str | None, authors: int, year: str, title: str, suffix: str = "") -> str:
    """The reference's text as Markdown (escaped): ``Kwon et al. (2023)``."""
    who = surname(first_author) if first_author else ""
    if who:
        head = escape.inline(who, 60) + (" et al." if authors > 1 else "")
    else:
        head = escape.inline(short_title(title), 60)
    return f"{head} ({year}{suffix})"


def _key(text: str) -> str:
    """How two labels are compared: no escapes, case, spaces or accents."""
    text = unicodedata.normalize("NFKD", text.replace("\\", ""))
    return re.sub(r"[^0-9a-z.()]+", "", text.casefold())


def reference(paper: Any, taken: Iterable[str] = ()) -> str:
    """``[label](url)`` for ``paper`` (a ``reports.papers.Paper`` or a row with the same
    fields); a letter follows the year when ``taken`` already holds the same label
    (the list writes "Li et al. (2024a)", "Li et al. (2024b)")."""
    seen = {_key(t) for t in taken}
    year = _year(paper)
    for suffix in ("", "b", "c", "d", "e", "f", "g", "h"):
        text = label_text(_get(paper, "first_author"), int(_get(paper, "authors") or 0), year,
                          _get(paper, "title") or _get(paper, "arxiv_id"), suffix)
        if _key(text) not in seen:
            break
    return f"[{text}]({escape.safe_url('https://arxiv.org/abs/' + _get(paper, 'arxiv_id'))})"


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _year(paper: Any) -> str:
    published = str(_get(paper, "published") or "")
    return published[:4] if published[:4].isdigit() else "n.d."


# --- targets -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    kind: str                  # "row", "new_row" or "generated"
    category: str
    technique: str             # the row's name as the list writes it (or will)
    line: int | None = None    # "row": 0-based line of the hand-written row
    table: int | None = None   # "new_row": index in ``ListDoc.tables``


@dataclass
class Placement:
    targets: dict[str, Target] = field(default_factory=dict)   # arxiv_id -> where it goes

    def generated(self, category: str) -> dict[str, list[str]]:
        """technique -> arXiv ids the generated table of ``category`` gains."""
        out: dict[str, list[str]] = {}
        for aid, t in sorted(self.targets.items()):
            if t.kind == "generated" and t.category == category:
                out.setdefault(t.technique, []).append(aid)
        return out


def place(papers: Iterable[Any], doc: Any, known: dict[str, dict[str, str]]) -> Placement:
    """Targets of the added ``papers`` in the list ``doc``. ``known`` maps a category to
    {technique key: technique name} of the database (names the classifier gives)."""
    out = Placement()
    for p in papers:
        out.targets[p.arxiv_id] = target(p.category, p.technique, doc, known.get(p.category, {}))
    return out


def target(category: str, technique: str | None, doc: Any, known: dict[str, str]) -> Target:
    """Where a paper of ``category`` and ``technique`` goes in ``doc``."""
    name = known.get(vocabulary.technique_key(technique), technique) if technique else OTHER_ROW
    key = vocabulary.technique_key(name)
    tables = [i for i, t in enumerate(doc.tables) if t.category == category and t.ref_col is not None]
    if not tables:
        return Target("generated", category, name)
    for t in doc.techniques:
        if (t.category == category and t.line is not None and t.table in tables
                and vocabulary.technique_key(t.name) == key):
            return Target("row", category, t.name, line=t.line)
    return Target("new_row", category, name, table=tables[-1])


# --- editing hand-written tables ------------------------------------------------------------

def cell_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a Markdown table row, split on unescaped pipes
    (as GitHub splits them, code spans included)."""
    end = len(line.rstrip())
    pipes = [i for i in range(end) if line[i] == "|" and _unescaped(line, i)]
    indent = len(line) - len(line.lstrip())
    bounds = list(pipes)
    if not pipes or pipes[0] != indent:
        bounds.insert(0, indent - 1)
    if not pipes or pipes[-1] != end - 1:
        bounds.append(end)
    return [(a + 1, b) for a, b in zip(bounds, bounds[1:])]


def _unescaped(line: str, i: int) -> bool:
    n = 0
    while i - n - 1 >= 0 and line[i - n - 1] == "\\":
        n += 1
    return n % 2 == 0


def append_to_cell(line: str, col: int, refs: list[str]) -> str:
    """``line`` with ``refs`` added after the last reference of cell ``col``; nothing
    else of the line changes (missing cells are added at the end)."""
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    spans = cell_spans(body)
    text = ", ".join(refs)
    if col < len(spans):
        a, b = spans[col]
        content = body[a:b]
        if content.strip():
            at = a + len(content.rstrip())
            return body[:at] + ", " + text + body[at:] + ending
        return body[:a] + " " + text + " " + body[b:] + ending
    out = body.rstrip()
    if not out.endswith("|"):
        out += " |"
    out += "  |" * (col - len(spans)) + f" {text} |"
    return out + ending


def cell_text(line: str, col: int) -> str:
    spans = cell_spans(line.rstrip("\r\n"))
    return line[spans[col][0]:spans[col][1]] if col < len(spans) else ""


def existing_labels(cell: str) -> list[str]:
    """The link texts of a cell: ``[Li et al. (2024a)](...)`` -> ``Li et al. (2024a)``."""
    return re.findall(r"\[([^\]]*)\]\(", cell)


def line_edits(lines: list[str], doc: Any, placement: Placement, papers: dict[str, Any],
               descriptions: dict[tuple[str, str], str]) -> tuple[dict[int, str], dict[int, list[str]]]:
    """(line index -> the edited line, line index -> new rows (no line end) to insert before it) for the
    papers placed in hand-written tables. ``descriptions`` maps (category, technique key)
    to a new row's description."""
    edited: dict[int, str] = {}
    by_line: dict[int, list[str]] = {}
    new_rows: dict[tuple[int, str], list[str]] = {}
    for aid, t in sorted(placement.targets.items()):
        if t.kind == "row":
            by_line.setdefault(t.line, []).append(aid)
        elif t.kind == "new_row":
            new_rows.setdefault((t.table, t.technique), []).append(aid)
    for line_no, ids in by_line.items():
        table = doc.tables[next(x.table for x in doc.techniques if x.line == line_no)]
        taken = existing_labels(cell_text(lines[line_no], table.ref_col))
        refs = _refs([papers[a] for a in ids], taken)
        edited[line_no] = append_to_cell(lines[line_no], table.ref_col, refs)
    inserts: dict[int, list[str]] = {}
    for (index, name), ids in sorted(new_rows.items(), key=lambda kv: (kv[0][0], kv[0][1].casefold())):
        table = doc.tables[index]
        cells = [""] * table.columns
        cells[table.name_col] = escape.cell(name, 120)
        if table.desc_col is not None:
            desc = descriptions.get((table.category, vocabulary.technique_key(name)), "")
            cells[table.desc_col] = escape.cell(desc or (OTHER_DESCRIPTION if name == OTHER_ROW else ""))
        cells[table.ref_col] = ", ".join(_refs([papers[a] for a in ids], []))
        inserts.setdefault(table.last_line + 1, []).append("| " + " | ".join(cells) + " |")
    return edited, inserts


def _refs(papers: list[Any], taken: list[str]) -> list[str]:
    """References for ``papers`` in arXiv order, letters added where labels collide."""
    out: list[str] = []
    labels = list(taken)
    for p in sorted(papers, key=lambda p: _get(p, "arxiv_id")):
        ref = reference(p, labels)
        out.append(ref)
        labels.append(ref[1:ref.index("](")])
    return out


def generated_refs(papers: list[Any]) -> str:
    """The References cell of a generated row."""
    return ", ".join(_refs(papers, []))
