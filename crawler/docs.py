"""Read an engine's documentation pages: from GitHub, a local snapshot or its website.

Three readers return the same plain :class:`EngineDocs` (a list of
:class:`DocPage`: repository path, URL at the commit read, text, date):

- :func:`read_github`: the default branch of the repository, through
  :class:`~crawler.github_http.GitHubClient` (ETags, rate limits, caps):
  ``/repos/O/R`` (default branch), ``/repos/O/R/branches/B`` (commit, date,
  tree), ``/repos/O/R/git/trees/T?recursive=1`` and one
  ``/repos/O/R/git/blobs/S`` per page. An ``already_read(repo, commit)``
  predicate lets an unchanged branch stop after two requests. Blobs are
  content-addressed, so they are never put in the HTTP cache;
- :func:`read_local`: a folder laid out like a docs snapshot (one folder
  ``OWNER+NAME`` per repository, files at their repository paths, and an
  ``INDEX.json`` that gives each repository's commit and date, or each file's
  commit when the snapshot was assembled file by file);
- :func:`read_vendor`: summaries of a commercial engine's public pages
  (``commercial/SLUG/*.md`` in a snapshot, each starting ``source: URL``):
  weak evidence, so every page is flagged ``weak``; :func:`read_website` reads
  the pages themselves through :class:`~crawler.web.SafeFetcher`.

Which files are documentation (:func:`select_pages`): Markdown and
reStructuredText files; the root README first, then the pages under a docs
folder, then other READMEs, shallow before deep; never tests, vendored code
or translations. At most ``max_pages`` pages of at most ``max_page_bytes``
each (longer ones are cut) and ``max_total_bytes`` in all; binary files are
skipped. Nothing here touches the database.
"""
from __future__ import annotations

import base64
import json
import logging
import re
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote, urlsplit

from crawler.github import FATAL
from crawler.github_http import Cache, GitHubClient, GitHubError, NotFound

log = logging.getLogger(__name__)

DOC_SUFFIXES = (".md", ".mdx", ".markdown", ".rst")
DOCS_DIRS = frozenset({"docs", "doc", "documentation", "website", "site", "guides", "guide"})
SKIP_DIRS = frozenset({"test", "tests", "testing", "third_party", "third-party", "3rdparty", "thirdparty", "vendor",
                       "vendors", "node_modules", ".github", "external", "submodules", "deps", "benchmarks_data"})
_TRANSLATION = re.compile(r"(?:^|[/_.-])(?:zh|zh[-_](?:cn|tw|hans|hant)|cn|ja|jp|ko|kr|chinese|japanese|korean)"
                          r"(?:[/_.-]|$)", re.IGNORECASE)
