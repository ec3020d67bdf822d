"""A fake GitHub REST API holding one repository, for `curator pr` tests.

Speaks what PyGithub sends and expects back: the authenticated user, the
repository, file contents (GET/PUT with blob shas), git refs (GET/POST/PATCH),
compare, pulls (list/create/get/patch), issue labels and comments, repository
labels. Responses have GitHub's JSON shapes, rate-limit headers and error
bodies. Commits form a real parent graph so "compare" and fast-forward checks
behave like GitHub.

The token is a fine-grained one: ``permissions`` holds the write permissions it
was given; a write without its permission gets GitHub's 403 with the
``x-accepted-github-permissions`` header, checked before the request body (an
empty body to an allowed endpoint is a 422). ``expires_at`` adds the
``github-authentication-token-expiration`` header to every answer; a token that
is no longer ``token`` (``fake.token = ...``) gets 401, as an expired one does.

Test helpers: :meth:`FakeGitHub.push` (someone commits to a branch),
:meth:`merge` and :meth:`close` (a maintainer decides), :meth:`text`.
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from tests.fakes.server import FakeServer, Request, Response

DOCS = "https://docs.github.com/rest"
_TIME = "2026-07-01T03:17:00Z"


@dataclass
class Commit:
    sha: str
    tree: dict[str, bytes]
    parents: list[str]
    message: str
    author: str | None
    committer: str | None


@dataclass
class Pull:
    number: int
    head: str
    base: str
    title: str
    body: str
    state: str = "open"
    merged: bool = False
    closed_at: str | None = None
    labels: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


WRITE_PERMISSIONS = ("contents", "pull_requests", "issues")
# write routes -> the permissions GitHub accepts for them (any one will do)
_NEEDS = [
    ("PUT", r"/contents/.+", ("contents",)),
    ("POST", r"/git/refs", ("contents",)),
    ("PATCH", r"/git/refs/heads/.+", ("contents",)),
    ("POST", r"/pulls", ("pull_requests",)),
    ("PATCH", r"/pulls/\d+", ("pull_requests",)),
    ("POST", r"/issues/\d+/labels", ("issues", "pull_requests")),
    ("POST", r"/issues/\d+/comments", ("issues", "pull_requests")),
    ("POST", r"/labels", ("issues", "pull_requests")),
]


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class FakeGitHub:
    def __init__(self, full_name: str, files: dict[str, str], token: str = "test-token",
                 bot: str = "curator-bot", default_branch: str = "main", app_token: bool = False,
                 permissions: set[str] | None = None, expires_at: datetime | None = None):
        self.owner, self.name = full_name.split("/")
        self.permissions = set(WRITE_PERMISSIONS) if permissions is None else set(permissions)
        self.expires_at = expires_at
        self.full_name = full_name
        self.token = token
        self.bot = bot
        self.default_branch = default_branch
        self.app_token = app_token  # GitHub App installation tokens may not read /user
        self.server = FakeServer(self.handle)
        self.reset(files)
        # headers and body go out in two writes; without TCP_NODELAY each answer waits ~40 ms
        # on the client's delayed ACK (the handler class is this server's own)
        self.server._httpd.RequestHandlerClass.disable_nagle_algorithm = True

    # --- test helpers -------------------------------------------------------------

    def reset(self, files: dict[str, str]) -> None:
        """Forget everything: one commit on the default branch holding ``files``, no PRs, no requests."""
        self.commits: dict[str, Commit] = {}
        self.refs: dict[str, str] = {}
        self.pulls: dict[int, Pull] = {}
        self._numbers = itertools.count(1)
        self._ids = itertools.count(1000)
        root = self._commit({p: t.encode() for p, t in files.items()}, [], "initial", "maintainer", "maintainer")
        self.refs[self.default_branch] = root
        self.server.requests.clear()

    def push(self, branch: str, path: str, text: str, login: str = "maintainer") -> str:
        head = self.refs[branch]
        tree = dict(self.commits[head].tree)
        tree[path] = text.encode()
        sha = self._commit(tree, [head], f"edit {path}", login, login)
        self.refs[branch] = sha
        return sha

    def text(self, branch: str, path: str) -> str:
        return self.commits[self.refs[branch]].tree[path].decode()

    def merge(self, number: int, at: str = "2026-07-02T09:00:00Z") -> None:
        pr = self.pulls[number]
        head = self.refs[pr.head]
        sha = self._commit(dict(self.commits[head].tree), [self.refs[pr.base], head], "merge", "maintainer", "web-flow")
        self.refs[pr.base] = sha
        pr.state, pr.merged, pr.closed_at = "closed", True, at

    def close(self, number: int, at: str = "2026-07-02T09:00:00Z") -> None:
        self.pulls[number].state, self.pulls[number].closed_at = "closed", at

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.server.requests if r.method != "GET"]

    # --- plumbing ---------------------------------------------------------------

    def _commit(self, tree: dict[str, bytes], parents: list[str], message: str,
                author: str | None, committer: str | None) -> str:
        seed = json.dumps([sorted((p, blob_sha(d)) for p, d in tree.items()), parents, message, author,
                           next(self._ids)])
        sha = hashlib.sha1(seed.encode()).hexdigest()
        self.commits[sha] = Commit(sha, tree, parents, message, author, committer)
        return sha

    def _ancestors(self, sha: str) -> set[str]:
        seen, todo = set(), [sha]
        while todo:
            s = todo.pop()
            if s not in seen:
                seen.add(s)
                todo.extend(self.commits[s].parents)
        return seen

    def _resolve(self, ref: str | None) -> str | None:
        ref = ref or self.default_branch
        if ref in self.refs:
            return self.refs[ref]
        return ref if ref in self.commits else None

    # --- HTTP ---------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        self.api = f"http://{req.headers.get('host')}"
        auth = req.headers.get("authorization", "")
        if auth not in (f"token {self.token}", f"Bearer {self.token}"):
            return self._error(401, "Bad credentials")
        prefix = f"/repos/{self.owner}/{self.name}"
        path = unquote(req.path)
        if path == "/user" and req.method == "GET":
            if self.app_token:
                return self._error(403, "Resource not accessible by integration")
            return self._ok(self._user(self.bot))
        if not path.startswith(prefix):
            return self._error(404, "Not Found")
        rest = path[len(prefix):]
        for method, pattern, fn in self._routes():
            m = re.fullmatch(pattern, rest)
            if m and req.method == method:
                needs = next((any_of for verb, pat, any_of in _NEEDS if verb == method and re.fullmatch(pat, rest)),
                             None)
                if needs and not self.permissions & set(needs):
                    resp = self._error(403, "Resource not accessible by personal access token")
                    resp.headers["x-accepted-github-permissions"] = "; ".join(f"{n}=write" for n in needs)
                    return resp
                return fn(req, *m.groups())
        return self._error(404, "Not Found")

    def _routes(self):
        return [
            ("GET", r"", lambda req: self._ok(self._repo())),
            ("GET", r"/contents/(.+)", self._get_contents),
            ("PUT", r"/contents/(.+)", self._put_contents),
            ("GET", r"/git/refs?/heads/(.+)", self._get_ref),
            ("POST", r"/git/refs", self._post_ref),
            ("PATCH", r"/git/refs/heads/(.+)", self._patch_ref),
            ("GET", r"/compare/(.+)\.\.\.(.+)", self._compare),
            ("GET", r"/pulls", self._list_pulls),
            ("POST", r"/pulls", self._create_pull),
            ("GET", r"/pulls/(\d+)", lambda req, n: self._pull_or_404(int(n))),
            ("PATCH", r"/pulls/(\d+)", self._patch_pull),
            ("POST", r"/issues/(\d+)/labels", self._add_labels),
            ("POST", r"/issues/(\d+)/comments", self._add_comment),
            ("POST", r"/labels", self._create_label),
        ]

    def _ok(self, body: Any, status: int = 200) -> Response:
        headers = {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4990",
                   "X-RateLimit-Reset": "1782876000", "X-RateLimit-Resource": "core"}
        if self.expires_at is not None:
            headers["github-authentication-token-expiration"] = self.expires_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return Response(status, body, headers)

    def _error(self, status: int, message: str, errors: list | None = None) -> Response:
        body: dict[str, Any] = {"message": message, "documentation_url": DOCS, "status": str(status)}
        if errors:
            body["errors"] = errors
        return self._ok(body, status)

    def _user(self, login: str | None) -> dict[str, Any] | None:
        if login is None:
            return None
        return {"login": login, "id": abs(hash(login)) % 10**8, "type": "Bot" if login.endswith("bot") else "User",
                "url": f"{self.api}/users/{login}", "html_url": f"https://github.com/{login}"}

    def _repo(self) -> dict[str, Any]:
        url = f"{self.api}/repos/{self.full_name}"
        return {"id": 4242, "name": self.name, "full_name": self.full_name, "private": False,
                "owner": self._user(self.owner), "url": url, "html_url": f"https://github.com/{self.full_name}",
                "default_branch": self.default_branch, "pulls_url": url + "/pulls{/number}"}

    # contents

    def _file(self, path: str, data: bytes, ref: str) -> dict[str, Any]:
        encoded = base64.b64encode(data).decode()
        url = f"{self.api}/repos/{self.full_name}/contents/{path}?ref={ref}"
        return {"type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1],
                "path": path, "sha": blob_sha(data), "url": url,
                "content": "\n".join(encoded[i:i + 60] for i in range(0, len(encoded), 60)) + "\n"}

    def _get_contents(self, req: Request, path: str) -> Response:
        sha = self._resolve(req.param("ref"))
        if sha is None:
            return self._error(404, f"No commit found for the ref {req.param('ref')}")
        data = self.commits[sha].tree.get(path)
        if data is None:
            return self._error(404, "Not Found")
        return self._ok(self._file(path, data, req.param("ref") or self.default_branch))

    def _put_contents(self, req: Request, path: str) -> Response:
        body = req.json()
        branch = body.get("branch") or self.default_branch
        if branch not in self.refs:
            return self._error(404, f"Branch {branch} not found")
        head = self.refs[branch]
        tree = dict(self.commits[head].tree)
        if path in tree and body.get("sha") != blob_sha(tree[path]):
            return self._error(409, f"{path} does not match {body.get('sha')}")
        tree[path] = base64.b64decode(body["content"])
        sha = self._commit(tree, [head], body["message"], self.bot, self.bot)
        self.refs[branch] = sha
        return self._ok({"content": self._file(path, tree[path], branch), "commit": self._commit_json(sha)["commit"]
                         | {"sha": sha, "url": f"{self.api}/repos/{self.full_name}/git/commits/{sha}"}})

    # refs

    def _ref_json(self, branch: str) -> dict[str, Any]:
        sha = self.refs[branch]
        base = f"{self.api}/repos/{self.full_name}/git"
        return {"ref": f"refs/heads/{branch}", "node_id": "REF_" + branch, "url": f"{base}/refs/heads/{branch}",
                "object": {"sha": sha, "type": "commit", "url": f"{base}/commits/{sha}"}}

    def _get_ref(self, req: Request, branch: str) -> Response:
        if branch not in self.refs:
            return self._error(404, "Not Found")
        return self._ok(self._ref_json(branch))

    def _post_ref(self, req: Request) -> Response:
        body = req.json()
        ref, sha = body.get("ref", ""), body.get("sha")
        if not ref.startswith("refs/heads/") or ref.count("/") < 2:
            return self._error(422, "Reference name must start with 'refs/' and have at least two slashes.")
        branch = ref[len("refs/heads/"):]
        if branch in self.refs:
            return self._error(422, "Reference already exists")
        if sha not in self.commits:
            return self._error(422, "Object does not exist")
        self.refs[branch] = sha
        return self._ok(self._ref_json(branch), 201)

    def _patch_ref(self, req: Request, branch: str) -> Response:
        body = req.json()
        if branch not in self.refs:
            return self._error(422, "Reference does not exist")
        sha = body.get("sha")
        if sha not in self.commits:
            return self._error(422, "Object does not exist")
        if not body.get("force") and self.refs[branch] not in self._ancestors(sha):
            return self._error(422, "Update is not a fast forward")
        self.refs[branch] = sha
        return self._ok(self._ref_json(branch))

    # commits

    def _commit_json(self, sha: str) -> dict[str, Any]:
        c = self.commits[sha]
        url = f"{self.api}/repos/{self.full_name}/commits/{sha}"
        person = lambda login: {"name": login or "someone", "email": f"{login or 'someone'}@example.invalid",
                                "date": _TIME}
        return {"sha": sha, "node_id": "C_" + sha[:8], "url": url, "html_url": f"https://github.com/{self.full_name}/commit/{sha}",
                "commit": {"message": c.message, "author": person(c.author), "committer": person(c.committer),
                           "tree": {"sha": blob_sha(repr(sorted(c.tree)).encode()), "url": url + "/tree"},
                           "url": url},
                "author": self._user(c.author), "committer": self._user(c.committer),
                "parents": [{"sha": p, "url": f"{self.api}/repos/{self.full_name}/commits/{p}"} for p in c.parents]}

    def _compare(self, req: Request, base: str, head: str) -> Response:
        b, h = self._resolve(base), self._resolve(head)
        if b is None or h is None:
            return self._error(404, "Not Found")
        in_base, in_head = self._ancestors(b), self._ancestors(h)
        ahead = [s for s in self._order(h) if s not in in_base]
        behind = in_base - in_head
        status = "identical" if b == h else "ahead" if not behind else "behind" if not ahead else "diverged"
        return self._ok({"url": f"{self.api}/repos/{self.full_name}/compare/{base}...{head}", "status": status,
                         "ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead),
                         "commits": [self._commit_json(s) for s in ahead], "files": []})

    def _order(self, head: str) -> list[str]:
        """Oldest first, like GitHub's compare."""
        out: list[str] = []
        seen: set[str] = set()

        def visit(s: str) -> None:
            if s in seen:
                return
            seen.add(s)
            for p in self.commits[s].parents:
                visit(p)
            out.append(s)
        visit(head)
        return out

    # pulls

    def _pull_json(self, pr: Pull) -> dict[str, Any]:
        url = f"{self.api}/repos/{self.full_name}/pulls/{pr.number}"
        head_sha = self.refs.get(pr.head, "")
        return {"url": url, "id": 90000 + pr.number, "number": pr.number, "state": pr.state, "title": pr.title,
                "body": pr.body, "draft": False, "merged": pr.merged, "user": self._user(self.bot),
                "closed_at": pr.closed_at, "merged_at": pr.closed_at if pr.merged else None,
                "html_url": f"https://github.com/{self.full_name}/pull/{pr.number}",
                "issue_url": f"{self.api}/repos/{self.full_name}/issues/{pr.number}",
                "labels": [{"id": i, "name": n, "color": "ededed"} for i, n in enumerate(pr.labels)],
                "head": {"label": f"{self.owner}:{pr.head}", "ref": pr.head, "sha": head_sha, "repo": self._repo()},
                "base": {"label": f"{self.owner}:{pr.base}", "ref": pr.base, "sha": self.refs[pr.base],
                         "repo": self._repo()}}

    def _list_pulls(self, req: Request) -> Response:
        state, head, base = req.param("state", "open"), req.param("head"), req.param("base")
        out = [p for p in sorted(self.pulls.values(), key=lambda p: -p.number)
               if (state == "all" or p.state == state) and (head is None or f"{self.owner}:{p.head}" == head)
               and (base is None or p.base == base)]
        return self._ok([self._pull_json(p) for p in out])

    def _create_pull(self, req: Request) -> Response:
        body = req.json()
        head, base = body.get("head"), body.get("base")
        if head not in self.refs or base not in self.refs:
            return self._error(422, "Validation Failed", [{"resource": "PullRequest", "field": "head", "code": "invalid"}])
        if any(p.head == head and p.state == "open" for p in self.pulls.values()):
            return self._error(422, "Validation Failed", [{"resource": "PullRequest", "code": "custom",
                                                          "message": f"A pull request already exists for {self.owner}:{head}."}])
        if len(body.get("body") or "") > 65536:
            return self._error(422, "Validation Failed", [{"resource": "Issue", "field": "body", "code": "custom",
                                                          "message": "body is too long (maximum is 65536 characters)"}])
        pr = Pull(next(self._numbers), head, base, body.get("title", ""), body.get("body") or "")
        self.pulls[pr.number] = pr
        return self._ok(self._pull_json(pr), 201)

    def _pull_or_404(self, number: int) -> Response:
        pr = self.pulls.get(number)
        return self._ok(self._pull_json(pr)) if pr else self._error(404, "Not Found")

    def _patch_pull(self, req: Request, n: str) -> Response:
        pr = self.pulls.get(int(n))
        if pr is None:
            return self._error(404, "Not Found")
        body = req.json()
        if len(body.get("body") or "") > 65536:
            return self._error(422, "Validation Failed")
        pr.title = body.get("title", pr.title)
        pr.body = body.get("body", pr.body)
        pr.state = body.get("state", pr.state)
        return self._ok(self._pull_json(pr))

    def _add_labels(self, req: Request, n: str) -> Response:
        pr = self.pulls.get(int(n))
        if pr is None:
            return self._error(404, "Not Found")
        body = req.json()
        names = body.get("labels", []) if isinstance(body, dict) else body
        for name in names:
            if name not in pr.labels:
                pr.labels.append(name)
        return self._ok([{"id": i, "name": name, "color": "ededed"} for i, name in enumerate(pr.labels)])

    def _create_label(self, req: Request) -> Response:
        body = req.json() if req.body else None
        if not isinstance(body, dict) or not body.get("name"):
            return self._error(422, "Invalid request.\n\n\"name\" wasn't supplied.")
        return self._ok({"id": next(self._ids), "name": body["name"], "color": body.get("color", "ededed")}, 201)

    def _add_comment(self, req: Request, n: str) -> Response:
        pr = self.pulls.get(int(n))
        if pr is None:
            return self._error(404, "Not Found")
        pr.comments.append(req.json()["body"])
        cid = next(self._ids)
        return self._ok({"id": cid, "body": pr.comments[-1], "user": self._user(self.bot), "created_at": _TIME,
                         "url": f"{self.api}/repos/{self.full_name}/issues/comments/{cid}",
                         "html_url": f"https://github.com/{self.full_name}/pull/{n}#issuecomment-{cid}"}, 201)
