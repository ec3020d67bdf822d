"""`curator crawl docs` end to end: a local snapshot (folder and archive), GitHub through the
fake API, bad input (exit 2), and what the list and the scores get from it."""
from __future__ import annotations

import tarfile

import pytest

from curator.cli import main
from db import features as store
from db import open_db
from tests.fakes.github import FakeGitHub, FakeRepo

TOKEN = "ghp_DocsCrawlToken_0a1b2c3d4e5f"
ENGINES = [("FastInfer", "open_source", "acme/fastinfer", None), ("TinyLLM", "open_source", "acme/tinyllm", None),
           ("CloudCo Inference", "commercial", None, "https://www.cloudco.example/"),
           ("Lost", "open_source", "acme/lost", None)]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "curator.db"
    db = open_db(path)
    for name, kind, repo, homepage in ENGINES:
        db["engines"].insert({"name": name, "kind": kind, "repo": repo, "homepage": homepage,
                              "section": "Engines", "first_seen": "2026-01-01"})
    db.conn.close()
    return path


def test_crawl_docs_from_a_folder_fills_engine_features(db_path, fixtures, capsys):
    assert main(["--db", str(db_path), "crawl", "docs", "--from", str(fixtures / "docs")]) == 0
    out = capsys.readouterr().out
    assert "crawl docs: 4 engines, 3 read, 0 unchanged, 1 without docs, 0 failed, 6 pages" in out
    db = open_db(db_path)
    rows = {(r["engine"], r["feature"]): r for r in store.features_of(db)}
    assert len(rows) == 3 * 51
    win = rows[("FastInfer", "Windows")]
    assert (win["supported"], win["evidence"], win["basis"]) == (0, "Windows is not supported.", "denied")
    assert win["url"] == f"https://github.com/acme/fastinfer/blob/{'1' * 40}/README.md" and win["date"] == "2026-08-01"
    assert rows[("FastInfer", "Intel Gaudi")]["basis"] == "planned"
    assert rows[("TinyLLM", "x86-64")]["supported"] == 1
    assert rows[("CloudCo Inference", "Prompt Caching")]["weak"] == 1
    assert rows[("TinyLLM", "Google TPU")]["supported"] is None
    reads = {r["engine"]: r for r in db.query("SELECT * FROM docs_reads")}
    assert reads["Lost"]["status"] == "missing" and reads["FastInfer"]["commit_sha"] == "1" * 40
    assert db.execute("SELECT status FROM runs WHERE command = 'crawl docs'").fetchone() == ("ok",)
    decided = db.execute("SELECT COUNT(*) FROM engine_features WHERE supported IS NOT NULL").fetchone()[0]
    assert 0 < decided < 3 * 51
    assert db.execute("SELECT COUNT(*) FROM engine_feature_history").fetchone()[0] == decided


def test_a_second_crawl_changes_no_history_and_scores_use_the_docs(db_path, fixtures, capsys):
    args = ["--db", str(db_path)]
    assert main(args + ["crawl", "docs", "--from", str(fixtures / "docs"), "--engine", "FastInfer"]) == 0
    assert main(args + ["crawl", "docs", "--from", str(fixtures / "docs"), "--engine", "fastinfer"]) == 0
    db = open_db(db_path)
    decided = db.execute("SELECT COUNT(*) FROM engine_features WHERE supported IS NOT NULL").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM engine_feature_history").fetchone()[0] == decided  # not twice
    assert main(args + ["score"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("FastInfer"))
    assert "sns=yes" in line and "forum=yes" in line  # Discord and a Discourse forum, from the pages read
    assert "docs=" in line and "docs=-" not in line


def test_crawl_docs_from_an_archive(db_path, fixtures, tmp_path):
    archive = tmp_path / "docs.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(fixtures / "docs", arcname="docs")
    assert main(["--db", str(db_path), "crawl", "docs", "--from", str(archive), "--engine", "TinyLLM"]) == 0
    assert store.features_of(open_db(db_path), "TinyLLM")


@pytest.mark.parametrize("args, message", [
    (["--from", "/nonexistent/docs"], "no such folder"),
    (["--from", "{empty}"], "not a docs snapshot"),
    (["--from", "{fixtures}", "--engine", "Nope"], "--engine 'Nope': no such engine"),
])
def test_bad_input_is_one_line_and_exit_2(db_path, fixtures, tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    args = [a.format(empty=tmp_path / "empty", fixtures=fixtures / "docs") for a in args]
    assert main(["--db", str(db_path), "crawl", "docs", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_an_empty_database_is_bad_input(tmp_path, fixtures, capsys):
    assert main(["--db", str(tmp_path / "new.db"), "crawl", "docs", "--from", str(fixtures / "docs")]) == 2
    assert "run `curator import-list LIST` first" in capsys.readouterr().err


def test_crawl_docs_from_github_then_unchanged(db_path, fixtures, monkeypatch, capsys):
    files = {p.relative_to(fixtures / "docs" / "acme+fastinfer").as_posix(): p.read_bytes()
             for p in (fixtures / "docs" / "acme+fastinfer").rglob("*") if p.is_file()}
    with FakeGitHub(token=TOKEN) as gh:
        repo = gh.add(FakeRepo("acme/fastinfer", files=files))
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("CURATOR_GITHUB_API_URL", gh.url)
        args = ["--db", str(db_path), "crawl", "docs", "--engine", "FastInfer"]
        assert main(args) == 0
        db = open_db(db_path)
        win = next(r for r in store.features_of(db, "FastInfer") if r["feature"] == "Windows")
        assert win["url"] == f"https://github.com/acme/fastinfer/blob/{repo.commit_sha()}/README.md"
        first = len(gh.requests)
        assert main(args) == 0
        assert len(gh.requests) - first == 2  # repository and branch: the commit was read already
        assert "1 unchanged" in capsys.readouterr().out
    assert TOKEN.encode() not in db_path.read_bytes()


def test_github_missing_repositories_do_not_fail_the_run_but_all_missing_does(db_path, monkeypatch, capsys):
    with FakeGitHub(token=TOKEN) as gh:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("CURATOR_GITHUB_API_URL", gh.url)
        assert main(["--db", str(db_path), "crawl", "docs", "--engine", "Lost"]) == 1
        assert "no engine's docs could be read" in capsys.readouterr().err


def test_pages_of_another_engine_are_not_counted_as_documentation():
    from crawler.docs import DocPage, EngineDocs
    from curator.steps.docs import page_signals

    pages = [DocPage("README.md", "https://github.com/acme/fork/blob/c/README.md", "# Forky\n", None),
             DocPage("docs/perf.md", "https://github.com/acme/fork/blob/c/docs/perf.md", "Forky tips.\n", None)]
    pages += [DocPage(f"docs/upstream{i}.md", f"https://github.com/acme/fork/blob/c/docs/upstream{i}.md",
                      "Build llama.cpp with CUDA.\n", None) for i in range(3)]
    docs = EngineDocs("local", "acme/fork", "c", pages=pages)
    assert page_signals(docs, "acme/fork")["doc_pages"] == 4
    assert page_signals(docs, "acme/fork", own=["Forky"], others=["llama.cpp"])["doc_pages"] == 1
