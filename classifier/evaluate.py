"""Cross-validated figures for the classifier and two baselines.

The labelled papers are split into k stratified folds and the background into
k folds; fold i's labelled papers and background papers are scored by heads
fitted on the other folds only, so no label of an evaluated paper is used in
training. Background papers count as negatives for precision and false-positive
rate; the papers among them that the keyword rule finds doubtful are reported
separately and the top-scored false positives are listed for inspection.

The hand-labelled papers of the arXiv sample (``extra``) join the folds: they
train and are scored like the input, but their category figures are kept apart,
and with the unlabelled rest of the sample they make a real feed whose share of
in-scope proposals is measured rather than assumed.

The classifier evaluated is the shipped one: embedding models and term models
fitted together (:func:`classifier.pipeline.fit_vectors_and_terms`), the
vocabulary included, on the training folds only. Baselines on the same folds:
keyword rules (no training) and TF-IDF with logistic regression alone (the
arxiv-sanity approach). The classifier's pre-filter applies: a paper it
stops gets the relevance the classifier would report for it.
"""
from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from classifier import model
from classifier.embed import Encoder, VectorCache, embed, paper_text
from classifier.pipeline import fit_vectors_and_terms
from classifier.training import DOUBTFUL_WEIGHT, IRRELEVANT, Paper, looks_in_scope, technique_text
from catalogue.vocabulary import CATEGORIES, KEYWORDS

log = logging.getLogger(__name__)

FEED_PREVALENCE = 0.01
# the shipping rule for the relevance threshold: the highest one that keeps
# this share of the in-scope papers, scored out of fold
TARGET_RECALL = 0.85


def keyword_category(title: str, abstract: str) -> str:
    text = f"{title} {title} {abstract}".lower()
    scores = [sum(text.count(k) for k in KEYWORDS[c]) for c in CATEGORIES]
    return CATEGORIES[int(np.argmax(scores))]


@dataclass
class Folds:
    labelled: list[np.ndarray]
    background: list[np.ndarray]


def make_folds(papers: Sequence[Paper], n_background: int, k: int, seed: int = 0) -> Folds:
    from sklearn.model_selection import KFold, StratifiedKFold

    y = [p.label or "" for p in papers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lab = [test for _, test in StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)]
    bg = [test for _, test in KFold(k, shuffle=True, random_state=seed).split(np.zeros(n_background))]
    return Folds(lab, bg)


