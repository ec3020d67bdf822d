"""Read the awesome list into plain data: sections, engines, techniques, references.

The Markdown is parsed with markdown-it-py (CommonMark plus GFM tables); no
table is read with regular expressions. Content inside ``curator:`` generated
regions is skipped, so importing a rendered list gives what the maintainers
wrote. Every heading becomes a :class:`Section`; the ones curator does not
understand are kept with ``understood=False`` and reported, never dropped.
An entry (engine, gateway, tool) listed under several headings is one
:class:`Engine` with all its sections, and is reported in ``duplicates``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from catalogue.errors import BadInput
from catalogue import vocabulary
from reports import escape, regions

log = logging.getLogger(__name__)

ENGINE_SECTIONS = {
    "open source inference engines": "open_source",
    "open source engines": "open_source",
    "open source llm gateways and serving systems": "gateway",
    "open source llm gateways": "gateway",
    "llm gateways": "gateway",
    "gateways": "gateway",
    "commercial inference engines": "commercial",
    "commercial solutions": "commercial",
    "commercial engines": "commercial",
}
INTRO_SECTIONS = {"optimization techniques": "techniques-intro", "compression": "techniques-group",
                  "comparison table": "comparison"}
_ARXIV = re.compile(
    r"^(?:www\.|export\.)?arxiv\.org$", re.IGNORECASE)
_ARXIV_PATH = re.compile(
    r"^/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5})|(?:[a-z][a-z.\-]*/\d{7}))(?:v\d+)?(?:\.pdf)?/?$", re.IGNORECASE)
_NOT_REPOS = {"orgs", "topics", "features", "sponsors", "marketplace", "settings", "about", "collections"}
_SEPARATORS = " \t-—–:|"
_MATRIX_CELLS = {"✅", "❌", "-", "🔷", "🟠", "🟡", "✔", "✖", "--"}


@dataclass
class Section:
    heading: str            # unique: text without emoji, " (2)" added to a repeated heading
    text: str               # heading text without emoji as written
    level: int
    position: int
    line: int               # 0-based line of the heading
    kind: str = "prose"
    understood: bool = False
    category: str | None = None
    note: str | None = None


@dataclass
class Link:
    kind: str               # repo | homepage | docs | paper | link
    url: str
    label: str
    arxiv_id: str | None = None


@dataclass
class Engine:
    name: str
    kind: str
    section: str
    sections: list[str] = field(default_factory=list)
    repo: str | None = None
    homepage: str | None = None
    docs_url: str | None = None
    description: str | None = None
    links: list[Link] = field(default_factory=list)


@dataclass
class Reference:
    url: str
    label: str
    arxiv_id: str | None = None


@dataclass
class Technique:
    category: str
    name: str
    description: str
    section: str
    references: list[Reference] = field(default_factory=list)
    line: int | None = None     # 0-based line of its table row
    table: int | None = None    # index of its table in ``ListDoc.tables``


@dataclass
class TechniqueTable:
    """A hand-written technique table: where it is and which column holds what."""
    category: str
    section: str
    columns: int            # cells in the header row
    name_col: int
    desc_col: int | None
    ref_col: int | None
    header_line: int        # 0-based line of the header row
    last_line: int          # 0-based line of the last row


@dataclass
class ListDoc:
    sections: list[Section] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    tables: list[TechniqueTable] = field(default_factory=list)
    linked: set[str] = field(default_factory=set)  # arXiv ids linked anywhere outside curator's regions
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def not_understood(self) -> list[Section]:
        return [s for s in self.sections if not s.understood]

    def papers(self) -> list[str]:
        """Every arXiv id the list links to, sorted."""
        ids = {r.arxiv_id for t in self.techniques for r in t.references if r.arxiv_id}
        ids |= {ln.arxiv_id for e in self.engines for ln in e.links if ln.arxiv_id}
        return sorted(ids)

    def is_list(self) -> bool:
        """Whether this looks like the awesome-list: a section of engines or of techniques."""
        return any(s.kind in ("engines", "techniques", "techniques-intro") for s in self.sections)

    def has_table(self, category: str) -> bool:
        """Whether the list has a hand-written technique table with references for ``category``."""
        return any(t.category == category and t.ref_col is not None for t in self.tables)

    def shown_techniques(self, category: str) -> set[str]:
        """Technique keys the list's own tables already show for a category."""
        return {vocabulary.technique_key(t.name) for t in self.techniques if t.category == category}


