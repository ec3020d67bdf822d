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
from typing import Any, Iterable, Protocol

from catalogue.features import BY_GROUP, FEATURES, Feature, compiled
from classifier.docs_text import Unit, quote, units

STATED, DENIED, PLANNED, EXCLUDED = "stated", "denied", "planned", "excluded"
EXTRACTOR_VERSION = "2"  # bump when the rules change, so unchanged repositories are read again
KIND_WEIGHT = {"sentence": 3, "item": 3, "row": 3, "heading": 2, "code": 1, "link": 0}
# the group of each scope (which cue words mark an enumeration)
SCOPE_GROUP = {"os": "hardware", "cpu": "hardware", "accelerator": "hardware", "precision": "precision",
               "optimization": "optimization"}
# which block of columns one enumeration speaks for
SCOPE = {"os": "os", "cpu": "cpu", "gpu": "accelerator",
         "float": "precision", "integer": "precision", "microscaling": "precision",
         "batching": "optimization", "parallelism": "optimization", "compression": "optimization",
         "caching": "optimization", "attention": "optimization", "decoding": "optimization"}
NATIVE_PRECISIONS = frozenset({"precision:FP32", "precision:FP16", "precision:BF16"})
LOCAL_PLATFORMS = frozenset({"hardware:Linux", "hardware:Windows", "hardware:macOS", "hardware:x86-64",
                             "hardware:ARM64/Apple Silicon", "hardware:Mobile / Edge"})
MIN_FEATURES_LIST = 3       # optimizations a features list must name to enumerate them
MIN_FEATURES_SENTENCE = 4   # ... and a single sentence

_YES = re.compile(r"^(?:✅|✔️?|✓|☑️?|🟢|yes|y|supported|\(?x\)?)(?:\s|\*|\(|$)", re.IGNORECASE)
_NO = re.compile(r"^(?:❌|✗|✘|✖️?|🔴|⛔|no|n|not supported|unsupported)(?:\s|\*|\(|$)", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:is|are|was|were)\s+not\s+(?:yet\s+|currently\s+|officially\s+)?(?:supported|available|compatible)\b"
    r"|\b(?:isn't|aren't|wasn't|weren't)\s+(?:yet\s+|currently\s+)?(?:supported|available|compatible)\b"
    r"|\bnot\s+(?:yet\s+)?supported\b|\bunsupported\b|\bincompatible\b"
    r"|\b(?:does|do|did)\s*(?:n't|\s+not)\s+(?:yet\s+|currently\s+)?(?:support|run|work)\b"
    r"|\b(?:cannot|can't|can\s+not)\s+(?:be\s+)?(?:run|use|used|support)\b"
    r"|\bno\s+(?:native\s+|official\s+)?support\s+for\b|\blacks?\s+support\b|\bnot\s+available\b",
    re.IGNORECASE)
_SCOPED = re.compile(
    r"(?:not\s+(?:yet\s+)?supported|unsupported|not\s+available|incompatible|(?:does|do)\s*(?:n't|\s+not)\s+support)"
    r"\s+(?:with|on|for|in|by|when|if|under|together|alongside|across|combined|in\s+combination)\b"
    r"|\b(?:with|when\s+using|combined\s+with|together\s+with)\b[^.;]{0,60}\b(?:not\s+supported|unsupported)\b",
    re.IGNORECASE)
_REMOVED = re.compile(r"\bno\s+longer\s+(?:supported|available)\b|\bsupport\s+(?:has\s+been|was|is)\s+"
                      r"(?:removed|dropped|discontinued)\b|\bdropped\s+support\b", re.IGNORECASE)
_PLANNED = re.compile(
    r"\bcoming\s+soon\b|\bplanned\b|\bon\s+(?:the|our)\s+roadmap\b|\bnot\s+yet\b|\bwill\s+(?:be\s+)?(?:support|add)"
    r"|\bin\s+the\s+future\b|\bwork\s+in\s+progress\b|\bupcoming\b|\b(?:todo|tbd|wip)\b|^\s*\[\s\]"
    r"|\b(?:start|begin)\s+adding\b|\bplan(?:s|ning)?\s+to\s+(?:add|support)\b|\bwould\s+like\s+to\s+add\b",
    re.IGNORECASE)
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
                           r"|\bhardware\s+support\b|\bcompatibility\b|^\s*(?:supported\s+)?platforms?(?:\s+support)?\s*(?:/|$)"
                           r"|\bplatform\s+support\b", re.IGNORECASE),
    "precision": re.compile(r"\bsupported\s+(?:data\s*types?|dtypes?|precisions?|(?:quantization\s+)?(?:methods?|formats?|"
                            r"types?|schemes?))\b|\bsupport\s+matrix\b|\bdata\s*types\b|\bdtypes\b|\bprecisions\b"
                            r"|\bquantization\s+(?:types|formats|methods|schemes)\b", re.IGNORECASE),
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
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:full|complete|whole|up-to-date|all)\b[^.]{0,40}\b(?:list|set|matrix)\b[^.]{0,60}\b(?:can\s+be\s+found|"
    r"is\s+available|see|refer)\b|\b(?:list|set)\s+of\s+all\s+supported\b|\bhardware\s+plugins?\b",
    re.IGNORECASE)
