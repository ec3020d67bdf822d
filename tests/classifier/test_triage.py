"""The one decision of what the pull request does with a paper: no relevant paper is dropped
silently, and the counts add up."""
from __future__ import annotations

import itertools

import pytest

from classifier import triage
from classifier.triage import ADDED, HELD, IN_LIST, MAYBE, NOT_CLASSIFIED, NOT_RELEVANT, REJECTED, Bars, Scores

BARS = Bars(relevance=0.4, add=0.5)


@pytest.mark.parametrize("scores,flags,kind,reason", [
    (Scores(0.9, "caching", 0.8, "sparsity", 0.1), {}, ADDED, ""),      # 0.72 placed
    (Scores(1.0, "caching", 0.5), {}, ADDED, ""),                       # the bar itself is in
    (Scores(0.9, "caching", 0.55, "sparsity", 0.3), {}, MAYBE, ""),     # uncertain category: shown folded
    (Scores(0.9, "caching", 0.05), {}, MAYBE, ""),                      # however uncertain
    (Scores(0.45, "caching", 0.99), {}, MAYBE, ""),                     # uncertain scope: shown folded
    (Scores(0.39, "caching", 0.99), {}, NOT_RELEVANT, ""),              # below the relevance bar
    (Scores(0.9, None, None), {}, NOT_RELEVANT, ""),                    # no category: not relevant
    (Scores(None), {}, NOT_CLASSIFIED, ""),
    (Scores(0.9, "caching", 0.9), {"in_list": True}, HELD, IN_LIST),
    (Scores(0.1, None, None), {"in_list": True}, HELD, IN_LIST),         # the list's judgement wins
    (Scores(0.9, "caching", 0.9), {"rejected": True}, HELD, REJECTED),
])
def test_rules(scores, flags, kind, reason):
    verdict = triage.triage(scores, BARS, **flags)
    assert (verdict.kind, verdict.reason) == (kind, reason)


def test_no_relevant_paper_is_dropped_and_counts_add_up():
    """Every combination of inputs gets a kind; relevant = added + maybe + held back."""
    grid = itertools.product([None, 0.1, 0.39, 0.4, 0.99], [None, "caching"], [None, 0.0, 0.5, 0.6, 1.0],
                             [False, True], [False, True])
    verdicts = [triage.triage(Scores(r, c, conf), BARS, in_list=i, rejected=j) for r, c, conf, i, j in grid]
    kinds = {v.kind for v in verdicts}
    assert kinds == {ADDED, MAYBE, HELD, NOT_RELEVANT, NOT_CLASSIFIED}
    relevant = [v for v in verdicts if v.relevant]
    assert len(relevant) == sum(v.kind in (ADDED, MAYBE, HELD) for v in verdicts)
    assert all(v.reason for v in verdicts if v.kind == HELD)
    assert len(verdicts) == sum(v.relevant for v in verdicts) + sum(not v.relevant for v in verdicts)
    # a relevant paper with a category is never "not relevant" whatever its confidence
    assert all(triage.triage(Scores(0.8, "caching", c), BARS).kind in (ADDED, MAYBE) for c in (None, 0, 0.3, 1))


def test_bars_come_from_the_settings():
    from catalogue.settings import merge

    bars = Bars.from_settings(merge({"classifier": {"relevance_threshold": 0.5, "add_threshold": 0.7}})
                              ["classifier"])
    assert bars == Bars(0.5, 0.7)


@pytest.mark.parametrize("maybe,added,shown", [(10, 3, 3), (2, 5, 2), (4, 0, 0), (0, 0, 0)])
def test_the_folded_list_is_never_longer_than_the_added_one(maybe, added, shown):
    assert triage.maybe_shown(maybe, added) == shown
