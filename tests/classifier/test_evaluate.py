"""Figures: per-category report, relevance at a threshold and at a recall, folds, keyword rules."""
from __future__ import annotations

import numpy as np
import pytest

from classifier.evaluate import at_recall, category_report, keyword_category, make_folds, relevance_report
from classifier.training import Paper


def test_category_report_counts_and_macro_over_present_categories():
    truth = ["caching", "caching", "quantization", "quantization"]
    pred = ["caching", "quantization", "quantization", "quantization"]
    r = category_report(truth, pred)
    assert r["per_category"]["caching"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert r["per_category"]["quantization"]["precision"] == pytest.approx(2 / 3)
    assert r["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    assert r["accuracy"] == 0.75
    from catalogue.vocabulary import CATEGORIES
    ci, qi = CATEGORIES.index("caching"), CATEGORIES.index("quantization")
    assert r["confusion"][ci][qi] == 1 and r["confusion"][qi][qi] == 2


def test_relevance_report_and_feed_precision():
    pos = np.array([0.9, 0.8, 0.7, 0.2])
    neg = np.r_[np.full(998, 0.1), 0.95, 0.6]
    r = relevance_report(pos, neg, 0.5)
    assert r["recall"] == 0.75 and r["false_positives"] == 2 and r["fpr"] == pytest.approx(0.002)
    assert r["precision"] == pytest.approx(3 / 5)
    # 1% prevalence: 0.0075 true vs 0.00198 false per paper
    assert r["feed_precision"] == pytest.approx(0.0075 / (0.0075 + 0.002 * 0.99))


def test_at_recall_picks_highest_threshold_keeping_recall():
    pos = np.array([0.9, 0.8, 0.7, 0.2])
    neg = np.array([0.75, 0.1])
    r = at_recall(pos, neg, 0.5)
    assert r["threshold"] == 0.8 and r["recall"] == 0.5 and r["false_positives"] == 0
    assert at_recall(pos, neg, 0.75)["false_positives"] == 1


def test_folds_partition_both_sets():
    papers = [Paper(str(i), "t", "a", "caching" if i % 2 else "quantization") for i in range(20)]
    folds = make_folds(papers, 33, 4)
    assert sorted(np.concatenate(folds.labelled).tolist()) == list(range(20))
    assert sorted(np.concatenate(folds.background).tolist()) == list(range(33))


def test_keyword_rules():
    assert keyword_category("KV cache eviction", "we evict cache entries") == "caching"
    assert keyword_category("Speculative decoding", "a draft model") == "sampling_optimization"


def test_nested_thresholds_never_see_the_fold_they_cut():
    from classifier.evaluate import nested_relevance, nested_thresholds, run_folds

    papers = [Paper(str(i), f"t{i}", "a", "caching") for i in range(10)]
    bg = [Paper(f"b{i}", f"b{i}", "a") for i in range(20)]
    folds = make_folds(papers, len(bg), 5)
    seen: list[tuple[set, set]] = []

    def method(train_lab, train_bg, test_lab, test_bg):
        seen.append((set(train_lab) & set(test_lab), set(train_bg) & set(test_bg)))
        # a score that depends on the training set: its size, so every fold differs
        score = len(train_lab) / 10
        return np.full(len(test_lab), score), np.full(len(test_bg), 0.0), ["caching"] * len(test_lab)

    cuts = nested_thresholds(papers, len(bg), folds, method, 0.85)
    assert all(not lab and not b for lab, b in seen) and len(seen) == 5 * 4
    assert cuts == [pytest.approx(0.6)] * 5  # inner training sets hold 6 of the 10 papers
    scores, bg_scores = run_folds(papers, bg, folds, method)
    r = nested_relevance(scores, bg_scores, np.zeros(len(bg), dtype=bool), folds, cuts)
    assert r["all_background"]["recall"] == 1.0 and r["all_background"]["false_positives"] == 0
    assert r["clean_background"]["fpr"] == 0.0 and r["thresholds"] == cuts


def test_sample_labels_train_every_fold_and_are_reported_apart():
    from classifier.evaluate import Evaluation
    from tests.classifier.fakes import DictCache, TopicEncoder

    def papers(prefix, title, label, n):
        return [Paper(f"{prefix}{i}", f"{title} {i}", "llm inference", label) for i in range(n)]

    given = papers("q", "int4 quantization", "quantization", 6) + papers("c", "kv cache eviction", "caching", 6)
    sample = (papers("sq", "low-bit quantization", "quantization", 5) + papers("sc", "cache reuse", "caching", 5)
              + [Paper(f"si{i}", f"bird song {i}", "field recordings", "irrelevant") for i in range(4)]
              + [Paper("q0", "a duplicate of a given paper", "llm", "caching")])
    bg = [Paper(f"b{i}", f"galaxy survey {i}", "dark matter") for i in range(30)] + [Paper("si0", "bird song 0", "")]
    ev = Evaluation(given, bg, [("caching", "Prefix Caching", "reuse the kv cache")], TopicEncoder(),
                    DictCache(), k=3, extra=sample)
    assert ev.n_input == 12 and len(ev.papers) == 12 + 14  # the duplicate of a given paper is dropped
    assert len(ev.background) == 30  # a labelled sample paper is not background
    result = ev.run(0.5)
    emb = result["methods"]["embedding"]
    assert result["papers"] == 12 and result["sample_papers"] == 14
    assert emb["category"]["per_category"]["caching"]["support"] == 6
    assert emb["category_sample"]["per_category"]["caching"]["support"] == 5
    assert emb["category_all"]["per_category"]["caching"]["support"] == 11
    feed = emb["relevance_sample"]
    assert feed["in_scope"] == 10 and feed["papers"] == 10 + 4 + 30
    assert feed["recall"] == 1.0 and feed["false_positives"] == 0
    stopped = emb["prefilter_stopped"]
    assert stopped["in_scope"] == 0 and stopped["background"] + stopped["out_of_scope"] <= 34