# headings over units that speak of what is not there yet, or of other projects
_PLANNED_HEADING = re.compile(r"\btodos?\b|\broadmap\b|\bwish ?list\b|\bfuture\s+(?:work|plans?)\b|\bplanned\b"
                              r"|\bcoming\s+soon\b|\bupcoming\b", re.IGNORECASE)
_OTHERS_HEADING = re.compile(r"\bforks?\b|\bintegrations?\b|\becosystem\b|\brelated\s+(?:projects?|work)\b"
                             r"|\bpublications?\b|\bpapers?\b"
                             r"|\backnowledg|\bcitations?\b|\breferences?\b|\bbuilt\s+with\b|\bprojects\s+using\b"
                             r"|\bwho\s+uses\b|\bbindings\b|\bports?\b|\balternatives\b|\bcommunity\s+projects?\b"
                             r"|\bthird[- ]party\b|\bsee\s+also\b|\bciting\b", re.IGNORECASE)
_FEATURES_HEADING = re.compile(r"\b(?:key\s+)?features?\b|\bhighlights?\b|\bcapabilities\b|\bwhat'?s\s+supported\b"
                               r"|\bfeature\s+(?:matrix|support)\b|\bsupport\s+matrix\b", re.IGNORECASE)
_SUPPORT_WORDS = re.compile(r"\bsupport(?:s|ed|ing)?\b|\bruns?\b|\benabled?\b|\bavailable\b|\bcompatible\b|"
                            r"\bworks?\b|\bbuilt[- ]in\b|\bprovides?\b|\boffers?\b", re.IGNORECASE)
# a sentence about how things were done before (other systems, history)
_HISTORY = re.compile(r"^(?:in\s+the\s+past|previously|traditionally|historically|prior\s+(?:work|systems|to)|"
                      r"existing\s+(?:systems|frameworks))\b", re.IGNORECASE)
# an enumeration that says it is not complete: it names examples, not all there is
_OPEN_LIST = re.compile(r"\bsuch\s+as\b|(?<!would\s)(?<!'d\s)\blike\b|\be\.\s?g\.|\bfor\s+(?:example|instance)\b"
                        r"|\bincluding\b|\betc\b|\band\s+(?:many\s+)?(?:more|others|so\s+on)\b|\bamong\s+others\b"
                        r"|\bor\s+(?:more|other)\b|\band\s+other\b", re.IGNORECASE)
_NEWS = re.compile(r"^\W*\[?20\d\d[/-]\d\d(?:[/-]\d\d)?\]?")


@lru_cache(maxsize=65536)
def _named(text: str) -> dict[str, int]:
    """Every feature ``text`` names, with where the first mention starts (memoised: the
    same text is asked about by several rules)."""
    out = {}
    for f in FEATURES:
        m = compiled(f.key).search(text)
        if m:
            out[f.key] = m.start()
    return out


class PageLike(Protocol):
    path: str
    url: str
    text: str
    date: str | None
    weak: bool


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


@dataclass
class _Enumeration:
    scope: str
    count: int
    cue: bool
    quote: str
    url: str
    date: str
    order: int
    kinds: frozenset[str] = frozenset()   # the precision kinds it speaks for (empty: the whole scope)


