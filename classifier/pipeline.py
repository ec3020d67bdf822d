"""Glue: texts -> cached embeddings -> fitted heads -> decisions.

:func:`fit_heads` trains both heads (embedding and term models) from
training records; :class:`Classifier` holds fitted heads plus technique vectors
and classifies (title, abstract) pairs. Everything takes an :class:`~classifier.embed.Encoder` and an optional
vector cache, so tests inject a deterministic fake encoder.
"""
from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from classifier import model
from classifier.embed import Encoder, VectorCache, embed, paper_text
from classifier.terms import fit_vocabulary
from classifier.training import Paper, negatives, technique_text
from catalogue.vocabulary import CATEGORIES

log = logging.getLogger(__name__)


def paper_texts(papers: Sequence[Paper]) -> list[str]:
    return [paper_text(p.title, p.abstract) for p in papers]


def embed_papers(papers: Sequence[Paper], encoder: Encoder, cache: VectorCache | None) -> np.ndarray:
    return embed(paper_texts(papers), encoder, cache)


def fit_vectors_and_terms(X_pos: np.ndarray, pos_texts: Sequence[str], pos_categories: Sequence[str | None],
                          X_neg: np.ndarray, neg_texts: Sequence[str], X_extra: np.ndarray,
                          extra_texts: Sequence[str], extra_categories: Sequence[str],
                          neg_weights: np.ndarray | None = None) -> model.Heads:
    """Both heads from vectors and the texts they embed: the vocabulary is
    fitted on the positive and negative texts, then both models of each head."""
    vocab = fit_vocabulary(list(pos_texts) + list(neg_texts))
    terms = model.TermRows(vocab, vocab.transform(pos_texts), vocab.transform(neg_texts),
                           vocab.transform(extra_texts))
    return model.fit(X_pos, pos_categories, X_neg, X_extra, extra_categories,
                     neg_weights=neg_weights, terms=terms)


def fit_heads(positives: Sequence[Paper], background: Sequence[Paper],
              techniques: Sequence[tuple[str, str, str]], encoder: Encoder,
              cache: VectorCache | None = None, extra_negatives: Sequence[Paper] = (),
              technique_refs: Sequence[tuple[str, Paper]] = ()) -> model.Heads:
    """Positives: papers labelled with a category (or another non-"irrelevant"
    marker: relevant, no category). Papers labelled "irrelevant" and
    ``extra_negatives`` join the filtered background as negatives.
    ``technique_refs`` are (technique name, paper) pairs whose vectors are
    summed per technique and kept with the heads as references."""
    pos = [p for p in positives if p.label != "irrelevant"]
    neg_labelled = [p for p in positives if p.label == "irrelevant"] + list(extra_negatives)
    known = {p.arxiv_id for p in positives}
    neg = list(negatives(background, known)) + neg_labelled
    pos_texts, neg_texts = paper_texts(pos), paper_texts(neg)
    tech_texts = [technique_text(c, n, d) for c, n, d in techniques]
    heads = fit_vectors_and_terms(
        embed(pos_texts, encoder, cache), pos_texts, [p.label for p in pos],
        embed(neg_texts, encoder, cache), neg_texts,
        embed(tech_texts, encoder, cache), tech_texts, [c for c, _, _ in techniques])
    set_technique_refs(heads, technique_refs, encoder, cache)
    heads.meta.update({"model": encoder.name, "positives": str(len(pos)), "negatives": str(len(neg)),
                       "techniques": str(len(techniques)), "terms": str(len(heads.vocab)),
                       "technique_refs": str(len(technique_refs))})
    log.info("fitted heads on %d positives, %d negatives", len(pos), len(neg))
    return heads


