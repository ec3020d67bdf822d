"""Datasette over the published database: metadata, canned queries, nothing internal served.

The server tests start the real `curator serve` (Datasette under uvicorn) on a
loopback port in a subprocess and use its JSON API.
"""
from __future__ import annotations

import json
import re
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from curator.cli import main
from db import Database, open_db
from db.datasette import INTERNAL_TABLES, QUERIES, TABLE_CONFIG, metadata, publish
from db.descriptions import TABLES

ETAG = 'W/"etag-5ec2e7-4f2a"'
CACHED_BODY = "cached-body-a1b2c3"
CRAWL_QUERY = "crawl-state-query-9d8e"
TOKEN = "ghp_notarealtoken0123456789abcdefABCDEF"
SECRETS = (ETAG, "etag-5ec2e7-4f2a", CACHED_BODY, CRAWL_QUERY, TOKEN)
WHEN = "2026-06-30T06:00:00+00:00"


def _paper(db, arxiv_id, title, abstract, published, category, status="proposed", source="classifier"):
    db["papers"].insert({
        "arxiv_id": arxiv_id, "version": 1, "title": title, "abstract": abstract,
        "published": published, "updated": published, "primary_category": "cs.CL" if "2" in arxiv_id[-1] else "cs.DC",
        "abs_url": f"https://arxiv.org/abs/{arxiv_id}", "first_seen": WHEN, "last_seen": WHEN,
    })
    db["paper_labels"].insert({
        "arxiv_id": arxiv_id, "category": category, "technique": None, "confidence": 0.8,
        "source": source, "status": status, "relevance": 0.9, "rank": 1, "created": WHEN, "updated": WHEN,
    })


def build_fixture(path: Path) -> None:
    db = open_db(path)
    with db.conn:
        for name, repo in (("vLLM", "vllm-project/vllm"), ("SGLang", "sgl-project/sglang")):
            db["engines"].insert({"name": name, "kind": "open_source", "repo": repo,
                                  "section": "Open Source Inference Engines", "first_seen": WHEN})
            db["repos"].insert({"repo": repo, "status": "ok", "first_seen": WHEN})
        _paper(db, "2606.00001", "Speculative Decoding with Draft Trees",
               "We speed up LLM inference with speculative decoding.", "2026-06-29T17:00:00Z",
               "sampling_optimization")
        _paper(db, "2606.00002", "Faster Serving",
               "A speculative method for decoding tokens in parallel.", "2026-06-27T17:00:00Z",
               "sampling_optimization", status="accepted", source="maintainer")
        _paper(db, "2606.00003", "Paged KV Cache", "Memory management for the KV cache.",
               "2026-06-28T17:00:00Z", "caching")
        _paper(db, "2605.00004", "An Old Quantization Paper", "Low-bit weights.",
               "2026-05-01T17:00:00Z", "quantization")
        _paper(db, "2606.00005", "Rejected Decoding Idea", "Speculative decoding, rejected.",
               "2026-06-29T10:00:00Z", "sampling_optimization", status="rejected", source="maintainer")
        author = db["authors"].insert({"name": "Ada Lovelace"}).last_pk
        for position, arxiv_id in enumerate(("2606.00001", "2606.00002")):
            db["paper_authors"].insert({"arxiv_id": arxiv_id, "author_id": author, "position": position})
        for repo, history in (("vllm-project/vllm", [("2026-05-20", 900), ("2026-06-05", 1000), ("2026-06-30", 1200)]),
                              ("sgl-project/sglang", [("2026-06-29", 500), ("2026-06-30", 510)])):
            for date, stars in history:
                db["repo_stats"].insert({"repo": repo, "date": date, "stars": stars})
        for engine, eou in (("vLLM", 0.7), ("SGLang", 0.9)):
            db["engine_scores"].insert({"engine": engine, "date": "2026-06-30", "ease_of_use": eou,
                                        "docs_level": "full", "ease_of_deployment": 0.5})
        db["http_cache"].insert({"url": "https://api.github.com/repos/vllm-project/vllm",
                                 "etag": ETAG, "body": CACHED_BODY, "fetched": WHEN})
        db["crawl_state"].insert({"source": "arxiv", "query": CRAWL_QUERY, "last_success": WHEN})
        db["embeddings"].insert({"model": "m", "text_hash": "h", "dim": 2, "vector": b"\x00\x01" * 4})
        db["runs"].insert({"command": "crawl arxiv", "started": WHEN, "status": "ok"})
    db.conn.close()


