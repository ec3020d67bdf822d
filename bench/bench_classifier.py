"""Speed of the classifier's embedding step on abstracts of the shipped sample.

    /work/venv/bin/python bench/bench_classifier.py [--n 5000] [--batch-size 64]

Prints: time per 1,000 papers through ``classifier.embed.embed`` with the
database cache (cold, in a fresh temporary database), the ratio to a bare
``SentenceTransformer.encode`` of the same texts, the warm-cache second run as
a share of the first, the time of the classification heads themselves, and a
whole cold classification in another fresh database, where the pre-filter
leaves papers it stops unembedded.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    from classifier.default import DbKnowledge, build
    from classifier.embed import SentenceEncoder, embed, paper_text
    from classifier.training import background
    from catalogue.settings import DEFAULTS
    from db import open_db
    from db.classify import EmbeddingCache

    papers = background()[: args.n]
    texts = [paper_text(p.title, p.abstract) for p in papers]
    encoder = SentenceEncoder(batch_size=args.batch_size)
    model = encoder.model  # load once, outside every timing
    model.encode(texts[:32], batch_size=args.batch_size)  # warm up kernels

    t0 = time.perf_counter()
    model.encode(texts, batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                 show_progress_bar=False)
    bare = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        cache = EmbeddingCache(db)
        t0 = time.perf_counter()
        embed(texts, encoder, cache)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        embed(texts, encoder, cache)
        warm = time.perf_counter() - t0
        settings = DEFAULTS["classifier"]
        clf = build(encoder, cache, DbKnowledge(), settings["relevance_threshold"])
        t0 = time.perf_counter()
        decisions = clf.classify([(p.title, p.abstract) for p in papers])
        decide = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(open_db(Path(tmp) / "bench.db"))
        clf = build(encoder, cache, DbKnowledge(), settings["relevance_threshold"])
        t0 = time.perf_counter()
        clf.classify([(p.title, p.abstract) for p in papers])
        whole = time.perf_counter() - t0
        embedded = cache.count(encoder.name) - len(clf.techniques)

    n = len(texts)
    print(f"papers: {n} (threads: {os.cpu_count()} cpus, batch size {args.batch_size})")
    print(f"bare SentenceTransformer.encode: {bare:.1f} s = {1000 * bare / n:.1f} s per 1,000")
    print(f"curator embed, cold cache:        {cold:.1f} s = {1000 * cold / n:.1f} s per 1,000")
    print(f"ratio cold / bare:                {cold / bare:.3f} (target <= 1.15)")
    print(f"curator embed, warm cache:        {warm:.2f} s = {100 * warm / cold:.2f}% of cold (target <= 5%)")
    print(f"classify from warm cache (heads + techniques): {decide:.2f} s, "
          f"{sum(d.relevant for d in decisions)} of {n} relevant")
    print(f"classify, cold cache, pre-filter on: {whole:.1f} s = {1000 * whole / n:.1f} s per 1,000 "
          f"({embedded} of {n} papers embedded)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
