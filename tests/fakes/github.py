"""A fake GitHub REST API for the statistics crawl, on :class:`FakeServer`.

Repositories are plain :class:`FakeRepo` dataclasses (``FakeGitHub.add``);
responses have GitHub's JSON shapes, ``Link`` pagination (``per_page``,
``page``), weak ETags honoured by ``If-None-Match`` (304, not billed),
``x-ratelimit-*`` headers, error bodies ``{"message", "documentation_url"}``,
301 for renamed repositories, 404/451, and 202 from ``/stats/*`` while
"computing". Faults are queued per path pattern with :meth:`FakeGitHub.fault`;
``link_origin`` makes Link headers point at another host.

A repository's files (``FakeRepo.files``, path -> bytes) are served as git
data, as the docs crawl reads them: ``/branches/B`` (head commit with its
committer date and tree), ``/git/trees/SHA?recursive=1`` (blob and tree
entries with sizes, ``truncated`` from ``FakeRepo.tree_truncated``) and
``/git/blobs/SHA`` (base64 content). Shas are git's own (``blob N\0...``).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import urlencode

from tests.fakes.server import FakeServer, Request, Response

DOCS = "https://docs.github.com/rest"
NOW = datetime(2026, 7, 1, 3, 0, tzinfo=timezone.utc)


def _num(text: str) -> int:
    """A stable numeric id for a name (``hash()`` changes between processes)."""
    return int(hashlib.sha1(text.encode()).hexdigest()[:6], 16)


def blob_sha(data: bytes) -> str:
    """The git object id of a blob."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _since(req: Request) -> datetime | None:
    """The ``since`` parameter (ISO 8601, ``Z``) of a request, if any."""
    value = req.param("since")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@dataclass
class FakeIssue:
    number: int
    created_at: datetime
    user: str = "alice"
    comments: list[tuple[str, datetime]] = field(default_factory=list)  # (login, time); "x[bot]" is a bot
    pull_request: bool = False

    @property
    def updated_at(self) -> datetime:
        return max([self.created_at, *(at for _, at in self.comments)])


@dataclass
class FakeRepo:
    full_name: str
    id: int = 1
    stars: int = 100
    forks: int = 10
    watchers: int = 5
    open_issues: int = 3            # issues only; open_issues_count adds open_prs
    open_prs: int = 2
    contributors: int = 7
    weekly_commits: list[int] = field(default_factory=lambda: [1] * 52)  # oldest first, last = this week
    releases: list[dict[str, Any]] = field(default_factory=list)  # newest first: tag, published_at, prerelease
    issues: list[FakeIssue] = field(default_factory=list)  # newest first
    readme: bytes | None = b"# Fake\n\nA fake engine.\n"
    created_at: str = "2023-01-02T03:04:05Z"
    pushed_at: str = "2026-06-30T12:00:00Z"
    license: str | None = "Apache-2.0"
    topics: list[str] = field(default_factory=lambda: ["llm", "inference"])
    homepage: str | None = "https://example.org"
    description: str | None = "A fast inference engine"
    archived: bool = False
    default_branch: str = "main"
    has_discussions: bool = True
    has_issues: bool = True          # False: /issues answers 410 as GitHub does
    stats_pending: int = 0          # answer 202 this many times (-1: forever)
    files: dict[str, bytes] = field(default_factory=dict)  # path -> content, served as git trees and blobs
    commit_date: str = "2026-06-30T12:00:00Z"
    tree_truncated: bool = False

    def commit_sha(self) -> str:
        return hashlib.sha1(("commit " + self.tree_sha() + self.commit_date).encode()).hexdigest()

    def tree_sha(self) -> str:
        digest = hashlib.sha1()
        for path in sorted(self.files):
            digest.update(path.encode() + b"\0" + blob_sha(self.files[path]).encode())
        return digest.hexdigest()

    def json(self, base: str) -> dict[str, Any]:
        owner = self.full_name.split("/")[0]
        return {
            "id": self.id, "node_id": f"R_{self.id}", "name": self.full_name.split("/")[1],
            "full_name": self.full_name, "private": False,
            "owner": {"login": owner, "id": self.id + 1000, "type": "Organization"},
            "html_url": f"https://github.com/{self.full_name}", "description": self.description,
            "fork": False, "url": f"{base}/repos/{self.full_name}", "created_at": self.created_at,
            "updated_at": self.pushed_at, "pushed_at": self.pushed_at, "homepage": self.homepage,
            "size": 1234, "stargazers_count": self.stars, "watchers_count": self.stars,
            "language": "Python", "has_issues": self.has_issues, "has_discussions": self.has_discussions,
            "forks_count": self.forks, "archived": self.archived, "disabled": False,
            "open_issues_count": self.open_issues + self.open_prs,
            "license": None if self.license is None else {
                "key": self.license.lower(), "name": self.license, "spdx_id": self.license,
                "url": f"{base}/licenses/{self.license.lower()}"},
            "topics": self.topics, "visibility": "public", "forks": self.forks,
            "open_issues": self.open_issues + self.open_prs, "watchers": self.stars,
            "default_branch": self.default_branch, "subscribers_count": self.watchers,
            "network_count": self.forks,
        }


