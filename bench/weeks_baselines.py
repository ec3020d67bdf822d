"""The two rankings `bench.bench_weeks` puts beside the classifier's relevance.

- TF-IDF + logistic regression fitted on the shipped training set as
  ``classifier.training`` defines it at run time: ``shipped_labels()`` (in scope = not
  ``irrelevant``), negatives its ``irrelevant`` papers and the shipped background through
  ``training.negatives`` (the keyword-doubtful background papers left out, as the
  classifier's own fit does); the settings of ``curator evaluate --baselines``.
- Similarity to the list, the way zotero-arxiv-daily ranks a feed against a library: the
  mean cosine similarity of a paper's embedding to the papers the list and the shipped
  labels put in scope (zotero-arxiv-daily weighs its library by recency; these papers
  have no dates, so the weights are equal), and the max beside it. Same embedding model
  as the classifier's settings; vectors from the bench's cache.

Papers of the held-out weeks are left out of both, should the shipped data hold any.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

SEED = Path(__file__).resolve().parents[1] / "curator" / "demo_data" / "seed-list.md"
_ARXIV_ID = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


class Baselines:
    """Both rankings, fitted or built once and reused for every week."""

    def __init__(self, cache: Path, held_out: set[str]):
        from catalogue import settings

        self.cache_path = cache
        self.held_out = held_out
        self.model = settings.load(None)["classifier"]["model"]
        self._tfidf: Any = None
        self._corpus: Any = None
        self._encoder: Any = None
        self._cache: Any = None
        self.notes: list[str] = []

    def training(self) -> tuple[list, list]:
        """(positives, negatives) of the shipped training set, as classifier.training says."""
        from classifier import training

        labelled = [p for p in training.shipped_labels() if p.arxiv_id not in self.held_out]
        known = {p.arxiv_id for p in training.shipped_labels()}
        bg = [p for p in training.background() if p.arxiv_id not in self.held_out]
        filtered = list(training.negatives(bg, known)) if hasattr(training, "negatives") else \
            [p for p in bg if p.arxiv_id not in known]
        irrelevant = getattr(training, "IRRELEVANT", "irrelevant")
        pos = [p for p in labelled if p.label != irrelevant]
        neg = [p for p in labelled if p.label == irrelevant] + filtered
        return pos, neg

    def tfidf(self, ids: Sequence[str], texts: dict[str, str]) -> dict[str, float]:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from classifier.embed import paper_text

        if self._tfidf is None:
            pos, neg = self.training()
            train = [paper_text(p.title, p.abstract) for p in pos + neg]
            vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, stop_words="english")
            X = vec.fit_transform(train)
            y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
            self._tfidf = (vec, LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000).fit(X, y))
            self.notes.append(f"TF-IDF + LR: {len(pos):,} in-scope and {len(neg):,} out-of-scope training papers "
                              f"(classifier.training at run time)")
        vec, lr = self._tfidf
        scores = lr.predict_proba(vec.transform([texts[a] for a in ids]))[:, 1]
        return dict(zip(ids, map(float, scores)))

    def _embed(self, texts: list[str]):
        from classifier.embed import embed, make_encoder
        from db import open_db
        from db.classify import EmbeddingCache

        if self._encoder is None:
            self._encoder = make_encoder(self.model)
            self._cache = EmbeddingCache(open_db(self.cache_path))
        return embed(texts, self._encoder, self._cache)

    def similarity(self, ids: Sequence[str], texts: dict[str, str]) -> tuple[dict[str, float], dict[str, float]]:
        """(mean, max) cosine similarity to the in-scope papers of the list and the shipped labels."""
        from classifier import training
        from classifier.embed import paper_text

        if self._corpus is None:
            pos, _ = self.training()
            by_id = {p.arxiv_id: p for p in training.background()}
            by_id.update({p.arxiv_id: p for p in training.shipped_labels()})
            listed = sorted(set(_ARXIV_ID.findall(SEED.read_text(encoding="utf-8"))))
            corpus = {p.arxiv_id: p for p in pos}
            found = [a for a in listed if a in by_id and a not in self.held_out]
            corpus.update({a: by_id[a] for a in found})
            self._corpus = self._embed([paper_text(p.title, p.abstract) for p in corpus.values()])
            self.notes.append(f"similarity to the list: {len(corpus):,} in-scope papers ({len(found)} of the list's "
                              f"{len(listed)} arXiv papers, with text in the shipped data, and the shipped labels' "
                              f"in-scope papers), model {self.model}")
        if not ids:
            return {}, {}
        sims = self._embed([texts[a] for a in ids]) @ self._corpus.T
        return (dict(zip(ids, map(float, sims.mean(axis=1)))), dict(zip(ids, map(float, sims.max(axis=1)))))
