"""``python -m classifier.refit``: refit the shipped classifier heads from the shipped training data.

The heads (``classifier/data/heads.npz``) are fitted on the labelled papers of
:mod:`classifier.training`, the arXiv sample as background and the built-in
technique rows, with the configured embedding model; embeddings are cached in
a SQLite file. Before the final fit, the relevance mix, its calibration and the
decision's two thresholds are chosen by cross-validation over the weeks of the
hand-labelled summer feed (:mod:`classifier.tuning`); the heads record them and
the figures, and the command prints them. The shipped defaults of
``classifier.relevance_threshold`` and ``classifier.add_threshold`` are the
thresholds chosen here (a test checks they agree). With ``--labels-db`` the
list's and maintainers' labels of a curator database join the training papers.
A rerun on the same data writes a byte-identical file.
"""
from __future__ import annotations

import argparse

from classifier.training import HEADS, Paper, background, builtin_techniques, shipped_labels, technique_labelled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refit the shipped classifier heads.")
    parser.add_argument("--cache-db", default=".eval-cache.db", help="embedding cache (SQLite)")
    parser.add_argument("--output", default=str(HEADS))
    parser.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--labels-db", default=None,
                        help="also learn from this database's list and maintainer labels")
    args = parser.parse_args(argv)
    from classifier.embed import make_encoder
    from classifier.pipeline import fit_tuned_heads
    from db import open_db
    from db.classify import EmbeddingCache

    encoder = make_encoder(args.model)
    papers = shipped_labels()
    if args.labels_db:
        from db.classify import human_labels

        known = {p.arxiv_id for p in papers}
        papers += [Paper(r["arxiv_id"], r["title"], r["abstract"], r["label"])
                   for r in human_labels(open_db(args.labels_db)) if r["arxiv_id"] not in known]
    heads, tuned = fit_tuned_heads(papers, background(), builtin_techniques(), encoder,
                                   EmbeddingCache(open_db(args.cache_db)), technique_refs=technique_labelled())
    heads.save(args.output)
    print(f"relevance: {tuned.emb_weight:g} of the embedding model's log-odds, calibrated "
          f"P = sigmoid({tuned.cal_a:.4f} z + {tuned.cal_b:.4f})")
    print(f"thresholds: add_threshold {tuned.add_threshold:g}, relevance_threshold {tuned.relevance_threshold:g}")
    print("cross-validated over the summer weeks: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                             for k, v in tuned.figures.items()))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