@dataclass
class Fault:
    pattern: str
    response: Callable[[], Response]
    times: int  # -1: forever


class FakeGitHub:
    def __init__(self, token: str | None = None, limit: int = 5000, reset_in: int = 3600, now: datetime = NOW):
        self.repos: dict[str, FakeRepo] = {}
        self.renamed: dict[str, str] = {}   # old lower-case name -> new full name
        self.gone: dict[str, int] = {}      # lower-case name -> 404 / 451
        self.token = token
        self.limit = limit
        self.remaining = limit
        self.reset = int(now.timestamp()) + reset_in
        self.now = now
        self.faults: list[Fault] = []
        self.link_origin: str | None = None
        self.server = FakeServer(self.handle)

    # -- setup ----------------------------------------------------------------
    def add(self, repo: FakeRepo) -> FakeRepo:
        self.repos[repo.full_name.lower()] = repo
        return repo

    def rename(self, old: str, new: str) -> None:
        repo = self.repos.pop(old.lower())
        repo.full_name = new
        self.repos[new.lower()] = repo
        self.renamed[old.lower()] = new

    def fault(self, pattern: str, response: Callable[[], Response], times: int = 1) -> None:
        self.faults.append(Fault(pattern, response, times))

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Callable[[], Response]:
        return lambda: Response(status, {"message": message, "documentation_url": DOCS}, dict(headers or {}))

    def exhaust(self, reset_in: int) -> None:
        """Spend the primary limit; it resets ``reset_in`` seconds from ``now``."""
        self.remaining = 0
        self.reset = int(self.now.timestamp()) + reset_in

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> "FakeGitHub":
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    # -- serving --------------------------------------------------------------
    def _rate_headers(self) -> dict[str, str]:
        return {"x-ratelimit-limit": str(self.limit), "x-ratelimit-remaining": str(self.remaining),
                "x-ratelimit-reset": str(self.reset), "x-ratelimit-used": str(self.limit - self.remaining),
                "x-ratelimit-resource": "core"}

    def handle(self, req: Request) -> Response:
        if self.token and req.headers.get("authorization") not in (f"token {self.token}", f"Bearer {self.token}"):
            return self._with_rate(self.error(401, "Bad credentials")())
        if req.path == "/rate_limit":
            core = {"limit": self.limit, "remaining": self.remaining, "reset": self.reset,
                    "used": self.limit - self.remaining}
            return self._with_rate(Response(200, {"resources": {"core": core}, "rate": core}))
        for f in self.faults:
            if f.times != 0 and re.search(f.pattern, req.path):
                f.times -= 1
                return self._with_rate(f.response())
        if self.remaining <= 0:
            return self._with_rate(self.error(
                403, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please "
                     "include the request ID.")())
        resp = self._route(req)
        etag = 'W/"' + hashlib.sha1(resp.encoded() + resp.headers.get("Link", "").encode()).hexdigest() + '"'
        if resp.status == 200:
            resp.headers["ETag"] = etag
            if req.headers.get("if-none-match") == etag:
                return self._with_rate(Response(304, b"", {"ETag": etag}))
        self.remaining -= 1
        return self._with_rate(resp)

    def _with_rate(self, resp: Response) -> Response:
        resp.headers = {**self._rate_headers(), **resp.headers}
        return resp

    def _route(self, req: Request) -> Response:
        m = re.fullmatch(r"/repositories/(\d+)(/.*)?", req.path)
        if m:
            repo = next((r for r in self.repos.values() if r.id == int(m.group(1))), None)
            return self._repo_route(req, repo, m.group(2) or "") if repo else self.error(404, "Not Found")()
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)?", req.path)
        if not m:
            return self.error(404, "Not Found")()
        name, rest = m.group(1).lower(), m.group(2) or ""
        if name in self.gone:
            status = self.gone[name]
            if status == 451:
                return Response(451, {"message": "Repository access blocked", "documentation_url": DOCS,
                                      "block": {"reason": "dmca", "created_at": iso(self.now)}})
            return self.error(404, "Not Found")()
        if name in self.renamed:
            repo = self.repos[self.renamed[name].lower()]
            return Response(301, {"message": "Moved Permanently", "url": f"{self.url}/repositories/{repo.id}",
                                  "documentation_url": DOCS},
                            {"Location": f"{self.url}/repositories/{repo.id}{rest}"})
        repo = self.repos.get(name)
        if repo is None:
            return self.error(404, "Not Found")()
        return self._repo_route(req, repo, rest)

    def _repo_route(self, req: Request, repo: FakeRepo, rest: str) -> Response:
        if rest == "":
            return Response(200, repo.json(self.url))
        if rest == "/contributors":
            users = [{"login": f"dev{i}", "id": i, "type": "User", "contributions": 100 - i}
                     for i in range(repo.contributors)]
            return self._page(req, users) if users else Response(204, b"")
        if rest == "/pulls":
            pulls = [{"number": 1000 + i, "state": "open", "title": f"PR {i}", "draft": False}
                     for i in range(repo.open_prs)] if req.param("state", "open") == "open" else []
            return self._page(req, pulls)
        if rest == "/releases":
            return self._page(req, [self._release(repo, r) for r in repo.releases])
        if rest == "/releases/latest":
            stable = [r for r in repo.releases if not r.get("prerelease")]
            return Response(200, self._release(repo, stable[0])) if stable else self.error(404, "Not Found")()
        if rest == "/commits":
            return self._page(req, self._commits(repo, _since(req)))
        if rest == "/issues":
            return self._page(req, self._issues(repo, req))
        if rest.startswith("/issues") and not repo.has_issues:
            return self.error(410, "Issues are disabled for this repo")()
        if rest == "/issues/comments":
            return self._page(req, self._repo_comments(repo, req))
        m = re.fullmatch(r"/issues/(\d+)/comments", rest)
        if m:
            issue = next((i for i in repo.issues if i.number == int(m.group(1))), None)
            if issue is None:
                return self.error(404, "Not Found")()
            return self._page(req, [self._comment(repo, issue, k) for k in range(len(issue.comments))])
        if rest == "/readme":
            return self._readme(repo, req.headers.get("accept", ""))
        if rest.startswith(("/branches/", "/git/")):
            return self._git(req, repo, rest)
        if rest.startswith("/stats/"):
            return self._stats(repo, rest)
        return self.error(404, "Not Found")()

    # -- resources ------------------------------------------------------------
    def _user(self, login: str) -> dict[str, Any]:
        return {"login": login, "id": _num(login), "type": "Bot" if login.endswith("[bot]") else "User"}

    def _release(self, repo: FakeRepo, r: dict[str, Any]) -> dict[str, Any]:
        return {"id": _num(r["tag"]), "tag_name": r["tag"], "name": r["tag"], "draft": False,
                "prerelease": bool(r.get("prerelease")), "created_at": r["published_at"],
                "published_at": r["published_at"],
                "html_url": f"https://github.com/{repo.full_name}/releases/tag/{r['tag']}"}

    def _week_starts(self) -> list[datetime]:
        this_week = (self.now - timedelta(days=(self.now.weekday() + 1) % 7)).replace(hour=0, minute=0, second=0)
        return [this_week - timedelta(weeks=51 - i) for i in range(52)]

    def _commits(self, repo: FakeRepo, since: datetime | None) -> list[dict[str, Any]]:
        out = []
        for start, n in zip(self._week_starts(), repo.weekly_commits):
            out += [{"sha": hashlib.sha1(f"{repo.id}{start}{k}".encode()).hexdigest(),
                     "commit": {"author": {"date": iso(start + timedelta(hours=k))}}} for k in range(n)]
        out.reverse()
        if since:
            out = [c for c in out if datetime.fromisoformat(c["commit"]["author"]["date"][:-1] + "+00:00") >= since]
        return out

    def _issues(self, repo: FakeRepo, req: Request) -> list[dict[str, Any]]:
        """``/issues``: issues and pull requests, newest first; ``since`` keeps
        those updated at or after it, ``direction=asc`` reverses."""
        since = _since(req)
        api = f"{self.url}/repos/{repo.full_name}"
        items = [{"url": f"{api}/issues/{i.number}", "id": _num(f"{repo.full_name}#{i.number}"),
                  "number": i.number, "title": f"Issue {i.number}", "state": "open", "user": self._user(i.user),
                  "comments": len(i.comments), "created_at": iso(i.created_at), "updated_at": iso(i.updated_at),
                  "author_association": "NONE",
                  **({"pull_request": {"url": f"{api}/pulls/{i.number}"}} if i.pull_request else {})}
                 for i in repo.issues if since is None or i.updated_at >= since]
        if req.param("direction") == "asc":
            items.reverse()
        return items

    def _comment(self, repo: FakeRepo, issue: FakeIssue, k: int) -> dict[str, Any]:
        login, at = issue.comments[k]
        api = f"{self.url}/repos/{repo.full_name}"
        cid = issue.number * 10000 + k
        return {"url": f"{api}/issues/comments/{cid}", "id": cid, "node_id": f"IC_{cid}",
                "html_url": f"https://github.com/{repo.full_name}/issues/{issue.number}#issuecomment-{cid}",
                "issue_url": f"{api}/issues/{issue.number}", "user": self._user(login),
                "created_at": iso(at), "updated_at": iso(at), "body": "thanks",
                "author_association": "NONE" if login == issue.user else "MEMBER"}

    def _repo_comments(self, repo: FakeRepo, req: Request) -> list[dict[str, Any]]:
        """``/issues/comments``: every comment on the repository's issues and
        pull requests. Without ``sort`` in ascending id; ``sort=created`` (or
        ``updated``) orders by that time, newest first unless ``direction=asc``;
        ``since`` keeps comments updated at or after it."""
        since = _since(req)
        items = [self._comment(repo, i, k) for i in repo.issues for k in range(len(i.comments))
                 if since is None or i.comments[k][1] >= since]
        sort = req.param("sort")
        if sort in ("created", "updated"):
            items.sort(key=lambda c: (c[f"{sort}_at"], c["id"]), reverse=req.param("direction", "desc") != "asc")
        else:
            items.sort(key=lambda c: c["id"])
        return items

    def _readme(self, repo: FakeRepo, accept: str) -> Response:
        """The raw media type gives the file's bytes (GitHub serves up to 100 MB so); the
        JSON form carries base64 content only up to 1 MB (past it: "" and encoding "none")."""
        if repo.readme is None:
            return self.error(404, "Not Found")()
        if "application/vnd.github.raw" in accept:
            return Response(200, repo.readme, {"Content-Type": "application/vnd.github.raw; charset=utf-8"})
        b64 = base64.b64encode(repo.readme).decode()
        content = "\n".join(b64[i:i + 60] for i in range(0, len(b64), 60)) + "\n"
        encoding = "base64"
        if len(repo.readme) > 1_000_000:
            content, encoding = "", "none"
        return Response(200, {"type": "file", "encoding": encoding, "size": len(repo.readme),
                              "name": "README.md", "path": "README.md", "content": content,
                              "sha": hashlib.sha1(repo.readme).hexdigest(),
                              "url": f"{self.url}/repos/{repo.full_name}/contents/README.md"})

    def _git(self, req: Request, repo: FakeRepo, rest: str) -> Response:
        api = f"{self.url}/repos/{repo.full_name}"
        m = re.fullmatch(r"/branches/([^/]+)", rest)
        if m:
            if m.group(1) != repo.default_branch:
                return self.error(404, "Branch not found")()
            sha, tree = repo.commit_sha(), repo.tree_sha()
            person = {"name": "Dev", "email": "dev@example.org", "date": repo.commit_date}
            return Response(200, {
                "name": repo.default_branch,
                "commit": {"sha": sha, "node_id": f"C_{sha[:10]}",
                           "commit": {"author": person, "committer": person, "message": "docs",
                                      "tree": {"sha": tree, "url": f"{api}/git/trees/{tree}"},
                                      "url": f"{api}/git/commits/{sha}", "comment_count": 0},
                           "url": f"{api}/commits/{sha}", "html_url": f"https://github.com/{repo.full_name}/commit/{sha}",
                           "parents": []},
                "_links": {"self": f"{api}/branches/{repo.default_branch}",
                           "html": f"https://github.com/{repo.full_name}/tree/{repo.default_branch}"},
                "protected": False})
        m = re.fullmatch(r"/git/trees/([0-9a-f]{40})", rest)
        if m:
            if m.group(1) != repo.tree_sha():
                return self.error(404, "Not Found")()
            return Response(200, {"sha": repo.tree_sha(), "url": f"{api}/git/trees/{repo.tree_sha()}",
                                  "tree": self._tree_entries(repo, api, req.param("recursive") is not None),
                                  "truncated": repo.tree_truncated})
        m = re.fullmatch(r"/git/blobs/([0-9a-f]{40})", rest)
        if m:
            data = next((d for d in repo.files.values() if blob_sha(d) == m.group(1)), None)
            if data is None:
                return self.error(404, "Not Found")()
            b64 = base64.b64encode(data).decode()
            return Response(200, {"sha": m.group(1), "node_id": f"B_{m.group(1)[:10]}", "size": len(data),
                                  "url": f"{api}/git/blobs/{m.group(1)}", "encoding": "base64",
                                  "content": "\n".join(b64[i:i + 60] for i in range(0, len(b64), 60)) + "\n"})
        return self.error(404, "Not Found")()

    def _tree_entries(self, repo: FakeRepo, api: str, recursive: bool) -> list[dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        for path in sorted(repo.files):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                sha = hashlib.sha1(folder.encode()).hexdigest()
                entries.setdefault(folder, {"path": folder, "mode": "040000", "type": "tree", "sha": sha,
                                            "url": f"{api}/git/trees/{sha}"})
            sha = blob_sha(repo.files[path])
            entries[path] = {"path": path, "mode": "100644", "type": "blob", "sha": sha,
                             "size": len(repo.files[path]), "url": f"{api}/git/blobs/{sha}"}
        out = [entries[k] for k in sorted(entries)]
        return out if recursive else [e for e in out if "/" not in e["path"]]

    def _stats(self, repo: FakeRepo, rest: str) -> Response:
        if repo.stats_pending:
            repo.stats_pending -= 1 if repo.stats_pending > 0 else 0
            return Response(202, {})
        weeks = self._week_starts()
        if rest == "/stats/commit_activity":
            return Response(200, [{"days": [n, 0, 0, 0, 0, 0, 0], "total": n, "week": int(w.timestamp())}
                                  for w, n in zip(weeks, repo.weekly_commits)])
        if rest == "/stats/participation":
            return Response(200, {"all": repo.weekly_commits, "owner": [0] * 52})
        return self.error(404, "Not Found")()

    def _page(self, req: Request, items: list[Any]) -> Response:
        per_page = max(1, min(100, int(req.param("per_page", "30") or 30)))
        page = max(1, int(req.param("page", "1") or 1))
        last = max(1, -(-len(items) // per_page))
        body = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if last > 1:
            origin = self.link_origin or self.url
            query = {k: v[0] for k, v in req.query.items() if k != "page"}

            def link(p: int) -> str:
                return f"<{origin}{req.path}?{urlencode({**query, 'page': p})}>"
            rels = []
            if page < last:
                rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
            if page > 1:
                rels += [f'{link(page - 1)}; rel="prev"', f'{link(1)}; rel="first"']
            headers["Link"] = ", ".join(rels)
        return Response(200, json.loads(json.dumps(body)), headers)
