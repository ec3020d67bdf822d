"""Shared fixtures. Tests never reach the network: real clients talk to local fakes."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# The embedding model ships inside a package; never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def mem_db():
    from db import open_db

    return open_db(None)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
