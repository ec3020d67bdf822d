"""What limits relevance precision: more hand labels, or other models on the same features?

    python -m bench.bench_relevance [--cache-db .eval-cache.db] [--folds 5] [--skip-curve]

Uses the folds of ``curator evaluate --input classifier/data/labelled.jsonl``
(the shipped labelled papers, the hand-labelled arXiv sample and the rest of
the sample as background) and reports, out of fold, at the highest threshold
keeping recall 0.85:

* a learning curve: the shipped classifier trained with a share of the
  sample's hand labels (the test folds are always scored against all labels);
  false positives, how many of them are hand-labelled hard cases, precision,
  and in-scope proposals out of 10 in a feed with 1 % in scope; then the false
  positives' change per doubling of the labels and, extrapolated from it, the
  number of hand-labelled sample papers the 8-of-10 target would need;
* other relevance models on the same embeddings and term rows, none of them
  shipped: the shipped pair of linear models (no pre-filter), hand-labelled
  negatives weighing 4, a second pair fitted on the hand-labelled papers alone
  and added, an RBF support-vector machine instead of the embedding model, one
  model on embeddings and terms together, arXiv categories as extra terms, and
  embeddings that also see the end of long abstracts (the model reads 256
  word pieces; about 7 in 10 titles-and-abstracts are longer): the mean of the
  whole text's vector and those of its two halves, each half with the title.

Embeddings come from the cache database (the one ``curator evaluate`` fills);
a cold cache embeds about 6,900 texts first (about 2.5 min on 2 cores), and
the halves of the texts once (about 4.5 min).
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

TARGET_SHARE_IN_SCOPE = 0.8  # 8 of 10 proposals


def needed_fpr(recall: float, prevalence: float, share: float = TARGET_SHARE_IN_SCOPE) -> float:
    """The false-positive rate at which ``share`` of the proposals are in scope."""
    return prevalence * recall * (1 - share) / (share * (1 - prevalence))


def load(cache_db: str, folds: int) -> Any:
    from classifier.embed import make_encoder
    from classifier.evaluate import Evaluation
    from classifier.training import background, builtin_techniques, labelled, sample_labelled
    from catalogue.settings import DEFAULTS
    from db import open_db
    from db.classify import EmbeddingCache

    cfg = DEFAULTS["classifier"]
    return Evaluation(labelled(), background(), builtin_techniques(),
                      make_encoder(cfg["model"], cfg["batch_size"]),
                      EmbeddingCache(open_db(cache_db)), k=folds, extra=sample_labelled())


def figures(ev: Any, method: Callable) -> dict[str, float]:
    from classifier.evaluate import FEED_PREVALENCE, TARGET_RECALL, at_recall, run_folds

    scores, _ = run_folds(ev.papers, ev.background, ev.folds, method, ev.n_input)
    pos, neg = np.array(scores.rel_pos), np.array(scores.rel_neg)
    a = at_recall(pos, neg, TARGET_RECALL)
    hard = np.array(scores.rel_neg[:len(scores.neg_fold)])
    a["hard"] = int((hard >= a["threshold"]).sum())
    a["n_neg"] = len(neg)
    a["in_10"] = 10 * a["feed_precision"]
    a["prevalence"] = FEED_PREVALENCE
    return a


def line(name: str, a: dict[str, float]) -> str:
    return (f"  {name:<44} fp {a['false_positives']:>3} (hard {a['hard']:>2})  "
            f"precision {a['precision']:.3f}  in scope of 10 at 1 %: {a['in_10']:.1f}")


def learning_curve(ev: Any, shares: list[float], seeds: list[int]) -> tuple[list[tuple[int, float]], dict]:
    """(sample labels in each training fold, mean false positives) per share,
    and the figures of the last share."""
    base = ev.embedding_method()
    n_sample = len(ev.papers) - ev.n_input
    points = []
    for share in shares:
        runs = []
        for seed in (seeds if 0 < share < 1 else seeds[:1]):
            keep = np.random.default_rng(seed).random(len(ev.papers)) < share

            def thinned(train_lab, train_bg, test_lab, test_bg, keep=keep):
                train = [i for i in train_lab if i < ev.n_input or keep[i]]
                return base(train, train_bg, test_lab, test_bg)

            a = figures(ev, thinned)
            runs.append(a["false_positives"])
            print(line(f"{share:.0%} of the sample's labels, seed {seed}", a), flush=True)
        points.append((round(share * n_sample * (len(ev.folds.labelled) - 1) / len(ev.folds.labelled)),
                       float(np.mean(runs))))
    return points, a


def report_curve(points: list[tuple[int, float]], last: dict[str, float]) -> None:
    usable = [(n, fp) for n, fp in points if n > 0 and fp > 0]
    if len(usable) < 2:
        return
    slope, icept = np.polyfit(np.log2([n for n, _ in usable]), np.log2([fp for _, fp in usable]), 1)
    per_doubling = 2 ** slope
    target_fp = needed_fpr(last["recall"], last["prevalence"]) * last["n_neg"]
    print(f"  false positives per doubling of the sample's labels: x{per_doubling:.2f}"
          f" (log-log fit over {len(usable)} points)")
    print(f"  8 of 10 at 1 % needs at most {target_fp:.1f} false positives of {last['n_neg']:,}"
          f" (false-positive rate {needed_fpr(last['recall'], last['prevalence']):.4f})")
    if slope < 0:
        need = 2 ** ((math.log2(target_fp) - icept) / slope)
        print(f"  extrapolated: about {need:,.0f} hand-labelled sample papers in each training fold"
              f" (now {usable[-1][0]:,}), if the curve went on as it does")


def arxiv_categories(ids: list[str]) -> Any:
    """Sparse rows of each paper's arXiv categories (any, and primary), from the shipped sample."""
    import scipy.sparse as sp

    from classifier.training import BACKGROUND

    cats = {}
    with gzip.open(BACKGROUND, "rt", encoding="utf-8") as fh:
        for raw in fh:
            row = json.loads(raw)
            cats[row["arxiv_id"]] = row.get("categories") or []
    names = sorted({c for v in cats.values() for c in v})
    col = {c: i for i, c in enumerate(names)}
    rows, cols = [], []
    for r, a in enumerate(ids):
        for k, c in enumerate(cats.get(a, [])):
            rows.append(r)
            cols.append(col[c])
            if k == 0:
                rows.append(r)
                cols.append(len(names) + col[c])
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ids), 2 * len(names)))


