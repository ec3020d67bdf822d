"""Fixtures shared by the command-line tests."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def heads_file(tmp_path_factory) -> Path:
    """Classifier heads for the model-free hashing encoder, fitted once on a slice of the
    shipped data (``classifier.model = "hashing:512"``, ``classifier.heads`` = this file)."""
    from classifier.embed import HashingEncoder
    from classifier.pipeline import fit_heads
    from classifier.training import background, builtin_techniques, labelled

    path = tmp_path_factory.mktemp("heads") / "hashing.npz"
    heads = fit_heads(labelled(), background()[:800], builtin_techniques(), HashingEncoder(512))
    heads.save(path)
    return path
