"""Changes to the list's hand-made comparison matrices that the engines' docs call for,
proposed in the pull request's body - never written into the list.

:func:`proposals(db, list_text)` compares each cell of the list's hand-made
matrices (:mod:`reports.matrix_parse`) with the engine's mark in
``engine_features`` and returns the cells the evidence **fills** (the list has
"-" or nothing, the docs say yes or no) or **contradicts** (the list says ❌,
the docs say ✅; or the list says ✅ and a sentence of the docs says it is not
or not yet supported). A ✅ of the list is never contradicted by the absence of
a feature from the docs' enumeration nor by a vendor page summary: that
evidence is too weak to overrule the maintainers.

Decisions: each proposal is recorded with its pull request
(:func:`db.features.record_proposals`); once that pull request closes, a
proposal the list took is accepted and one it did not take is rejected
(:func:`db.features.settle_proposals`), and a rejected proposal is not made
again until its evidence (quote or page) changes.
"""
from __future__ import annotations

from dataclasses import dataclass

from catalogue import features as vocab
from db import features as store
from reports import escape
from reports.matrix_parse import engine_key, hand_matrices

SYMBOLS = {1: "✅", 0: "❌", None: "–"}
QUOTE_CHARS = 200
INTRO = ("The docs of these engines say something the list's hand-made matrices do not. This pull request does "
         "not change those matrices: edit a cell by hand if you agree. A proposal the list has not taken when "
         "this pull request closes counts as rejected and is not made again until its evidence changes.")


@dataclass
class Proposal:
    engine: str              # the engine's name in the database
    label: str               # the matrix row as the list writes it
    grp: str
    feature: str             # the matrix column
    listed: int | None       # the list's mark (None: "-" or empty)
    proposed: int            # what the docs say
    evidence: str
    url: str | None
    date: str | None
    basis: str | None
    weak: bool
    key: str                 # digest of the evidence (quote and page)

    @property
    def kind(self) -> str:
        return "fills" if self.listed is None else "contradicts"


def listed_marks(list_text: str, names: list[str]) -> dict[tuple[str, str, str], int | None]:
    """The list's hand-made marks keyed by (engine name in the database, group, column)."""
    by_key = {engine_key(n): n for n in names}
    out: dict[tuple[str, str, str], int | None] = {}
    for grp, matrix in hand_matrices(list_text).items():
        for label, cells in matrix.rows.items():
            engine = by_key.get(engine_key(label))
            if engine is not None:
                for column, mark in cells.items():
                    out[(engine, grp, column)] = mark
    return out


def proposals(db, list_text: str, today: str | None = None) -> list[Proposal]:
    """The cells to propose, in matrix and column order; settles the decisions on
    proposals of pull requests that have closed since the last run."""
    from db.runs import now_iso

    hand = hand_matrices(list_text)
    if not hand:
        return []
    names = [r["name"] for r in store.engines_to_read(db)]
    by_key = {engine_key(n): n for n in names}
    store.settle_proposals(db, listed_marks(list_text, names), today or now_iso()[:10])
    rejected = store.rejected_proposals(db)
    marks = {(r["engine"], r["grp"], r["feature"]): r for r in store.features_of(db)}
    out: list[Proposal] = []
    for grp in vocab.GROUPS:
        matrix = hand.get(grp)
        if matrix is None:
            continue
        order = {c: i for i, c in enumerate(vocab.COLUMNS[grp])}
        for label in sorted(matrix.rows, key=lambda x: (x.casefold(), x)):
            engine = by_key.get(engine_key(label))
            if engine is None:
                continue
            for column in sorted(matrix.rows[label], key=lambda c: order.get(c, len(order))):
                p = _proposal(engine, label, grp, column, matrix.rows[label][column], marks.get((engine, grp, column)))
                if p is not None and (p.engine, p.grp, p.feature, p.proposed, p.key) not in rejected:
                    out.append(p)
    return out


def _proposal(engine: str, label: str, grp: str, column: str, listed: int | None, mark: dict | None) -> Proposal | None:
    if mark is None or mark["supported"] is None or mark["supported"] == listed or not mark["evidence"]:
        return None
    if listed == 1 and (mark["basis"] == "excluded" or mark["weak"]):
        return None
    return Proposal(engine, label, grp, column, listed, mark["supported"], mark["evidence"], mark["url"],
                    mark["date"], mark["basis"], bool(mark["weak"]), store.evidence_key(mark["evidence"], mark["url"]))


def table_rows(found: list[Proposal]) -> list[list[str]]:
    """Rows of the pull request's table: engine, matrix, column, the list's mark, the docs', evidence."""
    rows = []
    for p in found:
        note = " (vendor page summary: weak evidence)" if p.weak else ""
        note += " (not in what the docs list)" if p.basis == "excluded" else ""
        evidence = f"“{escape.cell(p.evidence, QUOTE_CHARS)}”{note}"
        if p.url and escape.safe_url(p.url):
            evidence += " " + escape.link("page", p.url)
        rows.append([escape.cell(p.label, 60), escape.cell(vocab.GROUP_TITLES[p.grp].split()[0].lower()),
                     escape.cell(p.feature, 60), SYMBOLS[p.listed], SYMBOLS[p.proposed], evidence])
    return rows


COLUMNS = ("Engine", "Matrix", "Column", "List", "Docs", "Evidence")