def arxiv_id(url: str) -> str | None:
    """The arXiv id (no version) of an arxiv.org abs/pdf/html link, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not _ARXIV.match(parts.hostname or ""):
        return None
    m = _ARXIV_PATH.match(parts.path)
    return m.group(1).lower() if m else None


def github_repo(url: str) -> str | None:
    """``owner/name`` of a github.com link (also /tree/... and /blob/... paths), else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in ("github.com", "www.github.com"):
        return None
    bits = [b for b in parts.path.split("/") if b]
    if len(bits) < 2 or bits[0].lower() in _NOT_REPOS:
        return None
    name = bits[1][:-4] if bits[1].endswith(".git") else bits[1]
    return f"{bits[0]}/{name}" if name else None


def read_list(path: str | Path) -> str:
    """The list's text; BadInput (one line) for a missing, binary or non-UTF-8 file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"{p}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{p}: is a directory, not a list file") from None
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror})") from None
    if b"\x00" in data:
        raise BadInput(f"{p}: looks binary (NUL bytes), not a Markdown list")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{p}: not UTF-8 (bad byte at offset {exc.start})") from None


# --- inline content --------------------------------------------------------------

def _inline_items(tok) -> list[tuple[str, str, str]]:
    """Flatten an inline token into ('text', text, '') and ('link', label, href) items."""
    items: list[tuple[str, str, str]] = []
    href = None
    label: list[str] = []
    for child in tok.children or []:
        if child.type == "link_open":
            href = child.attrGet("href") or ""
            label = []
        elif child.type == "link_close":
            items.append(("link", "".join(label), href or ""))
            href = None
        elif child.type in ("text", "code_inline", "html_inline"):
            (label if href is not None else _Sink(items)).append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            (label if href is not None else _Sink(items)).append(" ")
        elif child.type == "image":
            continue
    return items


class _Sink:
    """Appends text to the item list, merging neighbouring text."""

    def __init__(self, items: list):
        self.items = items

    def append(self, s: str) -> None:
        if self.items and self.items[-1][0] == "text":
            self.items[-1] = ("text", self.items[-1][1] + s, "")
        else:
            self.items.append(("text", s, ""))


def _plain(items) -> str:
    return escape.clean(" ".join(t for _, t, _ in items))


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _is_docs(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host.startswith("docs.") or "readthedocs" in host or "/docs" in parts.path.lower()


# --- engines ------------------------------------------------------------------------

def _entry(items, section: Section, engine_kind: str | None) -> Engine | None:
    """An engine/tool from one top-level bullet, or None when the bullet is not an entry."""
    while items and items[0][0] == "text" and not vocabulary.strip_emoji(items[0][1]).strip(_SEPARATORS):
        items = items[1:]
    if not items:
        return None
    first = items[0]
    if first[0] == "link" and _is_web(first[2]):
        name, rest, main = escape.clean(first[1]), items[1:], first[2]
    elif first[0] == "text" and engine_kind is not None:
        name = vocabulary.strip_emoji(first[1]).strip(_SEPARATORS + " ")
        name, rest, main = escape.clean(name), items[1:], None
    else:
        return None
    if not name:
        return None
    eng = Engine(name=name, kind=engine_kind or "other", section=section.heading, sections=[section.heading])
    if main:
        _add_link(eng, main, name, first_link=True)
    if rest and rest[0][0] == "text" and rest[0][1].strip()[:1] in ("-", "—", "–", ":"):
        desc = re.sub(r"\s+([.,;:])", r"\1", vocabulary.strip_emoji(_plain(rest)).lstrip(_SEPARATORS))
        eng.description = escape.clean(desc) or None
    for kind, label, href in rest:
        if kind == "link" and _is_web(href):
            _add_link(eng, href, escape.clean(label))
    return eng


def _add_link(eng: Engine, url: str, label: str, first_link: bool = False) -> None:
    if any(ln.url == url for ln in eng.links):
        return
    aid = arxiv_id(url)
    repo = github_repo(url)
    low = label.casefold()
    if aid or "paper" in low or "arxiv" in low:
        kind = "paper"
    elif repo and (first_link or eng.repo is None):
        kind = "repo"
    elif "doc" in low:
        kind = "docs"
    elif first_link or low in ("webpage", "website", "homepage", "home", "site") or eng.homepage is None:
        kind = "homepage"
    else:
        kind = "link"
    eng.links.append(Link(kind, url, label, aid))
    if kind == "repo" and eng.repo is None:
        eng.repo = repo
    elif kind == "homepage" and eng.homepage is None:
        eng.homepage = url
    if kind in ("docs", "homepage") and eng.docs_url is None and (kind == "docs" or _is_docs(url)):
        eng.docs_url = url


# --- tables ----------------------------------------------------------------------------

def _table_rows(tokens, start: int) -> tuple[list[list], list[int], int]:
    """Rows of inline tokens from a table starting at tokens[start], the 0-based line of
    each row; returns (rows, lines, index after)."""
    rows: list[list] = []
    lines: list[int] = []
    i = start
    while tokens[i].type != "table_close":
        t = tokens[i]
        if t.type == "tr_open":
            rows.append([])
            lines.append(t.map[0] if t.map else -1)
        elif t.type == "inline" and rows:
            rows[-1].append(t)
        i += 1
    return rows, lines, i + 1


def _column(header: list[str], *names: str) -> int | None:
    for idx, h in enumerate(header):
        if any(h.casefold().startswith(n) for n in names):
            return idx
    return None


def _techniques_from(rows, lines: list[int], section: Section,
                     doc: ListDoc) -> list[Technique] | None:
    header = [_plain(_inline_items(c)) for c in rows[0]] if rows else []
    name_col = _column(header, "technique", "method")
    if name_col is None or section.category is None:
        return None
    desc_col = _column(header, "description")
    ref_col = _column(header, "reference", "paper")
    doc.tables.append(TechniqueTable(section.category, section.heading, len(header), name_col, desc_col, ref_col,
                                     lines[0], lines[-1]))
    table = len(doc.tables) - 1
    out = []
    for row, line in zip(rows[1:], lines[1:]):
        cells = [_inline_items(c) for c in row]
        if name_col >= len(cells):
            continue
        name = _plain(cells[name_col])
        if not name:
            continue
        desc = _plain(cells[desc_col]) if desc_col is not None and desc_col < len(cells) else ""
        tech = Technique(section.category, name, desc, section.heading, line=line, table=table)
        seen = set()
        for kind, label, href in (cells[ref_col] if ref_col is not None and ref_col < len(cells) else []):
            if kind == "link" and _is_web(href) and href not in seen:
                seen.add(href)
                tech.references.append(Reference(href, escape.clean(label), arxiv_id(href)))
        out.append(tech)
    return out


def _looks_like_matrix(rows) -> bool:
    body = [_plain(_inline_items(c)) for r in rows[1:] for c in r[1:]]
    return bool(body) and sum(1 for c in body if c in _MATRIX_CELLS) >= len(body) * 0.6


# --- sections -------------------------------------------------------------------------

def _classify(sec: Section) -> None:
    key = vocabulary.heading_key(sec.text)
    if key in ENGINE_SECTIONS:
        sec.kind, sec.understood = "engines", True
    elif (cat := vocabulary.category_for(sec.text)) is not None:
        sec.kind, sec.understood, sec.category = "techniques", True, cat
    elif key in INTRO_SECTIONS:
        sec.kind, sec.understood = INTRO_SECTIONS[key], True


def parse(text: str) -> ListDoc:
    """Parse the list's Markdown (BadInput for broken curator markers)."""
    skip = [(r.begin, r.end) for r in regions.find_regions(text)]
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    doc = ListDoc()
    by_key: dict[str, Engine] = {}
    heading_counts: dict[str, int] = {}
    sec: Section | None = None
    list_depth = 0
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.map and any(b < t.map[0] <= e for b, e in skip):
            i += 1
            continue
        if t.type == "heading_open":
            text_ = vocabulary.strip_emoji(escape.clean(tokens[i + 1].content))
            n = heading_counts[text_.casefold()] = heading_counts.get(text_.casefold(), 0) + 1
            unique = text_ if n == 1 else f"{text_} ({n})"
            if n == 2:
                doc.notes.append(f"heading {text_!r} appears more than once")
            sec = Section(unique, text_, int(t.tag[1]), len(doc.sections), t.map[0])
            _classify(sec)
            doc.sections.append(sec)
            i += 3
            continue
        if sec is None:
            i += 1
            continue
        if t.type == "bullet_list_open":
            list_depth += 1
        elif t.type == "bullet_list_close":
            list_depth -= 1
        elif t.type == "inline" and list_depth == 1 and t.level == 3:
            engine_kind = ENGINE_SECTIONS.get(vocabulary.heading_key(sec.text)) if sec.kind == "engines" else None
            eng = _entry(_inline_items(t), sec, engine_kind)
            if eng is not None:
                _merge(doc, by_key, eng, sec)
        elif t.type == "table_open":
            rows, lines, i = _table_rows(tokens, i)
            techs = _techniques_from(rows, lines, sec, doc)
            if techs is not None:
                doc.techniques.extend(techs)
            elif sec.kind in ("prose", "table", "matrix"):
                sec.kind = "matrix" if _looks_like_matrix(rows) else "table"
                sec.note = "table kept as written"
            continue
        i += 1
    if not doc.sections:
        raise BadInput("the list has no headings: not an awesome-list Markdown file")
    doc.linked = _linked_papers(tokens, skip)
    doc.duplicates = sorted(((e.name, e.sections) for e in doc.engines if len(e.sections) > 1),
                            key=lambda d: d[0].casefold())
    for s in doc.sections:
        if not s.understood and s.note is None:
            s.note = "kept as written"
    _same_repo_notes(doc)
    log.debug("parsed %d sections, %d engines, %d techniques", len(doc.sections), len(doc.engines),
              len(doc.techniques))
    return doc


