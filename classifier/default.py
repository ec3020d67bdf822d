"""The default classifier: shipped heads, extended by what the database knows.

The heads in ``classifier/data/heads.npz`` were fitted for the default model
from the shipped training data (``python -m classifier.refit``). They are
used as they are unless:

* the configured model differs from the one they were fitted for: the heads are
  refitted from the shipped data with the configured model (its embeddings are
  cached, so that happens once);
* the database holds human labels (list or maintainer) or papers referenced by
  the technique tables: the category head (its embedding and term models, with
  the shipped vocabulary) is refitted on the shipped labelled papers plus those
  (a few hundred rows: cheap).

Technique rows get their shipped reference papers (the hand-labelled papers of
``technique-labels.jsonl``, summed into the heads) by category and name, so a
list row named like a built-in row of the same category ("EAGLE", "PTQ") uses
them too; the list's own references add to them.

The relevance head needs the whole background, so it is not refitted at run
time: maintainers' rejections take effect at once by never being proposed
again, and in the relevance head when the heads are refitted with
``python -m classifier.refit --labels-db curator.db``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from catalogue.errors import BadInput
from catalogue.vocabulary import CATEGORIES
from classifier import model
from classifier.embed import Encoder, VectorCache, embed, paper_text
from classifier.pipeline import Classifier, fit_heads, paper_texts
from classifier.training import (HEADS, Paper, background, builtin_techniques, shipped_labels,
                                 technique_labelled, technique_text)

log = logging.getLogger(__name__)


@dataclass
class DbKnowledge:
    """What the database adds: technique rows, their referenced papers, human labels."""

    techniques: list[tuple[str, str, str]] = field(default_factory=list)
    ref_papers: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)


def _extra_papers(known: DbKnowledge, exclude: set[str]) -> list[Paper]:
    extra: dict[str, Paper] = {}
    for r in known.ref_papers:
        extra.setdefault(r["arxiv_id"], Paper(r["arxiv_id"], r["title"], r["abstract"], r["category"]))
    for r in known.labels:  # human labels win over technique references
        extra[r["arxiv_id"]] = Paper(r["arxiv_id"], r["title"], r["abstract"], r["label"])
    return [p for p in extra.values() if p.arxiv_id not in exclude]


def load_heads(encoder: Encoder, cache: VectorCache | None, path: Path = HEADS,
               extra: Sequence[Paper] = (), techniques: Sequence[tuple[str, str, str]] = ()) -> model.Heads:
    techniques = list(techniques) or builtin_techniques()
    shipped = shipped_labels()
    heads = model.Heads.load(path) if path.exists() else None
    if heads is None or heads.meta.get("model") != encoder.name:
        log.info("fitting heads for %s from the shipped data", encoder.name)
        return fit_heads(shipped + list(extra), background(), techniques, encoder, cache,
                         technique_refs=technique_labelled(papers=shipped))
    check_vocabulary(heads, path)
    if extra:
        refit_category(heads, [p for p in shipped + list(extra) if p.label in heads.categories],
                       techniques, encoder, cache)
    return heads


def check_vocabulary(heads: model.Heads, path: Path) -> None:
    """Heads fitted on other categories than the vocabulary's are refused (one line, exit 2)."""
    if tuple(heads.categories) != CATEGORIES:
        missing = [c for c in CATEGORIES if c not in heads.categories]
        extra = [c for c in heads.categories if c not in CATEGORIES]
        what = "; ".join(filter(None, [f"not fitted on {', '.join(missing)}" if missing else "",
                                       f"fitted on {', '.join(extra)}, which the vocabulary lacks" if extra else "",
                                       "" if missing or extra else "categories in another order"]))
        raise BadInput(f"{path}: the heads do not match the vocabulary ({what}); "
                       f"refit them with `python -m classifier.refit`")


def refit_category(heads: model.Heads, papers: Sequence[Paper], techniques: Sequence[tuple[str, str, str]],
                   encoder: Encoder, cache: VectorCache | None) -> None:
    """Refit the category head (both models, the vocabulary kept) on ``papers``
    and the technique rows."""
    texts = paper_texts(papers) + [technique_text(*t) for t in techniques]
    labels = [p.label for p in papers] + [t[0] for t in techniques]
    heads.cat_w, heads.cat_b = model.fit_category(embed(texts, encoder, cache), labels)
    if heads.uses_terms:
        heads.cat_v, heads.cat_vb = model.fit_category(heads.vocab.transform(texts), labels, C=model.TERM_C)


def build(encoder: Encoder, cache: VectorCache | None, known: DbKnowledge,
          threshold: float, heads_path: Path = HEADS) -> Classifier:
    techniques = known.techniques or builtin_techniques()
    shipped_ids = {p.arxiv_id for p in shipped_labels()}
    extra = _extra_papers(known, shipped_ids)
    heads = load_heads(encoder, cache, heads_path, extra, techniques)
    refs: dict[str, list[str]] = {}
    for r in known.ref_papers:
        refs.setdefault(r["technique"], []).append(paper_text(r["title"], r["abstract"]))
    return Classifier.with_techniques(heads, encoder, cache, techniques, refs,
                                      threshold=threshold)
