"""Classifier persistence: the embedding cache and the papers' labels.

Vectors are stored as float32 blobs in ``embeddings`` keyed by (model,
text_hash). Labels are rows of ``paper_labels``; the classifier writes rows of
source ``classifier`` and reads those of ``list`` and ``maintainer``.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import sqlite_utils

from db.atomic import transaction

from db.runs import now_iso

_CHUNK = 500


class EmbeddingCache:
    """The ``embeddings`` table as a vector cache for ``classifier.embed``."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), _CHUNK):
            chunk = list(hashes[start:start + _CHUNK])
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(
                f"SELECT text_hash, dim, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
                [model, *chunk]).fetchall()
            for text_hash, dim, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.size == dim:
                    found[text_hash] = vector
        return found

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        rows = [(model, h, int(v.size), np.asarray(v, dtype=np.float32).tobytes())
                for h, v in vectors.items()]
        with transaction(self.db):
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
                rows)

    def count(self, model: str | None = None) -> int:
        if model is None:
            return self.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]


def technique_rows(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """(category, name, description) of every technique row, in a stable order."""
    return [tuple(r) for r in db.execute(
        "SELECT category, name, COALESCE(description, '') FROM techniques ORDER BY category, name").fetchall()]


def technique_ref_papers(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Papers the technique tables reference that have an abstract, with the technique."""
    rows = db.execute("""
        SELECT t.category, t.name, p.arxiv_id, p.title, p.abstract
        FROM technique_refs r
        JOIN techniques t ON t.id = r.technique_id
        JOIN papers p ON p.arxiv_id = r.arxiv_id
        WHERE p.title IS NOT NULL AND p.abstract IS NOT NULL AND p.abstract != ''
        ORDER BY t.category, t.name, p.arxiv_id""").fetchall()
    return [dict(zip(("category", "technique", "arxiv_id", "title", "abstract"), r)) for r in rows]


def human_labels(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Rank-1 labels of sources 'list' and 'maintainer' on papers with an abstract:
    accepted ones with their category, rejected ones with label 'irrelevant'."""
    rows = db.execute("""
        SELECT l.arxiv_id, p.title, p.abstract, l.category, l.status, l.source
        FROM paper_labels l JOIN papers p ON p.arxiv_id = l.arxiv_id
        WHERE l.source IN ('list', 'maintainer') AND l.rank = 1
          AND p.title IS NOT NULL AND p.abstract IS NOT NULL AND p.abstract != ''
          AND (l.status = 'rejected' OR l.category IS NOT NULL)
        ORDER BY l.arxiv_id, l.source""").fetchall()
    labels: dict[str, dict[str, Any]] = {}
    for arxiv_id, title, abstract, category, status, source in rows:
        label = "irrelevant" if status == "rejected" else category
        if status == "proposed":
            continue
        # a maintainer's decision overrides the list's
        if arxiv_id not in labels or source == "maintainer":
            labels[arxiv_id] = {"arxiv_id": arxiv_id, "title": title, "abstract": abstract, "label": label}
    return list(labels.values())


def papers_to_classify(db: sqlite_utils.Database, limit: int | None = None) -> list[dict[str, Any]]:
    """Papers with a title and an abstract that no classifier, list or maintainer label covers."""
    sql = """
        SELECT p.arxiv_id, p.title, p.abstract FROM papers p
        WHERE p.title IS NOT NULL AND p.title != '' AND p.abstract IS NOT NULL AND p.abstract != ''
          AND NOT EXISTS (SELECT 1 FROM paper_labels l WHERE l.arxiv_id = p.arxiv_id
                          AND l.source IN ('classifier', 'list', 'maintainer'))
        ORDER BY p.arxiv_id"""
    params: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(zip(("arxiv_id", "title", "abstract"), r)) for r in db.execute(sql, params).fetchall()]


def save_classifier_labels(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Insert classifier label rows (arxiv_id, category, technique, confidence,
    status, relevance, rank) in one transaction; a paper already labelled by the
    classifier at that rank is left alone. Returns the rows written."""
    stamp = now_iso()
    written = 0
    with transaction(db):
        for r in rows:
            cur = db.conn.execute("""
                INSERT INTO paper_labels
                    (arxiv_id, category, technique, confidence, source, status, relevance, rank, created, updated)
                VALUES (?, ?, ?, ?, 'classifier', ?, ?, ?, ?, ?)
                ON CONFLICT (arxiv_id, source, rank) DO NOTHING""",
                (r["arxiv_id"], r.get("category"), r.get("technique"), r.get("confidence"),
                 r["status"], r.get("relevance"), r.get("rank", 1), stamp, stamp))
            written += cur.rowcount
    return written
