"""The classifier's maths on embedding vectors and term rows; no model or database here.

Two heads, each a pair of linear models over the same training papers: one on
unit-length embeddings, one on TF-IDF term rows (:mod:`classifier.terms`). The
embedding carries the meaning, the terms carry the exact words (method names,
"KV cache", "speculative"); the pair beats either alone on both heads.

* relevance: logistic regression, in-scope papers against out-of-scope
  background, both classes weighing the same in total; the two models'
  log-odds are mixed (``emb_weight`` of the embedding model's) and calibrated
  (``cal_a``, ``cal_b``, fitted on held-out folds of a real feed by
  :mod:`classifier.refit`), so ``relevance`` is the probability that the paper
  is in scope;
* category: multinomial logistic regression over the ten categories, trained on
  labelled papers plus the technique rows of the list (name and description);
  the two models' probabilities are averaged; ``confidence`` is the top
  probability, and the second likeliest category is kept with its probability.

Heads without a vocabulary (fitted with no term rows) use the embedding models alone.

Pre-filter: a paper whose term model gives log-odds below ``PREFILTER_LOG_ODDS``
is not relevant and is never embedded; its ``relevance`` is the calibration applied
to the term model's log-odds alone, far below any threshold in use (how many papers
the pre-filter stops, and whether any in scope, ``python -m classifier.refit`` and
``curator evaluate`` report).

The technique is the technique row of the predicted category whose vector is
nearest by cosine, plus ``NAME_BONUS`` when the paper's text names the row (its
name or one of the name's parts: "EAGLE", "PTQ", "Speculative Decoding"). A
row's vector is the mean of its own text's vector and those of its reference
papers: the papers the list cites in the row, and the shipped papers labelled
with the row (their sums travel with the heads, ``ref_keys``/``ref_sums``).
Fitted heads are plain arrays, saved to and loaded from ``.npz``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from classifier.terms import Vocabulary, empty_vocabulary
from catalogue.vocabulary import CATEGORIES


# regularisation (inverse strength) of the embedding models and of the term models
REL_C, CAT_C, TERM_C = 4.0, 8.0, 10.0
PREFILTER_LOG_ODDS = -4.0
# added to a technique's cosine when the paper names it
NAME_BONUS = 0.2


@dataclass
class Heads:
    """Fitted weights of both heads: embedding part, then term part."""

    rel_w: np.ndarray          # (dim,)
    rel_b: float
    cat_w: np.ndarray          # (n_categories, dim)
    cat_b: np.ndarray          # (n_categories,)
    categories: tuple[str, ...] = CATEGORIES
    meta: dict[str, str] = field(default_factory=dict)
    vocab: Vocabulary = field(default_factory=empty_vocabulary)
    rel_v: np.ndarray | None = None   # (n_terms,)
    rel_vb: float = 0.0
    cat_v: np.ndarray | None = None   # (n_categories, n_terms)
    cat_vb: np.ndarray | None = None  # (n_categories,)
    ref_keys: tuple[str, ...] = ()    # "category:technique" of rows with shipped reference papers
    ref_sums: np.ndarray | None = None  # (n_ref_keys, dim): sum of their papers' vectors
    ref_counts: np.ndarray | None = None  # (n_ref_keys,)
    emb_weight: float = 0.5     # the embedding model's share of the relevance log-odds (the term model's: the rest)
    cal_a: float = 1.0          # Platt calibration of the mixed log-odds: P(in scope) = sigmoid(cal_a * z + cal_b)
    cal_b: float = 0.0

    @property
    def uses_terms(self) -> bool:
        return len(self.vocab) > 0 and self.rel_v is not None and self.cat_v is not None

    def save(self, path: str | Path) -> None:
        arrays = dict(rel_w=self.rel_w.astype(np.float32), rel_b=np.float32(self.rel_b),
                      cat_w=self.cat_w.astype(np.float32), cat_b=self.cat_b.astype(np.float32),
                      categories=np.array(self.categories),
                      meta_keys=np.array(list(self.meta)), meta_values=np.array(list(self.meta.values())))
        if self.uses_terms:
            arrays.update(terms=self.vocab.terms, idf=self.vocab.idf.astype(np.float32),
                          rel_v=self.rel_v.astype(np.float32), rel_vb=np.float32(self.rel_vb),
                          cat_v=self.cat_v.astype(np.float32), cat_vb=self.cat_vb.astype(np.float32))
        if self.ref_keys:
            arrays.update(ref_keys=np.array(self.ref_keys), ref_sums=self.ref_sums.astype(np.float32),
                          ref_counts=self.ref_counts.astype(np.int32))
        arrays.update(relevance_mix=np.array([self.emb_weight, self.cal_a, self.cal_b], dtype=np.float64))
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "Heads":
        with np.load(path, allow_pickle=False) as data:
            meta = dict(zip(data["meta_keys"].tolist(), data["meta_values"].tolist()))
            heads = cls(rel_w=data["rel_w"], rel_b=float(data["rel_b"]), cat_w=data["cat_w"],
                        cat_b=data["cat_b"], categories=tuple(data["categories"].tolist()), meta=meta)
            if "terms" in data.files:
                heads.vocab = Vocabulary(data["terms"], data["idf"])
                heads.rel_v, heads.rel_vb = data["rel_v"], float(data["rel_vb"])
                heads.cat_v, heads.cat_vb = data["cat_v"], data["cat_vb"]
            if "ref_keys" in data.files:
                heads.ref_keys = tuple(data["ref_keys"].tolist())
                heads.ref_sums, heads.ref_counts = data["ref_sums"], data["ref_counts"]
            if "relevance_mix" in data.files:
                heads.emb_weight, heads.cal_a, heads.cal_b = (float(v) for v in data["relevance_mix"])
            return heads

    def shipped_refs(self) -> dict[tuple[str, str], tuple[np.ndarray, int]]:
        """(category, technique) -> (sum of its shipped reference vectors, how many)."""
        out = {}
        for i, key in enumerate(self.ref_keys):
            category, name = key.split(":", 1)
            out[(category, name)] = (self.ref_sums[i], int(self.ref_counts[i]))
        return out


@dataclass
class Technique:
    category: str
    name: str
    vector: np.ndarray  # unit length
    aliases: tuple[str, ...] = ()  # the name and its parts, as a paper would write them


_NAME_PARTS = re.compile(r"\s*/\s*|\s*\(\s*|\s*\)\s*")


def name_aliases(name: str) -> tuple[str, ...]:
    """The ways a paper names a technique row: "Data Parallelism (DP)" gives
    "Data Parallelism" and "DP"; "MoE / Sparse MoE" gives "MoE" and "Sparse MoE"."""
    parts = [p.strip() for p in _NAME_PARTS.split(name) if p.strip()]
    return tuple(dict.fromkeys([name.strip()] + parts if len(parts) > 1 else parts))


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def names_it(text: str, aliases: Sequence[str]) -> bool:
    """Whether ``text`` names one of ``aliases``: a short upper-case acronym
    ("PTQ", "TP") as a word with its case, anything else in any case, hyphens
    and spacing aside, singular or plural."""
    words = None
    for alias in aliases:
        if len(alias) <= 4 and alias.isupper():
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(alias)}s?(?![A-Za-z0-9])", text):
                return True
            continue
        words = _words(text) if words is None else words
        key = _words(alias)
        if key.strip() and (key in words or key[:-1] + "s " in words):
            return True
    return False


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


def _dense(z: Any) -> np.ndarray:
    return np.asarray(z.todense() if hasattr(z, "todense") else z, dtype=np.float64)


def term_log_odds(heads: Heads, T: Any) -> np.ndarray:
    """The term model's relevance log-odds of each row of ``T``."""
    return _dense(T @ heads.rel_v).ravel() + heads.rel_vb


