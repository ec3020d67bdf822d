"""Embedding cache and classifier labels in the database."""
from __future__ import annotations

import numpy as np
import pytest

from db.classify import (EmbeddingCache, human_labels, papers_to_classify, save_classifier_labels,
                         technique_ref_papers, technique_rows)

NOW = "2026-06-30T00:00:00Z"


def _paper(db, arxiv_id, title="T", abstract="A"):
    db["papers"].insert({"arxiv_id": arxiv_id, "title": title, "abstract": abstract,
                         "first_seen": NOW, "last_seen": NOW})


def _label(db, arxiv_id, source, status, category=None, rank=1):
    db["paper_labels"].insert({"arxiv_id": arxiv_id, "category": category, "source": source,
                               "status": status, "rank": rank, "created": NOW, "updated": NOW})


def test_cache_stores_float32_blobs_by_model_and_hash(mem_db):
    cache = EmbeddingCache(mem_db)
    v = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    cache.put_many("m1", {"h1": v})
    row = mem_db.execute("SELECT model, text_hash, dim, length(vector) FROM embeddings").fetchone()
    assert row == ("m1", "h1", 3, 12)
    assert np.array_equal(cache.get_many("m1", ["h1", "h2"])["h1"], v)
    assert cache.get_many("m2", ["h1"]) == {}
    assert cache.count("m1") == 1 and cache.count() == 1


def test_cache_reads_many_hashes_in_chunks(mem_db):
    cache = EmbeddingCache(mem_db)
    vectors = {f"h{i}": np.full(4, i, dtype=np.float32) for i in range(1203)}
    cache.put_many("m", vectors)
    found = cache.get_many("m", list(vectors))
    assert len(found) == 1203 and found["h1202"][0] == 1202


def test_papers_to_classify_skips_labelled_and_abstractless(mem_db):
    for pid in ("1", "2", "3", "4", "5"):
        _paper(mem_db, pid)
    _paper(mem_db, "6", abstract="")
    _label(mem_db, "2", "classifier", "rejected")
    _label(mem_db, "3", "maintainer", "rejected")
    _label(mem_db, "4", "list", "accepted", "caching")
    assert [p["arxiv_id"] for p in papers_to_classify(mem_db)] == ["1", "5"]
    assert [p["arxiv_id"] for p in papers_to_classify(mem_db, limit=1)] == ["1"]


def test_save_classifier_labels_writes_once(mem_db):
    _paper(mem_db, "1")
    rows = [{"arxiv_id": "1", "category": "caching", "technique": "Prefix Caching", "confidence": 0.9,
             "status": "proposed", "relevance": 0.97, "rank": 1},
            {"arxiv_id": "1", "category": "quantization", "confidence": 0.6, "status": "proposed",
             "relevance": 0.97, "rank": 2}]
    assert save_classifier_labels(mem_db, rows) == 2
    assert save_classifier_labels(mem_db, rows) == 0
    got = mem_db.execute("SELECT category, technique, source, status, rank FROM paper_labels ORDER BY rank").fetchall()
    assert got == [("caching", "Prefix Caching", "classifier", "proposed", 1),
                   ("quantization", None, "classifier", "proposed", 2)]


def test_confidence_outside_unit_interval_is_refused(mem_db):
    import sqlite3

    _paper(mem_db, "1")
    with pytest.raises(sqlite3.IntegrityError):
        save_classifier_labels(mem_db, [{"arxiv_id": "1", "status": "proposed", "confidence": 1.5}])
    assert mem_db.execute("SELECT COUNT(*) FROM paper_labels").fetchone()[0] == 0


def test_human_labels_maintainer_wins_and_rejections_are_irrelevant(mem_db):
    for pid in ("1", "2", "3"):
        _paper(mem_db, pid, title=f"title {pid}", abstract=f"abstract {pid}")
    _label(mem_db, "1", "list", "accepted", "caching")
    _label(mem_db, "1", "maintainer", "accepted", "quantization")
    _label(mem_db, "2", "maintainer", "rejected")
    _label(mem_db, "3", "classifier", "proposed", "caching")
    got = {r["arxiv_id"]: r["label"] for r in human_labels(mem_db)}
    assert got == {"1": "quantization", "2": "irrelevant"}


def test_technique_rows_and_referenced_papers(mem_db):
    mem_db["techniques"].insert({"id": 1, "category": "caching", "name": "Prefix Caching", "description": "d"})
    mem_db["techniques"].insert({"id": 2, "category": "quantization", "name": "AWQ", "description": None})
    _paper(mem_db, "2306.00978", title="AWQ", abstract="activation-aware")
    mem_db["technique_refs"].insert({"technique_id": 2, "url": "https://arxiv.org/abs/2306.00978",
                                     "arxiv_id": "2306.00978"})
    assert technique_rows(mem_db) == [("caching", "Prefix Caching", "d"), ("quantization", "AWQ", "")]
    [ref] = technique_ref_papers(mem_db)
    assert ref["technique"] == "AWQ" and ref["category"] == "quantization" and ref["abstract"] == "activation-aware"
