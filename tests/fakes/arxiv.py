"""A fake arXiv export API on :class:`FakeServer`, speaking the real wire format.

It answers ``/api/query`` with Atom 1.0 plus ``opensearch:totalResults``,
``startIndex`` and ``itemsPerPage`` as export.arxiv.org does, evaluating
``search_query`` (``cat:``, ``all:``, ``ti:``, ``abs:``, quoted phrases, AND / OR /
ANDNOT, parentheses, ``submittedDate:[FROM TO TO]``), ``id_list``, ``start``,
``max_results``, ``sortBy`` and ``sortOrder``. Bad ids get arXiv's 400 error feed.

Faults are programmable: ``fake.queue(resp, None, ...)`` answers the next requests
with those responses (``None`` = the normal answer), and ``fake.rule(req)`` may
return a response for any request (e.g. "page 2 is empty").
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from tests.fakes.server import FakeServer, Request, Response

SAMPLE = Path(__file__).resolve().parents[2] / "classifier" / "data" / "arxiv-sample.jsonl.gz"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
_OS = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
_AX = 'xmlns:arxiv="http://arxiv.org/schemas/atom"'
_NAMES = ["Wei Chen", "Ana Souza", "Rahul Gupta", "Mei Lin", "Jonas Berg", "Fatima Khan", "Li Wang",
          "Sofia Rossi", "Kenji Sato", "Omar Haddad", "Elena Petrova", "Daniel Kim"]


@dataclass
class Entry:
    arxiv_id: str
    title: str
    abstract: str
    categories: list[str]
    published: str  # 2023-09-12T17:50:09Z
    updated: str | None = None
    version: int = 1
    authors: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    pdf: bool = True
    dated: bool = True

    def xml(self) -> str:
        vid = f"{self.arxiv_id}v{self.version}"
        parts = [f"<entry>\n    <id>http://arxiv.org/abs/{vid}</id>"]
        if self.dated:
            parts.append(f"<updated>{self.updated or self.published}</updated>")
            parts.append(f"<published>{self.published}</published>")
        parts.append(f"<title>{escape(self.title)}</title>")
        parts.append(f"<summary>  {escape(self.abstract)}\n</summary>")
        parts += [f"<author>\n      <name>{escape(a)}</name>\n    </author>" for a in self.authors]
        if self.doi:
            parts.append(f"<arxiv:doi {_AX}>{escape(self.doi)}</arxiv:doi>")
            parts.append(f'<link title="doi" href={quoteattr("http://dx.doi.org/" + self.doi)} rel="related"/>')
        if self.comment:
            parts.append(f"<arxiv:comment {_AX}>{escape(self.comment)}</arxiv:comment>")
        if self.journal_ref:
            parts.append(f"<arxiv:journal_ref {_AX}>{escape(self.journal_ref)}</arxiv:journal_ref>")
        parts.append(f'<link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>')
        if self.pdf:
            parts.append(f'<link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>')
        if self.categories:
            parts.append(f'<arxiv:primary_category {_AX} term="{self.categories[0]}" '
                         f'scheme="http://arxiv.org/schemas/atom"/>')
        parts += [f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in self.categories]
        return "\n    ".join(parts) + "\n  </entry>"


def sample_entries(limit: int | None = None) -> list[Entry]:
    """Entries of the bundled sample (real ids, titles, abstracts, categories, dates)."""
    out = []
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            digest = int(hashlib.sha1(row["arxiv_id"].encode()).hexdigest()[:8], 16)
            authors = [_NAMES[(digest >> (4 * k)) % len(_NAMES)] for k in range(1 + digest % 4)]
            out.append(Entry(row["arxiv_id"], row["title"], row["abstract"], row.get("categories") or ["cs.LG"],
                             row["published"], authors=list(dict.fromkeys(authors))))
            if limit and len(out) >= limit:
                break
    return out


def feed(entries: list[Entry], total: int, start: int, per_page: int, query: str = "",
         cache: dict | None = None) -> str:
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f'  <link href={quoteattr("http://arxiv.org/api/query?" + query)} rel="self" type="application/atom+xml"/>\n'
            f'  <title type="html">ArXiv Query: {escape(query)}</title>\n'
            f'  <id>http://arxiv.org/api/fake</id>\n  <updated>2026-06-30T00:00:00-04:00</updated>\n'
            f'  <opensearch:totalResults {_OS}>{total}</opensearch:totalResults>\n'
            f'  <opensearch:startIndex {_OS}>{start}</opensearch:startIndex>\n'
            f'  <opensearch:itemsPerPage {_OS}>{per_page}</opensearch:itemsPerPage>\n')
    if cache is None:
        body = "".join(f"  {e.xml()}\n" for e in entries)
    else:
        body = "".join(cache.get(id(e)) or cache.setdefault(id(e), f"  {e.xml()}\n") for e in entries)
    return head + body + "</feed>\n"


def atom(body: str, status: int = 200) -> Response:
    return Response(status, body, {"Content-Type": ATOM_TYPE})


def empty_page(total: int = 0, start: int = 0) -> Response:
    return atom(feed([], total, start, 0))


def error_400(message: str) -> Response:
    slug = re.sub(r"\W+", "_", message)
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f'  <title type="html">ArXiv Query: error</title>\n  <id>http://arxiv.org/api/fake</id>\n'
            f'  <opensearch:totalResults {_OS}>1</opensearch:totalResults>\n'
            f'  <opensearch:startIndex {_OS}>0</opensearch:startIndex>\n'
            f'  <opensearch:itemsPerPage {_OS}>1</opensearch:itemsPerPage>\n'
            f'  <entry>\n    <id>http://arxiv.org/api/errors#{slug}</id>\n    <title>Error</title>\n'
            f'    <summary>{escape(message)}</summary>\n    <updated>2026-06-30T00:00:00-04:00</updated>\n'
            f'    <link href="http://arxiv.org/api/errors#{slug}" rel="alternate" type="text/html"/>\n'
            f'    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n')
    return atom(body, 400)


def trickle(body: str, advance: Callable[[float], None] | None = None, *, every: float = 2.0,
            real_delay: float = 0.002) -> Response:
    """A good feed sent one byte at a time, "one byte every ``every`` seconds".

    With ``advance`` (a fake clock's ``sleep``) the server moves that clock by
    ``every`` per byte and waits only ``real_delay`` of real time, so a 2-hour
    trickle takes a fraction of a second; without it, it waits ``every`` for real.
    The response is streamed with no Content-Length, as a slow server would.
    """
    data = body.encode("utf-8")

    def chunks():
        for i in range(len(data)):
            if advance is not None:
                advance(every)
            yield data[i:i + 1]

    return Response(200, b"", {"Content-Type": ATOM_TYPE}, chunks=chunks(),
                    chunk_delay=real_delay if advance is not None else every)


def maintenance_page() -> Response:
    return Response(200, "<!DOCTYPE html><html><head><title>arXiv is down for maintenance</title></head>"
                         "<body><h1>We are upgrading arXiv</h1></body></html>", {"Content-Type": "text/html"})


# --- search_query evaluation ---------------------------------------------------------------

_TOKEN = re.compile(r'\s*(\(|\)|\bANDNOT\b|\bAND\b|\bOR\b|submittedDate:\[\s*\d+\s+TO\s+\d+\s*\]'
                    r'|\w+:"[^"]*"|\w+:[^\s()]+)')


def _tokens(query: str) -> list[str]:
    out, pos = [], 0
    query = query.strip()
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m:
            raise ValueError(f"syntax error at {query[pos:pos + 20]!r}")
        out.append(m.group(1))
        pos = m.end()
        while pos < len(query) and query[pos].isspace():
            pos += 1
    return out


def _term(token: str) -> Callable[[Entry], bool]:
    if token.startswith("submittedDate:"):
        lo, hi = re.findall(r"\d+", token)
        return lambda e: lo <= _stamp(e.published) <= hi
    name, value = token.split(":", 1)
    value = value.strip('"').lower()
    if name == "cat":
        return lambda e: value in (c.lower() for c in e.categories)
    pattern = re.compile(r"(?<!\w)" + re.escape(value).replace(r"\ ", r"[\s-]+") + r"(?!\w)", re.I)
    fields = {"all": lambda e: f"{e.title} {e.abstract}", "ti": lambda e: e.title, "abs": lambda e: e.abstract}
    get = fields.get(name)
    if get is None:
        raise ValueError(f"unsupported field {name}")
    return lambda e: bool(pattern.search(get(e)))


def _stamp(iso: str) -> str:
    return re.sub(r"\D", "", iso)[:12]


def compile_query(query: str) -> Callable[[Entry], bool]:
    toks = _tokens(query)
    pos = 0

    def expr():
        nonlocal pos
        left = atom_()
        while pos < len(toks) and toks[pos] in ("AND", "OR", "ANDNOT"):
            op = toks[pos]
            pos += 1
            right = atom_()
            left = {"AND": lambda a, b: lambda e: a(e) and b(e), "OR": lambda a, b: lambda e: a(e) or b(e),
                    "ANDNOT": lambda a, b: lambda e: a(e) and not b(e)}[op](left, right)
        return left

    def atom_():
        nonlocal pos
        tok = toks[pos]
        pos += 1
        if tok == "(":
            inner = expr()
            if toks[pos] != ")":
                raise ValueError("unbalanced parentheses")
            pos += 1
            return inner
        return _term(tok)

    result = expr()
    if pos != len(toks):
        raise ValueError("trailing tokens")
    return result


_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?$")


class FakeArxiv:
    """Serves ``entries``; ``.server.requests`` records what the client asked."""

    def __init__(self, entries: list[Entry], cache: bool = False):
        """``cache``: remember each query's matches and each entry's XML (entries then must not change)."""
        self.entries = list(entries)
        self._cache: dict | None = {} if cache else None
        self._queue: list[Response | None] = []
        self.rule: Callable[[Request], Response | None] | None = None
        self.server = FakeServer(self.handle)

    # --- lifecycle -----------------------------------------------------------------------
    def __enter__(self) -> "FakeArxiv":
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url + "/api/query"

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def queue(self, *responses: Response | None) -> None:
        self._queue.extend(responses)

    # --- answering -----------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        if self._queue:
            canned = self._queue.pop(0)
            if canned is not None:
                return canned
        if self.rule is not None:
            special = self.rule(req)
            if special is not None:
                return special
        return self.answer(req)

    def select(self, req: Request) -> list[Entry]:
        ids = [i for i in (req.param("id_list") or "").split(",") if i]
        query = req.param("search_query") or ""
        if ids:
            by_id = {}
            for e in self.entries:
                by_id[e.arxiv_id] = e  # the last (newest) version wins
            chosen = [by_id[re.sub(r"v\d+$", "", i)] for i in ids if re.sub(r"v\d+$", "", i) in by_id]
        else:
            match = compile_query(query)
            chosen = [e for e in self.entries if match(e)]
        sort_by = req.param("sortBy", "relevance")
        if sort_by in ("submittedDate", "lastUpdatedDate"):
            key = (lambda e: e.published) if sort_by == "submittedDate" else (lambda e: e.updated or e.published)
            chosen.sort(key=key, reverse=req.param("sortOrder", "descending") == "descending")
        return chosen

    def answer(self, req: Request) -> Response:
        if req.path != "/api/query":
            return Response(404, "not found")
        bad = [i for i in (req.param("id_list") or "").split(",") if i and not _ID.match(i)]
        if bad:
            return error_400(f"incorrect id format for {bad[0]}")
        try:
            start = int(req.param("start", "0"))
            size = int(req.param("max_results", "10"))
        except ValueError:
            return error_400("start and max_results must be integers")
        if size > 2000:
            return error_400("max_results must be at most 2000")
        key = tuple(req.param(k) for k in ("search_query", "id_list", "sortBy", "sortOrder"))
        try:
            if self._cache is None:
                chosen = self.select(req)
            else:
                chosen = self._cache.get(key) or self._cache.setdefault(key, self.select(req))
        except ValueError as exc:
            return error_400(f"bad search_query: {exc}")
        total = len(chosen)
        page = chosen[start:start + size] if start < 30_000 else []
        return atom(feed(page, total, start, len(page), _raw_query(req), self._cache))


def _raw_query(req: Request) -> str:
    return "&".join(f"{k}={v[0]}" for k, v in req.query.items())
