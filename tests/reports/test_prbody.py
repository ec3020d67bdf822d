"""The PR title and body: counts, tables, nearest references, hygiene, escaping, size limit."""
from __future__ import annotations

import re

import pytest

from catalogue.settings import merge
from reports import prbody
from tests.reports.test_paper_regions import NOW, add_engine, add_paper, add_repo_stats

HOSTILE = ("Fast | serving\n# Heading @octocat @org/team Fixes #1 owner/repo#12 "
           "<!-- curator:end papers-caching --> <script>x</script> [x](javascript:alert(1))")


@pytest.fixture
def config():
    return merge({})


def add_technique_ref(db, category, technique, url, label):
    with db.conn:
        db.execute("INSERT OR IGNORE INTO techniques (category, name) VALUES (?, ?)", (category, technique))
        tid = db.execute("SELECT id FROM techniques WHERE category = ? AND name = ?",
                         (category, technique)).fetchone()[0]
        db.execute("INSERT INTO technique_refs (technique_id, url, label) VALUES (?, ?, ?)", (tid, url, label))
        return tid


def build(db, config, base_text="", failed=()):
    report = prbody.gather(db, config, base_text, None, failed)
    return report, prbody.title(config, report), prbody.body(db, config, report)


def test_title_counts_and_summary(mem_db, config):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    add_paper(mem_db, "2606.00002", "Low-bit weights", category="quantization", technique="GPTQ")
    add_paper(mem_db, "2606.00003", "Already listed")
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-01", 100), ("2026-06-02", 160)])

    report, title, body = build(mem_db, config, base_text="see [it](https://arxiv.org/abs/2606.00003)")

    assert [p["arxiv_id"] for p in report.added] == ["2606.00002", "2606.00001"]  # list order
    assert title == "curator: update the list (2 new papers, 1 star movers)"
    assert body.startswith("This update adds 2 papers in 2 categories, reports 1 star movers, 0 candidate engines")
    assert body.index("### Added papers: quantization") < body.index("### Added papers: caching")  # list order
    assert "| vLLM | 160 | +60 |" in body
    assert "Already listed" not in body
    assert "### Open the dataset" in body and "`curator --db curator.db serve`" in body
    # sections with nothing to show are left out; the summary line counts them
    assert "Candidate engines" not in body and "<details>" not in body and "None." not in body


def test_nearest_reference_is_the_techniques_closest_reference(mem_db, config):
    add_technique_ref(mem_db, "caching", "KV cache", "https://arxiv.org/abs/2309.06180", "PagedAttention memory")
    add_technique_ref(mem_db, "caching", "KV cache", "https://arxiv.org/abs/2312.07104", "Prefix sharing RadixAttention")
    add_technique_ref(mem_db, "caching", "Other", "https://arxiv.org/abs/2401.00001", "Prefix sharing exact")
    add_paper(mem_db, "2606.00001", "Prefix sharing for multi-tenant serving")

    _, _, body = build(mem_db, config)

    row = next(line for line in body.splitlines() if "2606.00001" in line)
    assert "arxiv.org/abs/2312.07104" in row
    assert "2401.00001" not in row and "2309.06180" not in row


def test_nearest_reference_falls_back_to_the_category(mem_db, config):
    add_technique_ref(mem_db, "caching", "Other", "https://arxiv.org/abs/2401.00001", "Prefix sharing exact")
    add_technique_ref(mem_db, "quantization", "AWQ", "https://arxiv.org/abs/2306.00978", "Prefix sharing quantized")
    add_paper(mem_db, "2606.00001", "Prefix sharing for multi-tenant serving")  # its technique has no reference

    _, _, body = build(mem_db, config)

    row = next(line for line in body.splitlines() if "2606.00001" in line)
    assert "arxiv.org/abs/2401.00001" in row and "2306.00978" not in row


def test_low_confidence_papers_are_collapsed(mem_db, config):
    add_paper(mem_db, "2606.00001", "Sure thing")
    add_paper(mem_db, "2606.00002", "Maybe relevant", confidence=0.5)
    add_paper(mem_db, "2606.00003", "Too weak", confidence=0.1)

    _, _, body = build(mem_db, config)

    details = body[body.index("<details>"):body.index("</details>")]
    assert "<summary>Low-confidence papers (1)</summary>" in details
    assert "2606.00002" in details and "0.50" in details
    assert "2606.00002" not in body.replace(details, "")
    assert "Too weak" not in body


