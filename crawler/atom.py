"""Checking arXiv API responses and turning their entries into :class:`Paper` records.

``check_feed`` reads a response body strictly (no recovery): an HTML maintenance
page, a truncated document or a feed without opensearch totals is *malformed*,
never "0 results". ``to_paper`` converts one ``arxiv.Result`` into a plain
record, repairing what can be repaired and saying why an entry is skipped.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM, "opensearch": "http://a9.com/-/spec/opensearch/1.1/", "arxiv": "http://arxiv.org/schemas/atom"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
_ID = re.compile(r"abs/(?P<id>(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5}))(?:v(?P<v>\d+))?$")
_GITHUB = re.compile(r"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})", re.I)
_NOT_REPOS = {"orgs", "topics", "features", "about", "sponsors", "marketplace", "settings", "apps"}


class MalformedFeed(ValueError):
    """A 200 response that is not a complete arXiv Atom feed."""


@dataclass
class FeedInfo:
    """What a strict read of one response says, before the client parses it."""

    total: int
    start: int
    per_page: int
    entries: int
    undated: list[str] = field(default_factory=list)  # entries without id or valid dates
    cleaned: bytes | None = None  # the body without those entries, when there were any


@dataclass
class Paper:
    arxiv_id: str
    version: int | None
    title: str
    abstract: str
    authors: list[str]
    primary_category: str | None
    categories: list[str]
    published: str
    updated: str | None
    comment: str | None
    journal_ref: str | None
    doi: str | None
    abs_url: str
    repos: list[tuple[str, str]] = field(default_factory=list)  # (owner/name, url)
    repaired: list[str] = field(default_factory=list)


def _text(elem, path: str) -> str | None:
    found = elem.find(path, NS)
    return None if found is None or found.text is None else found.text.strip()


def _dated(entry, path: str) -> bool:
    text = _text(entry, path)
    if not text:
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_feed(content: bytes) -> FeedInfo:
    """Raise :class:`MalformedFeed` unless ``content`` is a whole Atom feed with totals."""
    if not content.strip():
        raise MalformedFeed("empty body")
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedFeed(f"not well-formed XML (truncated?): {exc}") from None
    if root.tag != f"{{{ATOM}}}feed":
        raise MalformedFeed(f"not an Atom feed (root <{etree.QName(root).localname}>, maintenance page?)")
    total = _text(root, "opensearch:totalResults")
    if total is None or not total.isdigit():
        raise MalformedFeed("feed has no opensearch:totalResults")
    entries = root.findall("atom:entry", NS)
    # entries the client's parser drops (no id or no dates)
    bad = [e for e in entries
           if not _text(e, "atom:id") or not _dated(e, "atom:published") or not _dated(e, "atom:updated")]
    info = FeedInfo(int(total), int(_text(root, "opensearch:startIndex") or 0),
                    int(_text(root, "opensearch:itemsPerPage") or 0), len(entries),
                    [(_text(e, "atom:id") or "(no id)") for e in bad])
    if bad:  # taken out here so the client neither crashes on a bad date nor miscounts
        for e in bad:
            root.remove(e)
        info.cleaned = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return info


def error_message(content: bytes) -> str:
    """arXiv's own message from an error feed (HTTP 400), or a short excerpt of the body."""
    try:
        root = etree.fromstring(content, parser=_PARSER)
        entry = root.find("atom:entry", NS)
        if entry is not None:
            msg = _text(entry, "atom:summary") or _text(entry, "atom:title")
            if msg:
                return " ".join(msg.split())[:300]
    except etree.XMLSyntaxError:
        pass
    return " ".join(content[:200].decode("utf-8", "replace").split()) or "no message"


def split_id(entry_id: str) -> tuple[str, int | None] | None:
    """``http://arxiv.org/abs/2309.06180v2`` -> ``("2309.06180", 2)``."""
    m = _ID.search(entry_id.strip())
    if not m:
        return None
    return m.group("id"), int(m.group("v")) if m.group("v") else None


def find_repos(*texts: str | None) -> list[tuple[str, str]]:
    """GitHub ``owner/name`` (``.git`` and trailing punctuation stripped) found in the texts."""
    found: dict[str, tuple[str, str]] = {}
    for text in texts:
        for owner, name in _GITHUB.findall(text or ""):
            name = name.rstrip(".,;:)]}'\"-_")
            if name.lower().endswith(".git"):
                name = name[:-4]
            if not name or owner.lower() in _NOT_REPOS:
                continue
            repo = f"{owner}/{name}"
            found.setdefault(repo.lower(), (repo, f"https://github.com/{repo}"))
    return list(found.values())


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None or dt == datetime.min else dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def to_paper(result) -> tuple[Paper | None, str | None]:
    """Convert an ``arxiv.Result``; returns ``(paper, None)`` or ``(None, reason skipped)``."""
    ids = split_id(result.entry_id or "")
    if ids is None:
        return None, f"unrecognised id {result.entry_id!r}"
    arxiv_id, version = ids
    title = _clean(result.title)
    if not title:
        return None, f"{arxiv_id}: empty title"
    published = _iso(result.published)
    if published is None:
        return None, f"{arxiv_id}: no date"
    repaired = []
    if result.pdf_url is None:
        repaired.append("no pdf link")
    authors = [name for name in (_clean(a.name) for a in result.authors) if name]
    categories = list(dict.fromkeys(result.categories))
    primary = result.primary_category or (categories[0] if categories else None)
    if not result.primary_category and primary:
        repaired.append("no primary category")
    abstract = _clean(result.summary)
    return Paper(
        arxiv_id=arxiv_id, version=version, title=title, abstract=abstract, authors=authors,
        primary_category=primary, categories=categories, published=published,
        updated=_iso(result.updated), comment=_clean(result.comment) or None,
        journal_ref=_clean(result.journal_ref) or None, doi=_clean(result.doi) or None,
        abs_url=f"https://arxiv.org/abs/{arxiv_id}", repos=find_repos(abstract, result.comment),
        repaired=repaired,
    ), None
