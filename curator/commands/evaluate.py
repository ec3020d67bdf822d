"""`curator evaluate`: cross-validated quality figures of the classifier.

Labelled papers come from ``--input``; the shipped arXiv sample is the
background of out-of-scope papers. Embeddings are cached in the database, so a
second run encodes nothing.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from curator.app import pass_app


@click.command("evaluate", short_help="Cross-validate the classifier: precision, recall, F1.")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON lines with arxiv_id, title, abstract and label (a category or 'irrelevant').")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--baselines", is_flag=True,
              help="Also run keyword rules and TF-IDF + logistic regression, and pick each fold's "
                   "relevance threshold from the other folds alone (slower).")
@click.option("--folds", type=click.IntRange(min=2, max=20), default=5, show_default=True)
@click.option("--background", "background_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Background JSON lines (default: the shipped arXiv sample).")
@click.option("--sample-labels/--no-sample-labels", default=True, show_default=True,
              help="Also cross-validate the hand-labelled papers of the shipped arXiv sample "
                   "(they train every fold; their figures are reported apart).")
@pass_app
def evaluate(app, input_path: Path, as_json: bool, baselines: bool, folds: int,
             background_path: Path | None, sample_labels: bool) -> None:
    """Cross-validate relevance and category; print precision, recall, F1."""
    from classifier.embed import make_encoder
    from classifier.evaluate import Evaluation
    from classifier.report import as_text
    from classifier.training import (BACKGROUND, BadRecord, background, builtin_techniques, labelled,
                                     sample_labelled)
    from catalogue.errors import BadInput
    from db.classify import EmbeddingCache, technique_rows

    try:
        papers = labelled(input_path)
        bg = background(background_path or BACKGROUND)
        extra = sample_labelled() if sample_labels else []
    except BadRecord as exc:
        raise BadInput(str(exc)) from None
    if len({p.label for p in papers}) < 2 or len(papers) < folds:
        raise BadInput(f"{input_path}: need at least {folds} papers and two labels to cross-validate")
    cfg = app.config["classifier"]
    with app.run("evaluate"):
        techniques = technique_rows(app.db) or builtin_techniques()
        ev = Evaluation(papers, bg, techniques, make_encoder(cfg["model"], cfg["batch_size"]),
                        EmbeddingCache(app.db), k=folds, extra=extra)
        result = ev.run(cfg["relevance_threshold"], baselines=baselines, nested=baselines)
    result["model"] = cfg["model"]
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(as_text(result))