def extract(pages: Iterable[PageLike], features: tuple[Feature, ...] = FEATURES,
            others: Iterable[str] = (), own: Iterable[str] = ()) -> dict[str, Mark]:
    """A mark for every feature (keyed ``group:column``), decided as the module says.

    ``others`` are names of other engines: a unit that names one of them and
    none of ``own`` (the engine's own names) is likely about that other engine
    (a comparison, a history) and weighs as little as a code line."""
    hits: dict[str, list[_Hit]] = {f.key: [] for f in features}
    enums: list[_Enumeration] = []
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
        title = page_title(page_units, page.path)
        others_here: set[int] = set()
        for unit in page_units:
            order += 1
            history = bool(_HISTORY.match(unit.text))
            about_other = history or (
                other_re is not None and other_re.search(unit.text) is not None
                and (own_re is None or own_re.search(unit.text) is None))
            if about_other:
                others_here.add(id(unit))
            mentioned.update(_named(unit.text))
            for head in unit.header:
                mentioned.update(_named(head))
            for hit in ([] if history else _unit_hits(unit, page, order, features)):
                if about_other:
                    hit.weight = min(hit.weight, KIND_WEIGHT["code"])
                hits[hit.feature.key].append(hit)
            if not page.weak:
                enums.extend(_enumerations(unit, page, order, features, title))
        if not page.weak:
            enums.extend(_Enumeration("optimization", n, True, q, page.url, page.date or "", order)
                         for n, q in _optimization_lists(page_units, others_here))
            enums.extend(_lead_lists(page_units, page, order, features))
            enums.extend(_tables(page_units, page, order, features, title))
            if any(_POINTS_ELSEWHERE.search(u.text) for u in page_units):
                enums = [e for e in enums if e.url != page.url]
    marks = {f.key: _decide(f, hits[f.key]) for f in features}
    _exclude(marks, features, enums, mentioned)
    if pages_seen and all(p.weak for p in pages_seen):
        _hosted(marks, features)
    return marks


def _page_of_another(page: PageLike, other_re: re.Pattern[str] | None, own_re: re.Pattern[str] | None) -> bool:
    """A page other than the root README that names another engine and never this one documents
    that engine - an upstream's pages carried along by a fork, a comparison - not this one."""
    if other_re is None or own_re is None or page.path.casefold() == "readme.md":
        return False
    return other_re.search(page.text) is not None and own_re.search(page.text) is None


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


_TOKEN_EDGE = re.compile(r"[\s|,;()\[\]<>`'\"]")
IDENTIFIER_SLACK = 12   # characters an identifier may have around a feature name and still read as naming it


def _only_in_identifiers(key: str, text: str) -> bool:
    """Whether every mention of the feature sits inside a longer identifier - a model or
    file name, a flag value ("zephyr-sft-bnb-4bit-DPO.jinja", "orca-mini:3b-q8_0") - which
    names a thing that has the feature, not the engine's support of it."""
    for m in compiled(key).finditer(text):
        start, end = m.start(), m.end()
        while start > 0 and not _TOKEN_EDGE.match(text[start - 1]):
            start -= 1
        while end < len(text) and not _TOKEN_EDGE.match(text[end]):
            end += 1
        token = text[start:end].rstrip(".:!?")
        if len(token) - len(m.group(0)) <= IDENTIFIER_SLACK or not re.search(r"[-_./:]", token):
            return False
    return True


# what comes just before a mention that names the feature only as a point of comparison or as
# something else's ("2-4x speedup over BF16", "less memory than FP16", "instead of converting BF16",
# "mentions MXFP4 as an industry format"): it says nothing of the engine's support
_BASELINE_BEFORE = re.compile(
    r"(?:\b(?:speed-?ups?|faster|slower|improvements?|gains?|better|worse|reductions?|higher|lower)\s+(?:\S+\s+){0,2}"
    r"(?:over|vs\.?|versus)|\bthan|\bvs\.?|\bversus|\bcompared\s+(?:to|with)|\brelative\s+to|\binstead\s+of"
    r"(?:\s+\w+){0,2}|\brather\s+than|\bunlike|\bmentions?|\bmentioning)\s+(?:the\s+|an?\s+)?[\w-]*\W{0,2}$",
    re.IGNORECASE)


def _only_as_baseline(key: str, text: str) -> bool:
    """Whether every mention of the feature in ``text`` is a point of comparison or a mere mention."""
    found = False
    for m in compiled(key).finditer(text):
        found = True
        if not _BASELINE_BEFORE.search(text[max(0, m.start() - 60):m.start()]):
            return False
    return found


def _quality(text: str) -> int:
    return (1 if _SUPPORT_WORDS.search(text) else 0) - (2 if _NEWS.match(text) else 0)


# --- one unit ----------------------------------------------------------------------------

