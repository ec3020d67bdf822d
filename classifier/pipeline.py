"""Glue: texts -> cached embeddings -> fitted heads -> decisions.

:func:`fit_heads` trains both heads from training records; :class:`Classifier`
holds fitted heads plus technique vectors and classifies (title, abstract)
pairs. Everything takes an :class:`~classifier.embed.Encoder` and an optional
vector cache, so tests inject a deterministic fake encoder.
"""
from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from classifier import model
from classifier.embed import Encoder, VectorCache, embed, paper_text
from classifier.training import Paper, negatives, technique_text
from curator.config import CATEGORIES

log = logging.getLogger(__name__)


def embed_papers(papers: Sequence[Paper], encoder: Encoder, cache: VectorCache | None) -> np.ndarray:
    return embed([paper_text(p.title, p.abstract) for p in papers], encoder, cache)


def fit_heads(positives: Sequence[Paper], background: Sequence[Paper],
              techniques: Sequence[tuple[str, str, str]], encoder: Encoder,
              cache: VectorCache | None = None, extra_negatives: Sequence[Paper] = ()) -> model.Heads:
    """Positives: papers labelled with a category (or another non-"irrelevant"
    marker: relevant, no category). Papers labelled "irrelevant" and
    ``extra_negatives`` join the filtered background as negatives."""
    pos = [p for p in positives if p.label != "irrelevant"]
    neg_labelled = [p for p in positives if p.label == "irrelevant"] + list(extra_negatives)
    known = {p.arxiv_id for p in positives}
    neg = list(negatives(background, known)) + neg_labelled
    X_pos = embed_papers(pos, encoder, cache)
    X_neg = embed_papers(neg, encoder, cache)
    X_tech = embed([technique_text(c, n, d) for c, n, d in techniques], encoder, cache)
    heads = model.fit(X_pos, [p.label for p in pos], X_neg, X_tech, [c for c, _, _ in techniques])
    heads.meta.update({"model": encoder.name, "positives": str(len(pos)), "negatives": str(len(neg)),
                       "techniques": str(len(techniques))})
    log.info("fitted heads on %d positives, %d negatives", len(pos), len(neg))
    return heads


class Classifier:
    """Fitted heads, technique vectors and the settings that turn scores into decisions."""

    def __init__(self, heads: model.Heads, encoder: Encoder, cache: VectorCache | None = None,
                 techniques: Sequence[model.Technique] = (), threshold: float = 0.5,
                 second_ratio: float = 0.6):
        self.heads = heads
        self.encoder = encoder
        self.cache = cache
        self.techniques = list(techniques)
        self.threshold = threshold
        self.second_ratio = second_ratio

    @classmethod
    def with_techniques(cls, heads: model.Heads, encoder: Encoder, cache: VectorCache | None,
                        rows: Sequence[tuple[str, str, str]], refs: dict[str, list[str]] | None = None,
                        **settings) -> "Classifier":
        """``rows`` are (category, name, description); ``refs`` maps a technique
        name to the texts of papers it references."""
        refs = refs or {}
        rows = [r for r in rows if r[0] in CATEGORIES]
        own = embed([technique_text(c, n, d) for c, n, d in rows], encoder, cache) if rows else []
        ref_vectors = [embed(refs[n], encoder, cache) if refs.get(n) else None for _, n, _ in rows]
        techniques = model.technique_vectors(own, [(c, n) for c, n, _ in rows], ref_vectors)
        return cls(heads, encoder, cache, techniques, **settings)

    def vectors(self, papers: Sequence[tuple[str, str]]) -> np.ndarray:
        return embed([paper_text(t, a) for t, a in papers], self.encoder, self.cache)

    def classify(self, papers: Sequence[tuple[str, str]]) -> list[model.Decision]:
        if not papers:
            return []
        return model.decide(self.heads, self.vectors(papers), self.techniques,
                            self.threshold, self.second_ratio)