# a line a snapshot put where it left text out: not the project's words
_ELIDED = re.compile(r"^[ \t>*_-]*\[\.\.\.[^\n]*elided in this snapshot[^\n]*\][ \t*_]*$", re.MULTILINE | re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_PAGES = 60
MAX_PAGE_BYTES = 262_144
MAX_TOTAL_BYTES = 4_000_000
INDEX_FILE = "INDEX.json"
VENDOR_DIR = "commercial"

AlreadyRead = Callable[[str, str], bool]


@dataclass
class DocPage:
    path: str              # repository path, or the page URL's path
    url: str               # where a reader finds it: the file at the commit read, or the page
    text: str
    date: str | None       # YYYY-MM-DD of the commit (or page) read, when known
    weak: bool = False     # a summary of a vendor page, not the page itself


@dataclass
class EngineDocs:
    source: str                    # github | local | vendor | website
    repo: str | None = None        # owner/name as read
    commit: str | None = None      # the commit read (None: per page, or not a repository)
    date: str | None = None
    status: str = "ok"             # ok | unchanged | missing | error
    pages: list[DocPage] = field(default_factory=list)
    truncated: bool = False        # a cap left pages out, or GitHub truncated the tree
    error: str | None = None
    requests: int = 0

    @property
    def readme_only(self) -> bool:
        """No documentation page beyond README files."""
        return not any(not is_readme(p.path) for p in self.pages if not p.weak)


# --- which files are documentation -----------------------------------------------------

def is_readme(path: str) -> bool:
    return PurePosixPath(path).stem.casefold() == "readme"


def is_doc_path(path: str) -> bool:
    """A Markdown or reStructuredText page outside tests, vendored code and translations."""
    p = PurePosixPath(path)
    if p.suffix.casefold() not in DOC_SUFFIXES:
        return False
    parts = [x.casefold() for x in p.parts[:-1]]
    if any(x in SKIP_DIRS or x.startswith(".") for x in parts):
        return False
    if _TRANSLATION.search(path):
        return False
    if p.stem.casefold() in ("changelog", "changes", "license", "code_of_conduct", "security", "contributing",
                             "authors", "notice", "citation", "pull_request_template"):
        return False
    return is_readme(path) or any(x in DOCS_DIRS for x in parts)


NOT_USER_DOCS = frozenset({"evaluation", "eval", "benchmark", "benchmarks", "artifact", "artifacts", "experiments",
                           "scripts", "ci", "tools", "examples", "example"})


def is_user_doc(path: str) -> bool:
    """A documentation page for users beyond README files: not a README, not under folders
    of evaluation, benchmark, artifact or CI material."""
    parts = [x.casefold() for x in PurePosixPath(path).parts[:-1]]
    return not is_readme(path) and not any(x in NOT_USER_DOCS or x.startswith("artifact") for x in parts)


def _rank(path: str) -> tuple[int, int, str]:
    parts = PurePosixPath(path).parts
    if len(parts) == 1 and is_readme(path):
        return (0, 0, path)
    in_docs = any(x.casefold() in DOCS_DIRS for x in parts[:-1])
    return (1 if in_docs else 2, len(parts), path.casefold())


def select_pages(files: Iterable[tuple[str, int | None]], max_pages: int = MAX_PAGES,
                 max_page_bytes: int = MAX_PAGE_BYTES) -> tuple[list[str], bool]:
    """The documentation paths to read, best first, and whether a cap left some out.

    ``files`` are (path, size or None). Pages over four times the per-page cap
    are left out (they are generated references, not prose)."""
    docs = [(path, size) for path, size in files if is_doc_path(path)]
    fitting = [path for path, size in docs if size is None or size <= 4 * max_page_bytes]
    ordered = sorted(fitting, key=_rank)
    return ordered[:max_pages], len(ordered) > max_pages or len(fitting) < len(docs)


def clean_text(raw: bytes, cap: int) -> str | None:
    """Page text cut at ``cap`` bytes; None for binary content."""
    if b"\x00" in raw[:8192]:
        return None
    text = raw[:cap].decode("utf-8", errors="replace").replace("\r\n", "\n")
    return _CONTROL.sub("", text)


def blob_url(repo: str, commit: str | None, path: str) -> str:
    """The page on github.com at the commit read (``HEAD`` when it is not known)."""
    return f"https://github.com/{repo}/blob/{commit or 'HEAD'}/{quote(path)}"


# --- GitHub -----------------------------------------------------------------------------

class _NoBlobs:
    """The HTTP cache, minus git blobs: they are addressed by their sha and never change."""

    def __init__(self, inner: Cache | None):
        self.inner = inner

    def get(self, url: str) -> tuple[str, str] | None:
        return None if self.inner is None or "/git/blobs/" in url else self.inner.get(url)

    def put(self, url: str, etag: str, body: str) -> None:
        if self.inner is not None and "/git/blobs/" not in url:
            self.inner.put(url, etag, body)


def read_github(client: GitHubClient, repo: str, *, already_read: AlreadyRead | None = None,
                max_pages: int = MAX_PAGES, max_page_bytes: int = MAX_PAGE_BYTES,
                max_total_bytes: int = MAX_TOTAL_BYTES) -> EngineDocs:
    """The documentation of ``repo``'s default branch. Rate limits and access
    errors propagate (they stop a crawl); anything else is a result with status
    ``missing`` or ``error``. The client's cache is wrapped (once) so that blob
    bodies, addressed by their sha, are not stored in it."""
    before = client.counters.requests
    client.cache = _NoBlobs(client.cache) if not isinstance(client.cache, _NoBlobs) else client.cache
    try:
        docs = _read_github(client, repo, already_read, max_pages, max_page_bytes, max_total_bytes)
    except NotFound as exc:
        docs = EngineDocs("github", repo, status="missing", error=str(exc))
    except FATAL:
        raise
    except GitHubError as exc:
        docs = EngineDocs("github", repo, status="error", error=str(exc))
    docs.requests = client.counters.requests - before
    return docs


def _read_github(client: GitHubClient, repo: str, already_read: AlreadyRead | None, max_pages: int,
                 max_page_bytes: int, max_total_bytes: int) -> EngineDocs:
    info = client.get(f"/repos/{repo}").data or {}
    full = info.get("full_name") or repo
    branch = info.get("default_branch") or "main"
    head = client.get(f"/repos/{full}/branches/{quote(branch, safe='')}").data or {}
    commit = (head.get("commit") or {})
    sha = str(commit.get("sha") or "")
    detail = commit.get("commit") or {}
    date = str(((detail.get("committer") or {}).get("date") or ""))[:10] or None
    tree_sha = (detail.get("tree") or {}).get("sha") or sha
    docs = EngineDocs("github", full, sha or None, date)
    if sha and already_read is not None and already_read(full, sha):
        docs.status = "unchanged"
        return docs
    tree = client.get(f"/repos/{full}/git/trees/{tree_sha}", {"recursive": "1"}).data or {}
    entries = {e["path"]: e for e in tree.get("tree") or [] if isinstance(e, dict) and e.get("type") == "blob"
               and isinstance(e.get("path"), str)}
    paths, capped = select_pages(((p, e.get("size")) for p, e in entries.items()), max_pages, max_page_bytes)
    docs.truncated = bool(tree.get("truncated")) or capped
    total = 0
    for path in paths:
        if total >= max_total_bytes:
            docs.truncated = True
            break
        text = _blob_text(client, full, entries[path].get("sha"), max_page_bytes)
        if text is None:
            continue
        total += len(text.encode("utf-8"))
        docs.pages.append(DocPage(path, blob_url(full, sha or None, path), text, date))
    return docs


def _blob_text(client: GitHubClient, repo: str, sha: Any, cap: int) -> str | None:
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{40,64}", sha):
        return None
    try:
        data = client.get(f"/repos/{repo}/git/blobs/{sha}").data or {}
    except NotFound:
        return None
    if data.get("encoding") != "base64":
        return None
    content = re.sub(r"\s+", "", str(data.get("content") or ""))[: (cap // 3 + 1) * 4]
    try:
        raw = base64.b64decode(content + "=" * (-len(content) % 4))
    except ValueError:
        return None
    return clean_text(raw, cap)


# --- a local snapshot --------------------------------------------------------------------

@dataclass
class LocalIndex:
    """What a snapshot's INDEX.json says about one repository."""
    repo: str
    commit: str | None
    date: str | None
    file_commits: dict[str, str]


def load_index(root: Path) -> dict[str, LocalIndex]:
    """INDEX.json of a snapshot, by lower-case ``owner/name``; {} when there is none.
    Raises ValueError for a file that is not the expected JSON."""
    path = root / INDEX_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of repositories")
    out: dict[str, LocalIndex] = {}
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("repo"), str):
            continue
        files = {f["path"]: f["commit"] for f in item.get("file_sources") or []
                 if isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("commit"), str)}
        out[item["repo"].lower()] = LocalIndex(item["repo"], item.get("commit") or None,
                                               (item.get("date") or None), files)
    return out


def local_folder(root: Path, repo: str) -> Path | None:
    """The snapshot folder of ``owner/name`` (``OWNER+NAME``, case-insensitive), or None."""
    want = repo.replace("/", "+").casefold()
    exact = root / repo.replace("/", "+")
    if exact.is_dir():
        return exact
    for child in root.iterdir() if root.is_dir() else ():
        if child.is_dir() and child.name.casefold() == want:
            return child
    return None


def read_local(root: Path, repo: str, index: dict[str, LocalIndex] | None = None, *,
               today: str | None = None, max_pages: int = MAX_PAGES, max_page_bytes: int = MAX_PAGE_BYTES,
               max_total_bytes: int = MAX_TOTAL_BYTES) -> EngineDocs:
    """The documentation of ``repo`` in a snapshot folder; status ``missing`` when it has none."""
    folder = local_folder(root, repo)
    if folder is None:
        return EngineDocs("local", repo, status="missing", error=f"no folder {repo.replace('/', '+')} in the snapshot")
    entry = (index if index is not None else load_index(root)).get(repo.lower())
    commit = entry.commit if entry else None
    date = (entry.date if entry else None) or today
    files = [(p.relative_to(folder).as_posix(), p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file()]
    paths, capped = select_pages(files, max_pages, max_page_bytes)
    docs = EngineDocs("local", entry.repo if entry else repo, commit, date, truncated=capped)
    total = 0
    for path in paths:
        if total >= max_total_bytes:
            docs.truncated = True
            break
        with open(folder / path, "rb") as fh:
            text = clean_text(fh.read(max_page_bytes), max_page_bytes)
        if text is None:
            continue
        text = _ELIDED.sub("", text)
        total += len(text.encode("utf-8"))
        page_commit = commit or (entry.file_commits.get(path) if entry else None)
        docs.pages.append(DocPage(path, blob_url(docs.repo or repo, page_commit, path), text, date))
    return docs


ARCHIVE_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar")


@contextmanager
def open_snapshot(path: Path) -> Iterator[Path]:
    """The snapshot folder at ``path``, or a tar archive of one unpacked to a temporary
    folder (members that would land outside it, links and devices are refused).
    Raises ValueError when ``path`` is neither."""
    if path.is_dir():
        yield path
        return
    if not (path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)):
        raise ValueError(f"{path}: not a folder or a .tar.xz/.tar.gz archive of docs")
    with tempfile.TemporaryDirectory(prefix="curator-docs-") as tmp:
        try:
            with tarfile.open(path) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ValueError(f"{path}: cannot unpack ({exc})") from None
        root = Path(tmp)
        inner = [p for p in root.iterdir() if p.is_dir()]
        yield inner[0] if len(inner) == 1 and not (root / INDEX_FILE).exists() else root


# --- commercial engines --------------------------------------------------------------------

_SOURCE_LINE = re.compile(r"^\s*source:\s*(\S+)\s*$", re.IGNORECASE)


def vendor_slug(name: str, homepage: str | None, available: Iterable[str]) -> str | None:
    """The vendor folder of a commercial engine: the homepage's first host label
    (``www.together.ai`` -> ``together``), else a folder whose name the engine's name starts with."""
    slugs = {s.casefold(): s for s in available}
    host = (urlsplit(homepage).hostname or "") if homepage else ""
    label = host.removeprefix("www.").split(".")[0].casefold()
    if label in slugs:
        return slugs[label]
    squashed = re.sub(r"[^0-9a-z]+", "", name.casefold())
    for key, slug in sorted(slugs.items()):
        if squashed.startswith(key):
            return slug
    return None


def read_vendor(root: Path, slug: str, *, today: str | None = None, max_pages: int = MAX_PAGES,
                max_page_bytes: int = MAX_PAGE_BYTES) -> EngineDocs:
    """Summaries of a commercial engine's pages (``commercial/SLUG/*.md``), each
    starting ``source: URL``; weak evidence. Pages without a source line are skipped."""
    folder = root / VENDOR_DIR / slug
    docs = EngineDocs("vendor", None, None, today)
    if not folder.is_dir():
        docs.status, docs.error = "missing", f"no folder {VENDOR_DIR}/{slug} in the snapshot"
        return docs
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.casefold() in DOC_SUFFIXES)
    docs.truncated = len(files) > max_pages
    for path in files[:max_pages]:
        with open(path, "rb") as fh:
            text = clean_text(fh.read(max_page_bytes), max_page_bytes)
        if text is None:
            continue
        first, _, rest = text.partition("\n")
        m = _SOURCE_LINE.match(first)
        if not m or not m.group(1).startswith(("https://", "http://")):
            log.info("vendor page %s has no source line; skipped", path.name)
            continue
        docs.pages.append(DocPage(urlsplit(m.group(1)).path or "/", m.group(1), rest, today, weak=True))
    return docs


def read_website(fetcher: Any, urls: Iterable[str], *, today: str | None = None, max_pages: int = 3) -> EngineDocs:
    """The visible text of an engine's own pages (docs site, homepage), through a
    :class:`~crawler.web.SafeFetcher`; pages that cannot be fetched are left out."""
    from bs4 import BeautifulSoup

    from crawler.web import FetchError

    docs = EngineDocs("website", None, None, today)
    errors = []
    for url in list(dict.fromkeys(u for u in urls if u))[:max_pages]:
        try:
            page = fetcher.fetch(url)
        except FetchError as exc:
            errors.append(f"{url}: {exc.status}")
            continue
        if page.content_type in ("text/plain", "text/markdown", "text/x-markdown"):
            text = page.text
        else:
            soup = BeautifulSoup(page.text, "html.parser")
            for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed", "meta"]):
                tag.decompose()
            text = soup.get_text("\n", strip=True)
        docs.pages.append(DocPage(urlsplit(page.final_url).path or "/", page.final_url, _CONTROL.sub("", text), today))
        docs.truncated |= page.truncated
    if not docs.pages:
        docs.status = "error" if errors else "missing"
        docs.error = "; ".join(errors)[:300] or "no page to read"
    return docs