def _unit_hits(unit: Unit, page: PageLike, order: int, features: tuple[Feature, ...]) -> list[_Hit]:
    if not _named(unit.text) and not any(_named(h) for h in unit.header):
        return []
    weight = KIND_WEIGHT[unit.kind] - (1 if page.weak else 0)
    date = page.date or ""
    out: list[_Hit] = []
    if weight <= 0 or (unit.kind != "heading" and _OTHERS_HEADING.search(unit.heading)):
        return []
    planned_here = unit.kind != "heading" and bool(_PLANNED_HEADING.search(unit.heading))
    if unit.kind == "row":
        for feature, polarity, text, at in _row_hits(unit, features):
            polarity = PLANNED if planned_here else polarity
            out.append(_Hit(feature, polarity, weight, False, quote(text, at), page.url, date, order, page.weak,
                            _quality(text)))
        return out
    found = _named(unit.text)
    named = [(f, found[f.key]) for f in features if f.key in found
             and (unit.kind == "code" or not _only_in_identifiers(f.key, unit.text))
             and not _only_as_baseline(f.key, unit.text)]
    if not named:
        return []
    polarity = _polarity(unit.text, several=len(named) > 1)
    if polarity is None:
        return []
    if planned_here:
        polarity = PLANNED
    removal = polarity == DENIED and bool(_REMOVED.search(unit.text))
    quality = _quality(unit.text)
    for feature, at in named:
        out.append(_Hit(feature, polarity, weight, removal, quote(unit.text, at), page.url, date, order,
                        page.weak, quality))
    return out


def _polarity(text: str, several: bool) -> str | None:
    """stated, denied or planned; None when the unit's negation is scoped or ambiguous."""
    if _REMOVED.search(text):
        return None if several else DENIED
    if _PLANNED.search(text):
        return None if several else PLANNED
    if _NEGATION.search(text):
        if several or _SCOPED.search(text):
            return None
        return DENIED
    return STATED


def _cell_mark(cell: str) -> str | None:
    cell = cell.strip()
    if _YES.match(cell):
        return STATED
    if _NO.match(cell):
        return DENIED
    if _PLANNED.search(cell):
        return PLANNED
    return None


def _row_hits(unit: Unit, features: tuple[Feature, ...]) -> list[tuple[Feature, str, str, int]]:
    """What one table row says: through the columns it has marks in, and about the feature its first cell names."""
    out: list[tuple[Feature, str, str, int]] = []
    cells = unit.cells
    header = unit.header
    label = cells[0] if cells else ""
    marks = [_cell_mark(c) for c in cells]
    seen: set[str] = set()
    for j, head in enumerate(header[1:len(cells)], start=1):
        mark = marks[j]
        if mark != STATED:  # a ❌ under a column speaks of the row's subject there, not of the column
            continue
        for f in features:
            if f.key not in seen and f.key in _named(head):
                seen.add(f.key)
                text = f"{header[0]}: {label}; {head}: {cells[j]}" if header and header[0] else f"{label}; {head}: {cells[j]}"
                out.append((f, mark, text, 0))
    row_marks = [m for m in marks[1:] if m is not None]
    for f in features:
        if f.key in seen:
            continue
        in_label = f.key in _named(label) and not _only_in_identifiers(f.key, label)
        if not in_label and (f.key not in _named(unit.text) or _only_in_identifiers(f.key, unit.text)):
            continue
        if in_label and row_marks:
            polarity = STATED if STATED in row_marks else (PLANNED if PLANNED in row_marks else DENIED)
            cols = [f"{h}: {c}" for h, c in zip(header[1:], cells[1:]) if c]
            text = f"{label} | " + " | ".join(cols)
            out.append((f, polarity, text, 0))
        else:
            polarity = _polarity(unit.text, several=False)
            if polarity is not None:
                out.append((f, polarity, unit.text, _named(unit.text).get(f.key, 0)))
    return out


# --- enumerations ---------------------------------------------------------------------------