def fit_tuned_heads(papers: Sequence[Paper], background: Sequence[Paper],
                    techniques: Sequence[tuple[str, str, str]], encoder: Encoder, cache: VectorCache | None = None,
                    technique_refs: Sequence[tuple[str, Paper]] = ()):
    """Heads fitted on everything, with the relevance mix, calibration and thresholds chosen
    by cross-validation over the week groups of the feed papers (those with a ``week``):
    returns (heads, :class:`classifier.tuning.Tuning`)."""
    from classifier import tuning

    feed = [p for p in papers if p.week]
    if not feed:
        raise ValueError("no feed papers (with an announcement week) to tune on")

    def fit_without(ids: set[str]) -> model.Heads:
        return fit_heads([p for p in papers if p.arxiv_id not in ids], background, techniques, encoder, cache)

    def score(heads: model.Heads, test: Sequence[Paper]):
        texts = paper_texts(test)
        T = heads.vocab.transform(texts) if heads.uses_terms else None
        return tuning.head_scores(heads, embed(texts, encoder, cache), T)

    oof = tuning.out_of_fold(feed, fit_without, score)
    tuned = tuning.choose(oof)
    stopped = oof.in_scope & (oof.z_term < model.PREFILTER_LOG_ODDS)
    tuned.figures["prefilter_in_scope_stopped"] = int(stopped.sum())
    tuned.figures["prefilter_stopped"] = int((oof.z_term < model.PREFILTER_LOG_ODDS).sum())
    heads = fit_heads(papers, background, techniques, encoder, cache, technique_refs=technique_refs)
    heads.emb_weight, heads.cal_a, heads.cal_b = tuned.emb_weight, tuned.cal_a, tuned.cal_b
    heads.meta.update(tuned.meta())
    return heads, tuned


def set_technique_refs(heads: model.Heads, technique_refs: Sequence[tuple[str, Paper]], encoder: Encoder,
                       cache: VectorCache | None) -> None:
    """Sum the reference papers' vectors per (category, technique) into ``heads``;
    a paper's category is its label."""
    if not technique_refs:
        heads.ref_keys, heads.ref_sums, heads.ref_counts = (), None, None
        return
    X = embed_papers([p for _, p in technique_refs], encoder, cache)
    refs = model.reference_sums([(p.label, name) for name, p in technique_refs], X)
    keys = sorted(refs)
    heads.ref_keys = tuple(f"{category}:{name}" for category, name in keys)
    heads.ref_sums = np.stack([refs[k][0] for k in keys]).astype(np.float32)
    heads.ref_counts = np.array([refs[k][1] for k in keys], dtype=np.int32)


class Classifier:
    """Fitted heads, technique vectors and the settings that turn scores into decisions."""

    def __init__(self, heads: model.Heads, encoder: Encoder, cache: VectorCache | None = None,
                 techniques: Sequence[model.Technique] = (), threshold: float = 0.5):
        self.heads = heads
        self.encoder = encoder
        self.cache = cache
        self.techniques = list(techniques)
        self.threshold = threshold

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
        techniques = model.technique_vectors(own, [(c, n) for c, n, _ in rows], ref_vectors,
                                             heads.shipped_refs())
        return cls(heads, encoder, cache, techniques, **settings)

    def vectors(self, papers: Sequence[tuple[str, str]]) -> np.ndarray:
        return embed([paper_text(t, a) for t, a in papers], self.encoder, self.cache)

    def classify(self, papers: Sequence[tuple[str, str]]) -> list[model.Decision]:
        """Decisions in input order; papers the pre-filter stops are not embedded."""
        if not papers:
            return []
        texts = [paper_text(t, a) for t, a in papers]
        if not self.heads.uses_terms:
            return model.decide(self.heads, self.vectors(papers), self.techniques,
                                self.threshold, texts=texts)
        T = self.heads.vocab.transform(texts)
        keep = np.flatnonzero(model.worth_embedding(self.heads, T))
        out = [model.Decision(False, float(r), None, 0.0, None)
               for r in model.prefiltered_relevance(self.heads, T)]
        if len(keep):
            kept = model.decide(self.heads, self.vectors([papers[i] for i in keep]), self.techniques,
                                self.threshold, T[keep], [texts[i] for i in keep])
            for i, d in zip(keep, kept):
                out[i] = d
        log.debug("pre-filter: %d of %d papers embedded", len(keep), len(papers))
        return out
