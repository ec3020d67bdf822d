"""The packaged model loads offline and the shipped heads classify three known papers
(category and technique row).

Marked ``model``: they load all-MiniLM-L6-v2 (a few seconds on a CPU) and run in CI.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

pytestmark = pytest.mark.model

PAPERS = [
    ("AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration",
     "Large language models (LLMs) have shown excellent performance on various tasks, but the astronomical "
     "model size raises the hardware barrier for serving (memory size) and slows down token generation "
     "(memory bandwidth). We propose Activation-aware Weight Quantization (AWQ), a hardware-friendly approach "
     "for LLM low-bit weight-only quantization. AWQ finds that not all weights in an LLM are equally "
     "important: protecting only 1% salient weights can greatly reduce quantization error.",
     "quantization", "AWQ"),
    ("H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
     "Large Language Models are costly to deploy, largely because of the KV cache, which scales linearly "
     "with sequence length and batch size. We find that a small portion of tokens contributes most of the "
     "value when computing attention scores (heavy hitters). We propose Heavy Hitter Oracle (H2O), a KV "
     "cache eviction policy that dynamically retains a balance of recent and heavy-hitter tokens.",
     "caching", "KV Cache Compression"),
    ("Fast Inference from Transformers via Speculative Decoding",
     "Inference from large autoregressive models like Transformers is slow - decoding K tokens takes K "
     "serial runs of the model. We introduce speculative decoding - an algorithm to sample from "
     "autoregressive models faster without any changes to the outputs, by computing several tokens in "
     "parallel. Approximation models propose tokens that the target model verifies in parallel.",
     "sampling_optimization", "Speculative Decoding"),
]
OFF_TOPIC = ("A survey of coral reef bleaching events in the Indian Ocean",
             "We compile satellite sea-surface temperature records and field surveys to quantify coral "
             "bleaching across the Indian Ocean between 1998 and 2020.")


@pytest.fixture(scope="module")
def classifier():
    from classifier.default import DbKnowledge, build
    from classifier.embed import SentenceEncoder
    from db import open_db
    from db.classify import EmbeddingCache

    os.environ["HF_HUB_OFFLINE"] = "1"
    return build(SentenceEncoder(), EmbeddingCache(open_db(None)), DbKnowledge(), 0.4)


def test_packaged_model_embeds_offline(classifier):
    v = classifier.vectors([PAPERS[0][:2]])
    assert v.shape == (1, 384) and np.isclose(np.linalg.norm(v[0]), 1.0, atol=1e-4)


def test_three_known_papers_get_their_category(classifier):
    decisions = classifier.classify([(t, a) for t, a, _, _ in PAPERS])
    assert all(d.relevant for d in decisions)
    assert [(d.category, d.technique) for d in decisions] == [(c, t) for _, _, c, t in PAPERS]


def test_an_off_topic_paper_is_not_relevant(classifier):
    [d] = classifier.classify([OFF_TOPIC])
    assert not d.relevant and d.category is None
