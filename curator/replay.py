"""A loopback HTTP server that replays the demo's recorded arXiv and GitHub answers.

``ReplayServer(data_dir)`` listens on 127.0.0.1 (a free port) and serves:

- ``/arxiv/query``: the recorded Atom feed (``arxiv/*.atom.gz``), filtered by the
  ``submittedDate:[A TO B]`` range of ``search_query`` (or by ``id_list``), sorted
  by submission date, sliced by ``start`` / ``max_results``, with opensearch
  totals, as the arXiv export API answers;
- ``/github/...``: GitHub REST JSON from ``github.json`` (repository, list
  resources with ``per_page``/``page`` and ``Link`` headers, issue comments,
  ``/stats/commit_activity``, ``/readme`` from ``readmes/OWNER+NAME.md``: raw with the
  raw media type, else base64 in JSON), and the git data of the default branch
  (``/branches``, ``/git/trees``, ``/git/blobs``) for the repositories of
  ``docs-snapshot.tar.xz``,
  with ETags honoured by ``If-None-Match`` (304), ``x-ratelimit-*`` headers and
  GitHub's error body for anything not recorded (404).

The recorded GitHub timestamps are shifted by (now - ``recorded_at``), so the
activity windows ("last 90 days") mean the same whatever day the demo runs.
Only the standard library; nothing here reaches beyond loopback.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import re
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
_DATE_RANGE = re.compile(r"submittedDate:\[(\d{8,14})\s+TO\s+(\d{8,14})\]")
_ENTRY = re.compile(r"  <entry>\n.*?\n  </entry>", re.S)
_TIME_KEYS = {"created_at", "updated_at", "pushed_at", "published_at"}
RATE_LIMIT = 5000


class Answer:
    def __init__(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or {}


class ArxivReplay:
    """The recorded week as the arXiv API would page it."""

    def __init__(self, feed_path: Path):
        with gzip.open(feed_path, "rt", encoding="utf-8") as fh:
            text = fh.read()
        self.head = text[: text.index("  <entry>")]
        self.entries = []  # (published YYYYMMDDHHMMSS, arxiv id, xml)
        for xml in _ENTRY.findall(text):
            published = re.search(r"<published>([^<]+)</published>", xml).group(1)
            aid = re.search(r"<id>http://arxiv.org/abs/([^<]+?)(v\d+)?</id>", xml).group(1)
            self.entries.append((re.sub(r"\D", "", published)[:14], aid, xml))
        self.entries.sort()

    def answer(self, query: dict[str, list[str]]) -> Answer:
        search = (query.get("search_query") or [""])[0]
        ids = [i for i in (query.get("id_list") or [""])[0].split(",") if i]
        try:
            start = int((query.get("start") or ["0"])[0])
            size = int((query.get("max_results") or ["10"])[0])
        except ValueError:
            return Answer(400, b"start and max_results must be integers", "text/plain")
        chosen = self.entries
        if ids:
            wanted = {re.sub(r"v\d+$", "", i) for i in ids}
            chosen = [e for e in chosen if e[1] in wanted]
        m = _DATE_RANGE.search(search)
        if m:
            lo, hi = m.group(1).ljust(14, "0"), m.group(2).ljust(12, "0").ljust(14, "9")
            chosen = [e for e in chosen if lo <= e[0] <= hi]
        if (query.get("sortOrder") or ["descending"])[0] == "descending":
            chosen = list(reversed(chosen))
        page = chosen[start:start + size]
        head = re.sub(r"<opensearch:totalResults>\d+<", f"<opensearch:totalResults>{len(chosen)}<", self.head)
        head = re.sub(r"<opensearch:startIndex>\d+<", f"<opensearch:startIndex>{start}<", head)
        head = re.sub(r"<opensearch:itemsPerPage>\d+<", f"<opensearch:itemsPerPage>{size}<", head)
        body = head + "".join(e[2] + "\n" for e in page) + "</feed>\n"
        return Answer(200, body.encode("utf-8"), "application/atom+xml; charset=utf-8")


class GitHubReplay:
    """The recorded repositories as the GitHub REST API would answer."""

    def __init__(self, data_path: Path, readmes: Path, now: datetime | None = None, docs: DocsTrees | None = None):
        data = json.loads(data_path.read_text(encoding="utf-8"))
        self.docs = docs
        recorded = datetime.fromisoformat(data["recorded_at"].replace("Z", "+00:00"))
        self.shift = ((now or datetime.now(timezone.utc)) - recorded).total_seconds()
        self.repos = {k.lower(): v for k, v in data["repos"].items()}
        self.readmes = readmes
        self.remaining = RATE_LIMIT
        self.reset = int(time.time()) + 3600
        self.lock = threading.Lock()

    def _shifted(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._shifted(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._shifted(v, key) for v in value]
        if key in _TIME_KEYS and isinstance(value, str):
            when = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() + self.shift
            return datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if key == "week" and isinstance(value, int):
            return int(value + self.shift)
        return value

    def answer(self, base: str, path: str, query: dict[str, list[str]], etag: str | None,
               accept: str = "") -> Answer:
        status, body, links = self._route(base, path, query)
        payload = json.dumps(body).encode("utf-8")
        content_type = "application/json; charset=utf-8"
        if status == 200 and path.endswith("/readme") and "application/vnd.github.raw" in accept:
            payload = base64.b64decode(body["content"])
            content_type = "application/vnd.github.raw; charset=utf-8"
        headers = {"x-ratelimit-limit": str(RATE_LIMIT), "x-ratelimit-reset": str(self.reset),
                   "x-ratelimit-resource": "core", "x-github-media-type": "github.v3; format=json"}
        if links:
            headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
        tag = 'W/"' + hashlib.sha1(payload + headers.get("Link", "").encode()).hexdigest() + '"'
        with self.lock:
            if status == 200 and etag == tag:
                headers.update({"ETag": tag, "x-ratelimit-remaining": str(self.remaining),
                                "x-ratelimit-used": str(RATE_LIMIT - self.remaining)})
                return Answer(304, b"", "application/json; charset=utf-8", headers)
            self.remaining = max(0, self.remaining - 1)
            headers["x-ratelimit-remaining"] = str(self.remaining)
            headers["x-ratelimit-used"] = str(RATE_LIMIT - self.remaining)
        if status == 200:
            headers["ETag"] = tag
        return Answer(status, payload, content_type, headers)

    def _route(self, base: str, path: str, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        parts = [p for p in path.split("/") if p]
        if path == "/rate_limit":
            core = {"limit": RATE_LIMIT, "remaining": self.remaining, "reset": self.reset, "used": 0}
            return 200, {"resources": {"core": core}, "rate": core}, {}
        if len(parts) < 3 or parts[0] != "repos":
            return _missing()
        record = self.repos.get(f"{parts[1]}/{parts[2]}".lower())
        if record is None:
            return _missing()
        rest = parts[3:]
        if not rest:
            return 200, self._shifted(record["repo"]), {}
        if self.docs is not None:
            git = self.docs.route(record["repo"]["full_name"], rest, record["repo"].get("default_branch") or "main")
            if git is not None:
                return git
        if rest == ["readme"]:
            return self._readme(record)
        if rest == ["stats", "commit_activity"]:
            return 200, self._shifted(record["commit_activity"]), {}
        if rest == ["releases", "latest"] and record["lists"]["releases"]["items"]:
            return 200, self._shifted(record["lists"]["releases"]["items"][0]), {}
        if rest == ["issues", "comments"]:
            return self._page(base + path, query, self._repo_comments(base, parts[1:3], record, query))
        if len(rest) == 3 and rest[0] == "issues" and rest[2] == "comments":
            thread = record["comments"].get(rest[1])
            if thread is None:
                return _missing()
            return self._page(base + path, query, {"count": len(thread), "items": thread})
        if len(rest) == 1 and rest[0] in record["lists"]:
            return self._page(base + path, query, record["lists"][rest[0]])
        return _missing()

    def _repo_comments(self, base: str, name: list[str], record: dict, query: dict[str, list[str]]) -> dict:
        """``/issues/comments``: the recorded comments of every issue, each with
        its ``issue_url``; ``since`` (compared after the time shift) keeps those
        at or after it; ``sort=created`` orders by time, newest first unless
        ``direction=asc``; without ``sort``, ascending id as GitHub does."""
        api = f"{base}/repos/{name[0]}/{name[1]}"
        items = [{**c, "issue_url": f"{api}/issues/{number}"}
                 for number, thread in record["comments"].items() for c in thread]
        since = (query.get("since") or [""])[0]
        if since:
            items = [c for c in items if self._shifted(c["created_at"], "created_at") >= since]
        if (query.get("sort") or [""])[0] in ("created", "updated"):
            newest_first = (query.get("direction") or ["desc"])[0] != "asc"
            items.sort(key=lambda c: (c["created_at"], c["id"]), reverse=newest_first)
        else:
            items.sort(key=lambda c: c["id"])
        return {"count": len(items), "items": items}

    def _page(self, url: str, query: dict[str, list[str]], listing: dict) -> tuple[int, Any, dict[str, str]]:
        try:
            per_page = max(1, min(100, int((query.get("per_page") or ["30"])[0])))
            page = max(1, int((query.get("page") or ["1"])[0]))
        except ValueError:
            return 422, {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest"}, {}
        items = self._shifted(listing["items"])
        last = max(1, -(-int(listing["count"]) // per_page))
        body = items[(page - 1) * per_page: page * per_page]
        links: dict[str, str] = {}

        def link(n: int) -> str:
            params = {k: v[0] for k, v in query.items() if k != "page"}
            return f"{url}?{urlencode({**params, 'page': n})}"
        if page < last:
            links["next"], links["last"] = link(page + 1), link(last)
        if page > 1:
            links["prev"], links["first"] = link(page - 1), link(1)
        return 200, body, links

    def _readme(self, record: dict) -> tuple[int, Any, dict[str, str]]:
        if not record.get("readme"):
            return _missing()
        raw = (self.readmes / record["readme"]).read_bytes()
        encoded = base64.b64encode(raw).decode("ascii")
        content = "\n".join(encoded[i:i + 60] for i in range(0, len(encoded), 60)) + "\n"
        full = record["repo"]["full_name"]
        return 200, {"type": "file", "encoding": "base64", "size": len(raw), "name": "README.md",
                     "path": "README.md", "content": content, "sha": hashlib.sha1(raw).hexdigest(),
                     "html_url": f"https://github.com/{full}/blob/main/README.md"}, {}


class DocsTrees:
    """The repositories of the bundled docs snapshot as GitHub's git data endpoints
    answer for the default branch: ``/branches/B`` (the head commit, its date and
    tree), ``/git/trees/SHA?recursive=1`` and ``/git/blobs/SHA`` (base64), with
    git's own blob shas. The commit and date are those of the snapshot's INDEX.json."""

    def __init__(self, archive: Path):
        import io
        import tarfile

        self.repos: dict[str, dict[str, Any]] = {}
        if not archive.is_file():
            return
        files: dict[str, dict[str, bytes]] = {}
        index: list[dict[str, Any]] = []
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                parts = member.name.split("/")
                if parts[0] in (".", "") or "+" not in parts[0]:
                    parts = parts[1:]
                data = tar.extractfile(member).read()
                if parts == ["INDEX.json"]:
                    index = json.load(io.BytesIO(data))
                elif len(parts) > 1 and "+" in parts[0]:
                    files.setdefault(parts[0].replace("+", "/", 1).lower(), {})["/".join(parts[1:])] = data
        for entry in index:
            repo = str(entry.get("repo", "")).lower()
            if repo in files:
                blobs = {_git_sha(b"blob", data): data for data in files[repo].values()}
                tree = [{"path": path, "mode": "100644", "type": "blob", "sha": _git_sha(b"blob", data),
                         "size": len(data)} for path, data in sorted(files[repo].items())]
                tree_sha = _git_sha(b"tree", json.dumps(tree, sort_keys=True).encode("utf-8"))
                self.repos[repo] = {"commit": str(entry.get("commit") or tree_sha), "date": entry.get("date"),
                                    "tree": tree, "tree_sha": tree_sha, "blobs": blobs}

    def route(self, repo: str, rest: list[str], default_branch: str) -> tuple[int, Any, dict[str, str]] | None:
        """The answer for ``/repos/REPO/REST``, or None when it is not a git data request of a snapshot repo."""
        known = self.repos.get(repo.lower())
        if known is None or not rest or rest[0] not in ("branches", "git"):
            return None
        if rest[0] == "branches" and len(rest) == 2 and rest[1] == default_branch:
            date = f"{known['date']}T00:00:00Z" if known["date"] else None
            return 200, {"name": default_branch,
                         "commit": {"sha": known["commit"],
                                    "commit": {"committer": {"date": date}, "tree": {"sha": known["tree_sha"]}}}}, {}
        if rest[:2] == ["git", "trees"] and len(rest) == 3 and rest[2] in (known["tree_sha"], known["commit"]):
            return 200, {"sha": known["tree_sha"], "tree": known["tree"], "truncated": False}, {}
        if rest[:2] == ["git", "blobs"] and len(rest) == 3 and rest[2] in known["blobs"]:
            data = known["blobs"][rest[2]]
            return 200, {"sha": rest[2], "size": len(data), "encoding": "base64",
                         "content": base64.b64encode(data).decode("ascii")}, {}
        return _missing()


def _git_sha(kind: bytes, data: bytes) -> str:
    return hashlib.sha1(kind + b" " + str(len(data)).encode() + b"\0" + data).hexdigest()


def _missing() -> tuple[int, Any, dict[str, str]]:
    return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest",
                 "status": "404"}, {}


class ReplayServer:
    """``with ReplayServer() as server:`` then ``server.arxiv_url`` / ``server.github_url``."""

    def __init__(self, data_dir: Path = DATA_DIR, now: datetime | None = None):
        self.arxiv = ArxivReplay(next(iter(sorted((data_dir / "arxiv").glob("*.atom.gz")))))
        self.github = GitHubReplay(data_dir / "github.json", data_dir / "readmes", now,
                                   DocsTrees(data_dir / "docs-snapshot.tar.xz"))
        self.requests: list[tuple[str, str, int]] = []  # (method, path with query, status)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def arxiv_url(self) -> str:
        return self.url + "/arxiv/query"

    @property
    def github_url(self) -> str:
        return self.url + "/github"

    def start(self) -> "ReplayServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def answer(self, method: str, target: str, headers) -> Answer:
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        if method != "GET":
            return Answer(405, b"the demo replays GET requests only", "text/plain")
        if parts.path == "/arxiv/query":
            return self.arxiv.answer(query)
        if parts.path.startswith("/github/") or parts.path == "/github":
            return self.github.answer(self.github_url, parts.path[len("/github"):] or "/", query,
                                      headers.get("If-None-Match"), headers.get("Accept") or "")
        return Answer(404, b"not recorded", "text/plain")

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._reply("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._reply("POST")

            def _reply(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                ans = server.answer(method, self.path, self.headers)
                server.requests.append((method, self.path, ans.status))
                self.send_response(ans.status)
                self.send_header("Content-Type", ans.content_type)
                for key, value in ans.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(ans.body)))
                self.end_headers()
                self.wfile.write(ans.body)

            def log_message(self, fmt: str, *args) -> None:
                log.debug("replay: " + fmt, *args)

        return Handler
