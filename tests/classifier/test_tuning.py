"""The choice of mix, calibration and thresholds by cross-validation over the feed's weeks."""
from __future__ import annotations

import numpy as np
import pytest

from classifier import tuning
from classifier.training import Paper


def feed(n_weeks=6, per_week=4):
    return [Paper(f"{w}.{i}", "t", "a", "caching" if i % 2 else "irrelevant", week=f"2026-W{20 + w:02d}")
            for w in range(n_weeks) for i in range(per_week)]


def test_weeks_are_dealt_round_robin_into_groups():
    groups = tuning.week_groups(feed(6))
    assert [groups[f"2026-W{20 + w:02d}"] for w in range(6)] == [0, 1, 2, 0, 1, 2]


def test_no_paper_is_scored_by_heads_that_saw_it():
    papers = feed(6)
    seen_by = {}

    def fit_without(ids):
        heads = f"heads {len(seen_by)}"
        seen_by[heads] = {p.arxiv_id for p in papers} - ids
        return heads

    scored = []

    def score(heads, test):
        assert not {p.arxiv_id for p in test} & seen_by[heads]
        scored.extend(p.arxiv_id for p in test)
        n = len(test)
        return np.zeros(n), np.zeros(n), np.ones(n)

    oof = tuning.out_of_fold(papers, fit_without, score)
    assert sorted(scored) == sorted(p.arxiv_id for p in papers) and len(seen_by) == 3
    assert oof.in_scope.sum() == len(papers) // 2


def test_average_precision_is_weighted():
    score = np.array([0.9, 0.8, 0.7])
    pos = np.array([True, False, True])
    assert tuning.average_precision(score, pos, np.ones(3)) == pytest.approx((1 + 2 / 3) / 2)
    # the negative standing for many papers pushes the second positive down
    assert tuning.average_precision(score, pos, np.array([1.0, 9.0, 1.0])) == pytest.approx((1 + 2 / 11) / 2)


def test_thresholds_reach_the_target_precision_and_keep_maybe_no_longer_than_added():
    p = np.array([0.95, 0.9, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.3, 0.2])
    conf = np.array([0.9, 0.9, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    pos = np.array([1, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
    add, show = tuning.thresholds(p, conf, pos, np.ones(10), target=0.9, grid=(0.3, 0.4, 0.5, 0.6, 0.7, 0.8))
    joint = p * conf
    assert add == 0.7 and tuning.weighted_precision(joint >= add, pos, np.ones(10)) >= 0.9
    assert tuning.weighted_precision(joint >= 0.6, pos, np.ones(10)) < 0.9  # the next lower bar misses it
    added = (joint >= add).sum()
    assert ((p >= show) & (joint < add)).sum() <= added and show <= add
    assert ((p >= 0.3) & (joint < add)).sum() > added  # a lower relevance bar would fold more than it adds


def test_choose_takes_the_mix_that_ranks_best_and_calibrates_it():
    rng = np.random.default_rng(0)
    n = 400
    pos = rng.random(n) < 0.3
    z_term = np.where(pos, 1.0, -1.0) + rng.normal(0, 0.3, n)   # the term model separates well
    z_emb = rng.normal(0, 1.0, n)                              # the embedding model is noise here
    oof = tuning.OutOfFold(z_emb, z_term, np.full(n, 0.9), pos, np.ones(n))
    chosen = tuning.choose(oof, mixes=(0.3, 0.5, 0.7), target=0.8)
    assert chosen.emb_weight == 0.3 and chosen.cal_a > 0
    p = 1 / (1 + np.exp(-(chosen.cal_a * oof.mixed(0.3) + chosen.cal_b)))
    assert abs(p.mean() - pos.mean()) < 0.02  # calibrated: the mean probability is the share in scope
    assert chosen.figures["added_precision"] >= 0.8
    assert set(chosen.meta()) >= {"emb_weight", "add_threshold", "relevance_threshold", "cv_added_precision"}


def test_the_shipped_thresholds_are_those_the_refit_chose():
    """`python -m classifier.refit` chooses the thresholds; the settings' defaults must follow."""
    from catalogue.settings import DEFAULTS
    from classifier import model
    from classifier.training import HEADS

    heads = model.Heads.load(HEADS)
    assert float(heads.meta["relevance_threshold"]) == DEFAULTS["classifier"]["relevance_threshold"]
    assert float(heads.meta["add_threshold"]) == DEFAULTS["classifier"]["add_threshold"]
    assert float(heads.meta["emb_weight"]) == heads.emb_weight and heads.cal_a > 0
    assert heads.meta["cv_prefilter_in_scope_stopped"] == "0"  # the pre-filter never stops a paper in scope
