"""The papers of one update: each one accounted for, with what the pull request does with it.

:func:`build` reads the papers the update covers (``db.prs.update_papers``:
those crawled since curator's last pull request was closed, and earlier ones
still waiting), asks :func:`classifier.triage.triage` what to do with each,
and returns a :class:`Plan` whose counts add up:
``fetched = relevant + not relevant (+ not classified)`` and
``relevant = added + maybe + held back``.

"In the list" is judged on the list being rendered: a paper it links anywhere
outside curator's regions, one it cites in a table (a ``list`` label), or one
a maintainer accepted. :func:`why` gives the one-line reason a paper is added.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from catalogue import vocabulary
from classifier import triage
from db import prs


@dataclass
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    published: str
    first_author: str | None
    authors: int
    category: str | None
    technique: str | None
    confidence: float | None
    second: str | None
    second_confidence: float | None
    relevance: float | None
    verdict: triage.Verdict
    earlier: bool = False  # crawled before the update's window, still waiting

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def year(self) -> str:
        return self.published[:4] if self.published[:4].isdigit() else "n.d."


@dataclass
class Plan:
    since: str | None                          # start of the window (None: everything)
    papers: list[Paper] = field(default_factory=list)
    bars: triage.Bars | None = None

    def of(self, kind: str) -> list[Paper]:
        return [p for p in self.papers if p.verdict.kind == kind]

    @property
    def added(self) -> list[Paper]:
        return sorted(self.of(triage.ADDED), key=_list_order)

    @property
    def maybe(self) -> list[Paper]:
        """Relevant papers not added (in scope or category uncertain), likeliest in scope first."""
        return sorted(self.of(triage.MAYBE), key=lambda p: (-(p.relevance or 0.0), p.arxiv_id))

    @property
    def maybe_shown(self) -> list[Paper]:
        return self.maybe[:triage.maybe_shown(len(self.of(triage.MAYBE)), len(self.of(triage.ADDED)))]

    def held(self) -> dict[str, list[Paper]]:
        """Held-back papers by reason, in a fixed order of reasons."""
        out: dict[str, list[Paper]] = {}
        held = self.of(triage.HELD)
        first = [triage.IN_LIST, triage.REJECTED]
        for reason in first + sorted({p.verdict.reason for p in held} - set(first)):
            rows = [p for p in held if p.verdict.reason == reason]
            if rows:
                out[reason] = sorted(rows, key=lambda p: p.arxiv_id)
        return out

    @property
    def fetched(self) -> int:
        return len(self.papers)

    @property
    def relevant(self) -> int:
        return sum(p.verdict.relevant for p in self.papers)


def _list_order(p: Paper) -> tuple:
    cat = vocabulary.CATEGORIES.index(p.category) if p.category in vocabulary.CATEGORIES else len(vocabulary.CATEGORIES)
    return (cat, (p.technique or "").casefold(), p.arxiv_id)


def build(db, config, doc) -> Plan:
    """Every paper of the update with its verdict, judged against the list ``doc``
    (a ``reports.listparse.ListDoc``)."""
    bars = triage.Bars.from_settings(config["classifier"])
    since = prs.window_start(db)
    plan = Plan(since, bars=bars)
    for r in prs.update_papers(db, since):
        scores = triage.Scores(r["relevance"], r["category"], r["confidence"], r["second"], r["second_confidence"])
        in_list = r["arxiv_id"] in doc.linked or bool(r["listed"]) or r["maintainer"] == "accepted"
        verdict = triage.triage(scores, bars, in_list=in_list, rejected=r["maintainer"] == "rejected")
        if r["earlier"] and verdict.kind != triage.ADDED:
            continue  # an earlier update accounted for it
        plan.papers.append(Paper(
            r["arxiv_id"], " ".join(str(r["title"] or r["arxiv_id"]).split()), r["abstract"] or "",
            str(r["published"] or ""), r["first_author"], int(r["authors"] or 0), r["category"], r["technique"],
            r["confidence"], r["second"], r["second_confidence"], r["relevance"], verdict, bool(r["earlier"])))
    return plan


# --- why a paper is added ------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def phrases(paper: Paper, limit: int = 3) -> list[str]:
    """Phrases of the paper's title and abstract that point to its technique and category:
    the technique's name or its parts first, then the category's keywords as written."""
    from classifier.model import name_aliases, names_it

    text = f"{paper.title} {paper.abstract}"
    found: list[str] = []
    for alias in name_aliases(paper.technique or ""):
        if names_it(text, [alias]) and alias.casefold() not in {f.casefold() for f in found}:
            found.append(alias)
    for stem in vocabulary.KEYWORDS.get(paper.category or "", ()):
        m = re.search(rf"(?<![A-Za-z0-9]){re.escape(stem)}[\w-]*", text, re.IGNORECASE)
        if m and not any(m.group(0).casefold() in f.casefold() or f.casefold() in m.group(0).casefold()
                         for f in found):
            found.append(m.group(0).lower())
    return found[:limit]


def closest_listed(paper: Paper, listed: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The paper the list already cites whose title shares most words with this one's
    (same category first); None when none shares two words."""
    words = {w for w in _WORD.findall(paper.title.lower()) if len(w) > 2}
    best, best_key = None, (1, 1)
    for row in listed:
        shared = len(words & {w for w in _WORD.findall(str(row["title"]).lower()) if len(w) > 2})
        key = (shared, int(row["category"] == paper.category))
        if key > best_key:
            best, best_key = row, key
    return best
