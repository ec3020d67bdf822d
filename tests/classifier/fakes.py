"""A deterministic stand-in for the embedding model: one axis per topic word
family plus a hashed remainder, so tests control which texts look alike."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from classifier.embed import HashingEncoder, normalise

TOPICS = {
    "quantization": ("quantiz", "low-bit", "int4"),
    "caching": ("kv cache", "cache", "eviction"),
    "sampling_optimization": ("speculative", "draft"),
    "parallelism": ("parallel",),
    "llm": ("llm", "language model", "inference", "serving"),
}


class TopicEncoder:
    """Counts what it encodes, so cache behaviour can be asserted."""

    def __init__(self, name: str = "fake-topics"):
        self.name = name
        self.calls: list[list[str]] = []
        self._rest = HashingEncoder(16)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        topical = np.array([[3.0 * sum(t.lower().count(w) for w in words) for words in TOPICS.values()]
                            for t in texts], dtype=np.float32)
        return normalise(np.hstack([topical, 0.3 * self._rest.encode(texts)]))

    @property
    def encoded(self) -> int:
        return sum(len(c) for c in self.calls)


class DictCache:
    """An in-memory vector cache."""

    def __init__(self):
        self.store: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model, hashes):
        return {h: self.store[(model, h)] for h in hashes if (model, h) in self.store}

    def put_many(self, model, vectors):
        for h, v in vectors.items():
            self.store[(model, h)] = v
