"""The figures of `bench.bench_weeks` on a toy week: counts that add up, the pull request's
precision and recall, precision at recall of a ranking. Stub data, no model."""
from __future__ import annotations

import pytest

from bench.bench_weeks import body_disagreements
from bench.weeks_metrics import (ADDED, HELD, MAYBE, NOT_RELEVANT, Label, Outcome, count_problems, counts_line,
                                 pooled, pr_figures, precision_at_recall, ranking_figures, week_labels, where_lost)

# a1, a2, a6 sure in scope; a3 in scope, not sure; the rest out of scope. a6, a7 never fetched.
LABELS = week_labels([
    {"arxiv_id": "a1", "label": "caching", "sure": True},
    {"arxiv_id": "a2", "label": "quantization", "sure": True},
    {"arxiv_id": "a3", "label": "relevant", "sure": False},
    {"arxiv_id": "a4", "label": "irrelevant", "sure": True},
    {"arxiv_id": "a5", "label": "irrelevant", "sure": True},
    {"arxiv_id": "a6", "label": "pruning", "sure": True},
    {"arxiv_id": "a7", "label": "irrelevant", "sure": False},
    {"arxiv_id": "a8", "label": "irrelevant", "sure": False},
])


def outcome(maybe_order=("a3", "a2", "a8")) -> Outcome:
    kinds = {"a1": ADDED, "a4": ADDED, "a2": MAYBE, "a3": MAYBE, "a8": MAYBE, "a5": NOT_RELEVANT}
    return Outcome(kinds, list(maybe_order), maybe_shown=2,
                   relevance={"a1": 0.9, "a4": 0.8, "a2": 0.7, "a3": 0.75, "a8": 0.72, "a5": 0.1})


def test_counts_add_up_and_are_printed():
    out = outcome()
    assert count_problems(out) == []
    assert (out.fetched, out.relevant, out.count(NOT_RELEVANT)) == (6, 5, 1)
    assert counts_line(out) == ("6 fetched = 5 relevant + 1 not relevant; "
                                "5 relevant = 2 added + 3 maybe (2 shown) + 0 held back")


def test_counts_that_do_not_add_up_are_named():
    out = outcome()
    out.kinds["a9"] = HELD  # held back without a reason
    out.maybe_order.remove("a8")
    out.maybe_shown = 3  # more than the papers added
    problems = " | ".join(count_problems(out))
    assert "held back by reason 0 != held back 1" in problems
    assert "the maybe list has 2 papers, the kinds 3" in problems
    assert "3 maybe shown, more than min(maybe 3, added 2)" in problems


def test_precision_and_recall_of_the_pull_request_count_the_whole_week():
    f = pr_figures(LABELS, outcome())
    assert (f["added"], f["added_in_scope"], f["precision"]) == (2, 1, 0.5)
    # sure in scope: a1 (added), a2 (maybe, shown), a6 (never fetched): the denominator is 3
    assert (f["sure"], f["sure_fetched"], f["query_loss"]) == (3, 2, pytest.approx(1 / 3))
    assert (f["sure_added"], f["sure_shown"], f["sure_uncapped"]) == (1, 2, 2)
    assert (f["maybe"], f["maybe_shown"]) == (3, 2)
    # the cap: a2 third of the "maybe" list is not shown, though relevant
    capped = pr_figures(LABELS, outcome(("a3", "a8", "a2")))
    assert (capped["recall_shown"], capped["recall_uncapped"]) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert where_lost(LABELS, outcome(("a3", "a8", "a2"))) == {
        "maybe, not shown (past the cap)": ["a2"], "not fetched (the crawl query)": ["a6"]}


def test_precision_at_recall_counts_ties_and_ranks_unscored_last():
    scores = [0.9, 0.8, 0.3, 0.85, 0.5, 0.1]
    positive = [True, True, True, False, False, False]
    assert precision_at_recall(scores, positive, 0.5) == pytest.approx(2 / 3)  # 2nd positive: 0.8
    assert precision_at_recall(scores, positive, 1.0) == pytest.approx(3 / 5)
    assert precision_at_recall([0.8, 0.8, 0.2], [True, False, True], 0.5) == pytest.approx(1 / 2)  # a tie counts
    assert precision_at_recall([None, 0.9, 0.5], [True, True, False], 1.0) == pytest.approx(2 / 3)
    assert precision_at_recall([0.1], [False], 0.5) is None


def test_ranking_figures_leave_unsure_in_scope_papers_out_of_the_sure_figures():
    out = outcome()
    fig = ranking_figures(out.relevance, LABELS, out.kinds, recalls=(1.0,))
    # in scope: a1 .9, a3 .75, a2 .7 against a4 .8, a8 .72, a5 .1 -> at a2's 0.7: 3 of 5
    assert fig["in scope"][1.0] == pytest.approx(3 / 5)
    # sure: a1 .9, a2 .7 against a4 .8, a8 .72, a5 .1 (a3 left out) -> 2 of 4
    assert fig["sure"][1.0] == pytest.approx(2 / 4)


def test_pooled_weeks_add_up_and_keep_each_weeks_shown_papers():
    other = week_labels([{"arxiv_id": "b1", "label": "caching", "sure": True},
                         {"arxiv_id": "b2", "label": "pruning", "sure": True}])
    week2 = Outcome({"b1": ADDED, "b2": MAYBE, "b3": HELD}, ["b2"], maybe_shown=1,
                    held_reasons={"already in the list": 1})
    labels, out = pooled([(LABELS, outcome(("a3", "a8", "a2"))), (other, week2)])
    assert count_problems(out) == []
    assert (out.fetched, out.relevant, out.maybe_shown) == (9, 8, 3)
    assert out.shown == {"a1", "a4", "a3", "a8", "b1", "b2"}
    f = pr_figures(labels, out)
    assert (f["sure"], f["sure_shown"]) == (5, 3)  # a1, b1, b2 of a1, a2, a6, b1, b2


def test_body_counts_are_checked_against_the_outcome(tmp_path):
    body = tmp_path / "pr-body.md"
    body.write_text("| fetched from arXiv (all so far) | **6** |\n| not relevant | 1 |\n| **relevant** | **5** |\n"
                    "| ↳ added to the list | 2 |\n| ↳ maybe: relevant, category uncertain (folded below) | 4 |\n\n"
                    "<details><summary><b>Maybe (4)</b>: relevant papers whose category is uncertain, 2 shown "
                    "(never more than the papers added)</summary>\n", encoding="utf-8")
    assert body_disagreements(body, outcome()) == ["pr-body.md says maybe 4, the outcome 3"]
    assert body_disagreements(tmp_path / "missing.md", outcome()) == ["no pr-body.md (the dry run failed)"]


def test_labels_know_scope_and_sureness():
    assert Label("relevant", False).in_scope and not Label("relevant", False).sure_in_scope
    assert not Label("irrelevant", True).in_scope
