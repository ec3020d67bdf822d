"""Documentation pages cut into the units a quote can be: sentences, list items,
table rows and cells, headings and code lines. Pure text work, no I/O.

:func:`units` reads Markdown (GFM tables, fenced code, inline HTML, MDX tags)
and reStructuredText well enough for that: markup a reader does not see is
dropped from the unit's text (link targets, images, HTML tags and comments,
emphasis), HTML entities are decoded, whitespace is collapsed. The text is the
visible text, not escaped for anything: whoever renders it escapes it.

A table gives one :class:`Unit` per body row (``kind="row"``) with its header,
so a mark in a cell can be read against the column it stands in. A list item
keeps its list's lead-in (``lead``: "vLLM supports the following hardware
platforms:"), so the items can be read together as the list the lead-in announces.
Emoji presentation selectors are dropped ("✅︎" reads as "✅").
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

QUOTE_CHARS = 300
MAX_CODE_LINE = 200

_FENCE = re.compile(r"^\s*(```+|~~~+)")  # indented fences too: code blocks inside list items
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RST_UNDERLINE = re.compile(r"^\s*([=\-~^\"'`#*+])\1{2,}\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")  # GFM: one dash is enough
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?-->")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]+>`_{1,2}")
_RST_ROLE = re.compile(r":[a-z]+:`([^`]+)`")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s+[^<>]*)?/?>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)(?=\S)(.+?)(?<=\S)\1")
_SPACES = re.compile(r"\s+")
# emoji presentation selectors: "✅︎" is the ✅ a reader sees
_VARIATION = re.compile(r"[\ufe0e\ufe0f]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[`*])")
# a list item that is a link to another site with a description: a list of other projects
_LINK_ITEM = re.compile(r"^\s*(?:\*\*|__)?\[[^\]]+\]\(\s*<?https?://[^)]*\)(?:\*\*|__)?\s*(?:[-–—:|(]|$)")


@dataclass
class Unit:
    text: str                        # visible text, whitespace collapsed
    kind: str                        # sentence | item | link | heading | row | code
    heading: str = ""                # the nearest heading above it
    header: list[str] = field(default_factory=list)   # a row's table header
    cells: list[str] = field(default_factory=list)    # a row's cells
    lead: str = ""                   # a list item's lead-in: the sentence ending in ":" just above the list


def visible(text: str) -> str:
    """The text a reader sees of a line or paragraph of Markdown/reST."""
    s = _HTML_COMMENT.sub(" ", text)
    s = _IMAGE.sub(lambda m: m.group(1), s)
    s = _LINK.sub(lambda m: m.group(1), s)
    s = _REF_LINK.sub(lambda m: m.group(1), s)
    s = _RST_LINK.sub(lambda m: m.group(1), s)
    s = _RST_ROLE.sub(lambda m: m.group(1), s)
    s = _TAG.sub(" ", s)
    s = _EMPHASIS.sub(lambda m: m.group(2), s)
    s = html.unescape(s)
    s = _VARIATION.sub("", s)
    return _SPACES.sub(" ", s).strip()


def quote(text: str, start: int = 0, limit: int = QUOTE_CHARS) -> str:
    """At most ``limit`` characters of ``text``, around position ``start`` when it must be cut."""
    if len(text) <= limit:
        return text
    begin = max(0, min(start - limit // 3, len(text) - limit + 1))
    piece = text[begin: begin + limit - 2].strip()
    return ("…" if begin > 0 else "") + piece + "…"


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [visible(c) for c in re.split(r"(?<!\\)\|", body)]


def units(text: str) -> list[Unit]:
    """Every unit of one page, in reading order."""
    text = _HTML_COMMENT.sub("\n", text)
    lines = text.split("\n")
    out: list[Unit] = []
    heading = ""
    para: list[str] = []
    fence: str | None = None
    lead = ""

    def flush() -> None:
        nonlocal lead
        if para:
            joined = visible(" ".join(para))
            for sentence in _SENTENCE_END.split(joined):
                if sentence.strip():
                    out.append(Unit(sentence.strip(), "sentence", heading))
            para.clear()
            lead = out[-1].text if out and out[-1].kind == "sentence" and out[-1].text.endswith(":") else ""

    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            elif line.strip() and len(line) <= MAX_CODE_LINE:
                out.append(Unit(_SPACES.sub(" ", line).strip(), "code", heading))
            i += 1
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            lead = ""
            fence = m.group(1)[:3]
            i += 1
            continue
        m = _MD_HEADING.match(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if m or (line.strip() and _RST_UNDERLINE.match(nxt) and len(nxt.strip()) >= len(line.strip()) - 1
                 and not _LIST_ITEM.match(line)):
            flush()
            heading = visible(m.group(2) if m else line)
            lead = ""
            if heading:
                out.append(Unit(heading, "heading", heading))
            i += 1 if m else 2
            continue
        if _TABLE_LINE.match(line) and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            flush()
            header = _cells(line)
            lead = ""
            i += 2
            while i < len(lines) and _TABLE_LINE.match(lines[i]):
                cells = _cells(lines[i])
                row_text = " | ".join(c for c in cells if c)
                out.append(Unit(row_text, "row", heading, header, cells))
                i += 1
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            para.append(item.group(1))
            i += 1
            while i < len(lines) and lines[i].strip() and not _LIST_ITEM.match(lines[i]) \
                    and lines[i].startswith((" ", "\t")) and not _FENCE.match(lines[i]):
                para.append(lines[i])
                i += 1
            kind = "link" if _LINK_ITEM.match(para[0]) else "item"
            joined = visible(" ".join(para))
            para.clear()
            if joined:
                out.append(Unit(joined, kind, heading, lead=lead))
            continue
        if not line.strip():
            flush()
        elif _RST_UNDERLINE.match(line):
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return out
