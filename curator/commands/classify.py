"""`curator classify`: decide which papers belong in the list, and where.

Without options it labels the papers of the database that nobody has labelled
yet (rows of source ``classifier`` in ``paper_labels``). With ``--input`` and
``--output`` it classifies a JSON-lines file instead (the database only serves
as embedding cache and source of extra labels, so a new one works).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import click

from curator.app import pass_app

CHUNK = 128  # papers per step of the progress bar; each paper is decided on its own


def _classifier(app):
    from classifier.default import DbKnowledge, build
    from classifier.embed import make_encoder
    from classifier.training import HEADS
    from db.classify import EmbeddingCache, human_labels, technique_ref_papers, technique_rows

    cfg = app.config["classifier"]
    # the model's own loading bars are noise beside ours (read when huggingface_hub is first imported)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    known = DbKnowledge(technique_rows(app.db), technique_ref_papers(app.db), human_labels(app.db))
    encoder = make_encoder(cfg["model"], cfg["batch_size"])
    return build(encoder, EmbeddingCache(app.db), known, cfg["relevance_threshold"],
                 cfg["second_category_ratio"], Path(cfg["heads"]) if cfg["heads"] else HEADS)


def _decide(app, clf, papers: list[tuple[str, str]]) -> list:
    """The classifier's decisions, a chunk at a time so a progress bar can follow (on a terminal)."""
    decisions: list = []
    bar = click.progressbar(length=len(papers), label="classify", file=sys.stderr, show_pos=True) \
        if app.show_progress else None
    with bar if bar is not None else nullcontext():
        for start in range(0, len(papers), CHUNK):
            chunk = papers[start:start + CHUNK]
            decisions += clf.classify(chunk)
            if bar is not None:
                bar.update(len(chunk))
    return decisions


def _write_atomic(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(line + "\n" for line in lines)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _rows_for_db(paper_id: str, d, floor: float) -> list[dict]:
    if not d.relevant:
        return [{"arxiv_id": paper_id, "status": "rejected", "relevance": d.relevance, "rank": 1}]
    rows = [{"arxiv_id": paper_id, "category": d.category, "technique": d.technique,
             "confidence": d.confidence, "status": "proposed", "relevance": d.relevance, "rank": 1}]
    if d.second and d.second_confidence >= floor:
        rows.append({"arxiv_id": paper_id, "category": d.second, "technique": None,
                     "confidence": d.second_confidence, "status": "proposed",
                     "relevance": d.relevance, "rank": 2})
    return rows


@click.command("classify", short_help="Decide relevance, category and technique of new papers.")
@click.option("--input", "input_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON lines with arxiv_id, title, abstract (instead of the database).")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write one JSON line per input paper (with --input).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Classify at most N papers.")
@pass_app
def classify(app, input_path: Path | None, output_path: Path | None, limit: int | None) -> None:
    """Classify new papers: relevance, category, technique, confidence."""
    from catalogue.errors import BadInput

    if (input_path is None) != (output_path is None):
        raise BadInput("classify: --input and --output go together")
    if input_path is not None:
        _classify_file(app, input_path, output_path, limit)
        return
    from db.classify import papers_to_classify, save_classifier_labels

    floor = app.config["classifier"]["low_confidence_floor"]
    with app.run("classify") as run:
        papers = papers_to_classify(app.db, limit)
        if not papers:
            app.echo("classify: no unlabelled papers")
            return
        clf = _classifier(app)
        decisions = _decide(app, clf, [(p["title"], p["abstract"]) for p in papers])
        rows = [r for p, d in zip(papers, decisions) for r in _rows_for_db(p["arxiv_id"], d, floor)]
        save_classifier_labels(app.db, rows)
        proposed = sum(d.relevant for d in decisions)
        run.add("classified", len(papers))
        run.add("proposed", proposed)
        app.echo(f"classify: {len(papers)} papers, {proposed} proposed, {len(papers) - proposed} not relevant")


def _classify_file(app, input_path: Path, output_path: Path, limit: int | None) -> None:
    from classifier.training import BadRecord, read_jsonl
    from catalogue.errors import BadInput

    try:
        rows = read_jsonl(input_path)
    except BadRecord as exc:
        raise BadInput(str(exc)) from None
    if limit is not None:
        rows = rows[:limit]
    with app.run("classify --input") as run:
        clf = _classifier(app)
        decisions = _decide(app, clf, [(r["title"], r["abstract"]) for r in rows])
        lines = [json.dumps({"arxiv_id": r["arxiv_id"], "relevant": d.relevant,
                             "relevance": round(d.relevance, 4), "category": d.category,
                             "technique": d.technique,
                             "confidence": round(d.confidence, 4) if d.relevant else round(1 - d.relevance, 4)},
                            ensure_ascii=False)
                 for r, d in zip(rows, decisions)]
        _write_atomic(output_path, lines)
        run.add("classified", len(rows))
        proposed = sum(d.relevant for d in decisions)
        app.echo(f"classify: {len(rows)} papers, {proposed} relevant -> {output_path}")