@pytest.fixture(scope="module")
def source_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("src") / "work.db"
    build_fixture(path)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def server(source_db, tmp_path_factory):
    port = _free_port()
    scratch = tmp_path_factory.mktemp("serve-tmp")
    env = dict(os.environ, GITHUB_TOKEN=TOKEN, TMPDIR=str(scratch))
    # output to a file: a pipe nobody reads fills up with the logged 404s and stalls the server
    log = (tmp_path_factory.mktemp("serve-log") / "serve.log").open("w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "curator", "--db", str(source_db), "serve", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise AssertionError(f"curator serve exited: {log.read().decode()}")
            try:
                if _get(base, "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("curator serve did not answer within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.seek(0)
        err = log.read()
        log.close()
    # SIGTERM is a normal stop: exit 0 and the published copy is removed.
    assert proc.returncode == 0, err.decode()
    assert list(scratch.iterdir()) == []


def _json(base, path):
    status, body = _get(base, path)
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


def test_full_text_search_finds_speculative_decoding_papers(server):
    rows = _json(server, "/curator/papers.json?_search=speculative+decoding&_shape=array")
    assert {row["arxiv_id"] for row in rows} == {"2606.00001", "2606.00002", "2606.00005"}


def test_facets_by_category_status_and_primary_category(server):
    data = _json(server, "/curator/paper_labels.json")
    facets = data["facet_results"]
    assert {"category", "status", "source"} <= set(facets)
    counts = {item["value"]: item["count"] for item in facets["category"]["results"]}
    assert counts == {"sampling_optimization": 3, "caching": 1, "quantization": 1}
    narrowed = _json(server, "/curator/paper_labels.json?category=caching&_shape=objects")
    assert [row["arxiv_id"] for row in narrowed["rows"]] == ["2606.00003"]
    papers = _json(server, "/curator/papers.json")
    assert "primary_category" in papers["facet_results"]


def test_authors_facet_is_labelled_with_names(server):
    data = _json(server, "/curator/paper_authors.json")
    results = data["facet_results"]["author_id"]["results"]
    assert [(item["label"], item["count"]) for item in results] == [("Ada Lovelace", 2)]


def test_papers_this_week_by_category(server):
    rows = _json(server, "/curator/papers_this_week_by_category.json?since=&_shape=array")
    assert [(row["category"], row["arxiv_id"]) for row in rows] == [
        ("caching", "2606.00003"),
        ("sampling_optimization", "2606.00001"),
        ("sampling_optimization", "2606.00002"),
    ]
    older = _json(server, "/curator/papers_this_week_by_category.json?since=2026-01-01&_shape=array")
    assert "2605.00004" in {row["arxiv_id"] for row in older}


def test_star_growth_over_30_days(server):
    rows = _json(server, "/curator/star_growth_30_days.json?_shape=array")
    got = {row["engine"]: (row["start_date"], row["stars_start"], row["growth"], row["days"]) for row in rows}
    # 2026-05-20 is more than 30 days before 2026-06-30, so vLLM starts on 06-05.
    assert got == {"vLLM": ("2026-06-05", 1000, 200, 25), "SGLang": ("2026-06-29", 500, 10, 1)}
    assert rows[0]["engine"] == "vLLM" and rows[0]["growth_pct"] == 20.0


def test_engines_by_ease_of_use(server):
    rows = _json(server, "/curator/engines_by_ease_of_use.json?_shape=array")
    assert [(row["rank"], row["engine"], row["ease_of_use"]) for row in rows] == [
        (1, "SGLang", 0.9), (2, "vLLM", 0.7)]


def test_metadata_is_served(server):
    meta = _json(server, "/-/metadata.json")
    assert meta["license"] == "MIT" and meta["source"]
    table = _json(server, "/curator/papers.json?_size=1")
    assert table["human_description_en"] is not None


def test_internal_tables_are_not_served(server):
    listing = _json(server, "/curator.json")
    names = {table["name"] for table in listing["tables"]}
    assert "papers" in names
    assert not names & set(INTERNAL_TABLES)
    for table in INTERNAL_TABLES:
        status, _ = _get(server, f"/curator/{table}.json")
        assert status == 404, table
        status, body = _get(server, f"/curator.json?sql=select+*+from+{table}")
        assert status == 400 and b"no such table" in body, table


def test_no_secret_or_etag_in_any_served_json(server):
    listing = _json(server, "/curator.json")
    paths = ["/.json", "/curator.json", "/-/metadata.json", "/-/databases.json", "/-/settings.json",
             "/-/versions.json", "/-/plugins.json", "/-/threads.json", "/-/actor.json",
             "/curator.json?sql=select+*+from+sqlite_master"]
    paths += [f"/curator/{t['name']}.json?_size=max" for t in listing["tables"]]
    paths += [f"/curator/{v['name']}.json?_size=max" for v in listing["views"]]
    paths += [f"/curator/{name}.json?since=" for name in QUERIES]
    status, dump = _get(server, "/curator.db")
    assert status == 200 and dump.startswith(b"SQLite format 3")
    bodies = [dump]
    for path in paths:
        status, body = _get(server, path)
        assert status == 200, (path, status)
        bodies.append(body)
    for body in bodies:
        for secret in SECRETS:
            assert secret.encode() not in body


def test_publish_is_checkpointed_plain_and_clean(source_db, tmp_path):
    db = open_db(source_db)
    out = publish(db, tmp_path / "out" / "curator.db")
    assert out.is_file() and not Path(str(out) + "-wal").exists()
    raw = out.read_bytes()
    for secret in SECRETS:
        assert secret.encode() not in raw
    conn = sqlite3.connect(out)
    try:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert not names & set(INTERNAL_TABLES)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == 5
    finally:
        conn.close()
    # The working database keeps its internals.
    assert db.execute("SELECT etag FROM http_cache").fetchone()[0] == ETAG
    assert [p.name for p in out.parent.iterdir()] == ["curator.db"]


def test_publish_during_a_write_copies_the_committed_snapshot(source_db, tmp_path):
    db = open_db(source_db)
    writer = sqlite3.connect(source_db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO papers (arxiv_id, title, first_seen, last_seen) "
                       "VALUES ('2607.99999', 'Uncommitted', 'x', 'x')")
        started = time.monotonic()
        out = publish(db, tmp_path / "curator.db")
        assert time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    conn = sqlite3.connect(out)
    try:
        ids = {arxiv_id for (arxiv_id,) in conn.execute("SELECT arxiv_id FROM papers")}
    finally:
        conn.close()
    assert "2607.99999" not in ids and len(ids) == 5


def test_publish_refuses_a_corrupt_database(tmp_path):
    from db.datasette import PublishError

    path = tmp_path / "broken.db"
    build_fixture(path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 8 * page)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    conn = sqlite3.connect(path)
    with pytest.raises(PublishError, match="integrity_check|cannot be read"):
        publish(Database(conn), tmp_path / "out.db")  # as-is: open_db would migrate
    conn.close()
    assert not (tmp_path / "out.db").exists()


def test_raw_file_served_with_metadata_denies_internal_tables(source_db, tmp_path):
    """Belt and braces: even the working file behind this metadata refuses the internal tables."""
    import asyncio
    import shutil

    from datasette.app import Datasette

    raw = tmp_path / "curator.db"
    shutil.copyfile(source_db, raw)

    async def fetch():
        ds = Datasette(immutables=[str(raw)], metadata=metadata())
        await ds.invoke_startup()
        statuses = {t: (await ds.client.get(f"/curator/{t}.json")).status_code for t in INTERNAL_TABLES}
        papers = (await ds.client.get("/curator/papers.json")).status_code
        return statuses, papers

    statuses, papers = asyncio.run(fetch())
    assert statuses == {t: 403 for t in INTERNAL_TABLES}
    assert papers == 200


def test_metadata_describes_every_table_view_and_column(mem_db):
    described = metadata()["databases"]["curator"]["tables"]
    names = [n for n in mem_db.table_names() + mem_db.view_names() if "_fts_" not in n]
    assert {"papers", "paper_labels", "repo_stats", "engine_overview", "star_history"} <= set(names)
    for name in names:
        assert name in described, name
        assert described[name]["description"]
        if name.endswith("_fts"):
            continue
        columns = {c.name for c in mem_db[name].columns}
        assert columns == set(TABLES[name][1]), name
    for name, config in TABLE_CONFIG.items():
        columns = {c.name for c in mem_db[name].columns}
        for facet in config.get("facets", []):
            assert facet in columns, (name, facet)
        for key in ("sort", "sort_desc", "label_column"):
            if key in config:
                assert config[key] in columns, (name, key)


def test_canned_queries_are_valid_sql(mem_db):
    for name, query in QUERIES.items():
        params = {name: "" for name in re.findall(r"(?<!:):([a-z_]+)", query["sql"])}
        assert list(mem_db.query(query["sql"], params)) == [], name


def test_serve_without_database_is_bad_input(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "missing.db"), "serve"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no database" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()


def test_serve_rejects_bad_host_and_port(source_db, capsys):
    assert main(["--db", str(source_db), "serve", "--host", "not a host"]) == 2
    assert "--host" in capsys.readouterr().err
    assert main(["--db", str(source_db), "serve", "--port", "70000"]) == 2


def test_serve_publish_writes_clean_copy(source_db, tmp_path, capsys):
    out = tmp_path / "public.db"
    assert main(["--db", str(source_db), "serve", "--publish", str(out)]) == 0
    assert "published" in capsys.readouterr().out
    conn = sqlite3.connect(out)
    try:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert "papers" in tables and not tables & set(INTERNAL_TABLES)


# --- what the database page opens on ------------------------------------------------------------

def test_database_page_opens_on_views_then_main_tables(server):
    status, body = _get(server, "/curator")
    html = body.decode()
    assert status == 200
    start, main, other = html.index('id="views"'), html.index('id="tables"'), html.index('id="other-tables"')
    assert start < main < other
    # the views and main tables in the layout's order, each with its description
    links = [html.index(f'/curator/{name}"') for name in ("engine_overview", "classified_papers")]
    assert start < links[0] < links[1] < main
    assert html.index('/curator/papers?_nocol=abstract"', main) < html.index('/curator/engines"', main) < other
    assert '/curator/engine_scores?_nocol=components"' in html  # opens without its JSON column
    assert "Each engine with its latest GitHub statistics and latest scores." in html[start:main]
    assert html.index('/curator/authors"') > other and html.index('/curator/runs"') > other


def test_papers_facet_by_curators_category(server):
    data = _json(server, "/curator/classified_papers.json")
    counts = {item["value"]: item["count"] for item in data["facet_results"]["category"]["results"]}
    assert counts == {"sampling_optimization": 3, "caching": 1, "quantization": 1}
    rows = _json(server, "/curator/classified_papers.json?category=sampling_optimization&_shape=array")
    assert {(r["arxiv_id"], r["label_source"], r["status"]) for r in rows} == {
        ("2606.00001", "classifier", "proposed"), ("2606.00002", "maintainer", "accepted"),
        ("2606.00005", "maintainer", "rejected")}


def test_engine_scores_facet_by_date_and_docs_level_not_by_engine(server):
    data = _json(server, "/curator/engine_scores.json")
    assert "engine" not in data["facet_results"] and {"date", "docs_level"} <= set(data["facet_results"])


def test_no_facet_on_a_column_that_identifies_the_row(mem_db):
    for name, config in TABLE_CONFIG.items():
        if name not in mem_db.table_names():
            continue
        pks = mem_db[name].pks
        unique = {idx.columns[0] for idx in mem_db[name].indexes if idx.unique and len(idx.columns) == 1}
        for facet in config.get("facets", []):
            assert pks != [facet] and facet not in unique, (name, facet)


def test_cells_are_cut_in_html_only(tmp_path):
    """Datasette's truncate_cells_html: a 2,000-character components cell shows 160 characters and
    an ellipsis in the HTML table; the JSON API keeps it whole."""
    import asyncio

    from datasette.app import Datasette

    from db.datasette import SETTINGS, TEMPLATES

    path = tmp_path / "curator.db"
    db = open_db(path)
    long = json.dumps({"parts": ["x" * 40] * 50})
    with db.conn:
        db["engines"].insert({"name": "vLLM", "kind": "open_source", "section": "S", "first_seen": WHEN})
        db["engine_scores"].insert({"engine": "vLLM", "date": "2026-06-30", "components": long})
    db.conn.close()

    async def fetch():
        ds = Datasette(immutables=[str(path)], metadata=metadata(), settings=SETTINGS, template_dir=str(TEMPLATES))
        await ds.invoke_startup()
        html = (await ds.client.get("/curator/engine_scores")).text
        data = (await ds.client.get("/curator/engine_scores.json?_shape=array")).json()
        return html, data

    html, data = asyncio.run(fetch())
    assert long not in html and long[:SETTINGS["truncate_cells_html"]].replace('"', "&#34;") in html
    assert data[0]["components"] == long
