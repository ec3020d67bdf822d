"""The PR title and body: counts that add up, every change described, reasons, escaping, size limit."""
from __future__ import annotations

import re

import pytest

from catalogue.settings import merge
from catalogue.vocabulary import CATEGORIES
from reports import prbody
from reports.render import render_text
from tests.reports.helpers import NOW, add_engine, add_paper, add_repo_stats, import_list

HOSTILE = ("Fast | serving\n# Heading @octocat @org/team Fixes #1 owner/repo#12 "
           "<!-- curator:end papers-caching --> <script>x</script> [x](javascript:alert(1))")


@pytest.fixture
def config():
    return merge({})


@pytest.fixture
def seed(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    import_list(mem_db, text)
    return text


def build(db, config, base_text, failed=()):
    report = prbody.gather(db, config, base_text, None, failed)
    return report, prbody.title(config, report), prbody.body(db, config, report)


def counts(body: str) -> dict[str, int]:
    """The counts table of the body: label -> number."""
    out = {}
    for line in body.splitlines():
        m = re.fullmatch(r"\| (.+?) \| \**([\d,]+)\** \|", line)
        if m:
            out[m.group(1).strip("*")] = int(m.group(2).replace(",", ""))
    return out


def test_counts_add_up(mem_db, config, seed):
    for i in range(3):
        add_paper(mem_db, f"2606.0000{i}", f"Prefix caching {i}", abstract="prefix caching for serving")
    add_paper(mem_db, "2606.00010", "Unsure one", confidence=0.3, second="sparsity", second_confidence=0.2)
    add_paper(mem_db, "2606.00011", "Unsure two", confidence=0.35)
    for i in range(5):
        add_paper(mem_db, f"2606.0002{i}", f"Off topic {i}", category=None)
    add_paper(mem_db, "2606.00030", "Rejected before")
    with mem_db.conn:
        mem_db.execute("""INSERT INTO paper_labels (arxiv_id, source, status, rank, created, updated)
                          VALUES ('2606.00030', 'maintainer', 'rejected', 1, ?, ?)""", (NOW, NOW))

    report, title, body = build(mem_db, config, seed)

    c = counts(body)
    fetched = next(v for k, v in c.items() if k.startswith("fetched from arXiv"))
    assert fetched == 11 == c["relevant"] + c["not relevant"]
    assert c["relevant"] == 6 == (c["↳ added to the list"] + c["↳ maybe: relevant, scope or row less sure (folded below)"]
                                   + c["↳ held back: rejected earlier by a maintainer"])
    assert (c["↳ added to the list"], c["not relevant"]) == (3, 5)
    assert title == "curator: update the list (3 new papers, comparison table)"
    assert "### Held back (1)" in body and "rejected earlier by a maintainer (1)" in body


def test_maybe_list_is_folded_capped_and_shows_two_categories(mem_db, config, seed):
    add_paper(mem_db, "2606.00001", "Sure thing", abstract="prefix caching")
    for i in range(4):
        add_paper(mem_db, f"2606.0001{i}", f"Maybe {i}", confidence=0.35 - i / 20, category="sampling_optimization",
                  second="caching", second_confidence=0.2)

    _, _, body = build(mem_db, config, seed)

    details = body[body.index("<details>"):body.index("</details>")]
    assert "<b>Maybe (4)</b>" in details and "1 shown (never more than the papers added)" in details
    assert "| [Maybe 0](https://arxiv.org/abs/2606.00010) | Sampling Optimization 0.35 · Caching 0.20 |" in details
    assert "Maybe 1" not in details and "3 more are in the dataset" in details
    assert "Maybe 0" not in body.replace(details, "")


def test_categories_are_written_as_the_list_writes_them(mem_db, config, seed):
    add_paper(mem_db, "2606.00001", "Draft and verify", category="sampling_optimization",
              technique="Speculative Decoding")
    add_paper(mem_db, "2606.00002", "Maybe", category="structured_outputs", confidence=0.2,
              second="sampling_optimization", second_confidence=0.1)
    _, _, body = build(mem_db, config, seed)
    assert "**Sampling Optimization** (1)" in body and "Structured Outputs 0.20 · Sampling Optimization 0.10" in body
    assert not any(cat in body for cat in CATEGORIES if "_" in cat)


def test_each_added_paper_says_where_and_why(mem_db, config, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    import_list(mem_db, text)
    base, _ = render_text(text, mem_db, config)
    with mem_db.conn:  # the list's Prefix Caching paper, crawled
        mem_db.execute("UPDATE papers SET title = 'Optimizing LLM Queries in Relational Workloads' "
                       "WHERE arxiv_id = '2403.05821'")
    add_paper(mem_db, "2606.00001", "Speculative drafting", category="sampling_optimization", technique="EAGLE",
              abstract="We speed up EAGLE speculative decoding with a better draft tree.")
    add_paper(mem_db, "2606.00002", "Optimizing relational LLM queries again", technique="Prefix Caching",
              abstract="Nothing to match here.")
    add_paper(mem_db, "2606.00003", "Blocks", technique="Paged KV Cache", abstract="paged KV cache blocks")

    _, _, body = build(mem_db, config, base)

    lines = {aid: next(line for line in body.splitlines() if f"abs/{aid})" in line)
             for aid in ("2606.00001", "2606.00002", "2606.00003")}
    assert "→ row **EAGLE**; matched “EAGLE”, “speculative”, “drafting”" in lines["2606.00001"]
    assert "→ row **Prefix Caching**; closest in the list: [Liu et al. (2024)](https://arxiv.org/abs/2403.05821)" \
        in lines["2606.00002"]
    assert "→ new row **Paged KV Cache**; matched “Paged KV Cache”" in lines["2606.00003"]


def test_every_changed_region_is_described_and_actions_close_the_body(mem_db, config, seed):
    add_paper(mem_db, "2606.00001", "Prefix", abstract="prefix caching")
    add_paper(mem_db, "2606.00002", "Quant", category="quantization", technique="PTQ", abstract="PTQ")
    add_repo_stats(mem_db, "vllm-project/vllm", [("2026-06-01", 100), ("2026-06-02", 160)])
    add_repo_stats(mem_db, "lab/newserve", [("2026-06-01", 77)], "LLM serving engine")
    report, title, body = build(mem_db, config, seed)

    names = {c.name for c in report.changes}
    assert names == {"techniques-quantization", "techniques-caching", "comparison", "star-history",
                     "candidate-engines"}
    assert "**Technique tables** added by curator for Quantization (1 row), Caching (1 row)" in body
    assert "**Comparison table**: Popularity and activity added (1 row)." in body
    assert "**Star chart**: added" in body
    assert "### New candidate engines (1)" in body and "[lab/newserve](https://github.com/lab/newserve) | 77 |" in body
    assert "curator added its region markers" in body
    actions = body.index("### What your action does")
    for word in ("**Merge**", "**Close without merging**", "**Delete a line, then merge**", "**Push other edits"):
        assert body.index(word) > actions
    assert body.index("### Open the dataset") < actions  # the actions close the body
    assert title == "curator: update the list (2 new papers, comparison table, star chart, 1 candidate engine)"
    assert "**Candidate engines**" not in body  # the candidates have their own section


def test_comparison_changes_name_engines_and_figures(mem_db, config, seed):
    add_engine(mem_db, "Extra", "o/extra", [("2026-06-01", 100)])
    with mem_db.conn:
        mem_db.execute("UPDATE engines SET in_list = 1")
    base, _ = render_text(seed, mem_db, config)
    add_repo_stats(mem_db, "o/extra", [("2026-06-02", 1500)])
    _, _, body = build(mem_db, config, base)
    assert "**Comparison table**: Popularity and activity: Stars of 1 engine (Extra 100 → 1,500)" in body


def test_hygiene_failed_steps_and_candidates(mem_db, config, seed):
    add_engine(mem_db, "vLLM2", "vllm-project/vllm2", [("2026-06-01", 1)])
    with mem_db.conn:
        mem_db.execute("INSERT INTO engine_sections VALUES ('vLLM2', 'Open Source', 1), ('vLLM2', 'Gateways', 2)")
        mem_db.execute("INSERT INTO repos (repo, first_seen, status) VALUES ('gone/away', ?, 'missing')", (NOW,))
        mem_db.execute("""INSERT INTO web_signals (engine, date, source, url, status)
                          VALUES ('vLLM2', '2026-06-01', 'docs', 'https://docs.example/old', 'http_404')""")
    add_repo_stats(mem_db, "lab/newserve", [("2026-06-01", 77)], "LLM serving engine")

    failed = [{"command": "crawl arxiv", "status": "failed", "error": "crawl arxiv: arXiv answered 503"},
              {"command": "classify", "status": "incomplete", "error": None}]
    _, title, body = build(mem_db, config, seed, failed=failed)

    assert "**2 steps failed in this run;**" in body
    assert "- **crawl arxiv** (failed): arXiv answered 503\n- **classify** (incomplete): no error recorded" in body
    assert "- listed more than once (not changed): vLLM2 under Open Source / Gateways" in body
    assert "https://github.com/gone/away (missing)" in body
    assert "https://docs.example/old" in body
    assert "1 candidate engine" in title


def test_hostile_titles_are_inert_in_the_body(mem_db, config, seed):
    add_paper(mem_db, "2606.00001", HOSTILE, authors=("@mallory",))
    add_paper(mem_db, "2606.00002", HOSTILE, confidence=0.3)

    _, _, body = build(mem_db, config, seed)

    assert_inert(body)
    for line in body.splitlines():
        if "2606.00002" in line:
            assert line.startswith("| ") and line.endswith(" |")


def test_a_hostile_error_is_inert_and_short(mem_db, config, seed):
    failed = [{"command": "crawl web", "status": "failed", "error": HOSTILE + " x" * 400}]

    _, _, body = build(mem_db, config, seed, failed=failed)

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


def test_body_is_cut_to_githubs_limit_with_a_summary(mem_db, config, seed):
    long_title = "Very long title " * 700  # ~11,000 characters
    for i in range(400):
        add_paper(mem_db, f"2606.{i:05d}", f"{i} {long_title}")
    for i in range(400):
        add_paper(mem_db, f"2605.{i:05d}", f"{i} {long_title}", confidence=0.3)

    report, title, body = build(mem_db, config, seed)

    assert len(body) <= prbody.GITHUB_BODY_LIMIT
    assert len(report.added) == 400
    assert "more; the diff has them all._" in body
    assert body.startswith("This pull request adds **400 papers**")
    assert "### What your action does" in body and "### Open the dataset" in body
    assert max(len(line) for line in body.splitlines()) < 1000


def test_hard_cut_when_even_headings_do_not_fit(mem_db, config, seed, monkeypatch):
    monkeypatch.setattr(prbody, "BODY_BUDGET", 300)
    add_paper(mem_db, "2606.00001", "A paper")
    _, _, body = build(mem_db, config, seed)
    assert len(body) <= 300
    assert body.endswith(prbody.TRUNCATED_NOTE)


def test_added_means_linked_by_the_new_list_and_not_the_old(mem_db, config, seed):
    for i in range(3):
        add_paper(mem_db, f"2606.0000{i}", f"Paper {i}")
    new_text, _ = render_text(seed, mem_db, config)
    old_text = seed + "\nsee [b](https://arxiv.org/abs/2606.00002)\n"
    report = prbody.gather(mem_db, config, old_text, new_text)
    assert [p.arxiv_id for p in report.added] == ["2606.00000", "2606.00001"]
    assert [p.arxiv_id for p in report.held()["already in the list"]] == ["2606.00002"]


def test_a_paper_with_no_place_in_the_list_is_held_back_with_the_reason(mem_db, config):
    text = "# L\n\n## Open Source Inference Engines\n\n## Comparison Table\n\n<!-- curator:begin comparison -->\n" \
           "<!-- curator:end comparison -->\n"
    import_list(mem_db, text)
    add_paper(mem_db, "2606.00001", "Prefix")
    report, _, body = build(mem_db, config, text)
    assert report.added == []
    assert "| ↳ held back: no place for it in the list (no heading for its category) | 1 |" in body


def test_window_starts_when_the_last_pull_request_closed(mem_db, config, seed):
    add_paper(mem_db, "2606.00001", "Old", category=None, first_seen="2026-06-01T00:00:00+00:00")
    add_paper(mem_db, "2606.00002", "New", category=None, first_seen="2026-06-10T00:00:00+00:00")
    add_paper(mem_db, "2606.00003", "Old but never proposed", first_seen="2026-06-01T00:00:00+00:00")
    with mem_db.conn:
        mem_db.execute("""INSERT INTO pull_requests (number, branch, state, merged, created, updated)
                          VALUES (1, 'b', 'closed', 1, '2026-06-01', '2026-06-05T00:00:00+00:00')""")
    report, _, body = build(mem_db, config, seed)
    assert report.plan.fetched == 2 and report.plan.since.startswith("2026-06-05")
    assert "fetched from arXiv since curator's last pull request was closed (2026-06-05), with 1 earlier ones " \
           "still waiting | **2** |" in body


def test_every_changed_line_of_the_diff_is_accounted_for(mem_db, config, fixtures):
    """A line the update changes either adds a paper the body lists, or lies in a region the
    body describes: nothing in the diff goes unexplained."""
    import difflib

    from reports import regions

    text = (fixtures / "list-2026-06-30.md").read_text()
    import_list(mem_db, text)
    base, _ = render_text(text, mem_db, config)
    add_paper(mem_db, "2606.00001", "Prefix reuse", abstract="prefix caching")
    add_paper(mem_db, "2606.00002", "Paged blocks", technique="Paged KV Cache", abstract="paged KV cache")
    add_paper(mem_db, "2606.00003", "Draft", category="sampling_optimization", technique="Speculative Decoding",
              abstract="speculative decoding")
    add_repo_stats(mem_db, "vllm-project/vllm", [("2026-06-01", 100)])
    new, notes = render_text(base, mem_db, config)
    report = prbody.gather(mem_db, config, base, new, (), notes)
    body = prbody.body(mem_db, config, report)

    described = {c.name for c in report.changes}
    inside = {}
    for m in regions.find_regions(new):
        for i in range(m.begin, m.end + 1):
            inside[i] = m.name
    added = {p.arxiv_id for p in report.added}
    assert added == {"2606.00001", "2606.00002", "2606.00003"}
    ops = difflib.SequenceMatcher(None, base.split("\n"), new.split("\n"), autojunk=False).get_opcodes()
    changed = [j for op, _, _, j1, j2 in ops if op != "equal" for j in range(j1, j2)]
    lines = new.split("\n")
    for j in changed:
        if j in inside:
            assert inside[j] in described, lines[j]
        else:
            assert any(f"arxiv.org/abs/{aid})" in lines[j] for aid in added), lines[j]
    assert sum(j not in inside for j in changed) == 3  # one line per paper in the hand-written tables
    assert "**Comparison table**" in body
    for aid in added:
        assert f"abs/{aid})" in body


def test_hygiene_names_categories_as_the_list_writes_them(mem_db, config, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    import_list(mem_db, text)
    _, _, body = build(mem_db, config, text)
    assert ("- listed more than once (not changed): https://arxiv.org/abs/2307.09702 under "
            "Structured Outputs: FSM / CFG / Structured Outputs: Outlines / XGrammar") in body
    assert "structured_outputs" not in body