def worth_embedding(heads: Heads, T: Any) -> np.ndarray:
    """Rows the pre-filter lets through (all of them for heads without terms)."""
    if not heads.uses_terms:
        return np.ones(T.shape[0] if T is not None else 0, dtype=bool)
    return term_log_odds(heads, T) >= PREFILTER_LOG_ODDS


def calibrated(heads: Heads, z: np.ndarray) -> np.ndarray:
    """P(in scope) from mixed relevance log-odds."""
    return _sigmoid(heads.cal_a * z + heads.cal_b)


def prefiltered_relevance(heads: Heads, T: Any) -> np.ndarray:
    """The relevance reported for rows the pre-filter stops: the calibration applied to the
    term model's log-odds alone (below any threshold in use)."""
    return calibrated(heads, term_log_odds(heads, T))


def relevance_logits(heads: Heads, X: np.ndarray, T: Any = None) -> np.ndarray:
    """The mixed relevance log-odds of each row, before calibration: ``emb_weight`` of the
    embedding model's and the rest of the term model's (heads without a vocabulary: the
    embedding model's alone)."""
    z = X @ heads.rel_w + heads.rel_b
    if heads.uses_terms:
        z = heads.emb_weight * z + (1.0 - heads.emb_weight) * term_log_odds(heads, T)
    return z


