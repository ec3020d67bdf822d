"""Term features and the term half of the heads, without any embedding model."""
from __future__ import annotations

import numpy as np
import pytest

from classifier import model
from classifier.pipeline import fit_heads
from classifier.terms import empty_vocabulary, fit_vocabulary
from classifier.training import Paper
from tests.classifier.fakes import DictCache, TopicEncoder

TEXTS = ["kv cache eviction for llm serving", "kv cache compression", "speculative decoding with a draft",
         "speculative decoding trees", "bird migration", "bird songs"]


def test_vocabulary_matches_a_tfidf_vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vocab = fit_vocabulary(TEXTS)
    assert "kv cache" in vocab.terms.tolist() and "the" not in vocab.terms.tolist()
    reference = TfidfVectorizer(min_df=2, sublinear_tf=True, ngram_range=(1, 2), stop_words="english").fit(TEXTS)
    probe = ["kv cache for speculative decoding of birds"]
    assert np.allclose(vocab.transform(probe).toarray(), reference.transform(probe).toarray(), atol=1e-6)


def test_vocabulary_of_nothing_is_empty_and_transforms_to_no_columns():
    assert len(fit_vocabulary([])) == 0
    assert len(fit_vocabulary(["once only"])) == 0
    assert empty_vocabulary().transform(["anything"]).shape == (1, 0)


def _papers() -> tuple[list[Paper], list[Paper]]:
    pos = [Paper(f"q{i}", f"int4 quantization of llm number {i}", "low-bit inference", "quantization") for i in range(6)]
    pos += [Paper(f"c{i}", f"kv cache eviction for llm serving {i}", "cache", "caching") for i in range(6)]
    bg = [Paper(f"b{i}", f"bird migration study {i}", "field data on birds") for i in range(30)]
    return pos, bg


def test_heads_with_terms_round_trip_and_need_the_terms(tmp_path):
    pos, bg = _papers()
    enc = TopicEncoder()
    heads = fit_heads(pos, bg, [("caching", "Prefix Caching", "reuse the kv cache")], enc, DictCache())
    assert heads.uses_terms and heads.meta["terms"] == str(len(heads.vocab))
    heads.save(tmp_path / "h.npz")
    loaded = model.Heads.load(tmp_path / "h.npz")
    texts = ["int4 quantization of a model", "kv cache eviction", "bird study"]
    X, T = enc.encode(texts), loaded.vocab.transform(texts)
    assert np.allclose(model.relevance_scores(loaded, X, T), model.relevance_scores(heads, X, T), atol=1e-5)
    assert np.allclose(model.category_probs(loaded, X, T), model.category_probs(heads, X, T), atol=1e-5)
    # the term model moves the score: the same vectors without the words score differently
    no_words = heads.vocab.transform([""] * 3)
    assert not np.allclose(model.relevance_scores(heads, X, T), model.relevance_scores(heads, X, no_words))


def test_relevance_is_the_mean_of_both_log_odds():
    X = np.eye(3, dtype=np.float32)
    heads = model.Heads(rel_w=np.array([1.0, 0.0, 0.0], np.float32), rel_b=0.0,
                        cat_w=np.zeros((10, 3), np.float32), cat_b=np.zeros(10, np.float32),
                        vocab=fit_vocabulary(["a term", "a term"]), rel_v=np.array([3.0], np.float32),
                        rel_vb=-1.0, cat_v=np.zeros((10, 1), np.float32), cat_vb=np.zeros(10, np.float32))
    T = heads.vocab.transform(["term", "", ""])
    z = np.array([(1 + 3 - 1) / 2, (0 - 1) / 2, (0 - 1) / 2])
    assert np.allclose(model.relevance_scores(heads, X, T), 1 / (1 + np.exp(-z)))
    assert np.allclose(model.category_probs(heads, X, T), 0.1)


def test_the_prefilter_stops_papers_without_embedding_them():
    from classifier.pipeline import Classifier

    enc = TopicEncoder()
    dim = enc.encode(["x"]).shape[1]
    heads = model.Heads(rel_w=np.zeros(dim, np.float32), rel_b=4.0,
                        cat_w=np.zeros((10, dim), np.float32), cat_b=np.arange(10, dtype=np.float32),
                        vocab=fit_vocabulary(["term", "term"]), rel_v=np.array([3.0], np.float32),
                        rel_vb=-5.0, cat_v=np.zeros((10, 1), np.float32), cat_vb=np.zeros(10, np.float32))
    clf = Classifier(heads, enc, threshold=0.5)
    enc.calls.clear()
    stopped, kept = clf.classify([("bird songs", "no such word"), ("a term", "of art")])
    assert enc.calls == [["a term. of art"]]  # only the paper the term model lets through
    assert not stopped.relevant and stopped.relevance == pytest.approx(1 / (1 + np.exp(5.0)))
    # kept: log-odds (4 + (3 - 5)) / 2 = 1 -> relevant, top category the last one
    assert kept.relevant and kept.relevance == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert kept.category == heads.categories[-1]


def test_database_labels_refit_both_category_models_and_keep_the_vocabulary(tmp_path):
    from classifier.default import load_heads

    pos, bg = _papers()
    enc, cache = TopicEncoder(), DictCache()
    fitted = fit_heads(pos, bg, [("caching", "Prefix Caching", "reuse the kv cache")], enc, cache)
    fitted.meta["model"] = enc.name
    fitted.save(tmp_path / "h.npz")
    extra = [Paper(f"p{i}", f"tensor parallel llm serving {i}", "parallel inference", "parallelism")
             for i in range(4)]
    heads = load_heads(enc, cache, tmp_path / "h.npz", extra)
    assert heads.uses_terms and heads.vocab.terms.tolist() == fitted.vocab.terms.tolist()
    assert heads.cat_v.shape == fitted.cat_v.shape and not np.allclose(heads.cat_v, fitted.cat_v)
    assert np.array_equal(heads.rel_v, fitted.rel_v)  # relevance is not refitted at run time