def test_hygiene_failed_steps_and_candidates(mem_db, config):
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-01", 1)])
    with mem_db.conn:
        mem_db.execute("INSERT INTO engine_sections VALUES ('vLLM', 'Open Source', 1), ('vLLM', 'Gateways', 2)")
        mem_db.execute("INSERT INTO repos (repo, first_seen, status) VALUES ('gone/away', ?, 'missing')", (NOW,))
        mem_db.execute("""INSERT INTO web_signals (engine, date, source, url, status)
                          VALUES ('vLLM', '2026-06-01', 'docs', 'https://docs.example/old', 'http_404')""")
    add_repo_stats(mem_db, "lab/newserve", [("2026-06-01", 77)], "LLM serving engine")

    failed = [{"command": "crawl arxiv", "status": "failed", "error": "crawl arxiv: arXiv answered 503"},
              {"command": "classify", "status": "incomplete", "error": None}]
    _, title, body = build(mem_db, config, failed=failed)

    assert "**2 steps failed in this run;**" in body
    assert "- **crawl arxiv** (failed): arXiv answered 503\n- **classify** (incomplete): no error recorded" in body
    assert "| vLLM | Open Source / Gateways |" in body
    assert "https://github.com/gone/away | missing |" in body
    assert "https://docs.example/old" in body
    assert "[lab/newserve](https://github.com/lab/newserve) | 77 |" in body
    assert "1 candidate engines" in title


def test_hostile_titles_are_inert_in_the_body(mem_db, config):
    add_paper(mem_db, "2606.00001", HOSTILE, authors=("@mallory",))
    add_paper(mem_db, "2606.00002", HOSTILE, confidence=0.45)

    _, _, body = build(mem_db, config)

    assert_inert(body)
    for line in body.splitlines():
        if "2606.0000" in line:
            assert line.startswith("| ") and line.endswith(" |")


def test_a_hostile_error_is_inert_and_short(mem_db, config):
    failed = [{"command": "crawl web", "status": "failed", "error": HOSTILE + " x" * 400}]

    _, _, body = build(mem_db, config, failed=failed)

    line = next(line for line in body.splitlines() if line.startswith("- **crawl web**"))
    assert len(line) < 2 * prbody.ERROR_CHARS and line.endswith("…")
    assert_inert(body)


def assert_inert(text: str) -> None:
    """No live mention, cross-reference, closing keyword, script or our markers (RELIABILITY 21-23)."""
    assert not re.search(r"(?<![\w`])@(octocat|org/team|mallory)\b", text)
    assert not re.search(r"(?i)\bfixes #1\b", text)
    assert "owner/repo#12" not in text
    assert "<script>" not in text
    assert "<!-- curator:end" not in text
    assert "](javascript:" not in text


def test_body_is_cut_to_githubs_limit_with_a_summary(mem_db, config, monkeypatch):
    from reports import paper_regions

    monkeypatch.setattr(paper_regions, "RECENT_LIMIT", 1000)
    long_title = "Very long title " * 700  # ~11,000 characters
    for i in range(400):
        add_paper(mem_db, f"2606.{i:05d}", f"{i} {long_title}")
    for i in range(400):
        add_paper(mem_db, f"2605.{i:05d}", f"{i} {long_title}", confidence=0.45)

    report, title, body = build(mem_db, config)

    assert len(body) <= prbody.GITHUB_BODY_LIMIT
    assert len(report.added) == 400
    assert "more in the dataset._" in body
    assert body.startswith("This update adds 400 papers")
    assert "### Open the dataset" in body
    assert max(len(line) for line in body.splitlines()) < 1000


def test_hard_cut_when_even_headings_do_not_fit(mem_db, config, monkeypatch):
    monkeypatch.setattr(prbody, "BODY_BUDGET", 300)
    add_paper(mem_db, "2606.00001", "A paper")
    _, _, body = build(mem_db, config)
    assert len(body) <= 300
    assert body.endswith(prbody.TRUNCATED_NOTE)


def test_added_means_linked_by_the_new_list_and_not_the_old(mem_db, config):
    for i in range(3):
        add_paper(mem_db, f"2606.0000{i}", f"Paper {i}")
    new_text = "[a](https://arxiv.org/abs/2606.00001) [b](https://arxiv.org/abs/2606.00002)"
    old_text = "[b](https://arxiv.org/abs/2606.00002)"
    report = prbody.gather(mem_db, config, old_text, new_text)
    assert [p["arxiv_id"] for p in report.added] == ["2606.00001"]


def test_added_papers_are_capped_like_the_tables(mem_db, config, monkeypatch):
    from reports import paper_regions

    monkeypatch.setattr(paper_regions, "RECENT_LIMIT", 2)
    for i in range(4):
        add_paper(mem_db, f"2606.0000{i}", f"Paper {i}", published=f"2026-06-2{i}")
    report = prbody.gather(mem_db, config, "")
    assert [p["arxiv_id"] for p in report.added] == ["2606.00003", "2606.00002"]
