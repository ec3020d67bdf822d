"""Read the hand-made comparison matrices of a list: which engine has which mark.

:func:`hand_matrices(text)` finds every GFM table whose header names at least
three columns of one matrix group (:mod:`catalogue.features`) and returns, per
group, the marks of each row: 1 for ✅ (or a cell that names something, as the
"ETC" column does), 0 for ❌, None for "-", "–" or an empty cell. Tables are
read with markdown-it-py, never with regular expressions, and content inside
curator's generated regions is skipped (it is curator's own output).

:func:`engine_key` is how a row label is matched to an engine name:
"LLaMA.cpp" is "llama.cpp", "MLC-LLM" is "MLC LLM", "TGI" is
"TGI (Text Generation Inference)".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from catalogue import features as vocab
from reports import regions

YES_MARKS = ("✅", "✔", "✓", "☑")
NO_MARKS = ("❌", "✗", "✘", "✖")
UNKNOWN_MARKS = ("", "-", "–", "—", "--", "?", "n/a")


@dataclass
class HandMatrix:
    group: str
    line: int                                    # 0-based line of the table's header
    columns: list[str]                           # the feature columns, as the list writes them
    rows: dict[str, dict[str, int | None]] = field(default_factory=dict)   # row label -> column -> mark
    labels: dict[str, str] = field(default_factory=dict)                   # engine_key -> row label


def engine_key(name: str) -> str:
    """A name compared without case, punctuation or a trailing parenthesis."""
    base = re.sub(r"\s*\(.*\)\s*$", "", name).strip() or name
    return re.sub(r"[^0-9a-z]+", "", base.casefold())


def mark_of(cell: str) -> int | None:
    """1, 0 or None for a matrix cell as the list writes it."""
    text = cell.strip()
    if text.startswith(YES_MARKS):
        return 1
    if text.startswith(NO_MARKS):
        return 0
    if text.casefold() in UNKNOWN_MARKS:
        return None
    return 1 if re.search(r"[A-Za-z]", text) else None


def hand_matrices(text: str) -> dict[str, HandMatrix]:
    """The list's hand-made matrices by group (the first table of each group)."""
    skip = [(r.begin, r.end) for r in regions.find_regions(text)]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    out: dict[str, HandMatrix] = {}
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type != "table_open" or (t.map and any(b <= t.map[0] <= e for b, e in skip)):
            i += 1
            continue
        rows: list[list[str]] = []
        while tokens[i].type != "table_close":
            if tokens[i].type == "tr_open":
                rows.append([])
            elif tokens[i].type == "inline" and rows:
                rows[-1].append(" ".join(tokens[i].content.split()))
            i += 1
        if len(rows) < 2:
            continue
        group = vocab.group_of_headers(rows[0][1:])
        if group is None or group in out:
            continue
        cols = [(j, vocab.by_header(group, h)) for j, h in enumerate(rows[0]) if j > 0]
        matrix = HandMatrix(group, t.map[0] if t.map else 0, [f.column for _, f in cols if f is not None])
        for row in rows[1:]:
            if not row or not row[0].strip():
                continue
            label = row[0].strip()
            matrix.rows[label] = {f.column: mark_of(row[j]) for j, f in cols if f is not None and j < len(row)}
            matrix.labels[engine_key(label)] = label
        out[group] = matrix
    return out