def _optimization_lists(page_units: list[Unit], about_other: set[int]) -> list[tuple[int, str]]:
    """Where the engine enumerates its optimizations, as (how many it names, quote): the list
    items or table rows under a features heading ("Features", "Highlights"...) that together
    name at least :data:`MIN_FEATURES_LIST`, and sentences or items that name
    :data:`MIN_FEATURES_SENTENCE` separate things with a support word ("supports", "provides"...),
    not about another engine."""
    optim = BY_GROUP["optimization"]
    out: list[tuple[int, str]] = []

    def named(members: list[Unit]) -> int:
        return len({f.key for u in members for f in optim if f.key in _named(u.text)})

    blocks: dict[str, list[Unit]] = {}
    for u in page_units:
        if u.kind in ("item", "row") and u.heading and _FEATURES_HEADING.search(u.heading) \
                and _polarity(u.text, several=True) is not None:
            blocks.setdefault(u.heading, []).append(u)
    for heading, members in blocks.items():
        n = named(members)
        if n >= MIN_FEATURES_LIST:
            shown = heading + ": " + "; ".join(u.text for u in members if _named(u.text))
            out.append((n, quote(shown)))
    for u in page_units:
        if u.kind in ("sentence", "item") and id(u) not in about_other and _SUPPORT_WORDS.search(u.text) \
                and _polarity(u.text, several=True) == STATED and not _OTHERS_HEADING.search(u.heading) \
                and not _PLANNED_HEADING.search(u.heading) and not _OPEN_LIST.search(u.text):
            if _things_named(u.text, optim) >= MIN_FEATURES_SENTENCE:
                out.append((named([u]), quote(u.text)))
    return out


def _things_named(text: str, features: Iterable[Feature]) -> int:
    """How many separate things ``text`` names among ``features``: mentions that overlap count once
    ("blocked KV cache" names KV caching and paged attention, but is one thing)."""
    spans = sorted(m.span() for f in features for m in compiled(f.key).finditer(text))
    count, end = 0, -1
    for start, stop in spans:
        if start >= end:
            count += 1
        end = max(end, stop)
    return count


def _lead_lists(page_units: list[Unit], page: PageLike, order: int,
                features: tuple[Feature, ...]) -> list[_Enumeration]:
    """A list announced by a lead-in that says what it enumerates ("vLLM supports the following
    hardware platforms:", "Supported data types:"), read as one enumeration: per block, the
    features its items name together (a list of optimizations must name at least
    :data:`MIN_FEATURES_LIST`)."""
    lists: dict[str, list[Unit]] = {}
    for u in page_units:
        if u.kind == "item" and u.lead and not _OTHERS_HEADING.search(u.heading) \
                and not _PLANNED_HEADING.search(u.heading):
            lists.setdefault(u.lead, []).append(u)
    out = []
    for lead, items in lists.items():
        if _OPEN_LIST.search(lead) or _polarity(lead, several=True) != STATED:
            continue
        named: dict[str, set[str]] = {}
        for u in items:
            if _polarity(u.text, several=True) is None:
                continue
            for f in features:
                if f.key in _named(u.text) and not _only_in_identifiers(f.key, u.text):
                    named.setdefault(SCOPE[f.part], set()).add(f.key)
        for scope, keys in named.items():
            cue_re = _LEAD_CUES.get(SCOPE_GROUP[scope])
            if not (cue_re.search(lead) or _FOLLOWING.search(lead)):
                continue
            if scope == "optimization" and len(keys) < MIN_FEATURES_LIST:
                continue
            shown = lead + " " + "; ".join(u.text for u in items if any(k in _named(u.text) for k in keys))
            out.append(_Enumeration(scope, len(keys), True, quote(shown), page.url, page.date or "", order))
    return out


def _tables(page_units: list[Unit], page: PageLike, order: int,
            features: tuple[Feature, ...], title: str = "") -> list[_Enumeration]:
    """A table whose rows name hardware or precisions in their first cell (a table of quantization
    types, of supported GPUs), read as one enumeration per block: what its rows name together."""
    tables: dict[int, list[Unit]] = {}
    for u in page_units:
        if u.kind == "row" and u.cells and not _OTHERS_HEADING.search(u.heading) \
                and not _PLANNED_HEADING.search(u.heading):
            tables.setdefault(id(u.header), []).append(u)
    out = []
    for rows in tables.values():
        head = rows[0].header
        named: dict[str, set[str]] = {}
        for u in rows:
            label = u.cells[0]
            if _cell_mark(label) is not None or _polarity(label, several=True) != STATED:
                continue
            for f in features:
                if SCOPE[f.part] != "optimization" and f.key in _named(label):
                    named.setdefault(SCOPE[f.part], set()).add(f.key)
        for scope, keys in named.items():
            if len(keys) < 2:
                continue
            cue_re = _CUES[SCOPE_GROUP[scope]]
            cue = bool(cue_re.search(" | ".join(head))
                       or _HEADING_CUES[SCOPE_GROUP[scope]].search(rows[0].heading + " / " + title))
            kinds = _speaks_for(scope, cue, " | ".join(head) + " " + rows[0].heading, keys)
            shown = (rows[0].heading + ": " if rows[0].heading else "") + " | ".join(head) + ": " + \
                "; ".join(u.cells[0] for u in rows if u.cells[0])
            out.append(_Enumeration(scope, len(keys), cue, quote(shown), page.url, page.date or "", order, kinds))
    return out


