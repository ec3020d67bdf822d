"""The figures of `bench.bench_weeks`, from labels and outcomes alone (no model, no database).

A held-out week is a file of labelled papers (:func:`week_labels`). What the
pipeline did with it is an :class:`Outcome`: the papers the crawl fetched, what the
pull request does with each (added, "maybe", held back, not relevant, not
classified) and the classifier's relevance of each. From the two:

- :func:`count_problems`: the counts add up (fetched = relevant + not relevant
  + not classified; relevant = added + maybe + held back); empty when they do;
- :func:`pr_figures`: the pull request's precision (share of the added papers in
  scope) and the recall of the week's sure in-scope papers: added, shown (added +
  the folded "maybe" papers the body shows) and, uncapped, added + every "maybe";
  the denominator is every sure in-scope paper of the week, fetched or not;
- :func:`precision_at_recall` / :func:`ranking_figures`: precision of a score's
  ranking over the fetched papers at given recalls, with in-scope or sure
  in-scope papers as positives;
- :func:`pooled`: several weeks as one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

IRRELEVANT = "irrelevant"
RECALLS = (0.50, 0.75, 0.85)
ADDED, MAYBE, HELD, NOT_RELEVANT, NOT_CLASSIFIED = "added", "maybe", "held back", "not relevant", "not classified"
KINDS = (ADDED, MAYBE, HELD, NOT_RELEVANT, NOT_CLASSIFIED)


@dataclass(frozen=True)
class Label:
    label: str
    sure: bool

    @property
    def in_scope(self) -> bool:
        return self.label != IRRELEVANT

    @property
    def sure_in_scope(self) -> bool:
        return self.in_scope and self.sure


def week_labels(rows: Iterable[Mapping]) -> dict[str, Label]:
    """arxiv_id -> Label of a week file's rows (``label``, ``sure``)."""
    return {str(r["arxiv_id"]): Label(str(r["label"]), bool(r.get("sure"))) for r in rows}


@dataclass
class Outcome:
    """What the pipeline did with a week: ``kinds`` maps every fetched paper to its
    kind (one of :data:`KINDS`); ``maybe_order`` is the "maybe" list as the body
    orders it (likeliest first); ``maybe_shown`` how many of it the body shows;
    ``held_reasons`` counts the held-back papers by reason; ``relevance`` the
    classifier's relevance of each fetched paper (None: not classified)."""

    kinds: dict[str, str]
    maybe_order: list[str] = field(default_factory=list)
    maybe_shown: int = 0
    held_reasons: dict[str, int] = field(default_factory=dict)
    relevance: dict[str, float | None] = field(default_factory=dict)

    def of(self, kind: str) -> list[str]:
        return [a for a, k in self.kinds.items() if k == kind]

    def count(self, kind: str) -> int:
        return sum(1 for k in self.kinds.values() if k == kind)

    @property
    def fetched(self) -> int:
        return len(self.kinds)

    @property
    def relevant(self) -> int:
        return self.count(ADDED) + self.count(MAYBE) + self.count(HELD)

    @property
    def shown(self) -> set[str]:
        """Added papers and the "maybe" papers the body shows."""
        return set(self.of(ADDED)) | set(self.maybe_order[:self.maybe_shown])


def count_problems(out: Outcome) -> list[str]:
    """Why the counts do not add up; empty when they do."""
    problems = []
    unknown = sorted({k for k in out.kinds.values() if k not in KINDS})
    if unknown:
        problems.append(f"unknown kinds {unknown}")
    not_rel, unclassified = out.count(NOT_RELEVANT), out.count(NOT_CLASSIFIED)
    if out.fetched != out.relevant + not_rel + unclassified:
        problems.append(f"fetched {out.fetched} != relevant {out.relevant} + not relevant {not_rel}"
                        f" + not classified {unclassified}")
    if sorted(out.maybe_order) != sorted(out.of(MAYBE)):
        problems.append(f"the maybe list has {len(out.maybe_order)} papers, the kinds {out.count(MAYBE)}")
    if sum(out.held_reasons.values()) != out.count(HELD):
        problems.append(f"held back by reason {sum(out.held_reasons.values())} != held back {out.count(HELD)}")
    if out.maybe_shown > min(out.count(MAYBE), out.count(ADDED)):
        problems.append(f"{out.maybe_shown} maybe shown, more than min(maybe {out.count(MAYBE)}, "
                        f"added {out.count(ADDED)})")
    return problems


