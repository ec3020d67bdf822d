"""What an engine's documentation enumerates: the lists, tables and sentences that say what
the engine supports in one block of the matrix (operating systems, CPU architectures,
accelerators, precisions, optimizations), so that a column of the block no page names can be
marked not supported, quoting the enumeration. The rules are described in
:mod:`classifier.features`; this module finds the enumerations and picks, for each
unnamed column, the one that speaks for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from catalogue.features import BY_GROUP, Feature, compiled
from classifier.docs_text import Unit, quote
from classifier.feature_text import (FEATURES_HEADING, OPEN_LIST, OTHERS_HEADING, PLANNED_HEADING, STATED,
                                     SUPPORT_WORDS, PageLike, cell_mark, names_in, only_in_identifiers, polarity)

# the group of each scope (which cue words mark an enumeration)
SCOPE_GROUP = {"os": "hardware", "cpu": "hardware", "accelerator": "hardware", "precision": "precision",
               "optimization": "optimization"}
# which block of columns one enumeration speaks for
SCOPE = {"os": "os", "cpu": "cpu", "gpu": "accelerator",
         "float": "precision", "integer": "precision", "microscaling": "precision",
         "batching": "optimization", "parallelism": "optimization", "compression": "optimization",
         "caching": "optimization", "attention": "optimization", "decoding": "optimization"}
NATIVE_PRECISIONS = frozenset({"precision:FP32", "precision:FP16", "precision:BF16"})
MIN_FEATURES_LIST = 3       # optimizations a features list must name to enumerate them
MIN_FEATURES_SENTENCE = 4   # ... and a single sentence
# "only", but not the "weight-only" of a quantization scheme nor "read-only"
_ONLY = r"(?<!weight[- ])(?<!weights[- ])(?<!read[- ])(?<!header[- ])(?<!activation[- ])\bonly\b"
_CUES = {
    "hardware": re.compile(
        _ONLY + r"|\brequire[sd]?\b|\brequirements?\b|\bprerequisites?\b|\bsupported\s+(?:platforms?|hardware|"
        r"devices?|gpus?|accelerators?|os|operating\s+systems?|architectures?|backends?)\b|\bsupport\s+matrix\b"
        r"|\btested\s+on\b|\bruns?\s+on\b|\bplatforms?\b"
        r"|^(?:supported\s+)?(?:(?-i:OS)|operating\s+systems?)\s*:", re.IGNORECASE),
    "precision": re.compile(
        _ONLY + r"|\bsupported\s+(?:data\s*types?|dtypes?|precisions?|formats?|quantization\s+(?:methods?|formats?|"
        r"types?|schemes?))\b|\bsupport\s+matrix\b|\bdata\s+types\b|\bdtypes\b|\bprecisions\b"
        r"|\bprecision\s*(?::|support|formats?|modes?)|^(?:supported\s+)?(?:dtypes?|data\s*types?)\s*:",
        re.IGNORECASE),
    "optimization": re.compile(r"(?!)"),
}
# a heading over units that list what is supported ("System requirements", "Supported data types")
_HEADING_CUES = {
    "hardware": re.compile(r"\brequirements?\b|\bprerequisites?\b|\bsupported\s+(?:platforms?|hardware|devices?|gpus?|"
                           r"accelerators?|operating\s+systems?|architectures?|backends?)\b|\bsupport\s+matrix\b"
                           r"|\bhardware\s+support\b|\bcompatibility\b|\bplatform\s+support\b"
                           r"|^\s*(?:supported\s+)?platforms?(?:\s+support)?\s*(?:/|$)", re.IGNORECASE),
    "precision": re.compile(r"\bsupported\s+(?:data\s*types?|dtypes?|precisions?|(?:quantization\s+)?"
                            r"(?:methods?|formats?|types?|schemes?))\b|\bsupport\s+matrix\b|\bdata\s*types\b|\bdtypes\b"
                            r"|\bprecisions\b|\bquantization\s+(?:types|formats|methods|schemes)\b", re.IGNORECASE),
    "optimization": re.compile(r"(?!)"),
}
# "Quantizations: AWQ, GPTQ, INT8" - a label and a colon, then the list
_LABELLED = re.compile(r"^[\w /&()-]{2,40}:\s+\S")
# a list's lead-in that announces what the list enumerates
_FOLLOWING = re.compile(r"\b(?:supports?|supported|runs?\s+on|provides?|offers?|features?|includes?|tested|verified|"
                        r"validated)\b[^:]{0,60}"
                        r"\bthe\s+following\b", re.IGNORECASE)
_LEAD_CUES = {
    "hardware": re.compile(r"\bsupported\s+(?:platforms?|hardware|devices?|gpus?|accelerators?|os|operating\s+systems?|"
                           r"architectures?|backends?)\b|\brequirements?\b|\bprerequisites?\b|\bruns?\s+on\b",
                           re.IGNORECASE),
    "precision": re.compile(r"\bsupported\s+(?:data\s*types?|dtypes?|precisions?|(?:number\s+|numeric\s+)?formats?|"
                            r"quantization\s+(?:methods?|formats?|types?|schemes?))\b", re.IGNORECASE),
    "optimization": re.compile(r"\b(?:key\s+)?features?\b|\bhighlights?\b|\bcapabilities\b|\boptimi[sz]ations\b"
                               r"|\b(?:is|are)\b[^:]{0,40}\bwith\s*:$", re.IGNORECASE),
}
# a page that says its own list is not the whole of it ("a list of all supported hardware can be found on ...")
POINTS_ELSEWHERE = re.compile(
    r"\b(?:full|complete|whole|up-to-date|all)\b[^.]{0,40}\b(?:list|set|matrix)\b[^.]{0,60}\b(?:can\s+be\s+found|"
    r"is\s+available|see|refer)\b|\b(?:list|set)\s+of\s+all\s+supported\b|\bhardware\s+plugins?\b",
    re.IGNORECASE)


@dataclass
class Enumeration:
    scope: str
    count: int
    cue: bool
    quote: str
    url: str
    date: str
    order: int
    kinds: frozenset[str] = frozenset()   # the precision kinds it speaks for (empty: the whole scope)


def optimization_lists(page_units: list[Unit], about_other: set[int]) -> list[tuple[int, str]]:
    """Where the engine enumerates its optimizations, as (how many it names, quote): the list
    items or table rows under a features heading ("Features", "Highlights"...) that together
    name at least :data:`MIN_FEATURES_LIST`, and sentences or items that name
    :data:`MIN_FEATURES_SENTENCE` separate things with a support word ("supports", "provides"...),
    not about another engine."""
    optim = BY_GROUP["optimization"]
    out: list[tuple[int, str]] = []

    def count_named(members: list[Unit]) -> int:
        return len({f.key for u in members for f in optim if f.key in names_in(u.text)})

    blocks: dict[str, list[Unit]] = {}
    for u in page_units:
        if u.kind in ("item", "row") and u.heading and FEATURES_HEADING.search(u.heading) \
                and polarity(u.text, several=True) is not None:
            blocks.setdefault(u.heading, []).append(u)
    for heading, members in blocks.items():
        n = count_named(members)
        if n >= MIN_FEATURES_LIST:
            shown = heading + ": " + "; ".join(u.text for u in members if names_in(u.text))
            out.append((n, quote(shown)))
    for u in page_units:
        if u.kind in ("sentence", "item") and id(u) not in about_other and SUPPORT_WORDS.search(u.text) \
                and polarity(u.text, several=True) == STATED and not OTHERS_HEADING.search(u.heading) \
                and not PLANNED_HEADING.search(u.heading) and not OPEN_LIST.search(u.text):
            if things_named(u.text, optim) >= MIN_FEATURES_SENTENCE:
                out.append((count_named([u]), quote(u.text)))
    return out


def things_named(text: str, features: Iterable[Feature]) -> int:
    """How many separate things ``text`` names among ``features``: mentions that overlap count once
    ("blocked KV cache" names KV caching and paged attention, but is one thing)."""
    spans = sorted(m.span() for f in features for m in compiled(f.key).finditer(text))
    count, end = 0, -1
    for start, stop in spans:
        if start >= end:
            count += 1
        end = max(end, stop)
    return count


def lead_lists(page_units: list[Unit], page: PageLike, order: int,
                features: tuple[Feature, ...]) -> list[Enumeration]:
    """A list announced by a lead-in that says what it enumerates ("vLLM supports the following
    hardware platforms:", "Supported data types:"), read as one enumeration: per block, the
    features its items name together (a list of optimizations must name at least
    :data:`MIN_FEATURES_LIST`)."""
    lists: dict[str, list[Unit]] = {}
    for u in page_units:
        if u.kind == "item" and u.lead and not OTHERS_HEADING.search(u.heading) \
                and not PLANNED_HEADING.search(u.heading):
            lists.setdefault(u.lead, []).append(u)
    out = []
    for lead, items in lists.items():
        if OPEN_LIST.search(lead) or polarity(lead, several=True) != STATED:
            continue
        found: dict[str, set[str]] = {}
        for u in items:
            if polarity(u.text, several=True) is None:
                continue
            for f in features:
                if f.key in names_in(u.text) and not only_in_identifiers(f.key, u.text):
                    found.setdefault(SCOPE[f.part], set()).add(f.key)
        for scope, keys in found.items():
            cue_re = _LEAD_CUES.get(SCOPE_GROUP[scope])
            if not (cue_re.search(lead) or _FOLLOWING.search(lead)):
                continue
            if scope == "optimization" and len(keys) < MIN_FEATURES_LIST:
                continue
            shown = lead + " " + "; ".join(u.text for u in items if any(k in names_in(u.text) for k in keys))
            out.append(Enumeration(scope, len(keys), True, quote(shown), page.url, page.date or "", order))
    return out


def tables(page_units: list[Unit], page: PageLike, order: int,
            features: tuple[Feature, ...], title: str = "") -> list[Enumeration]:
    """A table whose rows name hardware or precisions in their first cell (a table of quantization
    types, of supported GPUs), read as one enumeration per block: what its rows name together."""
    tables: dict[int, list[Unit]] = {}
    for u in page_units:
        if u.kind == "row" and u.cells and not OTHERS_HEADING.search(u.heading) \
                and not PLANNED_HEADING.search(u.heading):
            tables.setdefault(id(u.header), []).append(u)
    out = []
    for rows in tables.values():
        head = rows[0].header
        found: dict[str, set[str]] = {}
        for u in rows:
            label = u.cells[0]
            if cell_mark(label) is not None or polarity(label, several=True) != STATED:
                continue
            for f in features:
                if SCOPE[f.part] != "optimization" and f.key in names_in(label):
                    found.setdefault(SCOPE[f.part], set()).add(f.key)
        for scope, keys in found.items():
            if len(keys) < 2:
                continue
            cue_re = _CUES[SCOPE_GROUP[scope]]
            cue = bool(cue_re.search(" | ".join(head))
                       or _HEADING_CUES[SCOPE_GROUP[scope]].search(rows[0].heading + " / " + title))
            kinds = _speaks_for(scope, cue, " | ".join(head) + " " + rows[0].heading, keys)
            shown = (rows[0].heading + ": " if rows[0].heading else "") + " | ".join(head) + ": " + \
                "; ".join(u.cells[0] for u in rows if u.cells[0])
            out.append(Enumeration(scope, len(keys), cue, quote(shown), page.url, page.date or "", order, kinds))
    return out


def page_title(page_units: list[Unit], path: str) -> str:
    """What a page says it is about: its first heading, a front-matter title, and its file name
    ("support-matrix.md" reads "support matrix")."""
    first = next((u.text for u in page_units[:5] if u.kind == "heading"
                  or u.text.casefold().startswith("title:")), "")
    stem = re.sub(r"[-_.]+", " ", path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"{first.removeprefix('title:').strip()} / {stem}"


def unit_enumerations(unit: Unit, page: PageLike, order: int, features: tuple[Feature, ...],
                  title: str = "") -> list[Enumeration]:
    """What one unit enumerates of the hardware and precision columns (one entry per scope)."""
    # a row speaks with its header only where its cells are marks (a support matrix), not figures
    marked = unit.kind == "row" and any(cell_mark(c) is not None for c in unit.cells[1:])
    text = " | ".join(unit.header) + " || " + unit.text if marked else unit.text
    if unit.kind in ("link", "code", "heading") or OTHERS_HEADING.search(unit.heading) \
            or PLANNED_HEADING.search(unit.heading) or not names_in(text):
        return []
    if unit.kind != "row" and (polarity(unit.text, several=True) is None or OPEN_LIST.search(unit.text)):
        return []
    found: dict[str, int] = {}
    kinds: dict[str, set[str]] = {}
    for f in features:
        scope = SCOPE[f.part]
        if scope != "optimization" and f.key in names_in(text):
            found[scope] = found.get(scope, 0) + 1
            kinds.setdefault(scope, set()).add(precision_kind(f.key))
    out = []
    for scope, count in found.items():
        cue_re = _CUES[SCOPE_GROUP[scope]]
        cue = bool(cue_re.search(text) or _HEADING_CUES[SCOPE_GROUP[scope]].search(unit.heading + " / " + title))
        # without a cue, two columns named make an enumeration only where the unit says they are
        # there ("runs on Linux and macOS"), lists them ("Quantizations: AWQ, INT8, FP8") or is a table row
        listed = unit.kind == "row" or bool(SUPPORT_WORDS.search(unit.text) or _LABELLED.match(unit.text))
        if (count >= 2 and listed) or cue:
            shown = f"{' | '.join(unit.header)}: {unit.text}" if marked else unit.text
            # a bare list of quantized formats says nothing of the native types, and the other way round;
            # one that calls itself the supported data types speaks for all of them
            speaks = _speaks_for(scope, cue, text + " " + unit.heading, kinds[scope], keys=False)
            out.append(Enumeration(scope, count, cue, quote(shown), page.url, page.date or "", order, speaks))
    return out


_QUANT_CUE = re.compile(r"\bquanti[sz]ation\s+(?:types?|formats?|methods?|schemes?|levels?)\b|\bquantizations?\s*:",
                        re.IGNORECASE)


def _speaks_for(scope: str, cue: bool, text: str, named: Iterable[str], keys: bool = True) -> frozenset[str]:
    """The precision kinds an enumeration speaks for: all of them (empty set) when it calls itself
    the supported data types; the quantized formats when it calls itself quantization types; else
    the kinds of the formats it names."""
    if scope != "precision":
        return frozenset()
    if cue and not _QUANT_CUE.search(text):
        return frozenset()
    if cue:
        return frozenset({"quantized"})
    return frozenset(precision_kind(k) for k in named) if keys else frozenset(named)


def precision_kind(key: str) -> str:
    """``native`` for the floating-point types a model is computed in (FP32, FP16, BF16), ``quantized``
    for the other formats; empty for features that are not precisions."""
    if not key.startswith("precision:"):
        return ""
    return "native" if key in NATIVE_PRECISIONS else "quantized"


def page_enumerations(page_units: list[Unit], page: PageLike, first: int, features: tuple[Feature, ...],
                      about_other: set[int]) -> list[Enumeration]:
    """Every enumeration of one page (``first``: the order of the unit before its first), none
    when the page says its list is not the whole of it."""
    if any(POINTS_ELSEWHERE.search(u.text) for u in page_units):
        return []
    title = page_title(page_units, page.path)
    date = page.date or ""
    out: list[Enumeration] = []
    for i, unit in enumerate(page_units, first + 1):
        out.extend(unit_enumerations(unit, page, i, features, title))
    last = first + len(page_units)
    out.extend(Enumeration("optimization", n, True, q, page.url, date, last)
               for n, q in optimization_lists(page_units, about_other))
    out.extend(lead_lists(page_units, page, last, features))
    out.extend(tables(page_units, page, last, features, title))
    return out


def exclusions(features: tuple[Feature, ...], enums: list[Enumeration], unnamed: set[str]) -> dict[str, Enumeration]:
    """For each feature key in ``unnamed`` (no unit names it, no mark decided), the enumeration
    that speaks for its block, if any: the one with a cue, then naming the most, then the first."""
    best: dict[tuple[str, str], Enumeration] = {}
    for e in enums:
        for kind in (e.kinds or {"native", "quantized", ""}):
            old = best.get((e.scope, kind))
            if old is None or (e.cue, e.count, -e.order) > (old.cue, old.count, -old.order):
                best[(e.scope, kind)] = e
    out = {}
    for f in features:
        e = best.get((SCOPE[f.part], precision_kind(f.key)))
        if f.key in unnamed and e is not None:
            out[f.key] = e
    return out
