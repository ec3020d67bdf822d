"""Reading engines' documentation: page selection, a local snapshot, vendor summaries, and
the GitHub git tree and blobs against the fake GitHub API (ETags, caps, faults)."""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from crawler import docs
from crawler.github_http import GitHubClient, RateLimited
from tests.crawler.test_github import FakeClock, MemCache
from tests.fakes.github import FakeGitHub, FakeRepo, blob_sha


# --- which files are documentation ----------------------------------------------------------

def test_select_pages_orders_readme_docs_then_other_readmes_and_skips_the_rest():
    files = [("src/engine.py", 10), ("docs/b/deep.md", 10), ("README.md", 10), ("docs/index.rst", 10),
             ("examples/x/README.md", 10), ("tests/README.md", 10), ("docs/zh/guide.md", 10),
             ("CHANGELOG.md", 10), ("third_party/lib/README.md", 10), ("docs/img.png", 10), ("notes.md", 10)]
    paths, capped = docs.select_pages(files)
    assert paths == ["README.md", "docs/index.rst", "docs/b/deep.md", "examples/x/README.md"]
    assert capped is False


def test_select_pages_caps_pages_and_leaves_out_huge_ones():
    files = [("README.md", 10)] + [(f"docs/p{i:02}.md", 10) for i in range(10)] + [("docs/api.md", 10**7)]
    paths, capped = docs.select_pages(files, max_pages=4, max_page_bytes=1000)
    assert paths == ["README.md", "docs/p00.md", "docs/p01.md", "docs/p02.md"] and capped is True


def test_user_docs_are_not_readmes_nor_evaluation_material():
    assert docs.is_user_doc("docs/guide.md")
    assert not docs.is_user_doc("docs/README.md")
    assert not docs.is_user_doc("evaluation/docs/repro.md")
    assert not docs.is_user_doc("artifact_eval/docs/run.md")


# --- a local snapshot -------------------------------------------------------------------------

def test_read_local_links_each_page_at_the_commit_of_the_index(fixtures):
    root = fixtures / "docs"
    got = docs.read_local(root, "acme/fastinfer", docs.load_index(root))
    assert got.status == "ok" and got.commit == "1" * 40 and got.date == "2026-08-01"
    assert [p.path for p in got.pages] == ["README.md", "docs/hardware.md", "docs/old-notes.md", "docs/precision.md"]
    assert got.pages[1].url == f"https://github.com/acme/fastinfer/blob/{'1' * 40}/docs/hardware.md"
    assert got.readme_only is False and not any(p.weak for p in got.pages)


def test_read_local_uses_per_file_commits_and_drops_elided_lines(fixtures):
    root = fixtures / "docs"
    got = docs.read_local(root, "ACME/TinyLLM", docs.load_index(root), today="2026-12-01")
    assert got.commit is None and got.date == "2026-12-01" and got.readme_only is True
    assert got.pages[0].url == f"https://github.com/acme/tinyllm/blob/{'2' * 40}/README.md"
    assert "elided" not in got.pages[0].text and "x86-64" in got.pages[0].text


def test_read_local_reports_a_repository_the_snapshot_lacks(fixtures):
    got = docs.read_local(fixtures / "docs", "nobody/absent")
    assert got.status == "missing" and got.pages == [] and "nobody+absent" in got.error


def test_read_vendor_keeps_pages_with_a_source_line_as_weak_evidence(fixtures):
    got = docs.read_vendor(fixtures / "docs", "cloudco", today="2026-12-01")
    assert [p.url for p in got.pages] == ["https://docs.cloudco.example/endpoints"]
    assert got.pages[0].weak and got.pages[0].date == "2026-12-01"
    assert not got.pages[0].text.startswith("source:")


def test_vendor_slug_from_the_homepage_or_the_name():
    assert docs.vendor_slug("Together Inference", "https://www.together.ai/", ["groq", "together"]) == "together"
    assert docs.vendor_slug("GroqCloud", "https://groq.com/groqcloud/", ["groq", "together"]) == "groq"
    assert docs.vendor_slug("Fireworks AI", None, ["fireworks"]) == "fireworks"
    assert docs.vendor_slug("Unknown Co", "https://unknown.example", ["groq"]) is None


