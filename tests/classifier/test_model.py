"""The maths on vectors: fitting, decisions, second category, techniques, save/load."""
from __future__ import annotations

import numpy as np
import pytest

from classifier import model
from catalogue.vocabulary import CATEGORIES

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


def test_a_relevant_paper_keeps_its_two_likeliest_categories(heads):
    both = (_axis(0) + _axis(1) + 1.4 * _axis(10))
    both /= np.linalg.norm(both)
    [d] = model.decide(heads, np.stack([both]))
    assert {d.category, d.second} == {"quantization", "caching"}
    assert 0 < d.second_confidence <= d.confidence
    [single] = model.decide(heads, np.stack([(_axis(2) + _axis(10)) / np.sqrt(2)]))
    assert single.category == "sampling_optimization" and single.second not in (None, single.category)
    assert single.second_confidence < 0.5 * single.confidence


def test_relevance_is_the_calibrated_mix_of_both_models(heads):
    x = np.stack([(_axis(0) + _axis(10)) / np.sqrt(2)])
    raw = model.relevance_logits(heads, x)[0]
    assert model.relevance_scores(heads, x)[0] == pytest.approx(1 / (1 + np.exp(-raw)))
    heads.cal_a, heads.cal_b = 2.0, -1.0
    assert model.relevance_scores(heads, x)[0] == pytest.approx(1 / (1 + np.exp(-(2.0 * raw - 1.0))))


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


def test_technique_vectors_average_own_text_list_and_shipped_references():
    three = _axis(2) * 3  # the sum of three shipped reference vectors
    [t] = model.technique_vectors(np.stack([_axis(0)]), [("caching", "X")], [np.stack([_axis(1)])],
                                  {("caching", "X"): (three, 3), ("quantization", "X"): (_axis(5), 1)})
    # the mean of own text, one list reference and three shipped ones, made unit length
    expected = (_axis(0) + _axis(1) + three) / np.linalg.norm(_axis(0) + _axis(1) + three)
    assert np.allclose(t.vector, expected, atol=1e-6) and t.vector[5] == 0
    assert t.aliases == ("X",)


@pytest.mark.parametrize("name, aliases", [
    ("EAGLE", ("EAGLE",)),
    ("Data Parallelism (DP)", ("Data Parallelism (DP)", "Data Parallelism", "DP")),
    ("MoE / Sparse MoE", ("MoE / Sparse MoE", "MoE", "Sparse MoE")),
    ("Grammar-based Decoding (GBNF)", ("Grammar-based Decoding (GBNF)", "Grammar-based Decoding", "GBNF")),
])
def test_name_aliases_split_a_row_name_into_how_papers_write_it(name, aliases):
    assert model.name_aliases(name) == aliases


@pytest.mark.parametrize("text, aliases, expected", [
    ("We improve post-training quantization (PTQ) of LLMs.", ("PTQ",), True),
    ("Existing PTQs lose accuracy.", ("PTQ",), True),
    ("an adaptive ptq scheme", ("PTQ",), False),            # acronyms keep their case
    ("OPTQ and GPTQ", ("PTQ",), False),                      # and are whole words
    ("We quantize the KV-cache: KV cache quantization at 2 bits.", ("KV Cache Quantization",), True),
    ("Self-speculative decoding with Eagle-style heads", ("EAGLE",), True),
    ("Speculative decoding with a small draft model", ("EAGLE",), False),
    ("Mixture of experts with sparse MoEs", ("MoE", "Sparse MoE"), True),
])
def test_names_it(text, aliases, expected):
    assert model.names_it(text, aliases) is expected


def test_a_named_technique_wins_only_when_close_and_named():
    near, named = _axis(0), (_axis(0) * 0.95 + _axis(1) * 0.31)
    techniques = [model.Technique("sampling_optimization", "Speculative Decoding", near, ("Speculative Decoding",)),
                  model.Technique("sampling_optimization", "EAGLE", named / np.linalg.norm(named), ("EAGLE",))]
    x = _axis(0)
    assert model.nearest_technique(x, "sampling_optimization", techniques) == "Speculative Decoding"
    assert model.nearest_technique(x, "sampling_optimization", techniques, "EAGLE-3 drafts") == "EAGLE"
    assert model.nearest_technique(x, "sampling_optimization", techniques, "a draft model") == "Speculative Decoding"
    far = [techniques[0], model.Technique("sampling_optimization", "EAGLE", _axis(4), ("EAGLE",))]
    assert model.nearest_technique(x, "sampling_optimization", far, "EAGLE-3 drafts") == "Speculative Decoding"
    assert model.nearest_technique(x, "caching", techniques, "EAGLE") is None


def test_decide_passes_each_text_to_the_technique_choice(heads):
    techniques = [model.Technique("caching", "Prefix Caching", _axis(1), ("Prefix Caching",)),
                  model.Technique("caching", "KV Cache Offloading", _axis(1, 0.05, 3), ("KV Cache Offloading",))]
    x = (_axis(1) + _axis(10)) / np.sqrt(2)
    plain, named = model.decide(heads, np.stack([x, x]), techniques, threshold=0.5,
                                texts=["a cache", "we offload: KV cache offloading to CPU"])
    assert plain.technique == "Prefix Caching" and named.technique == "KV Cache Offloading"


def test_shipped_references_round_trip_through_npz(heads, tmp_path):
    heads.ref_keys = ("caching:A", "structured_outputs:FSM / CFG")
    heads.ref_sums, heads.ref_counts = np.stack([_axis(0), 2 * _axis(1)]), np.array([1, 2])
    try:
        heads.save(tmp_path / "h.npz")
        refs = model.Heads.load(tmp_path / "h.npz").shipped_refs()
        assert set(refs) == {("caching", "A"), ("structured_outputs", "FSM / CFG")}
        count = refs[("structured_outputs", "FSM / CFG")][1]
        assert count == 2 and np.allclose(refs[("structured_outputs", "FSM / CFG")][0], 2 * _axis(1))
    finally:
        heads.ref_keys, heads.ref_sums, heads.ref_counts = (), None, None
    heads.save(tmp_path / "plain.npz")
    assert model.Heads.load(tmp_path / "plain.npz").shipped_refs() == {}


def test_reference_sums_add_up_each_rows_papers():
    refs = model.reference_sums([("caching", "A"), ("pruning", "A"), ("caching", "A")],
                                np.stack([_axis(0), _axis(1), _axis(2)]))
    assert set(refs) == {("caching", "A"), ("pruning", "A")}
    assert refs[("caching", "A")][1] == 2 and np.allclose(refs[("caching", "A")][0], _axis(0) + _axis(2))
    assert model.reference_sums([], np.zeros((0, DIM))) == {}
