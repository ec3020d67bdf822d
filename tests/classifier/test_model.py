"""The maths on vectors: fitting, decisions, second category, techniques, save/load."""
from __future__ import annotations

import numpy as np
import pytest

from classifier import model
from curator.config import CATEGORIES

DIM = 12


def _axis(i: int, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[i] = 1.0
    v += np.random.default_rng(seed).normal(0, noise, DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def heads() -> model.Heads:
    # categories 0..2 live on axes 0..2 plus a shared "in scope" axis 10; negatives on axis 11
    cats = ["quantization", "caching", "sampling_optimization"]
    X_pos, y = [], []
    for c, cat in enumerate(cats):
        for s in range(8):
            v = _axis(c, 0.1, s + 10 * c) + _axis(10)
            X_pos.append(v / np.linalg.norm(v))
            y.append(cat)
    X_neg = np.stack([_axis(11, 0.2, 100 + s) for s in range(40)])
    return model.fit(np.stack(X_pos), y, X_neg)


def test_relevance_separates_in_scope_from_background(heads):
    inside = (_axis(0) + _axis(10)) / np.sqrt(2)
    outside = _axis(11)
    scores = model.relevance_scores(heads, np.stack([inside, outside]))
    assert scores[0] > 0.8 > 0.2 > scores[1]


def test_category_unseen_categories_never_win(heads):
    probs = model.category_probs(heads, np.stack([_axis(5)]))
    seen = [CATEGORIES.index(c) for c in ("quantization", "caching", "sampling_optimization")]
    assert probs[0, seen].sum() == pytest.approx(1.0, abs=1e-6)


def test_decide_gives_category_technique_and_confidence(heads):
    techniques = [model.Technique("caching", "Prefix Caching", _axis(1)),
                  model.Technique("caching", "KV Cache Offloading", _axis(3)),
                  model.Technique("quantization", "GPTQ", _axis(1))]
    x = (_axis(1) + _axis(10)) / np.sqrt(2)
    [d] = model.decide(heads, np.stack([x]), techniques, threshold=0.5)
    assert d.relevant and d.category == "caching" and d.technique == "Prefix Caching"
    assert 0.5 < d.confidence <= 1.0


def test_not_relevant_has_no_category(heads):
    [d] = model.decide(heads, np.stack([_axis(11)]), threshold=0.5)
    assert not d.relevant and d.category is None and d.technique is None and d.relevance < 0.5


def test_second_category_only_when_close(heads):
    both = (_axis(0) + _axis(1) + 1.4 * _axis(10))
    both /= np.linalg.norm(both)
    [d] = model.decide(heads, np.stack([both]), second_ratio=0.6)
    assert {d.category, d.second} == {"quantization", "caching"}
    [single] = model.decide(heads, np.stack([(_axis(2) + _axis(10)) / np.sqrt(2)]), second_ratio=0.6)
    assert single.category == "sampling_optimization" and single.second is None


def test_threshold_moves_the_decision(heads):
    x = np.stack([(_axis(0) + _axis(10)) / np.sqrt(2)])
    score = model.relevance_scores(heads, x)[0]
    assert model.decide(heads, x, threshold=score - 1e-3)[0].relevant
    assert not model.decide(heads, x, threshold=min(1.0, score + 1e-3))[0].relevant


def test_heads_round_trip_through_npz(heads, tmp_path):
    heads.meta["model"] = "fake"
    heads.save(tmp_path / "h.npz")
    loaded = model.Heads.load(tmp_path / "h.npz")
    assert loaded.categories == CATEGORIES and loaded.meta["model"] == "fake"
    X = np.stack([_axis(i) for i in range(DIM)])
    assert np.allclose(model.category_probs(loaded, X), model.category_probs(heads, X), atol=1e-5)
    assert np.allclose(model.relevance_scores(loaded, X), model.relevance_scores(heads, X), atol=1e-5)


def test_technique_vectors_blend_own_text_and_references():
    [t] = model.technique_vectors(np.stack([_axis(0)]), [("caching", "X")], [np.stack([_axis(1)])])
    assert np.isclose(np.linalg.norm(t.vector), 1.0) and t.vector[0] == pytest.approx(t.vector[1])
    [plain] = model.technique_vectors(np.stack([_axis(0)]), [("caching", "Y")], [None])
    assert np.allclose(plain.vector, _axis(0))


def test_decide_on_nothing_is_nothing(heads):
    assert model.decide(heads, np.zeros((0, DIM), dtype=np.float32)) == []
