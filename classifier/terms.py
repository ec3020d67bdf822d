"""TF-IDF term features: the words a paper uses, next to its embedding.

A :class:`Vocabulary` is the fitted part of a TF-IDF vectoriser as plain
arrays (terms and their inverse document frequencies), so it is saved with
the heads in the same ``.npz`` without pickling. Terms are lower-cased word
unigrams and bigrams without English stop words; a row is the sublinear term
frequency times the IDF, scaled to unit length, as in arxiv-sanity.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

import numpy as np

_SETTINGS: dict[str, Any] = {"sublinear_tf": True, "ngram_range": (1, 2), "stop_words": "english",
                             "dtype": np.float32}


@dataclass
class Vocabulary:
    terms: np.ndarray   # (n_terms,) str
    idf: np.ndarray     # (n_terms,) float32

    def __len__(self) -> int:
        return len(self.terms)

    @cached_property
    def vectoriser(self) -> Any:
        """The fitted vectoriser, built once (its term index is large)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(vocabulary={str(t): i for i, t in enumerate(self.terms)}, **_SETTINGS)
        vec.idf_ = self.idf.astype(np.float64)
        return vec

    def transform(self, texts: Sequence[str]) -> Any:
        """A ``(len(texts), n_terms)`` sparse matrix of unit-length rows."""
        import scipy.sparse as sp

        if not len(self) or not len(texts):
            return sp.csr_matrix((len(texts), len(self)), dtype=np.float32)
        return self.vectoriser.transform(list(texts)).astype(np.float32)


def fit_vocabulary(texts: Sequence[str], min_df: int = 2) -> Vocabulary:
    """Terms found in at least ``min_df`` of ``texts``, with their IDF; empty
    when there are none."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(min_df=min_df, **_SETTINGS)
    try:
        vec.fit(list(texts))
    except ValueError:  # no text, or no term left after pruning
        return empty_vocabulary()
    terms = vec.get_feature_names_out()
    return Vocabulary(np.asarray(terms, dtype=str), vec.idf_.astype(np.float32))


def empty_vocabulary() -> Vocabulary:
    return Vocabulary(np.zeros(0, dtype=str), np.zeros(0, dtype=np.float32))
