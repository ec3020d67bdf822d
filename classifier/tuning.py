"""Choosing the classifier's hyperparameters and thresholds by cross-validation on a real feed.

The hand-labelled summer papers (:func:`classifier.training.summer_labelled`)
are a sample of what the nightly crawl really fetches, each carrying its
announcement week and how many crawled papers it stands for (``weight``: a
paper drawn at random from the low-scored rest stands for many). They are
split into ``GROUPS`` groups of whole weeks; each group is scored by heads
fitted without it (everything else that ships still trains them). On those
out-of-fold scores:

1. the relevance mix: the share of the embedding model's log-odds (against the
   term model's) with the best weighted average precision, from ``MIXES``;
2. the calibration: Platt scaling of the mixed log-odds, weighted, so that
   ``relevance`` is the probability that a paper is in scope;
3. the two thresholds of the pull request's decision
   (:mod:`classifier.triage`): ``add_threshold``, the lowest bar on
   ``relevance × category confidence`` (the probability that the paper is in
   scope and in its likeliest category) whose added papers are in scope at
   least ``TARGET_PRECISION`` of the time; and ``relevance_threshold``, the
   lowest bar on ``relevance`` at which the "maybe" papers are no more than the
   added ones.

Nothing here looks at the held-out weeks of ``bench/data/weeks``. The maths is
model-free: it takes vectors and term rows, so tests run it on stub embeddings.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from classifier import model
from classifier.training import Paper

log = logging.getLogger(__name__)

GROUPS = 3
MIXES = (0.3, 0.4, 0.5, 0.6, 0.7)
TARGET_PRECISION = 0.9   # added papers in scope; above the 0.85 a maintainer is promised, for week-to-week spread
GRID = tuple(round(0.05 * k, 2) for k in range(2, 19))  # 0.10 .. 0.90


@dataclass
class OutOfFold:
    """Scores of the feed papers by heads that never saw them."""

    z_emb: np.ndarray        # embedding model's relevance log-odds
    z_term: np.ndarray       # term model's (zeros for heads without terms)
    confidence: np.ndarray   # top category probability
    in_scope: np.ndarray     # bool: the label is not "irrelevant"
    weight: np.ndarray       # crawled papers each stands for

    def mixed(self, emb_weight: float) -> np.ndarray:
        return emb_weight * self.z_emb + (1.0 - emb_weight) * self.z_term


@dataclass
class Tuning:
    emb_weight: float
    cal_a: float
    cal_b: float
    add_threshold: float
    relevance_threshold: float
    figures: dict = field(default_factory=dict)

    def meta(self) -> dict[str, str]:
        """What the heads record of it."""
        return {"emb_weight": f"{self.emb_weight:g}", "add_threshold": f"{self.add_threshold:g}",
                "relevance_threshold": f"{self.relevance_threshold:g}",
                **{f"cv_{k}": f"{v:.4g}" if isinstance(v, float) else str(v) for k, v in self.figures.items()}}


def week_groups(papers: Sequence[Paper], groups: int = GROUPS) -> dict[str, int]:
    """Week -> group: the distinct weeks in order, dealt round-robin (neighbouring weeks apart)."""
    weeks = sorted({p.week for p in papers if p.week})
    return {w: i % groups for i, w in enumerate(weeks)}


def average_precision(score: np.ndarray, positive: np.ndarray, weight: np.ndarray) -> float:
    """Weighted average precision of ranking by ``score``."""
    order = np.argsort(-score, kind="stable")
    pos, w = positive[order].astype(float), weight[order]
    tp = np.cumsum(pos * w)
    seen = np.cumsum(w)
    total = (pos * w).sum()
    return float(((tp / seen) * pos * w).sum() / total) if total else 0.0


def platt(z: np.ndarray, positive: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """(a, b) with P(positive) = sigmoid(a z + b), weighted logistic regression on one feature."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000)
    lr.fit(z.reshape(-1, 1), positive.astype(int), sample_weight=weight)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def weighted_precision(chosen: np.ndarray, positive: np.ndarray, weight: np.ndarray) -> float:
    total = weight[chosen].sum()
    return float(weight[chosen & positive].sum() / total) if total else 1.0


def thresholds(p: np.ndarray, confidence: np.ndarray, positive: np.ndarray, weight: np.ndarray,
               target: float = TARGET_PRECISION, grid: Sequence[float] = GRID) -> tuple[float, float]:
    """(add_threshold, relevance_threshold) by the rules of the module docstring."""
    joint = p * confidence
    add = next((t for t in grid if weighted_precision(joint >= t, positive, weight) >= target), grid[-1])
    added = weight[joint >= add].sum()
    show = next((t for t in grid if t <= add and weight[(p >= t) & (joint < add)].sum() <= added), add)
    return float(add), float(show)


def choose(oof: OutOfFold, mixes: Sequence[float] = MIXES, target: float = TARGET_PRECISION) -> Tuning:
    """The mix, calibration and thresholds from out-of-fold scores."""
    scored = {w: average_precision(oof.mixed(w), oof.in_scope, oof.weight) for w in mixes}
    best = max(mixes, key=lambda w: (round(scored[w], 6), -abs(w - 0.5)))
    z = oof.mixed(best)
    a, b = platt(z, oof.in_scope, oof.weight)
    p = 1.0 / (1.0 + np.exp(-(a * z + b)))
    add, show = thresholds(p, oof.confidence, oof.in_scope, oof.weight, target)
    added = p * oof.confidence >= add
    shown = p >= show
    figures = {"papers": int(len(p)), "in_scope": int(oof.in_scope.sum()),
               "average_precision": scored[best],
               "added_precision": weighted_precision(added, oof.in_scope, oof.weight),
               "added_recall": float(oof.weight[added & oof.in_scope].sum() / oof.weight[oof.in_scope].sum()),
               "shown_recall": float(oof.weight[shown & oof.in_scope].sum() / oof.weight[oof.in_scope].sum()),
               **{f"ap_mix_{w:g}": v for w, v in scored.items()}}
    return Tuning(best, a, b, add, show, figures)


def out_of_fold(feed: Sequence[Paper], fit_without, score) -> OutOfFold:
    """Score every feed paper with heads fitted without its week group.

    ``fit_without(excluded_ids)`` returns fitted heads; ``score(heads, papers)``
    returns (z_emb, z_term, confidence) for the papers."""
    groups = week_groups(feed)
    parts = []
    for g in sorted(set(groups.values())):
        test = [p for p in feed if groups.get(p.week) == g]
        heads = fit_without({p.arxiv_id for p in test})
        z_emb, z_term, conf = score(heads, test)
        parts.append((test, z_emb, z_term, conf))
        log.info("tuning: group %d, %d papers scored", g, len(test))
    papers = [p for part in parts for p in part[0]]
    return OutOfFold(np.concatenate([part[1] for part in parts]), np.concatenate([part[2] for part in parts]),
                     np.concatenate([part[3] for part in parts]),
                     np.array([p.label != "irrelevant" for p in papers]),
                     np.array([p.weight for p in papers], dtype=float))


def head_scores(heads: model.Heads, X: np.ndarray, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(embedding log-odds, term log-odds, top category probability) of rows."""
    z_emb = X @ heads.rel_w + heads.rel_b
    z_term = model.term_log_odds(heads, T) if heads.uses_terms else np.zeros(len(X))
    conf = model.category_probs(heads, X, T if heads.uses_terms else None).max(axis=1)
    return z_emb, z_term, conf
