"""db.catalogue: saving a parsed list, idempotently, and the render queries."""
from __future__ import annotations

from db import catalogue
from catalogue import vocabulary
from reports import listparse

NOW = "2026-07-01T00:00:00+00:00"
TABLES = ["engines", "engine_sections", "engine_links", "techniques", "technique_refs", "papers",
          "paper_labels", "list_sections"]


def dump(db) -> dict[str, list[tuple]]:
    return {t: sorted(db.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in TABLES}


def save(db, text, now=NOW):
    return catalogue.save_list(db, listparse.parse(text), vocabulary.BUILTIN, vocabulary.technique_key, now)


def test_import_current_list_counts(mem_db, fixtures):
    counts = save(mem_db, (fixtures / "list-2026-06-30.md").read_text())
    assert counts["engines"] == 32 and counts["techniques"] == 56 and counts["papers"] == 52
    assert counts["duplicates"] == 1 and counts["not_understood"] == 35
    q = lambda sql, *a: mem_db.execute(sql, a).fetchall()  # noqa: E731
    assert q("SELECT repo, kind FROM engines WHERE name = 'vLLM'") == [("vllm-project/vllm", "open_source")]
    assert q("SELECT COUNT(*) FROM engines WHERE kind = 'gateway'") == [(1,)]
    assert q("SELECT COUNT(*) FROM engine_sections WHERE engine = 'SuperCompress'") == [(4,)]
    assert q("SELECT COUNT(*) FROM papers WHERE source = 'list'") == [(52,)]
    assert q("""SELECT category, technique, confidence, source, status FROM paper_labels
                WHERE arxiv_id = '2308.16369' ORDER BY rank""") == [
        ("batch_optimization", "Chunked-prefills", 1.0, "list", "accepted"),
        ("parallelism", "Pipeline Parallelism (PP)", 1.0, "list", "accepted")]
    # list rows override the built-in ones with the same key; the rest of the taxonomy stays
    assert q("SELECT name, source FROM techniques WHERE category = 'batch_optimization' ORDER BY name") == [
        ("Chunked-prefills", "list"), ("Continuous Batching", "list"), ("Dynamic Batching", "list"),
        ("Nano Batching", "list"), ("Static Batching", "builtin")]
    assert q("SELECT COUNT(*) FROM list_sections WHERE understood = 0") == [(35,)]


def test_reimport_is_idempotent_and_keeps_crawled_titles(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    save(mem_db, text)
    mem_db.execute("UPDATE papers SET title = 'Crawled title', abstract = 'A.' WHERE arxiv_id = '2309.06180'")
    mem_db.conn.commit()
    first = dump(mem_db)
    save(mem_db, text)
    assert dump(mem_db) == first
    later = "2026-08-01T00:00:00+00:00"
    save(mem_db, text, now=later)
    assert mem_db.execute("SELECT title, abstract, first_seen, last_seen FROM papers WHERE arxiv_id = '2309.06180'"
                          ).fetchone() == ("Crawled title", "A.", NOW, later)


def test_seed_then_current_list_marks_dropped_engines(mem_db, fixtures):
    save(mem_db, (fixtures / "seed-list.md").read_text())
    assert mem_db.execute("SELECT COUNT(*) FROM techniques WHERE source = 'builtin'").fetchone()[0] == 55
    save(mem_db, "# L\n\n## Open Source Inference Engines\n\n- [vLLM](https://github.com/vllm-project/vllm)\n")
    rows = dict(mem_db.execute("SELECT name, in_list FROM engines").fetchall())
    assert rows["vLLM"] == 1 and rows["Ollama"] == 0 and len(rows) == 25
    assert catalogue.engine_count(mem_db) == 1


def test_engine_table_stars_delta_since_last_merged_pr(mem_db):
    save(mem_db, "# L\n\n## Open Source Inference Engines\n\n- [vLLM](https://github.com/vllm-project/vllm)\n"
                 "- [Ollama](https://github.com/ollama/ollama)\n\n## Commercial Inference Engines\n\n"
                 "- [Groq](https://groq.com/)\n")
    with mem_db.conn:
        for repo in ("vllm-project/vllm", "ollama/ollama"):
            mem_db.execute("INSERT INTO repos (repo, first_seen) VALUES (?, ?)", (repo, NOW))
        for date, stars in (("2026-06-01", 100), ("2026-06-10", 150), ("2026-06-20", 180)):
            mem_db.execute("INSERT INTO repo_stats (repo, date, stars) VALUES ('vllm-project/vllm', ?, ?)", (date, stars))
    rows = catalogue.engine_table(mem_db)
    assert [r["name"] for r in rows] == ["Ollama", "vLLM", "Groq"]
    assert rows[1]["stars"] == 180 and rows[1]["stars_delta"] is None  # no merged PR yet
    with mem_db.conn:
        mem_db.execute("""INSERT INTO pull_requests (number, branch, state, merged, created, updated)
                          VALUES (1, 'b', 'closed', 1, '2026-06-01T00:00:00+00:00', '2026-06-12T08:00:00+00:00')""")
        mem_db.execute("""INSERT INTO pull_requests (number, branch, state, merged, created, updated)
                          VALUES (2, 'b', 'closed', 0, '2026-06-13T00:00:00+00:00', '2026-06-19T08:00:00+00:00')""")
    rows = catalogue.engine_table(mem_db)
    assert rows[1]["stars_delta"] == 30
    assert rows[0]["stars_delta"] is None and rows[0]["stars"] is None