def category_report(truth: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    rows = {}
    for c in CATEGORIES:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        fp = sum(t != c and p == c for t, p in zip(truth, pred))
        fn = sum(t == c and p != c for t, p in zip(truth, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows[c] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    present = [c for c in CATEGORIES if rows[c]["support"]]
    macro = float(np.mean([rows[c]["f1"] for c in present])) if present else 0.0
    matrix = [[sum(t == a and p == b for t, p in zip(truth, pred)) for b in CATEGORIES] for a in CATEGORIES]
    accuracy = sum(t == p for t, p in zip(truth, pred)) / len(truth) if truth else 0.0
    return {"per_category": rows, "macro_f1": macro, "accuracy": accuracy, "confusion": matrix}


def _figures(tp: int, n_pos: int, fp: int, n_neg: int, threshold: float) -> dict[str, float]:
    recall = tp / n_pos if n_pos else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    fpr = fp / n_neg if n_neg else 0.0
    feed = recall * FEED_PREVALENCE
    feed_precision = feed / (feed + fpr * (1 - FEED_PREVALENCE)) if feed + fpr else 0.0
    return {"threshold": float(threshold), "recall": recall, "precision": precision, "fpr": fpr,
            "false_positives": fp, "feed_precision": feed_precision}


def relevance_report(pos: np.ndarray, neg: np.ndarray, threshold: float) -> dict[str, float]:
    """Recall, precision and false-positive rate at ``threshold``; ``feed_precision``
    is the share of proposals in scope in a feed where ``FEED_PREVALENCE`` of the
    papers are in scope and the rest are flagged at the measured rate."""
    return _figures(int((pos >= threshold).sum()), len(pos), int((neg >= threshold).sum()), len(neg), threshold)


def at_recall(pos: np.ndarray, neg: np.ndarray, recall: float) -> dict[str, float]:
    """The figures at the highest threshold that keeps at least ``recall``."""
    if len(pos) == 0:
        return relevance_report(pos, neg, 1.0)
    ordered = np.sort(pos)[::-1]
    need = max(1, int(np.ceil(recall * len(pos) - 1e-9)))
    return relevance_report(pos, neg, float(ordered[need - 1]))


@dataclass
class Scores:
    """Out-of-fold outputs of one method."""

    rel_pos: list[float] = field(default_factory=list)
    rel_neg: list[float] = field(default_factory=list)   # labelled irrelevant + background
    truth: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    pos_fold: list[int] = field(default_factory=list)    # the fold of each rel_pos
    neg_fold: list[int] = field(default_factory=list)    # the fold of each labelled negative
    pos_sample: list[bool] = field(default_factory=list)  # each rel_pos: a labelled paper of the sample?
    neg_sample: list[bool] = field(default_factory=list)  # each labelled negative: of the sample?
    truth_sample: list[str] = field(default_factory=list)  # categories of the sample's labelled papers
    pred_sample: list[str] = field(default_factory=list)


Method = Callable[[list[int], list[int], list[int], list[int]], tuple[np.ndarray, np.ndarray, list[str]]]


def _train_split(n_lab: int, n_bg: int, folds: Folds, held_out: Sequence[int]) -> tuple[list[int], list[int]]:
    """Labelled and background indices outside the ``held_out`` folds."""
    lab = set().union(*(folds.labelled[i].tolist() for i in held_out))
    bg = set().union(*(folds.background[i].tolist() for i in held_out))
    return sorted(set(range(n_lab)) - lab), sorted(set(range(n_bg)) - bg)


def run_folds(papers: Sequence[Paper], bg: Sequence[Paper], folds: Folds, method: Method,
              n_input: int | None = None) -> tuple[Scores, np.ndarray]:
    """Apply ``method(train_lab, train_bg, test_lab, test_bg)`` fold by fold;
    returns the pooled scores and the out-of-fold relevance of each background paper.
    Papers from ``n_input`` on are labelled papers of the sample: their
    categories are kept apart from the input's."""
    n_input = len(papers) if n_input is None else n_input
    out = Scores()
    bg_scores = np.zeros(len(bg))
    for i in range(len(folds.labelled)):
        test_lab = folds.labelled[i].tolist()
        test_bg = folds.background[i].tolist()
        train_lab, train_bg = _train_split(len(papers), len(bg), folds, [i])
        rel_lab, rel_bg, cats = method(train_lab, train_bg, test_lab, test_bg)
        bg_scores[test_bg] = rel_bg
        for j, idx in enumerate(test_lab):
            label, in_sample = papers[idx].label, idx >= n_input
            if label == IRRELEVANT:
                out.rel_neg.append(float(rel_lab[j]))
                out.neg_fold.append(i)
                out.neg_sample.append(in_sample)
            else:
                out.rel_pos.append(float(rel_lab[j]))
                out.pos_fold.append(i)
                out.pos_sample.append(in_sample)
            if label in CATEGORIES:
                (out.truth_sample if in_sample else out.truth).append(label)
                (out.pred_sample if in_sample else out.pred).append(cats[j])
    out.rel_neg.extend(bg_scores.tolist())
    return out, bg_scores


def nested_thresholds(papers: Sequence[Paper], n_bg: int, folds: Folds, method: Method,
                      recall: float) -> list[float]:
    """For each fold, the threshold the shipping rule picks from the other
    folds alone: the highest one keeping ``recall`` of their positives, scored
    out of fold among themselves (fold i never sees its own labels or papers)."""
    k = len(folds.labelled)
    out = []
    for i in range(k):
        inner: list[float] = []
        for j in range(k):
            if j == i:
                continue
            train_lab, train_bg = _train_split(len(papers), n_bg, folds, [i, j])
            test_lab = [idx for idx in folds.labelled[j].tolist() if papers[idx].label != IRRELEVANT]
            rel_lab, _, _ = method(train_lab, train_bg, test_lab, [])
            inner.extend(float(r) for r in rel_lab)
        out.append(at_recall(np.array(inner), np.array([]), recall)["threshold"])
    return out


def nested_relevance(scores: Scores, bg_scores: np.ndarray, doubtful: np.ndarray, folds: Folds,
                     thresholds: Sequence[float]) -> dict[str, Any]:
    """Out-of-fold figures when fold i is cut at ``thresholds[i]``."""
    pos = np.array(scores.rel_pos)
    pos_fold = np.array(scores.pos_fold, dtype=int)
    cut_pos = np.array([thresholds[f] for f in pos_fold]) if len(pos) else np.zeros(0)
    cut_bg = np.zeros(len(bg_scores))
    for i, test_bg in enumerate(folds.background):
        cut_bg[test_bg] = thresholds[i]
    flagged = bg_scores >= cut_bg
    labelled_neg = np.array(scores.rel_neg[:len(scores.neg_fold)])
    extra_fp = int(sum(r >= thresholds[f] for r, f in zip(labelled_neg, scores.neg_fold)))

    def figures(fp: int, n_neg: int) -> dict[str, float]:
        tp = int((pos >= cut_pos).sum())
        return _figures(tp, len(pos), fp, n_neg, float(np.median(thresholds)))

    return {"thresholds": [float(t) for t in thresholds],
            "all_background": figures(int(flagged.sum()) + extra_fp, len(bg_scores) + len(labelled_neg)),
            "clean_background": figures(int((flagged & ~doubtful).sum()), int((~doubtful).sum()))}


def _relevance(heads: model.Heads, X: np.ndarray, T: Any) -> np.ndarray:
    """Relevance as the classifier reports it, pre-filter included."""
    if not len(X):
        return np.zeros(0)
    return np.where(model.worth_embedding(heads, T), model.relevance_scores(heads, X, T),
                    model.prefiltered_relevance(heads, T))


class Evaluation:
    """Everything needed to run the three methods on the same folds."""

    def __init__(self, papers: Sequence[Paper], background: Sequence[Paper],
                 techniques: Sequence[tuple[str, str, str]], encoder: Encoder,
                 cache: VectorCache | None = None, k: int = 5, seed: int = 0,
                 extra: Sequence[Paper] = ()):
        known = {p.arxiv_id for p in papers}
        self.n_input = len(papers)
        self.papers = list(papers) + [p for p in extra if p.arxiv_id not in known]
        known |= {p.arxiv_id for p in self.papers}
        self.background = [p for p in background if p.arxiv_id not in known]
        self.techniques = list(techniques)
        self.encoder, self.cache = encoder, cache
        self.folds = make_folds(self.papers, len(self.background), k, seed)
        self.doubtful = np.array([looks_in_scope(p.title, p.abstract) for p in self.background], dtype=bool)
        # papers the pre-filter stopped, out of fold: labelled in scope, labelled out of scope, background
        self.stopped = {"in_scope": 0, "out_of_scope": 0, "background": 0}

    def texts(self, which: Sequence[Paper]) -> list[str]:
        return [paper_text(p.title, p.abstract) for p in which]

    def embedding_method(self) -> Method:
        lab_texts, bg_texts = self.texts(self.papers), self.texts(self.background)
        tech_texts = [technique_text(*t) for t in self.techniques]
        X_lab = embed(lab_texts, self.encoder, self.cache)
        X_bg = embed(bg_texts, self.encoder, self.cache)
        X_tech = embed(tech_texts, self.encoder, self.cache)
        tech_cats = [t[0] for t in self.techniques]

        def method(train_lab, train_bg, test_lab, test_bg):
            pos = [i for i in train_lab if self.papers[i].label != IRRELEVANT]
            neg_lab = [i for i in train_lab if self.papers[i].label == IRRELEVANT]
            weights = np.r_[np.ones(len(neg_lab)), np.where(self.doubtful[train_bg], DOUBTFUL_WEIGHT, 1.0)]
            neg_texts = [lab_texts[i] for i in neg_lab] + [bg_texts[i] for i in train_bg]
            keep = np.flatnonzero(weights > 0)
            heads = fit_vectors_and_terms(
                X_lab[pos], [lab_texts[i] for i in pos], [self.papers[i].label for i in pos],
                np.vstack([X_lab[neg_lab], X_bg[train_bg]])[keep], [neg_texts[i] for i in keep],
                X_tech, tech_texts, tech_cats, neg_weights=weights[keep])
            T_lab = heads.vocab.transform([lab_texts[i] for i in test_lab])
            T_bg = heads.vocab.transform([bg_texts[i] for i in test_bg])
            rel_lab = _relevance(heads, X_lab[test_lab], T_lab)
            rel_bg = _relevance(heads, X_bg[test_bg], T_bg)
            stopped = ~model.worth_embedding(heads, T_lab)
            out_of_scope = np.array([self.papers[i].label == IRRELEVANT for i in test_lab], dtype=bool)
            self.stopped["in_scope"] += int((stopped & ~out_of_scope).sum())
            self.stopped["out_of_scope"] += int((stopped & out_of_scope).sum())
            self.stopped["background"] += int((~model.worth_embedding(heads, T_bg)).sum())
            probs = model.category_probs(heads, X_lab[test_lab], T_lab)
            return rel_lab, rel_bg, [heads.categories[j] for j in probs.argmax(axis=1)]
        return method

    def tfidf_method(self) -> Method:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        lab_texts = self.texts(self.papers)
        bg_texts = self.texts(self.background)
        tech_texts = [technique_text(*t) for t in self.techniques]

        def method(train_lab, train_bg, test_lab, test_bg):
            pos = [i for i in train_lab if self.papers[i].label != IRRELEVANT]
            neg_lab = [i for i in train_lab if self.papers[i].label == IRRELEVANT]
            neg_bg = [i for i in train_bg if not self.doubtful[i]]
            vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, stop_words="english")
            train_texts = [lab_texts[i] for i in pos + neg_lab] + [bg_texts[i] for i in neg_bg]
            Xtr = vec.fit_transform(train_texts)
            y = np.r_[np.ones(len(pos)), np.zeros(len(neg_lab) + len(neg_bg))]
            rel = LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000).fit(Xtr, y)
            cat_idx = [i for i in pos if self.papers[i].label in CATEGORIES]
            Xc = vec.transform([lab_texts[i] for i in cat_idx] + tech_texts)
            yc = [self.papers[i].label for i in cat_idx] + [t[0] for t in self.techniques]
            cat = LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000).fit(Xc, yc)
            X_test = vec.transform([lab_texts[i] for i in test_lab])
            return (rel.predict_proba(X_test)[:, 1], rel.predict_proba(vec.transform([bg_texts[i] for i in test_bg]))[:, 1],
                    list(cat.predict(X_test)))
        return method

    def keyword_method(self) -> Method:
        def method(train_lab, train_bg, test_lab, test_bg):
            lab = [self.papers[i] for i in test_lab]
            bgp = [self.background[i] for i in test_bg]
            rel_lab = np.array([float(looks_in_scope(p.title, p.abstract)) for p in lab])
            rel_bg = np.array([float(looks_in_scope(p.title, p.abstract)) for p in bgp])
            return rel_lab, rel_bg, [keyword_category(p.title, p.abstract) for p in lab]
        return method

    def summarise(self, scores: Scores, bg_scores: np.ndarray, threshold: float) -> dict[str, Any]:
        pos, neg = np.array(scores.rel_pos), np.array(scores.rel_neg)
        clean = bg_scores[~self.doubtful]
        report = {"category": category_report(scores.truth, scores.pred),
                  "relevance": relevance_report(pos, neg, threshold),
                  "relevance_clean_background": relevance_report(pos, clean, threshold)}
        if scores.truth_sample:
            report["category_sample"] = category_report(scores.truth_sample, scores.pred_sample)
            report["category_all"] = category_report(scores.truth + scores.truth_sample,
                                                     scores.pred + scores.pred_sample)
        if any(scores.pos_sample):
            report["relevance_sample"] = self.sample_relevance(scores, bg_scores, threshold)
        report["_pos"], report["_neg"] = pos, neg
        return report

    def sample_relevance(self, scores: Scores, bg_scores: np.ndarray, threshold: float) -> dict[str, float]:
        """The arXiv sample as a feed: its hand-labelled papers and the unlabelled
        rest (out of scope), each scored out of fold; ``precision`` is then the
        share of in scope among the sample papers proposed."""
        pos = np.array([r for r, s in zip(scores.rel_pos, scores.pos_sample) if s])
        labelled_neg = scores.rel_neg[:len(scores.neg_sample)]
        neg = np.r_[[r for r, s in zip(labelled_neg, scores.neg_sample) if s], bg_scores]
        report = relevance_report(pos, neg, threshold)
        report["papers"] = len(pos) + len(neg)
        report["in_scope"] = len(pos)
        return report

    def top_false_positives(self, bg_scores: np.ndarray, threshold: float, n: int = 25) -> list[dict[str, Any]]:
        order = np.argsort(-bg_scores)
        return [{"arxiv_id": self.background[i].arxiv_id, "title": self.background[i].title,
                 "relevance": float(bg_scores[i]), "doubtful": bool(self.doubtful[i])}
                for i in order[:n] if bg_scores[i] >= threshold]

    def run(self, threshold: float, baselines: bool = False, nested: bool = False) -> dict[str, Any]:
        """Figures of each method; with ``nested``, also the embedding
        classifier's relevance when each fold's threshold is picked by the
        shipping rule (:data:`TARGET_RECALL`) from the other folds alone."""
        methods = {"embedding": self.embedding_method()}
        if baselines:
            methods["tfidf_lr"] = self.tfidf_method()
            methods["keywords"] = self.keyword_method()
        result: dict[str, Any] = {"papers": self.n_input, "sample_papers": len(self.papers) - self.n_input,
                                  "background": len(self.background),
                                  "background_doubtful": int(self.doubtful.sum()),
                                  "folds": len(self.folds.labelled), "methods": {}}
        for name, method in methods.items():
            scores, bg_scores = run_folds(self.papers, self.background, self.folds, method, self.n_input)
            cut = 0.5 if name == "keywords" else threshold if name == "embedding" else 0.5
            summary = self.summarise(scores, bg_scores, cut)
            if name == "embedding":
                summary["prefilter_stopped"] = dict(self.stopped)
                result["top_false_positives"] = self.top_false_positives(bg_scores, threshold)
                summary["threshold_for_target_recall"] = at_recall(summary["_pos"], summary["_neg"],
                                                                   TARGET_RECALL)["threshold"]
                if nested:
                    cuts = nested_thresholds(self.papers, len(self.background), self.folds, method, TARGET_RECALL)
                    summary["relevance_nested"] = nested_relevance(scores, bg_scores, self.doubtful,
                                                                   self.folds, cuts)
            result["methods"][name] = summary
        _equal_recall(result["methods"])
        for summary in result["methods"].values():
            summary.pop("_pos"), summary.pop("_neg")
        return result


def _equal_recall(methods: dict[str, dict[str, Any]]) -> None:
    """Each method's relevance at the recall the others reached."""
    targets = {name: m["relevance"]["recall"] for name, m in methods.items()}
    for name, m in methods.items():
        m["relevance_at_recall_of"] = {other: at_recall(m["_pos"], m["_neg"], r)
                                       for other, r in targets.items() if name != "keywords"}