def linked_anywhere(text: str) -> set[str]:
    """arXiv ids of every link of ``text``, curator's regions included."""
    return _linked_papers(MarkdownIt("commonmark").enable("table").parse(text), [])


def _linked_papers(tokens, skip: list[tuple[int, int]]) -> set[str]:
    """arXiv ids of every link outside curator's regions (prose, tables, lists)."""
    found: set[str] = set()
    for t in tokens:
        if t.type != "inline" or (t.map and any(b < t.map[0] <= e for b, e in skip)):
            continue
        for child in t.children or []:
            if child.type == "link_open" and (aid := arxiv_id(child.attrGet("href") or "")):
                found.add(aid)
    return found


def _same_repo_notes(doc: ListDoc) -> None:
    by_repo: dict[str, list[str]] = {}
    for e in doc.engines:
        if e.repo:
            by_repo.setdefault(e.repo.casefold(), []).append(e.name)
    for repo, names in sorted(by_repo.items()):
        if len(names) > 1:
            doc.notes.append(f"entries {', '.join(names)} link the same repository {repo}")


def _merge(doc: ListDoc, by_key: dict[str, Engine], eng: Engine, sec: Section) -> None:
    key = eng.name.casefold()
    old = by_key.get(key)
    if old is None:
        by_key[key] = eng
        doc.engines.append(eng)
        return
    if sec.heading not in old.sections:
        old.sections.append(sec.heading)
    else:
        doc.notes.append(f"entry {eng.name!r} is listed twice under {sec.heading!r}")
    if old.kind == "other" and eng.kind != "other":
        old.kind, old.section = eng.kind, sec.heading
    for ln in eng.links:
        _add_link(old, ln.url, ln.label)
    old.description = old.description or eng.description
