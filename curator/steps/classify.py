"""Step ``classify``: decide which papers belong in the list, and where.

:func:`classify` labels the papers of the database that the classifier has not
labelled yet (rows of source ``classifier`` in ``paper_labels``);
:func:`classify_file` classifies a JSON-lines file instead (the database only
serves as embedding cache and source of extra labels, so a new one works).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from catalogue.errors import BadInput
from curator.steps import StepResult, from_run

CHUNK = 128  # papers per step of the progress callback; each paper is decided on its own


def build_classifier(app):
    """The configured classifier, with what the database knows (technique rows, references, human labels)."""
    from classifier.default import DbKnowledge, build
    from classifier.embed import make_encoder
    from classifier.training import HEADS
    from db.classify import EmbeddingCache, human_labels, technique_ref_papers, technique_rows

    cfg = app.config["classifier"]
    heads = Path(cfg["heads"]) if cfg["heads"] else HEADS
    if cfg["heads"] and not heads.is_file():
        raise BadInput(f"classifier.heads: no heads file at {heads} (write one with `python -m classifier.refit "
                       f"--output {heads}`, or leave the setting empty for the shipped heads)")
    # the model's own loading bars are noise beside ours (read when huggingface_hub is first imported)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    known = DbKnowledge(technique_rows(app.db), technique_ref_papers(app.db), human_labels(app.db))
    encoder = make_encoder(cfg["model"], cfg["batch_size"])
    return build(encoder, EmbeddingCache(app.db), known, cfg["relevance_threshold"], heads)


def decide(app, clf, papers: list[tuple[str, str]]) -> list:
    """The classifier's decisions, a chunk at a time so a progress bar can follow."""
    decisions: list = []
    with app.progress("classify", len(papers)) as progress:
        for start in range(0, len(papers), CHUNK):
            chunk = papers[start:start + CHUNK]
            decisions += clf.classify(chunk)
            progress.advance(len(chunk))
    return decisions


def rows_for_db(paper_id: str, d) -> list[dict]:
    """A relevant paper's two likeliest categories (ranks 1 and 2), or its rejection."""
    if not d.relevant:
        return [{"arxiv_id": paper_id, "status": "rejected", "relevance": d.relevance, "rank": 1}]
    rows = [{"arxiv_id": paper_id, "category": d.category, "technique": d.technique,
             "confidence": d.confidence, "status": "proposed", "relevance": d.relevance, "rank": 1}]
    if d.second:
        rows.append({"arxiv_id": paper_id, "category": d.second, "technique": None,
                     "confidence": d.second_confidence, "status": "proposed",
                     "relevance": d.relevance, "rank": 2})
    return rows


def classify(app, *, limit: int | None = None) -> StepResult:
    from db.classify import papers_to_classify, save_classifier_labels

    with app.run("classify") as run:
        papers = papers_to_classify(app.db, limit)
        if not papers:
            return from_run(run, "classify: no unlabelled papers")
        clf = build_classifier(app)
        decisions = decide(app, clf, [(p["title"], p["abstract"]) for p in papers])
        rows = [r for p, d in zip(papers, decisions) for r in rows_for_db(p["arxiv_id"], d)]
        save_classifier_labels(app.db, rows)
        proposed = sum(d.relevant for d in decisions)
        run.add("classified", len(papers))
        run.add("proposed", proposed)
        return from_run(run, f"classify: {len(papers)} papers, {proposed} proposed, "
                             f"{len(papers) - proposed} not relevant")


def read_input(input_path: Path, limit: int | None) -> list[dict]:
    from classifier.training import BadRecord, read_jsonl

    try:
        rows = read_jsonl(input_path)
    except BadRecord as exc:
        raise BadInput(str(exc)) from None
    return rows[:limit] if limit is not None else rows


def classify_file(app, input_path: Path, output_path: Path, *, limit: int | None = None) -> StepResult:
    rows = read_input(input_path, limit)
    with app.run("classify --input") as run:
        clf = build_classifier(app)
        decisions = decide(app, clf, [(r["title"], r["abstract"]) for r in rows])
        lines = [json.dumps({"arxiv_id": r["arxiv_id"], "relevant": d.relevant,
                             "relevance": round(d.relevance, 4), "category": d.category,
                             "technique": d.technique,
                             "confidence": round(d.confidence, 4) if d.relevant else round(1 - d.relevance, 4)},
                            ensure_ascii=False)
                 for r, d in zip(rows, decisions)]
        write_atomic(output_path, lines)
        run.add("classified", len(rows))
        proposed = sum(d.relevant for d in decisions)
        return from_run(run, f"classify: {len(rows)} papers, {proposed} relevant -> {output_path}")


def write_atomic(path: Path, lines: list[str]) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(line + "\n" for line in lines)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise BadInput(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