def halves(title: str, abstract: str) -> list[str]:
    """Title plus the first half of the abstract's sentences, title plus the rest."""
    import re

    from classifier.embed import paper_text

    sentences = re.split(r"(?<=[.!?])\s+", " ".join((abstract or "").split()))
    cut = max(1, len(sentences) // 2)
    rest = sentences[cut:] or sentences
    return [paper_text(title, " ".join(sentences[:cut])), paper_text(title, " ".join(rest))]


def with_halves(ev: Any, papers: list, X: np.ndarray) -> np.ndarray:
    from classifier.embed import embed

    H = embed([h for p in papers for h in halves(p.title, p.abstract)], ev.encoder, ev.cache)
    Z = X + H.reshape(len(papers), 2, -1).mean(axis=1)
    return Z / np.linalg.norm(Z, axis=1, keepdims=True)


def variants(ev: Any) -> None:
    import scipy.sparse as sp
    from sklearn.svm import SVC

    from classifier import model
    from classifier.embed import embed
    from classifier.terms import fit_vocabulary
    from classifier.training import IRRELEVANT

    lab_texts, bg_texts = ev.texts(ev.papers), ev.texts(ev.background)
    X_lab0, X_bg0 = embed(lab_texts, ev.encoder, ev.cache), embed(bg_texts, ev.encoder, ev.cache)
    H_lab, H_bg = with_halves(ev, ev.papers, X_lab0), with_halves(ev, ev.background, X_bg0)
    cat_lab = arxiv_categories([p.arxiv_id for p in ev.papers])
    cat_bg = arxiv_categories([p.arxiv_id for p in ev.background])
    out_of_scope = np.array([p.label == IRRELEVANT for p in ev.papers])

    def log_odds(w_b: tuple[np.ndarray, float], X: Any) -> np.ndarray:
        return np.asarray(X @ w_b[0]).ravel() + w_b[1]

    def make(kind: str) -> Callable:
        def method(train_lab, train_bg, test_lab, test_bg):
            X_lab, X_bg = (H_lab, H_bg) if kind == "halves" else (X_lab0, X_bg0)
            train_lab = np.array(train_lab, dtype=int)
            train_bg = np.array([i for i in train_bg if not ev.doubtful[i]], dtype=int)
            pos, hard = train_lab[~out_of_scope[train_lab]], train_lab[out_of_scope[train_lab]]
            vocab = fit_vocabulary([lab_texts[i] for i in train_lab] + [bg_texts[i] for i in train_bg])
            T_lab, T_bg = vocab.transform(lab_texts), vocab.transform(bg_texts)
            if kind == "categories":
                T_lab, T_bg = sp.hstack([T_lab, 0.3 * cat_lab]).tocsr(), sp.hstack([T_bg, 0.3 * cat_bg]).tocsr()
            X_neg = np.vstack([X_lab[hard], X_bg[train_bg]])
            T_neg = sp.vstack([T_lab[hard], T_bg[train_bg]]).tocsr()
            w_neg = np.r_[np.full(len(hard), 4.0 if kind == "weight" else 1.0), np.ones(len(train_bg))]
            tests = ((X_lab[test_lab], T_lab[test_lab]), (X_bg[test_bg], T_bg[test_bg]))
            if kind == "joint":
                def both(X, T):
                    return sp.hstack([sp.csr_matrix(X), T]).tocsr()
                m = model.fit_relevance(both(X_lab[pos], T_lab[pos]), both(X_neg, T_neg), model.TERM_C)
                s = [log_odds(m, both(X, T)) for X, T in tests]
                return s[0], s[1], [""] * len(test_lab)
            t = model.fit_relevance(T_lab[pos], T_neg, model.TERM_C, w_neg)
            if kind == "svm":
                svm = SVC(C=3.0, class_weight="balanced").fit(
                    np.vstack([X_lab[pos], X_neg]), np.r_[np.ones(len(pos)), np.zeros(len(X_neg))])
                s = [3 * svm.decision_function(X) + 0.5 * log_odds(t, T) for X, T in tests]
                return s[0], s[1], [""] * len(test_lab)
            e = model.fit_relevance(X_lab[pos], X_neg, model.REL_C, w_neg)
            s = [0.5 * (log_odds(e, X) + log_odds(t, T)) for X, T in tests]
            if kind == "hard_head":
                e2 = model.fit_relevance(X_lab[pos], X_lab[hard], model.REL_C)
                t2 = model.fit_relevance(T_lab[pos], T_lab[hard], model.TERM_C)
                s = [z + 0.5 * (log_odds(e2, X) + log_odds(t2, T)) for z, (X, T) in zip(s, tests)]
            return s[0], s[1], [""] * len(test_lab)
        return method

    names = {"shipped": "shipped pair, no pre-filter",
             "weight": "hand-labelled negatives weigh 4",
             "hard_head": "plus a pair fitted on hand labels alone",
             "svm": "RBF SVM instead of the embedding model",
             "joint": "one model on embeddings and terms",
             "categories": "arXiv categories as extra terms",
             "halves": "embeddings that also see the abstract's end"}
    for kind, name in names.items():
        print(line(name, figures(ev, make(kind))), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-db", default=".eval-cache.db", help="embedding cache (SQLite)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-curve", action="store_true", help="only the other models")
    args = parser.parse_args()
    started = time.perf_counter()
    ev = load(args.cache_db, args.folds)
    print(f"{len(ev.papers)} labelled papers ({len(ev.papers) - ev.n_input} of them hand-labelled in the "
          f"sample), {len(ev.background):,} background papers, {len(ev.folds.labelled)} folds; "
          f"figures at recall 0.85")
    if not args.skip_curve:
        print("learning curve (the shipped classifier, pre-filter included):")
        report_curve(*learning_curve(ev, [0.0, 0.25, 0.5, 0.75, 1.0], [1, 2]))
    print("other models on the same folds:")
    variants(ev)
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
