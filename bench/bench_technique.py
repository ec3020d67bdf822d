"""How often the classifier picks the labelled technique row, cross-validated.

    python -m bench.bench_technique [--cache-db .eval-cache.db] [--folds 5]

The 376 shipped papers labelled with a row of the built-in technique table
(``classifier/data/technique-labels.jsonl``, rules in ``LABELLING.md``) are
split into folds; each fold's papers are given a technique by
:func:`classifier.model.nearest_technique` among the rows of their labelled
category, with reference vectors summed from the other folds' papers only.
Compared: the shipped rule (own text and references, name bonus), the same
without the name bonus, the row texts alone with and without the bonus, and
the most frequent row of the category in the other folds.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-db", default=".eval-cache.db", help="embedding cache (SQLite)")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    from sklearn.model_selection import KFold

    from classifier import model
    from classifier.embed import embed, make_encoder, paper_text
    from classifier.training import builtin_techniques, technique_labelled, technique_text
    from catalogue.settings import DEFAULTS
    from db import open_db
    from db.classify import EmbeddingCache

    started = time.perf_counter()
    cfg = DEFAULTS["classifier"]
    encoder, cache = make_encoder(cfg["model"], cfg["batch_size"]), EmbeddingCache(open_db(args.cache_db))
    labelled = technique_labelled()
    truth = [name for name, _ in labelled]
    cats = [p.label for _, p in labelled]
    texts = [paper_text(p.title, p.abstract) for _, p in labelled]
    X = embed(texts, encoder, cache)
    rows = builtin_techniques()
    own = embed([technique_text(*r) for r in rows], encoder, cache)
    pairs = [(c, n) for c, n, _ in rows]
    folds = list(KFold(args.folds, shuffle=True, random_state=0).split(np.zeros(len(truth))))

    def predict(train: np.ndarray, test: np.ndarray, refs: bool, bonus: bool) -> list[str | None]:
        shipped = model.reference_sums([(cats[i], truth[i]) for i in train], X[train]) if refs else {}
        techniques = model.technique_vectors(own, pairs, [None] * len(pairs), shipped)
        return [model.nearest_technique(X[i], cats[i], techniques, texts[i] if bonus else None) for i in test]

    def majority(train: np.ndarray, test: np.ndarray) -> list[str | None]:
        by_cat: dict[str, Counter] = defaultdict(Counter)
        for i in train:
            by_cat[cats[i]][truth[i]] += 1
        return [by_cat[cats[i]].most_common(1)[0][0] if by_cat[cats[i]] else None for i in test]

    methods = {
        "shipped: row text + references, name bonus": lambda tr, te: predict(tr, te, True, True),
        "row text + references, no name bonus": lambda tr, te: predict(tr, te, True, False),
        "row text alone, name bonus": lambda tr, te: predict(tr, te, False, True),
        "row text alone (no labelled references)": lambda tr, te: predict(tr, te, False, False),
        "most frequent row of the category": majority,
    }
    print(f"{len(truth)} papers labelled with one of {len(rows)} technique rows, {args.folds} folds, "
          f"the labelled category given")
    shipped_pred: list[str | None] = []
    for name, method in methods.items():
        pred: list[str | None] = [None] * len(truth)
        for train, test in folds:
            for i, p in zip(test, method(train, test)):
                pred[i] = p
        right = sum(p == t for p, t in zip(pred, truth))
        print(f"  {name:<45} {right:>3} of {len(truth)}  accuracy {right / len(truth):.3f}")
        if not shipped_pred:
            shipped_pred = pred
    print("shipped rule per category (right / papers):")
    for c in sorted(set(cats)):
        idx = [i for i, cc in enumerate(cats) if cc == c]
        right = sum(shipped_pred[i] == truth[i] for i in idx)
        print(f"  {c:<24} {right:>3} / {len(idx):<3} {right / len(idx):.2f}")
    errors = Counter((truth[i], shipped_pred[i]) for i in range(len(truth)) if shipped_pred[i] != truth[i])
    print("most frequent mistakes (labelled -> picked): "
          + "; ".join(f"{t} -> {p} ({n})" for (t, p), n in errors.most_common(6)))
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