def page_title(page_units: list[Unit], path: str) -> str:
    """What a page says it is about: its first heading, a front-matter title, and its file name
    ("support-matrix.md" reads "support matrix")."""
    first = next((u.text for u in page_units[:5] if u.kind == "heading"
                  or u.text.casefold().startswith("title:")), "")
    stem = re.sub(r"[-_.]+", " ", path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"{first.removeprefix('title:').strip()} / {stem}"


def _enumerations(unit: Unit, page: PageLike, order: int, features: tuple[Feature, ...],
                  title: str = "") -> list[_Enumeration]:
    """What one unit enumerates of the hardware and precision columns (one entry per scope)."""
    # a row speaks with its header only where its cells are marks (a support matrix), not figures
    marked = unit.kind == "row" and any(_cell_mark(c) is not None for c in unit.cells[1:])
    text = " | ".join(unit.header) + " || " + unit.text if marked else unit.text
    if unit.kind in ("link", "code", "heading") or _OTHERS_HEADING.search(unit.heading) or _PLANNED_HEADING.search(unit.heading) \
            or not _named(text):
        return []
    if unit.kind != "row" and (_polarity(unit.text, several=True) is None or _OPEN_LIST.search(unit.text)):
        return []
    named: dict[str, int] = {}
    kinds: dict[str, set[str]] = {}
    for f in features:
        scope = SCOPE[f.part]
        if scope != "optimization" and f.key in _named(text):
            named[scope] = named.get(scope, 0) + 1
            kinds.setdefault(scope, set()).add(precision_kind(f.key))
    out = []
    for scope, count in named.items():
        cue_re = _CUES[SCOPE_GROUP[scope]]
        cue = bool(cue_re.search(text) or _HEADING_CUES[SCOPE_GROUP[scope]].search(unit.heading + " / " + title))
        # without a cue, two columns named make an enumeration only where the unit says they are
        # there ("runs on Linux and macOS"), lists them ("Quantizations: AWQ, INT8, FP8") or is a table row
        listed = unit.kind == "row" or bool(_SUPPORT_WORDS.search(unit.text) or _LABELLED.match(unit.text))
        if (count >= 2 and listed) or cue:
            shown = f"{' | '.join(unit.header)}: {unit.text}" if marked else unit.text
            # a bare list of quantized formats says nothing of the native types, and the other way round;
            # one that calls itself the supported data types speaks for all of them
            speaks = _speaks_for(scope, cue, text + " " + unit.heading, kinds[scope], keys=False)
            out.append(_Enumeration(scope, count, cue, quote(shown), page.url, page.date or "", order, speaks))
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


# --- deciding ----------------------------------------------------------------------------------

def _decide(feature: Feature, hits: list[_Hit]) -> Mark:
    if not hits:
        return Mark(feature.group, feature.column, None)
    removals = [h for h in hits if h.removal]
    pool = removals or hits
    best = max(pool, key=_Hit.rank)
    return Mark(feature.group, feature.column, 1 if best.polarity == STATED else 0, best.quote, best.url,
                best.date or None, best.polarity, best.weak)


def _exclude(marks: dict[str, Mark], features: tuple[Feature, ...], enums: list[_Enumeration],
             mentioned: set[str]) -> None:
    """Features that no unit names, in a scope the docs enumerate: not supported, quoting the
    enumeration. A feature the docs name without saying yes or no stays unknown."""
    best: dict[tuple[str, str], _Enumeration] = {}
    for e in enums:
        for kind in (e.kinds or {"native", "quantized", ""}):
            old = best.get((e.scope, kind))
            if old is None or (e.cue, e.count, -e.order) > (old.cue, old.count, -old.order):
                best[(e.scope, kind)] = e
    for f in features:
        mark = marks[f.key]
        e = best.get((SCOPE[f.part], precision_kind(f.key)))
        if mark.supported is None and e is not None and f.key not in mentioned:
            marks[f.key] = Mark(f.group, f.column, 0, e.quote, e.url, e.date or None, EXCLUDED)


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
