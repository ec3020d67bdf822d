"""What the pull request does with one paper: add it, fold it under "maybe", hold it back, or leave it out.

One function, :func:`triage`, decides from numbers and two facts about the
list, so a calibrated model can replace the numbers without touching the
reports:

- inputs: the classifier's relevance (the calibrated probability that the
  paper is in scope), its likeliest category and that category's probability,
  the second likeliest category and its probability, the settings' bars
  (:class:`Bars`), whether the list already cites the paper and whether a
  maintainer rejected it;
- output: a :class:`Verdict` of one of four kinds.

The rules, in order: a paper the list cites or a maintainer rejected is held
back (relevant, with that reason); a paper below the relevance bar, or with no
category, is not relevant; a relevant paper whose probability of belonging in
its likeliest category (relevance × category probability) reaches the add bar
is added; any other relevant paper is a "maybe", shown folded with its two
likeliest categories. Both bars are chosen by cross-validation on a real feed
(:mod:`classifier.tuning`). No relevant paper is dropped without a
kind and a reason, so the pull request's counts add up:
``fetched = relevant + not relevant`` and
``relevant = added + maybe + held back``.

The folded list is never longer than the added one (:func:`maybe_shown`);
the rest are counted, not dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

ADDED = "added"
MAYBE = "maybe"
HELD = "held back"
NOT_RELEVANT = "not relevant"
NOT_CLASSIFIED = "not classified"

IN_LIST = "already in the list"
REJECTED = "rejected earlier by a maintainer"


@dataclass(frozen=True)
class Bars:
    """The thresholds of the settings' ``[classifier]`` table."""

    relevance: float   # classifier.relevance_threshold: P(in scope) to be shown
    add: float         # classifier.add_threshold: P(in scope) x P(category) to be added

    @classmethod
    def from_settings(cls, classifier: Mapping[str, Any]) -> "Bars":
        return cls(float(classifier["relevance_threshold"]), float(classifier["add_threshold"]))


@dataclass(frozen=True)
class Scores:
    """The classifier's numbers for one paper (``None``: it was not classified)."""

    relevance: float | None
    category: str | None = None
    confidence: float | None = None
    second: str | None = None
    second_confidence: float | None = None


@dataclass(frozen=True)
class Verdict:
    kind: str        # ADDED, MAYBE, HELD, NOT_RELEVANT or NOT_CLASSIFIED
    reason: str = ""  # why a paper is held back (IN_LIST, REJECTED); empty otherwise

    @property
    def relevant(self) -> bool:
        return self.kind in (ADDED, MAYBE, HELD)


def triage(scores: Scores, bars: Bars, *, in_list: bool = False, rejected: bool = False) -> Verdict:
    """The one decision; see the module docstring for the rules."""
    if in_list:
        return Verdict(HELD, IN_LIST)
    if rejected:
        return Verdict(HELD, REJECTED)
    if scores.relevance is None:
        return Verdict(NOT_CLASSIFIED)
    if scores.category is None or scores.relevance < bars.relevance:
        return Verdict(NOT_RELEVANT)
    if scores.relevance * (scores.confidence or 0.0) >= bars.add:
        return Verdict(ADDED)
    return Verdict(MAYBE)


def maybe_shown(n_maybe: int, n_added: int) -> int:
    """How many "maybe" papers the pull request shows: never more than it adds."""
    return max(0, min(n_maybe, n_added))
