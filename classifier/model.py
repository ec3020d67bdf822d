"""The classifier's maths on embedding vectors; no model or database here.

Two linear heads trained on unit-length embeddings:

* relevance: logistic regression, in-scope papers against out-of-scope
  background, balanced class weights; ``relevance`` is its probability;
* category: multinomial logistic regression over the ten categories, trained on
  labelled papers plus the technique rows of the list (name and description);
  ``confidence`` is the top probability, a second category is kept when its
  probability is at least ``second_ratio`` times the first.

The technique is the technique row of the predicted category whose vector
(its own text and the papers it references, averaged) is nearest by cosine.
Fitted heads are plain arrays, saved to and loaded from ``.npz``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from curator.config import CATEGORIES


@dataclass
class Heads:
    """Fitted weights of both heads."""

    rel_w: np.ndarray          # (dim,)
    rel_b: float
    cat_w: np.ndarray          # (n_categories, dim)
    cat_b: np.ndarray          # (n_categories,)
    categories: tuple[str, ...] = CATEGORIES
    meta: dict[str, str] = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, rel_w=self.rel_w.astype(np.float32), rel_b=np.float32(self.rel_b),
                            cat_w=self.cat_w.astype(np.float32), cat_b=self.cat_b.astype(np.float32),
                            categories=np.array(self.categories),
                            meta_keys=np.array(list(self.meta)), meta_values=np.array(list(self.meta.values())))

    @classmethod
    def load(cls, path: str | Path) -> "Heads":
        with np.load(path, allow_pickle=False) as data:
            meta = dict(zip(data["meta_keys"].tolist(), data["meta_values"].tolist()))
            return cls(rel_w=data["rel_w"], rel_b=float(data["rel_b"]), cat_w=data["cat_w"],
                       cat_b=data["cat_b"], categories=tuple(data["categories"].tolist()), meta=meta)


@dataclass
class Technique:
    category: str
    name: str
    vector: np.ndarray  # unit length


@dataclass
class Decision:
    relevant: bool
    relevance: float
    category: str | None
    confidence: float
    technique: str | None
    second: str | None = None
    second_confidence: float = 0.0


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def relevance_scores(heads: Heads, X: np.ndarray) -> np.ndarray:
    return _sigmoid(X @ heads.rel_w + heads.rel_b)


def category_probs(heads: Heads, X: np.ndarray) -> np.ndarray:
    return _softmax(X @ heads.cat_w.T + heads.cat_b)


def fit_relevance(X_pos: np.ndarray, X_neg: np.ndarray, C: float = 4.0,
                  neg_weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Logistic regression with both classes weighing the same in total;
    ``neg_weights`` lets doubtful negatives count less."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([X_pos, X_neg])
    y = np.r_[np.ones(len(X_pos)), np.zeros(len(X_neg))]
    w_neg = np.ones(len(X_neg)) if neg_weights is None else np.asarray(neg_weights, dtype=float)
    w = np.r_[np.full(len(X_pos), w_neg.sum() / max(len(X_pos), 1)), w_neg]
    w *= len(w) / w.sum()
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit(X, y, sample_weight=w)
    return lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def fit_category(X: np.ndarray, labels: Sequence[str], C: float = 8.0,
                 categories: tuple[str, ...] = CATEGORIES) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial head; a category with no example gets weights that never win."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    lr.fit(X, np.asarray(labels))
    dim = X.shape[1]
    W = np.zeros((len(categories), dim), dtype=np.float32)
    b = np.full(len(categories), -1e3, dtype=np.float32)
    known = list(lr.classes_)
    if len(known) == 2:  # sklearn stores one row for two classes
        coef = np.vstack([-lr.coef_[0], lr.coef_[0]]) / 2
        inter = np.r_[-lr.intercept_[0], lr.intercept_[0]] / 2
    else:
        coef, inter = lr.coef_, lr.intercept_
    for i, cat in enumerate(categories):
        if cat in known:
            j = known.index(cat)
            W[i], b[i] = coef[j], inter[j]
    return W, b


def fit(X_pos: np.ndarray, pos_categories: Sequence[str | None], X_neg: np.ndarray,
        X_extra: np.ndarray | None = None, extra_categories: Sequence[str] = (),
        rel_C: float = 4.0, cat_C: float = 8.0, neg_weights: np.ndarray | None = None) -> Heads:
    """Fit both heads. ``pos_categories`` may hold None (relevant, no category);
    ``X_extra`` are category-only examples such as technique descriptions."""
    rel_w, rel_b = fit_relevance(X_pos, X_neg, rel_C, neg_weights)
    keep = [i for i, c in enumerate(pos_categories) if c in CATEGORIES]
    Xc = X_pos[keep]
    yc = [pos_categories[i] for i in keep]
    if X_extra is not None and len(X_extra):
        Xc = np.vstack([Xc, X_extra])
        yc = yc + list(extra_categories)
    cat_w, cat_b = fit_category(Xc, yc, cat_C)
    return Heads(rel_w=rel_w, rel_b=rel_b, cat_w=cat_w, cat_b=cat_b)


def nearest_technique(vector: np.ndarray, category: str, techniques: Sequence[Technique]) -> str | None:
    best, best_sim = None, -2.0
    for t in techniques:
        if t.category != category:
            continue
        sim = float(t.vector @ vector)
        if sim > best_sim:
            best, best_sim = t.name, sim
    return best


def decide(heads: Heads, X: np.ndarray, techniques: Sequence[Technique] = (),
           threshold: float = 0.5, second_ratio: float = 0.6) -> list[Decision]:
    """One decision per row of ``X``."""
    if len(X) == 0:
        return []
    rel = relevance_scores(heads, X)
    probs = category_probs(heads, X)
    out = []
    for i in range(len(X)):
        order = np.argsort(-probs[i])
        top, nxt = order[0], order[1]
        conf = float(probs[i, top])
        if rel[i] < threshold:
            out.append(Decision(False, float(rel[i]), None, conf, None))
            continue
        cat = heads.categories[top]
        second = heads.categories[nxt] if probs[i, nxt] >= second_ratio * conf else None
        out.append(Decision(True, float(rel[i]), cat, conf, nearest_technique(X[i], cat, techniques),
                            second, float(probs[i, nxt]) if second else 0.0))
    return out


def technique_vectors(name_vectors: np.ndarray, rows: Sequence[tuple[str, str]],
                      ref_vectors: Sequence[np.ndarray | None]) -> list[Technique]:
    """Technique vectors: the technique's own text vector averaged with the
    mean of its referenced papers' vectors (when it has any)."""
    out = []
    for (category, name), own, refs in zip(rows, name_vectors, ref_vectors):
        v = own.astype(np.float32)
        if refs is not None and len(refs):
            v = 0.5 * v + 0.5 * np.asarray(refs, dtype=np.float32).mean(axis=0)
        n = np.linalg.norm(v)
        out.append(Technique(category, name, v / n if n else v))
    return out
