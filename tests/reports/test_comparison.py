"""The comparison region and every other table curator writes: no column empty for every row,
blanks that say why, whole-number scores, and a width that fits GitHub's content column."""
from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from catalogue.settings import merge
from reports import comparison, prbody
from reports.render import render_text
from tests.reports.helpers import NOW, add_paper, add_repo_stats, import_list

CONFIG = merge({})
CONTENT_WIDTH = 880  # GitHub's Markdown column at a 1012 px page


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (link labels, not URLs), header first."""
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(markdown)
    out, rows = [], None
    for t in tokens:
        if t.type == "table_open":
            rows = []
        elif t.type == "tr_open" and rows is not None:
            rows.append([])
        elif t.type == "inline" and rows is not None and rows:
            rows[-1].append("".join(c.content for c in t.children or [] if c.type in ("text", "code_inline")).strip())
        elif t.type == "table_close":
            out.append(rows)
            rows = None
    return out


def empty_columns(markdown: str) -> list[str]:
    found = []
    for rows in tables(markdown):
        for i, header in enumerate(rows[0]):
            if rows[1:] and all(not (r[i] if i < len(r) else "") for r in rows[1:]):
                found.append(header)
    return found


def estimated_width(rows: list[list[str]]) -> int:
    """Pixels a GitHub table needs: 8 px a character (16 px font) plus 26 px of padding and border a column."""
    return sum(max(len(r[i]) if i < len(r) else 0 for r in rows) * 8 + 26 for i in range(len(rows[0])))


@pytest.fixture
def demo_like(mem_db, fixtures):
    """The seed list with what a demo night stores: stats for most engines, scores with gaps, papers."""
    text = (fixtures / "seed-list.md").read_text()
    import_list(mem_db, text)
    repos = [r for (r,) in mem_db.execute("SELECT repo FROM engines WHERE repo IS NOT NULL ORDER BY repo")]
    with mem_db.conn:
        for i, repo in enumerate(repos):
            mem_db.execute("INSERT INTO repos (repo, first_seen, status) VALUES (?, ?, 'ok')", (repo, NOW))
            if i == 0:
                continue  # one repository not crawled yet
            mem_db.execute("""INSERT INTO repo_stats (repo, date, stars, latest_release, latest_release_date, license)
                              VALUES (?, '2026-06-30', ?, ?, '2026-06-01T00:00:00Z', ?)""",
                           (repo, 1000 * i + 7, None if i == 2 else f"v0.{i}.0", None if i == 3 else "Apache-2.0"))
        for name, in mem_db.execute("SELECT name FROM engines WHERE repo IS NOT NULL").fetchall():
            deploy = None if name == "vLLM" else 70.0
            reason = '{"ease_of_deployment": {"reason": "install steps only behind a link that was not read"}}'
            mem_db.execute("""INSERT INTO engine_scores (engine, date, ease_of_use, docs_level, sns, forum, meetup,
                              ease_of_deployment, components) VALUES (?, '2026-06-30', 66.54, 'moderate', 1, 0, 1, ?, ?)""",
                           (name, deploy, reason if deploy is None else "{}"))
    add_paper(mem_db, "2606.00001", "Prefix", abstract="prefix caching")
    add_paper(mem_db, "2606.00002", "Maybe", confidence=0.2)
    return text


def test_no_column_is_empty_for_every_row_in_the_list_or_the_body(mem_db, demo_like):
    new, _ = render_text(demo_like, mem_db, CONFIG)
    report = prbody.gather(mem_db, CONFIG, demo_like, new)
    body = prbody.body(mem_db, CONFIG, report)
    assert tables(new) and tables(body)
    assert empty_columns(new) == [] and empty_columns(body) == []
    assert "Δ stars" not in new  # no merged pull request yet: the column would be empty


def test_blanks_carry_a_mark_explained_under_the_table(mem_db, demo_like):
    new, _ = render_text(demo_like, mem_db, CONFIG)
    region = new.split("<!-- curator:begin comparison -->")[1].split("<!-- curator:end comparison -->")[0]
    popularity, ease = region.split("### Ease of use and deployment")
    assert "—¹" in popularity and "<sub>" in popularity
    legend = popularity[popularity.index("<sub>"):]
    marks = set(re.findall(r"—([¹²³⁴⁵])", popularity[:popularity.index("<sub>")]))
    assert marks and all(f"—{m} " in legend for m in marks)
    assert "no release published on GitHub" in legend and "no licence GitHub recognises" in legend
    assert "Not in this table, repository not crawled yet: " in popularity  # a name, not a row of blanks
    assert "—¹ not scored: install steps only behind a link that was not read" in ease
    assert "Not in this table, no public repository: Fireworks AI, Friendli Inference, GroqCloud, " \
           "Together Inference." in popularity


def test_scores_are_whole_numbers_and_headers_are_explained(mem_db, demo_like):
    new, _ = render_text(demo_like, mem_db, CONFIG)
    ease = [t for t in tables(new) if t[0][:2] == ["Engine", "Use"]][0]
    assert {row[1] for row in ease[1:]} == {"67"}  # 66.54 shown as 67
    assert "Use: Ease-of-Use, 0 to 100" in new and "SNS: a chat such as Discord or Slack" in new
    assert max(len(h) for h in ease[0]) <= 8  # short headers, the legend says the rest


def test_every_table_fits_githubs_content_width(mem_db, demo_like):
    new, _ = render_text(demo_like, mem_db, CONFIG)
    region = new.split("<!-- curator:begin comparison -->")[1].split("<!-- curator:end comparison -->")[0]
    for rows in tables(region):
        assert estimated_width(rows) <= CONTENT_WIDTH, rows[0]


def test_release_cells_are_short(mem_db, demo_like):
    new, _ = render_text(demo_like, mem_db, CONFIG)
    popularity = [t for t in tables(new) if "Latest release" in t[0]][0]
    col = popularity[0].index("Latest release")
    assert max(len(r[col]) for r in popularity[1:]) <= 20
    assert any(r[col] == "v0.4.0 (Jun 2026)" for r in popularity[1:])


def test_an_engine_without_figures_is_named_not_a_row_of_blanks(mem_db):
    text = ("# L\n\n## Open Source Inference Engines\n\n- [vLLM](https://github.com/vllm-project/vllm)\n"
            "- [Fresh](https://github.com/o/fresh)\n\n## Commercial Inference Engines\n\n- [Groq](https://groq.com/)\n\n"
            "## Comparison Table\n")
    import_list(mem_db, text)
    add_repo_stats(mem_db, "vllm-project/vllm", [("2026-06-20", 180)])
    body = comparison.comparison(mem_db, CONFIG)
    assert "| [Groq]" not in body and "| [Fresh]" not in body and "| [vLLM](" in body
    assert "Not in this table, repository not crawled yet: Fresh." in body
    assert "Not in this table, no public repository: Groq." in body
    assert "No engine has been scored yet: curator scores an engine once its README or web page was read" in body


def test_stars_changes_show_once_a_pull_request_was_merged(mem_db):
    text = "# L\n\n## Open Source Inference Engines\n\n- [vLLM](https://github.com/vllm-project/vllm)\n" \
           "- [SGLang](https://github.com/sgl-project/sglang)\n\n## Comparison Table\n"
    import_list(mem_db, text)
    add_repo_stats(mem_db, "vllm-project/vllm", [("2026-06-01", 100), ("2026-06-20", 180)])
    add_repo_stats(mem_db, "sgl-project/sglang", [("2026-06-20", 50)])
    with mem_db.conn:
        mem_db.execute("""INSERT INTO pull_requests (number, branch, state, merged, created, updated)
                          VALUES (1, 'b', 'closed', 1, '2026-06-01', '2026-06-10T00:00:00+00:00')""")
    body = comparison.comparison(mem_db, CONFIG)
    assert "| Engine | Stars | Δ stars |" in body and "| +80 |" in body
    assert "—¹ not crawled when curator's last pull request was merged" in body
