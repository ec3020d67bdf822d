"""Paper tables, candidate engines and the chart link rendered from a fixture database."""
from __future__ import annotations

import pytest

from catalogue.settings import merge
from reports import paper_regions

NOW = "2026-07-01T00:00:00+00:00"


def add_paper(db, arxiv_id, title, category="caching", technique="KV cache", confidence=0.9,
              status="proposed", published="2026-06-20", authors=("Ada Lovelace", "Alan Turing"), code=None):
    with db.conn:
        db.execute("INSERT INTO papers (arxiv_id, title, published, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
                   (arxiv_id, title, published, NOW, NOW))
        for pos, name in enumerate(authors):
            db.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (name,))
            aid = db.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()[0]
            db.execute("INSERT INTO paper_authors VALUES (?, ?, ?)", (arxiv_id, aid, pos))
        db.execute("""INSERT INTO paper_labels (arxiv_id, category, technique, confidence, source, status,
                      relevance, rank, created, updated) VALUES (?, ?, ?, ?, 'classifier', ?, 0.9, 1, ?, ?)""",
                   (arxiv_id, category, technique, confidence, status, NOW, NOW))
        if code:
            db.execute("INSERT INTO paper_repos VALUES (?, ?, ?)", (arxiv_id, code, f"https://github.com/{code}"))


def add_engine(db, name, repo, stars=(), section="Open Source Inference Engines", description=None):
    with db.conn:
        db.execute("INSERT INTO engines (name, kind, repo, section, first_seen) VALUES (?, 'open_source', ?, ?, ?)",
                   (name, repo, section, NOW))
        add_repo_stats(db, repo, stars, description)


def add_repo_stats(db, repo, stars, description=None):
    with db.conn:
        db.execute("INSERT OR IGNORE INTO repos (repo, first_seen, status) VALUES (?, ?, 'ok')", (repo, NOW))
        for day, n in stars:
            db.execute("INSERT INTO repo_stats (repo, date, stars, description) VALUES (?, ?, ?, ?)",
                       (repo, day, n, description))


@pytest.fixture
def config():
    return merge({})


def test_recent_papers_shows_only_confident_unrejected_papers_newest_first(mem_db, config):
    add_paper(mem_db, "2606.00001", "Older paged attention", published="2026-06-01", code="org/paged")
    add_paper(mem_db, "2606.00002", "Newer prefix cache", published="2026-06-25", authors=("Solo Author",))
    add_paper(mem_db, "2606.00003", "Below the bar", confidence=0.5)
    add_paper(mem_db, "2606.00004", "Rejected by a maintainer", status="rejected")
    add_paper(mem_db, "2606.00005", "Other category", category="quantization", technique="GPTQ")

    text = paper_regions.recent_papers("caching")(mem_db, config)

    lines = text.splitlines()
    assert lines[0] == "| Paper | Authors | Date | Technique | Confidence | Code |"
    assert len(lines) == 4
    assert "2606.00002" in lines[2] and "2606.00001" in lines[3]
    assert "Solo Author |" in lines[2] and "et al." not in lines[2]
    assert "Ada Lovelace et al." in lines[3]
    assert "https://github.com/org/paged" in lines[3] and "2026-06-01" in lines[3] and "0.90" in lines[3]
    assert "Below the bar" not in text and "Rejected" not in text and "Other category" not in text


def test_maintainer_rejection_hides_a_paper_even_when_classifier_row_is_proposed(mem_db, config):
    add_paper(mem_db, "2606.00001", "Paper")
    with mem_db.conn:
        mem_db.execute("""INSERT INTO paper_labels (arxiv_id, source, status, rank, created, updated)
                          VALUES ('2606.00001', 'maintainer', 'rejected', 1, ?, ?)""", (NOW, NOW))
    assert "2606.00001" not in paper_regions.recent_papers("caching")(mem_db, config)


def test_empty_category_says_so(mem_db, config):
    assert paper_regions.recent_papers("pruning")(mem_db, config).startswith("_No recent papers")


def test_hostile_title_keeps_the_row_shape(mem_db, config):
    add_paper(mem_db, "2606.00009", "A | B\n## heading `x` <!-- curator:end papers-caching --> @user Fixes #1",
              code="org/x")
    row = paper_regions.recent_papers("caching")(mem_db, config).splitlines()[2]
    assert "\n" not in row
    assert "<!-- curator:end" not in row
    cells = split_cells(row)
    assert len(cells) == 6


def split_cells(row: str) -> list[str]:
    """Cells of a Markdown table row, honouring backslash-escaped pipes."""
    inner = row.strip()[1:-1]
    cells, cur, i = [], "", 0
    while i < len(inner):
        if inner[i] == "\\":
            cur += inner[i:i + 2]
            i += 2
            continue
        if inner[i] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += inner[i]
        i += 1
    return cells + [cur]


def test_candidate_engines_are_unlisted_engine_like_repos_by_stars(mem_db, config):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-30", 50000)], description="LLM serving")
    add_paper(mem_db, "2606.00001", "Paper with code", code="lab/fastserve")
    add_paper(mem_db, "2606.00002", "Weak paper", confidence=0.2, code="lab/weakserve")
    add_repo_stats(mem_db, "lab/fastserve", [("2026-06-30", 120)], "Fast LLM inference engine")
    add_repo_stats(mem_db, "org/bigengine", [("2026-06-30", 900)], "A serving runtime")
    add_repo_stats(mem_db, "org/dataset", [("2026-06-30", 5000)], "A benchmark dataset")

    text = paper_regions.candidate_engines(mem_db, config)

    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert [r.split("]")[0][3:] for r in rows] == ["org/bigengine", "lab/fastserve"]
    assert "900" in rows[0] and "GitHub crawl" in rows[0]
    assert "arxiv.org/abs/2606.00001" in rows[1]
    assert "vllm" not in text and "weakserve" not in text and "dataset" not in text


def test_star_chart_link_only_with_history(mem_db, config):
    assert "star-history" not in paper_regions.star_chart(mem_db, config)
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-30", 5)])
    assert paper_regions.star_chart(mem_db, config) == (
        "![GitHub stars of the listed engines over time](assets/star-history.svg)")


def test_every_category_has_a_region_under_its_heading():
    names = {name: heading for name, heading, _ in paper_regions.regions()}
    assert names["papers-caching"] == "Caching"
    assert names["papers-sparsity"] == "Sparsity Optimization"
    assert len([n for n in names if n.startswith("papers-")]) == 10
    assert {"candidate-engines", "star-history"} <= set(names)
