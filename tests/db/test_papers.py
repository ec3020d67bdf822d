"""Saving papers: keyed by the version-less id, new versions update, labels and first_seen stay."""
from __future__ import annotations

import json

from crawler.atom import Paper
from db.papers import Cursor, crawl_state, ids_to_fill, paper_authors, save_cursor, save_papers

T1, T2 = "2026-06-01T00:00:00+00:00", "2026-06-02T00:00:00+00:00"


def paper(aid: str = "2309.06180", version: int = 1, title: str = "PagedAttention", **kw) -> Paper:
    fields = dict(arxiv_id=aid, version=version, title=title, abstract="We serve LLMs. github.com/vllm-project/vllm",
                  authors=["Woosuk Kwon", "Zhuohan Li"], primary_category="cs.LG", categories=["cs.LG", "cs.DC"],
                  published="2023-09-12T17:50:09Z", updated="2023-09-12T17:50:09Z", comment="SOSP 2023",
                  journal_ref=None, doi=None, abs_url=f"https://arxiv.org/abs/{aid}",
                  repos=[("vllm-project/vllm", "https://github.com/vllm-project/vllm")])
    fields.update(kw)
    return Paper(**fields)


def test_new_paper_with_authors_in_order_categories_and_repos(mem_db):
    counts = save_papers(mem_db, [paper()], T1)
    assert (counts.new, counts.updated, counts.unchanged) == (1, 0, 0)
    row = mem_db["papers"].get("2309.06180")
    assert row["version"] == 1 and row["first_seen"] == T1 and row["source"] == "arxiv"
    assert json.loads(row["categories"]) == ["cs.LG", "cs.DC"] and row["primary_category"] == "cs.LG"
    assert paper_authors(mem_db, "2309.06180") == ["Woosuk Kwon", "Zhuohan Li"]
    assert [r["repo"] for r in mem_db["paper_repos"].rows] == ["vllm-project/vllm"]
    assert mem_db.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'PagedAttention'").fetchone()[0] == 1


def test_new_version_updates_row_keeps_first_seen_and_labels(mem_db):
    save_papers(mem_db, [paper()], T1)
    mem_db.execute("""INSERT INTO paper_labels (arxiv_id, category, source, status, created, updated)
                      VALUES ('2309.06180', 'caching', 'maintainer', 'accepted', ?, ?)""", [T1, T1])
    mem_db.conn.commit()
    counts = save_papers(mem_db, [paper(version=2, title="vLLM v2", authors=["Zhuohan Li", "Woosuk Kwon"])], T2)
    assert (counts.new, counts.updated) == (0, 1)
    row = mem_db["papers"].get("2309.06180")
    assert (row["version"], row["title"], row["first_seen"], row["last_seen"]) == (2, "vLLM v2", T1, T2)
    assert paper_authors(mem_db, "2309.06180") == ["Zhuohan Li", "Woosuk Kwon"]
    assert mem_db.execute("SELECT category FROM paper_labels").fetchall() == [("caching",)]
    assert mem_db["papers"].count == 1 and mem_db["authors"].count == 2


def test_older_or_same_version_only_marks_seen(mem_db):
    save_papers(mem_db, [paper(version=2, title="v2 title")], T1)
    counts = save_papers(mem_db, [paper(version=1, title="v1 title"), paper("2401.09670")], T2)
    assert (counts.new, counts.updated, counts.unchanged) == (1, 0, 1)
    row = mem_db["papers"].get("2309.06180")
    assert (row["title"], row["last_seen"]) == ("v2 title", T2)


def test_duplicates_within_a_page_keep_the_newest_version(mem_db):
    counts = save_papers(mem_db, [paper(version=2, title="new"), paper(version=1, title="old")], T1)
    assert counts.new == 1 and mem_db["papers"].get("2309.06180")["title"] == "new"


def test_list_rows_are_filled_in_and_keep_their_source(mem_db):
    mem_db.execute("INSERT INTO papers (arxiv_id, first_seen, last_seen, source) VALUES ('2309.06180', ?, ?, 'list')",
                   [T1, T1])
    mem_db.conn.commit()
    assert ids_to_fill(mem_db) == ["2309.06180"]
    counts = save_papers(mem_db, [paper()], T2)
    assert counts.updated == 1 and ids_to_fill(mem_db) == []
    row = mem_db["papers"].get("2309.06180")
    assert (row["source"], row["first_seen"], row["title"]) == ("list", T1, "PagedAttention")


def test_cursor_moves_forward_only_and_with_its_page(mem_db):
    save_papers(mem_db, [paper()], T1, Cursor("q", until="2026-06-10T00:00:00Z"))
    save_papers(mem_db, [], T1, Cursor("q", until="2026-06-05T00:00:00Z"))
    assert crawl_state(mem_db, "q")["last_until"] == "2026-06-10T00:00:00Z"
    save_cursor(mem_db, Cursor("q", until="2026-06-12T00:00:00Z", total=42, success=T2))
    state = crawl_state(mem_db, "q")
    assert (state["last_until"], state["last_total"], state["last_success"]) == ("2026-06-12T00:00:00Z", 42, T2)
    assert crawl_state(mem_db, "other") is None


def test_a_failed_page_leaves_nothing_half_written(mem_db):
    bad = paper("2401.00001", authors=None)  # not iterable: fails inside the transaction
    try:
        save_papers(mem_db, [paper(), bad], T1, Cursor("q", until="2026-06-10T00:00:00Z"))
    except TypeError:
        pass
    assert mem_db["papers"].count == 0 and crawl_state(mem_db, "q") is None
    assert mem_db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
