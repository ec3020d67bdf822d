"""Generated regions of the list: the marker syntax and the region registry.

A region is the text between two marker lines::

    <!-- curator:begin NAME -->
    ...generated Markdown...
    <!-- curator:end NAME -->

Everything outside the markers belongs to the maintainers and is never changed.
A marker counts only where Markdown would read it as one: marker text inside a
fenced or indented code block (a maintainer's example of the syntax), or inside
an inline code span, is ordinary text.

Registering a region
--------------------
A region is a name, the list heading it belongs under (matched by heading text,
ignoring emoji and case) and a function ``(db, config) -> markdown`` that must
return the same text for the same database (sort rows stably). A function that
returns ``None`` has nothing to show: its region is not inserted, and removed
(markers included) where the list has it::

    from reports.regions import register

    register("caching-benchmarks", "Caching", my_function)
    # or several at once, e.g. a module's list of (name, heading, function):
    register_all(engine_regions.regions())

Options of :func:`register`:

- ``fallback``: a heading to use when the list has no ``heading`` (e.g. a
  category heading missing from an older list falls back to "Optimization
  Techniques"). Headings in :data:`FALLBACKS` apply to every region.
- ``context=True``: the function is called as ``fn(db, config, ctx)`` with a
  :class:`Context` (the parsed list and the heading the region sits under).
- ``required=True``: on a list without any curator markers, a missing heading
  is an error (exit 2) instead of a note.

Registration order is the order regions are inserted under one heading. Import
the registering module from ``reports/render.py`` (one explicit import line).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from catalogue.errors import BadInput
from catalogue import vocabulary

NAME = r"[a-z0-9][a-z0-9._-]*"
BEGIN = re.compile(rf"^\s*<!--\s*curator:begin\s+({NAME})\s*-->\s*$")
END = re.compile(rf"^\s*<!--\s*curator:end\s+({NAME})\s*-->\s*$")
ANY_MARKER = re.compile(r"<!--\s*curator:(begin|end)\b", re.IGNORECASE)
# regions earlier versions of curator wrote and this one removes: the per-category
# paper tables (their papers are now references in the technique tables)
RETIRED = re.compile(r"papers-[a-z0-9-]+")

# a heading missing from the list -> the heading used instead (any region)
FALLBACKS: dict[str, str] = {
    **{heading: "Optimization Techniques" for heading in vocabulary.HEADINGS.values()},
    "Overview of LLM Inference Engines": "Comparison Table",
}


@dataclass
class Context:
    """What a ``context=True`` region function gets besides db and config."""
    doc: Any                 # reports.listparse.ListDoc of the list being rendered
    heading: str             # heading text (no emoji) the region sits under
    home: bool               # True when that is the region's own heading, not a fallback
    plan: Any = None         # reports.papers.Plan: the papers of this update
    placement: Any = None    # reports.references.Placement: where the added papers go


@dataclass
class RegionSpec:
    name: str
    heading: str
    fn: Callable[..., str]
    fallback: str | None = None
    context: bool = False
    required: bool = False

    def headings(self) -> list[str]:
        out = [self.heading]
        fb = self.fallback or FALLBACKS.get(self.heading)
        if fb:
            out.append(fb)
        return out


@dataclass
class Marked:
    """A region found in the text: 0-based line numbers of its two marker lines."""
    name: str
    begin: int
    end: int


_REGISTRY: dict[str, RegionSpec] = {}


def register(name: str, heading: str, fn: Callable[..., str], *, fallback: str | None = None,
             context: bool = False, required: bool = False) -> None:
    """Add (or replace) the region ``name``; see the module docstring."""
    if not re.fullmatch(NAME, name):
        raise ValueError(f"bad region name {name!r}")
    _REGISTRY[name] = RegionSpec(name, heading, fn, fallback, context, required)


def register_all(entries) -> None:
    """Register ``(name, heading, fn)`` tuples, in order."""
    for name, heading, fn in entries:
        register(name, heading, fn)


def registered() -> list[RegionSpec]:
    """All regions in registration order."""
    return list(_REGISTRY.values())


def get(name: str) -> RegionSpec | None:
    return _REGISTRY.get(name)


_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def code_lines(text: str) -> set[int]:
    """0-based numbers of the lines inside fenced or indented code blocks, as a
    CommonMark reader (markdown-it, block level only) sees them; lines split on "\\n"."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.disable("inline")
    lines: set[int] = set()
    for token in md.parse(text):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def find_regions(text: str) -> list[Marked]:
    """The marked regions of ``text``; BadInput (one line) for broken markers.

    Lines in code blocks and marker text in inline code spans are not markers."""
    out: list[Marked] = []
    seen: set[str] = set()
    open_: tuple[str, int] | None = None
    if not ANY_MARKER.search(text):
        return out
    in_code: set[int] | None = None  # parsed at the first line that looks like a marker
    for no, line in enumerate(text.split("\n")):
        if not ANY_MARKER.search(line) or not ANY_MARKER.search(_CODE_SPAN.sub("", line)):
            continue
        if in_code is None:
            in_code = code_lines(text)
        if no in in_code:
            continue
        b, e = BEGIN.match(line), END.match(line)
        if not b and not e:
            raise BadInput(f"line {no + 1}: malformed curator marker: {line.strip()[:80]!r}")
        if b:
            name = b.group(1)
            if open_ is not None:
                raise BadInput(f"line {no + 1}: curator:begin {name} inside unclosed region {open_[0]}")
            if name in seen:
                raise BadInput(f"line {no + 1}: curator region {name} appears twice")
            open_ = (name, no)
            seen.add(name)
        else:
            name = e.group(1)
            if open_ is None:
                raise BadInput(f"line {no + 1}: curator:end {name} without a matching curator:begin")
            if open_[0] != name:
                raise BadInput(f"line {no + 1}: curator:end {name} closes region {open_[0]}")
            out.append(Marked(name, open_[1], no))
            open_ = None
    if open_ is not None:
        raise BadInput(f"line {open_[1] + 1}: curator region {open_[0]} is never closed")
    return out


def begin_line(name: str) -> str:
    return f"<!-- curator:begin {name} -->"


def end_line(name: str) -> str:
    return f"<!-- curator:end {name} -->"