def _tar(path: Path, members: dict[str, bytes], evil: str | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if evil:
            info = tarfile.TarInfo(evil)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    return path


def test_open_snapshot_unpacks_an_archive_with_one_top_folder(tmp_path):
    archive = _tar(tmp_path / "docs.tar.gz", {"docs/INDEX.json": b"[]", "docs/o+r/README.md": b"# R\n"})
    with docs.open_snapshot(archive) as root:
        assert (root / "o+r" / "README.md").read_text() == "# R\n"
    assert not root.exists()  # the temporary folder is gone afterwards


def test_open_snapshot_refuses_members_outside_the_folder_and_other_files(tmp_path):
    archive = _tar(tmp_path / "evil.tar.gz", {"docs/INDEX.json": b"[]"}, evil="../escaped.txt")
    with pytest.raises(ValueError, match="cannot unpack"):
        with docs.open_snapshot(archive):
            pass
    assert not (tmp_path / "escaped.txt").exists()
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        with docs.open_snapshot(tmp_path / "notes.txt"):
            pass


def test_load_index_refuses_a_file_that_is_not_a_list(tmp_path):
    (tmp_path / "INDEX.json").write_text(json.dumps({"repo": "o/r"}))
    with pytest.raises(ValueError, match="JSON list"):
        docs.load_index(tmp_path)


# --- GitHub: the git tree and blobs -----------------------------------------------------------

FILES = {
    "README.md": b"# Engine\n\nRuns on Linux with CUDA.\n",
    "docs/guide.md": b"# Guide\n\nSpeculative decoding is supported.\n",
    "docs/zh/guide.md": "# 指南\n".encode(),
    "src/main.py": b"print('not docs')\n",
    "docs/logo.md": b"\x00\x01binary",
}


def _client(gh: FakeGitHub, cache=None, **kw) -> GitHubClient:
    return GitHubClient(gh.url, "t0ken", cache=cache if cache is not None else MemCache(), clock=FakeClock(), **kw)


def test_read_github_reads_the_default_branch_tree_and_blobs():
    with FakeGitHub(token="t0ken") as gh:
        repo = gh.add(FakeRepo("acme/engine", default_branch="trunk", files=dict(FILES)))
        got = docs.read_github(_client(gh), "acme/engine")
        assert got.status == "ok" and got.commit == repo.commit_sha() and got.date == "2026-06-30"
        assert [p.path for p in got.pages] == ["README.md", "docs/guide.md"]  # no translation, code or binary
        assert got.pages[1].url == f"https://github.com/acme/engine/blob/{repo.commit_sha()}/docs/guide.md"
        assert "Speculative decoding" in got.pages[1].text
        paths = [r.path for r in gh.requests]
        assert paths[:3] == ["/repos/acme/engine", "/repos/acme/engine/branches/trunk",
                             f"/repos/acme/engine/git/trees/{repo.tree_sha()}"]
        assert gh.requests[2].param("recursive") == "1"
        assert f"/repos/acme/engine/git/blobs/{blob_sha(FILES['docs/guide.md'])}" in paths
        assert got.requests == len(gh.requests)


def test_second_read_answers_304_for_repo_branch_and_tree_and_never_caches_blobs():
    cache = MemCache()
    with FakeGitHub(token="t0ken") as gh:
        gh.add(FakeRepo("acme/engine", files=dict(FILES)))
        docs.read_github(_client(gh, cache), "acme/engine")
        assert not any("/git/blobs/" in url for url in cache.entries)
        before = gh.remaining
        client = _client(gh, cache)
        again = docs.read_github(client, "acme/engine")
        assert [p.text for p in again.pages][0].startswith("# Engine")
        assert client.counters.not_modified == 3  # repo, branch, tree: conditional and free
        assert before - gh.remaining == 3  # only the blobs are billed (the binary one is fetched, then dropped)


def test_an_unchanged_commit_stops_after_two_requests():
    with FakeGitHub(token="t0ken") as gh:
        repo = gh.add(FakeRepo("acme/engine", files=dict(FILES)))
        seen = []
        got = docs.read_github(_client(gh), "acme/engine",
                               already_read=lambda r, c: seen.append((r, c)) or c == repo.commit_sha())
        assert got.status == "unchanged" and got.pages == [] and got.requests == 2
        assert seen == [("acme/engine", repo.commit_sha())]


def test_caps_on_pages_page_size_and_a_truncated_tree():
    files = {"README.md": b"# R\n" + b"word " * 2000}
    files.update({f"docs/p{i}.md": b"# P\n" for i in range(5)})
    with FakeGitHub(token="t0ken") as gh:
        gh.add(FakeRepo("acme/big", files=files, tree_truncated=True))
        got = docs.read_github(_client(gh), "acme/big", max_pages=3, max_page_bytes=100)
        assert len(got.pages) == 3 and got.truncated
        assert len(got.pages[0].text.encode()) <= 100


def test_a_missing_repository_is_a_result_and_a_rate_limit_stops_the_crawl():
    with FakeGitHub(token="t0ken") as gh:
        got = docs.read_github(_client(gh), "acme/gone")
        assert got.status == "missing" and "404" in got.error
        gh.add(FakeRepo("acme/engine", files=dict(FILES)))
        gh.exhaust(reset_in=3000)
        with pytest.raises(RateLimited):
            docs.read_github(_client(gh, max_rate_limit_wait=60), "acme/engine")


# --- an engine without a repository: its own pages -----------------------------------------------

def test_read_website_keeps_visible_text_only_and_skips_pages_that_fail():
    from tests.crawler.test_web import fetcher, html
    from tests.fakes.server import FakeServer, Response

    page = html("<html><head><script>var cuda = 1;</script><meta http-equiv='refresh' content='0;url=/x'></head>"
                "<body><nav>Docs</nav><p>Dedicated endpoints run on NVIDIA H100 GPUs.</p>"
                "<style>.rocm{}</style></body></html>")
    routes = {"/robots.txt": Response(404), "/docs": page, "/gone": Response(500)}
    with FakeServer(lambda req: routes.get(req.path, Response(404))) as srv:
        got = docs.read_website(fetcher(), [srv.url + "/gone", srv.url + "/docs", srv.url + "/docs"],
                                today="2026-12-01")
    assert got.status == "ok" and [p.url for p in got.pages] == [srv.url + "/docs"]
    text = got.pages[0].text
    assert "Dedicated endpoints run on NVIDIA H100 GPUs." in text
    assert "cuda" not in text and "rocm" not in text and got.pages[0].date == "2026-12-01"
    assert not got.pages[0].weak  # the vendor's own page, not a summary of it