def relevance_scores(heads: Heads, X: np.ndarray, T: Any = None) -> np.ndarray:
    """P(in scope) of each row; ``T`` are the rows' term features (ignored by heads
    without a vocabulary, required by heads with one)."""
    return calibrated(heads, relevance_logits(heads, X, T))


def category_probs(heads: Heads, X: np.ndarray, T: Any = None) -> np.ndarray:
    probs = _softmax(X @ heads.cat_w.T + heads.cat_b)
    if heads.uses_terms:
        probs = 0.5 * (probs + _softmax(_dense(T @ heads.cat_v.T) + heads.cat_vb))
    return probs


def class_balanced_weights(n_pos: int, neg_weights: np.ndarray) -> np.ndarray:
    """Sample weights, positives first: the positives weigh as much in total as
    the (weighted) negatives, and the weights average one."""
    w = np.r_[np.full(n_pos, neg_weights.sum() / max(n_pos, 1)), neg_weights]
    return w * len(w) / w.sum()


def fit_relevance(X_pos: Any, X_neg: Any, C: float = REL_C,
                  neg_weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Logistic regression with both classes weighing the same in total;
    ``neg_weights`` lets doubtful negatives count less. Dense or sparse rows."""
    from sklearn.linear_model import LogisticRegression

    X = _stack(X_pos, X_neg)
    y = np.r_[np.ones(X_pos.shape[0]), np.zeros(X_neg.shape[0])]
    w_neg = np.ones(X_neg.shape[0]) if neg_weights is None else np.asarray(neg_weights, dtype=float)
    lr = LogisticRegression(C=C, max_iter=3000)
    lr.fit(X, y, sample_weight=class_balanced_weights(X_pos.shape[0], w_neg))
    return lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def fit_category(X: Any, labels: Sequence[str], C: float = CAT_C,
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


def _stack(*parts: Any) -> Any:
    parts = tuple(p for p in parts if p is not None and p.shape[0])
    if any(hasattr(p, "tocsr") for p in parts):
        import scipy.sparse as sp

        return sp.vstack(parts).tocsr()
    return np.vstack(parts)


@dataclass
class TermRows:
    """Term features of the training rows, parallel to ``fit``'s vectors."""

    vocab: Vocabulary
    pos: Any
    neg: Any
    extra: Any = None


def _category_rows(pos_categories: Sequence[str | None], X_pos: Any, X_extra: Any,
                   extra_categories: Sequence[str]) -> tuple[Any, list[str]]:
    keep = [i for i, c in enumerate(pos_categories) if c in CATEGORIES]
    X = _stack(X_pos[keep], X_extra) if X_extra is not None else X_pos[keep]
    return X, [pos_categories[i] for i in keep] + (list(extra_categories) if X_extra is not None else [])


def fit(X_pos: np.ndarray, pos_categories: Sequence[str | None], X_neg: np.ndarray,
        X_extra: np.ndarray | None = None, extra_categories: Sequence[str] = (),
        rel_C: float = REL_C, cat_C: float = CAT_C, neg_weights: np.ndarray | None = None,
        terms: TermRows | None = None, term_C: float = TERM_C) -> Heads:
    """Fit both heads. ``pos_categories`` may hold None (relevant, no category);
    ``X_extra`` are category-only examples such as technique descriptions;
    ``terms``, when given, adds the term models."""
    if X_extra is not None and not len(X_extra):
        X_extra = None
    rel_w, rel_b = fit_relevance(X_pos, X_neg, rel_C, neg_weights)
    cat_w, cat_b = fit_category(*_category_rows(pos_categories, X_pos, X_extra, extra_categories), C=cat_C)
    heads = Heads(rel_w=rel_w, rel_b=rel_b, cat_w=cat_w, cat_b=cat_b)
    if terms is not None and len(terms.vocab):
        heads.vocab = terms.vocab
        heads.rel_v, heads.rel_vb = fit_relevance(terms.pos, terms.neg, term_C, neg_weights)
        extra = terms.extra if X_extra is not None else None
        heads.cat_v, heads.cat_vb = fit_category(
            *_category_rows(pos_categories, terms.pos, extra, extra_categories), C=term_C)
    return heads


def nearest_technique(vector: np.ndarray, category: str, techniques: Sequence[Technique],
                      text: str | None = None) -> str | None:
    """The row of ``category`` nearest to ``vector`` by cosine, ``NAME_BONUS``
    added to the rows that ``text`` names."""
    best, best_score = None, -np.inf
    for t in techniques:
        if t.category != category:
            continue
        score = float(t.vector @ vector)
        if text and t.aliases and names_it(text, t.aliases):
            score += NAME_BONUS
        if score > best_score:
            best, best_score = t.name, score
    return best


def decide(heads: Heads, X: np.ndarray, techniques: Sequence[Technique] = (),
           threshold: float = 0.5, T: Any = None,
           texts: Sequence[str] | None = None) -> list[Decision]:
    """One decision per row of ``X`` (``T``: the rows' term features; ``texts``:
    the rows' texts, which let a technique the paper names win)."""
    if len(X) == 0:
        return []
    rel = relevance_scores(heads, X, T)
    probs = category_probs(heads, X, T)
    out = []
    for i in range(len(X)):
        order = np.argsort(-probs[i])
        top, nxt = order[0], order[1]
        conf = float(probs[i, top])
        if rel[i] < threshold:
            out.append(Decision(False, float(rel[i]), None, conf, None))
            continue
        cat = heads.categories[top]
        second = heads.categories[nxt]
        text = texts[i] if texts is not None else None
        out.append(Decision(True, float(rel[i]), cat, conf, nearest_technique(X[i], cat, techniques, text),
                            second, float(probs[i, nxt])))
    return out


def reference_sums(keys: Sequence[tuple[str, str]], X: np.ndarray) -> dict[tuple[str, str], tuple[np.ndarray, int]]:
    """(category, technique) -> (sum of the rows of ``X`` labelled with it, how
    many): the shipped references in the form :func:`technique_vectors` takes."""
    out: dict[tuple[str, str], tuple[np.ndarray, int]] = {}
    for key, x in zip(keys, X):
        total, n = out.get(key, (np.zeros(X.shape[1], dtype=np.float64), 0))
        out[key] = (total + x, n + 1)
    return out


def technique_vectors(name_vectors: np.ndarray, rows: Sequence[tuple[str, str]],
                      ref_vectors: Sequence[np.ndarray | None],
                      shipped: dict[tuple[str, str], tuple[np.ndarray, int]] | None = None) -> list[Technique]:
    """Technique vectors: the mean of the technique's own text vector and its
    reference papers' vectors, the list's (``ref_vectors``, one array or None
    per row) and the shipped ones (``shipped``: (category, name) -> (sum,
    count)), unit length."""
    shipped = shipped or {}
    out = []
    for (category, name), own, refs in zip(rows, name_vectors, ref_vectors):
        v = np.asarray(own, dtype=np.float64).copy()
        if refs is not None and len(refs):
            v += np.asarray(refs, dtype=np.float64).sum(axis=0)
        if (category, name) in shipped:
            v += np.asarray(shipped[(category, name)][0], dtype=np.float64)
        n = np.linalg.norm(v)
        out.append(Technique(category, name, (v / n if n else v).astype(np.float32), name_aliases(name)))
    return out