def counts_line(out: Outcome) -> str:
    """``fetched = relevant + not relevant; relevant = added + maybe + held back``, in numbers."""
    line = (f"{out.fetched:,} fetched = {out.relevant:,} relevant + {out.count(NOT_RELEVANT):,} not relevant"
            + (f" + {out.count(NOT_CLASSIFIED):,} not classified" if out.count(NOT_CLASSIFIED) else "")
            + f"; {out.relevant:,} relevant = {out.count(ADDED):,} added + {out.count(MAYBE):,} maybe"
            + f" ({out.maybe_shown:,} shown) + {out.count(HELD):,} held back")
    if out.held_reasons:
        line += " (" + ", ".join(f"{n} {why}" for why, n in sorted(out.held_reasons.items())) + ")"
    return line


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def pr_figures(labels: Mapping[str, Label], out: Outcome) -> dict[str, float | int | None]:
    """The pull request's figures against the week's labels (see the module docstring)."""
    added = out.of(ADDED)
    sure = {a for a, lab in labels.items() if lab.sure_in_scope}
    fetched = set(out.kinds)
    maybe_all = set(out.of(MAYBE))
    shown = out.shown
    in_scope_added = sum(1 for a in added if a in labels and labels[a].in_scope)
    unlabelled = sum(1 for a in fetched if a not in labels)
    return {
        "fetched": out.fetched, "unlabelled": unlabelled,
        "in_scope": sum(1 for lab in labels.values() if lab.in_scope),
        "in_scope_fetched": sum(1 for a in fetched if a in labels and labels[a].in_scope),
        "added": len(added), "added_in_scope": in_scope_added,
        "precision": _share(in_scope_added, len(added)),
        "maybe": len(maybe_all), "maybe_shown": out.maybe_shown,
        "held": out.count(HELD),
        "sure": len(sure), "sure_fetched": len(sure & fetched),
        "query_loss": _share(len(sure - fetched), len(sure)),
        "sure_added": len(sure & set(added)), "recall_added": _share(len(sure & set(added)), len(sure)),
        "sure_shown": len(sure & shown), "recall_shown": _share(len(sure & shown), len(sure)),
        "sure_uncapped": len(sure & (set(added) | maybe_all)),
        "recall_uncapped": _share(len(sure & (set(added) | maybe_all)), len(sure)),
    }


def where_lost(labels: Mapping[str, Label], out: Outcome) -> dict[str, list[str]]:
    """The week's sure in-scope papers the pull request does not show, by where they were lost."""
    lost: dict[str, list[str]] = {}
    shown = out.shown
    for a, lab in sorted(labels.items()):
        if not lab.sure_in_scope or a in shown:
            continue
        kind = out.kinds.get(a)
        why = ("not fetched (the crawl query)" if kind is None
               else "maybe, not shown (past the cap)" if kind == MAYBE else kind)
        lost.setdefault(why, []).append(a)
    return lost


def precision_at_recall(scores: Sequence[float | None], positive: Sequence[bool], recall: float) -> float | None:
    """Precision at the highest score threshold whose recall is at least ``recall``:
    the ``ceil(recall * P)``-th best positive's score is the threshold, and every
    paper scoring at least that counts (ties included). None scores rank last.
    None when there is no positive."""
    pairs = [(float("-inf") if s is None else float(s), bool(p)) for s, p in zip(scores, positive)]
    pos = sorted((s for s, p in pairs if p), reverse=True)
    if not pos:
        return None
    need = max(1, math.ceil(recall * len(pos) - 1e-9))
    threshold = pos[min(need, len(pos)) - 1]
    above = [p for s, p in pairs if s >= threshold]
    return sum(above) / len(above)


def ranking_figures(scores: Mapping[str, float | None], labels: Mapping[str, Label], fetched: Iterable[str],
                    recalls: Sequence[float] = RECALLS) -> dict[str, dict[float, float | None]]:
    """Precision at each recall of ``scores`` over the fetched labelled papers:
    ``in scope`` (positives: every in-scope paper) and ``sure`` (positives: the sure
    in-scope ones; the in-scope papers that are not sure are left out)."""
    ids = [a for a in fetched if a in labels]
    out: dict[str, dict[float, float | None]] = {}
    for name, keep, pos in (
            ("in scope", lambda lab: True, lambda lab: lab.in_scope),
            ("sure", lambda lab: lab.sure_in_scope or not lab.in_scope, lambda lab: lab.sure_in_scope)):
        chosen = [a for a in ids if keep(labels[a])]
        s = [scores.get(a) for a in chosen]
        p = [pos(labels[a]) for a in chosen]
        out[name] = {r: precision_at_recall(s, p, r) for r in recalls}
    return out


def pooled(weeks: Sequence[tuple[Mapping[str, Label], Outcome]]) -> tuple[dict[str, Label], Outcome]:
    """Several weeks as one labelled week and one outcome (ids are unique across weeks)."""
    labels: dict[str, Label] = {}
    out = Outcome({})
    for lab, o in weeks:
        labels.update(lab)
        out.kinds.update(o.kinds)
        out.relevance.update(o.relevance)
        out.maybe_order += o.maybe_order
        out.maybe_shown += o.maybe_shown
        for why, n in o.held_reasons.items():
            out.held_reasons[why] = out.held_reasons.get(why, 0) + n
    # each week shows the head of its own "maybe" list: put every shown one first,
    # so that the pooled head of length maybe_shown is their union
    shown = set().union(*(o.shown for _, o in weeks)) if weeks else set()
    out.maybe_order = [a for a in out.maybe_order if a in shown] + [a for a in out.maybe_order if a not in shown]
    return labels, out


# --- tables -------------------------------------------------------------------------------------

def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Iterable[int] | None = None) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    right = set(range(1, len(headers))) if right is None else set(right)
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]]).rstrip()
