"""Engine facts from documentation: for every matrix feature, supported, not
supported or unknown, with the sentence or table row that says so. Model-free.

:func:`extract(pages)` reads the pages of one engine (anything with ``path``,
``url``, ``text``, ``date`` and ``weak``, such as :class:`crawler.docs.DocPage`)
and returns a :class:`Mark` per feature of :mod:`catalogue.features`.

How a unit (sentence, list item, heading, table row, code line; see
:mod:`classifier.docs_text`) speaks about a feature it names:

- **stated** (supported): it names the feature with no negation;
- **denied** (not supported): "X is not supported", "does not support X",
  "no support for X", "no longer supported", "incompatible"; a negation that
  is scoped to something else ("X is not supported with Y", "... on Windows")
  says nothing about X as a whole, and a negated sentence naming several
  features says nothing about any of them;
- **planned** (not supported yet): "coming soon", "planned", "on the roadmap",
  "not yet", "will support", "work in progress", an unchecked ``[ ]``;
- in a table, a ✅/✔/Yes under a column that names the feature states it (a ❌
  there speaks of the row's subject on that column, not of the column); a row
  whose first cell names the feature speaks through its marks (any ✅ states
  it, only ❌ denies it); a table that lists the feature without marks states it.

What does not count: units under a roadmap or TODO heading (planned at most),
under headings about other projects (integrations, forks, publications), list
items that are links to other projects, a mention inside a longer identifier
(a model or file name such as "zephyr-bnb-4bit.jinja"), a unit telling history
("In the past, dynamic batching..."), a feature named only as a point of
comparison ("2-4x speedup over BF16", "instead of converting BF16", "mentions
MXFP4"), and every unit of a page other than the root README that names
another engine and never this one (an upstream's pages carried along by a
fork). A unit that names another engine and not this one weighs no more than a
code line.

When the units of an engine disagree, the strongest one decides: a prose
sentence, list item or table row weighs 3, a heading 2, a code line 1, and a
vendor page summary (weak evidence) one less. On equal weight the newer page
wins, and on the same date a unit that states the feature wins over one that
denies it (pages showing a feature in use are the ones kept current; "coming
soon" lines are the ones forgotten) - except an explicit removal ("no longer
supported", "support was removed"), which wins over any statement.

**excluded** (not supported, from the docs' own enumeration): where the docs
list what the engine supports within a block of related columns (operating
systems, CPU architectures, accelerators, precisions, optimizations), a column
of that block that no unit of the engine names at all is marked not supported,
quoting that enumeration. An enumeration is:

- a unit naming two columns of the block with a support word or as a labelled
  list ("runs on Linux and macOS", "Quantizations: AWQ, INT8, FP8"), or one with
  a cue ("requires", "only", "OS:", "supported data types"; a "System
  requirements"/"Supported platforms" heading; a page titled "Support matrix");
- a list read with its lead-in ("supports the following hardware platforms:",
  "We have tested E on the following platforms:", "E is fast with:");
- a table whose rows name columns of the block in their first cell;
- for optimizations, a features list (items under a "Features"/"Highlights"
  heading naming at least three) or a sentence naming four separate things
  with a support word.

Precisions come in two kinds: an enumeration of quantized formats (FP8, INT4...)
speaks only for quantized formats, one of native types (FP32, FP16, BF16) only
for those, one that calls itself the supported data types for both. Open lists
of examples ("such as", "like", "including", "e.g.", "and more") and the lists
of a page that says its list is incomplete ("a list of all supported hardware
can be found on...") enumerate nothing, nor do headings, tables of figures and
vendor summaries. A service known only from its vendor's pages that states it
is hosted (Web/API) runs on no local platform (operating systems, CPU
architectures, mobile), quoting the page that says it is hosted. Without such
evidence a feature no page names stays unknown: unknown is not no.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from catalogue.features import FEATURES, Feature
from classifier import enumerations as enum
from classifier.docs_text import Unit, quote, units
from classifier.feature_text import (DENIED, EXCLUDED, HISTORY, OTHERS_HEADING, PLANNED, PLANNED_HEADING,
                                     REMOVED, STATED, PageLike, cell_mark, names_in, only_as_baseline,
                                     only_in_identifiers, polarity, quality)

__all__ = ["DENIED", "EXCLUDED", "EXTRACTOR_VERSION", "Mark", "PLANNED", "STATED", "about_another_engine", "as_row",
           "extract", "names_of", "summary"]

EXTRACTOR_VERSION = "2"  # bump when the rules change, so unchanged repositories are read again
KIND_WEIGHT = {"sentence": 3, "item": 3, "row": 3, "heading": 2, "code": 1, "link": 0}
LOCAL_PLATFORMS = frozenset({"hardware:Linux", "hardware:Windows", "hardware:macOS", "hardware:x86-64",
                             "hardware:ARM64/Apple Silicon", "hardware:Mobile / Edge"})


@dataclass
class Mark:
    """What the docs say about one feature; ``supported`` None = unknown."""
    group: str
    feature: str                 # the column name
    supported: int | None
    evidence: str | None = None  # the sentence or row (visible text, at most 300 characters, unescaped)
    url: str | None = None
    date: str | None = None
    basis: str | None = None     # stated | denied | planned | excluded
    weak: bool = False


@dataclass
class _Hit:
    feature: Feature
    polarity: str                # stated | denied | planned
    weight: int
    removal: bool
    quote: str
    url: str
    date: str
    order: int
    weak: bool
    quality: int = 0             # how well the quote reads as evidence: support words, not news

    def rank(self) -> tuple:
        return (self.weight, self.date, 1 if self.polarity == STATED else 0, self.quality, -self.order)


def extract(pages: Iterable[PageLike], features: tuple[Feature, ...] = FEATURES,
            others: Iterable[str] = (), own: Iterable[str] = ()) -> dict[str, Mark]:
    """A mark for every feature (keyed ``group:column``), decided as the module says.

    ``others`` are names of other engines: a unit that names one of them and
    none of ``own`` (the engine's own names) is likely about that other engine
    (a comparison, a history) and weighs as little as a code line."""
    hits: dict[str, list[_Hit]] = {f.key: [] for f in features}
    enums: list[enum.Enumeration] = []
    order = 0
    other_re = _names_re(others)
    own_re = _names_re(own)
    pages_seen = []
    mentioned: set[str] = set()  # features some unit names, whatever it says of them
    for page in pages:
        pages_seen.append(page)
        if _page_of_another(page, other_re, own_re):
            continue
        page_units = units(page.text)
        others_here: set[int] = set()
        first = order
        for unit in page_units:
            order += 1
            history = bool(HISTORY.match(unit.text))
            about_other = history or (
                other_re is not None and other_re.search(unit.text) is not None
                and (own_re is None or own_re.search(unit.text) is None))
            if about_other:
                others_here.add(id(unit))
            mentioned.update(names_in(unit.text))
            for head in unit.header:
                mentioned.update(names_in(head))
            for hit in ([] if history else _unit_hits(unit, page, order, features)):
                if about_other:
                    hit.weight = min(hit.weight, KIND_WEIGHT["code"])
                hits[hit.feature.key].append(hit)
        if not page.weak:  # vendor summaries enumerate nothing
            enums.extend(enum.page_enumerations(page_units, page, first, features, others_here))
    marks = {f.key: _decide(f, hits[f.key]) for f in features}
    undecided = {key for key, m in marks.items() if m.supported is None} - mentioned
    for key, e in enum.exclusions(features, enums, undecided).items():
        f = marks[key]
        marks[key] = Mark(f.group, f.feature, 0, e.quote, e.url, e.date or None, EXCLUDED)
    if pages_seen and all(p.weak for p in pages_seen):
        _hosted(marks, features)
    return marks


def _page_of_another(page: PageLike, other_re: re.Pattern[str] | None, own_re: re.Pattern[str] | None) -> bool:
    """A page other than the root README that names another engine and never this one documents
    that engine - an upstream's pages carried along by a fork, a comparison - not this one."""
    if other_re is None or own_re is None or page.path.casefold() == "readme.md":
        return False
    return other_re.search(page.text) is not None and own_re.search(page.text) is None


def about_another_engine(page: PageLike, own: Iterable[str], others: Iterable[str]) -> bool:
    """Whether ``page`` documents another engine rather than this one (see :func:`extract`)."""
    return _page_of_another(page, _cached_names_re(tuple(others)), _cached_names_re(tuple(own)))


@lru_cache(maxsize=256)
def _cached_names_re(names: tuple[str, ...]) -> re.Pattern[str] | None:
    return _names_re(names)


def names_of(name: str, repo: str | None) -> list[str]:
    """The names an engine goes by, for ``others``/``own``: as listed, without a trailing
    parenthesis, the parenthesis itself, and its repository's name."""
    out = [name]
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    if m:
        out += [m.group(1), m.group(2)]
    if repo and "/" in repo:
        out.append(repo.split("/", 1)[1])
    return [n for n in dict.fromkeys(x.strip() for x in out) if n]


def _names_re(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for a set of engine names. Short or all-capital names ("MAX", "TGI") match
    only as written, so the word "max" in "max tokens" is not an engine."""
    words = sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)
    if not words:
        return None
    alternatives = [re.escape(w) if len(w) <= 4 or w.isupper() else f"(?i:{re.escape(w)})" for w in words]
    return re.compile(r"(?<![\w.-])(?:" + "|".join(alternatives) + r")(?![\w-])")


def _unit_hits(unit: Unit, page: PageLike, order: int, features: tuple[Feature, ...]) -> list[_Hit]:
    if not names_in(unit.text) and not any(names_in(h) for h in unit.header):
        return []
    weight = KIND_WEIGHT[unit.kind] - (1 if page.weak else 0)
    date = page.date or ""
    out: list[_Hit] = []
    if weight <= 0 or (unit.kind != "heading" and OTHERS_HEADING.search(unit.heading)):
        return []
    planned_here = unit.kind != "heading" and bool(PLANNED_HEADING.search(unit.heading))
    if unit.kind == "row":
        for feature, said, text, at in _row_hits(unit, features):
            said = PLANNED if planned_here else said
            out.append(_Hit(feature, said, weight, False, quote(text, at), page.url, date, order, page.weak,
                            quality(text)))
        return out
    found = names_in(unit.text)
    naming = [(f, found[f.key]) for f in features if f.key in found
              and (unit.kind == "code" or not only_in_identifiers(f.key, unit.text))
              and not only_as_baseline(f.key, unit.text)]
    if not naming:
        return []
    said = polarity(unit.text, several=len(naming) > 1)
    if said is None:
        return []
    if planned_here:
        said = PLANNED
    removal = said == DENIED and bool(REMOVED.search(unit.text))
    how_well = quality(unit.text)
    for feature, at in naming:
        out.append(_Hit(feature, said, weight, removal, quote(unit.text, at), page.url, date, order,
                        page.weak, how_well))
    return out


def _row_hits(unit: Unit, features: tuple[Feature, ...]) -> list[tuple[Feature, str, str, int]]:
    """What one table row says: through the columns it has marks in, and about the feature its first cell names."""
    out: list[tuple[Feature, str, str, int]] = []
    cells = unit.cells
    header = unit.header
    label = cells[0] if cells else ""
    marks = [cell_mark(c) for c in cells]
    seen: set[str] = set()
    for j, head in enumerate(header[1:len(cells)], start=1):
        mark = marks[j]
        if mark != STATED:  # a ❌ under a column speaks of the row's subject there, not of the column
            continue
        for f in features:
            if f.key not in seen and f.key in names_in(head):
                seen.add(f.key)
                text = f"{header[0]}: {label}; {head}: {cells[j]}" if header and header[0] else f"{label}; {head}: {cells[j]}"
                out.append((f, mark, text, 0))
    row_marks = [m for m in marks[1:] if m is not None]
    for f in features:
        if f.key in seen:
            continue
        in_label = f.key in names_in(label) and not only_in_identifiers(f.key, label)
        if not in_label and (f.key not in names_in(unit.text) or only_in_identifiers(f.key, unit.text)):
            continue
        if in_label and row_marks:
            said = STATED if STATED in row_marks else (PLANNED if PLANNED in row_marks else DENIED)
            cols = [f"{h}: {c}" for h, c in zip(header[1:], cells[1:]) if c]
            text = f"{label} | " + " | ".join(cols)
            out.append((f, said, text, 0))
        else:
            said = polarity(unit.text, several=False)
            if said is not None:
                out.append((f, said, unit.text, names_in(unit.text).get(f.key, 0)))
    return out


def _decide(feature: Feature, hits: list[_Hit]) -> Mark:
    if not hits:
        return Mark(feature.group, feature.column, None)
    removals = [h for h in hits if h.removal]
    pool = removals or hits
    best = max(pool, key=_Hit.rank)
    return Mark(feature.group, feature.column, 1 if best.polarity == STATED else 0, best.quote, best.url,
                best.date or None, best.polarity, best.weak)


def _hosted(marks: dict[str, Mark], features: tuple[Feature, ...]) -> None:
    """A service known only from its vendor's pages that states it is hosted (Web/API): it
    does not run on the reader's machine, so the local platforms are marked not supported,
    quoting the page that says it is hosted."""
    web = marks.get("hardware:Web/API")
    if web is None or web.supported != 1:
        return
    for f in features:
        if f.key in LOCAL_PLATFORMS and marks[f.key].supported is None:
            marks[f.key] = Mark(f.group, f.column, 0, web.evidence, web.url, web.date, EXCLUDED, web.weak)


def summary(marks: dict[str, Mark]) -> dict[str, int]:
    """Counts of supported, not supported and unknown marks."""
    out = {"supported": 0, "not_supported": 0, "unknown": 0}
    for m in marks.values():
        out["unknown" if m.supported is None else ("supported" if m.supported else "not_supported")] += 1
    return out


def as_row(mark: Mark) -> dict[str, Any]:
    return {"grp": mark.group, "feature": mark.feature, "supported": mark.supported, "evidence": mark.evidence,
            "url": mark.url, "date": mark.date, "basis": mark.basis, "weak": int(mark.weak)}
