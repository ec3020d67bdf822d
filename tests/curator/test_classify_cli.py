"""`curator classify` and `curator evaluate` end to end, with the model-free
hashing encoder and heads fitted on a slice of the shipped data (``heads_file``,
tests/curator/conftest.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.cli import main

QUANT = {"arxiv_id": "9901.00001", "title": "Low-bit weight quantization for LLM inference",
         "abstract": "We quantize the weights of large language models to 4-bit integers with GPTQ-style "
                     "error compensation, speeding up inference and shrinking memory."}
OFF = {"arxiv_id": "9901.00002", "title": "Galaxy rotation curves from radio surveys",
       "abstract": "We measure rotation curves of nearby spiral galaxies with radio telescopes and fit "
                   "dark matter halo profiles."}


@pytest.fixture
def config(tmp_path, heads_file) -> Path:
    path = tmp_path / "curator.toml"
    path.write_text(f'[classifier]\nmodel = "hashing:512"\nheads = "{heads_file}"\n')
    return path


def _run(tmp_path, config, *args) -> int:
    return main(["--db", str(tmp_path / "c.db"), "--config", str(config), *args])


def _write(path: Path, rows) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_classify_file_writes_one_line_per_paper(tmp_path, config):
    src = _write(tmp_path / "in.jsonl", [QUANT, OFF])
    assert _run(tmp_path, config, "classify", "--input", str(src), "--output", str(tmp_path / "out.jsonl")) == 0
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["arxiv_id"] for o in out] == [QUANT["arxiv_id"], OFF["arxiv_id"]]
    q, o = out
    assert q["relevant"] is True and q["category"] == "quantization" and q["technique"]
    assert o["relevant"] is False and o["category"] is None and o["technique"] is None
    for row in out:
        assert set(row) == {"arxiv_id", "relevant", "relevance", "category", "technique", "confidence"}
        assert 0 <= row["relevance"] <= 1 and 0 <= row["confidence"] <= 1


def test_second_run_embeds_nothing_new(tmp_path, config):
    from db import open_db

    src = _write(tmp_path / "in.jsonl", [QUANT, OFF])
    out = str(tmp_path / "out.jsonl")
    assert _run(tmp_path, config, "classify", "--input", str(src), "--output", out) == 0
    db = open_db(tmp_path / "c.db")
    before = db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    assert _run(tmp_path, config, "classify", "--input", str(src), "--output", out) == 0
    assert db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == before


@pytest.mark.parametrize("lines, needle", [
    ([QUANT, "{not json"], "line 2"),
    ([QUANT, {"arxiv_id": "1", "title": "t"}], "line 2: missing field 'abstract'"),
    (["[1, 2]"], "line 1"),
])
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, config, capsys, lines, needle):
    src = _write(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    assert _run(tmp_path, config, "classify", "--input", str(src), "--output", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err
    assert not out.exists()


def test_missing_input_file_and_lonely_option(tmp_path, config, capsys):
    assert _run(tmp_path, config, "classify", "--input", str(tmp_path / "nope.jsonl"),
                "--output", str(tmp_path / "o.jsonl")) == 2
    assert "cannot read" in capsys.readouterr().err
    assert _run(tmp_path, config, "classify", "--input", str(tmp_path / "x.jsonl")) == 2
    assert "go together" in capsys.readouterr().err


def _seed(db_path: Path) -> None:
    from db import open_db

    db = open_db(db_path)
    now = "2026-06-30T00:00:00Z"
    extra = {"arxiv_id": "9901.00003", "title": "Speculative decoding with a draft model for LLM serving",
             "abstract": "A small draft model proposes tokens that the large language model verifies, "
                         "accelerating decoding in inference serving."}
    with db.conn:
        for p in (QUANT, OFF, extra):
            db["papers"].insert({**p, "first_seen": now, "last_seen": now})
        db["paper_labels"].insert({"arxiv_id": extra["arxiv_id"], "source": "maintainer", "status": "rejected",
                                   "rank": 1, "created": now, "updated": now})


def test_classify_db_labels_unlabelled_papers_once(tmp_path, config, capsys):
    from db import open_db

    _seed(tmp_path / "c.db")
    assert _run(tmp_path, config, "classify") == 0
    db = open_db(tmp_path / "c.db")
    rows = db.execute("SELECT arxiv_id, category, status, rank, relevance IS NOT NULL FROM paper_labels "
                      "WHERE source = 'classifier' ORDER BY arxiv_id, rank").fetchall()
    assert rows[0][:4] == (QUANT["arxiv_id"], "quantization", "proposed", 1)
    assert (OFF["arxiv_id"], None, "rejected", 1, 1) in rows
    assert not any(r[0] == "9901.00003" for r in rows)  # a maintainer rejected it
    assert "3 papers" not in capsys.readouterr().out
    assert _run(tmp_path, config, "classify") == 0
    assert "no unlabelled papers" in capsys.readouterr().out
    run = db.execute("SELECT command, status FROM runs WHERE command = 'classify' ORDER BY id").fetchall()
    assert len(run) == 2


def test_evaluate_prints_figures_and_json(tmp_path, config, capsys):
    from classifier.training import LABELLED

    rows = [json.loads(line) for line in LABELLED.read_text().splitlines()][:60]
    rows += [{**OFF, "arxiv_id": f"9902.{i:05d}", "label": "irrelevant"} for i in range(5)]
    src = _write(tmp_path / "lab.jsonl", rows)
    bg = _write(tmp_path / "bg.jsonl", [{"arxiv_id": f"9903.{i:05d}", "title": f"Galaxy survey {i}",
                                         "abstract": "rotation curves of spiral galaxies and dark matter"}
                                        for i in range(40)])
    assert _run(tmp_path, config, "evaluate", "--input", str(src), "--background", str(bg),
                "--json", "--baselines", "--folds", "3", "--no-sample-labels") == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["methods"]) == {"embedding", "tfidf_lr", "keywords"}
    assert result["sample_papers"] == 0 and "category_sample" not in result["methods"]["embedding"]
    emb = result["methods"]["embedding"]
    assert 0 <= emb["category"]["macro_f1"] <= 1
    assert len(emb["category"]["confusion"]) == 10
    assert emb["relevance"]["recall"] > 0.5
    # by default the hand-labelled papers of the shipped sample join the folds, reported apart
    assert _run(tmp_path, config, "evaluate", "--input", str(src), "--background", str(bg), "--folds", "3") == 0
    text = capsys.readouterr().out
    assert "macro-F1" in text and "confusion" in text
    assert "and 692 hand-labelled papers of the sample" in text
    assert "hand-labelled papers of the sample: category macro-F1" in text
    assert "all labelled papers pooled (" in text
    assert "relevance on the arXiv sample as a feed (346 in scope of " in text


def test_evaluate_bad_label_file_exits_2(tmp_path, config, capsys):
    src = _write(tmp_path / "lab.jsonl", [QUANT])
    assert _run(tmp_path, config, "evaluate", "--input", str(src)) == 2
    assert "label" in capsys.readouterr().err


def test_progress_bar_follows_chunks_and_quiet_silences_it(tmp_path, config, capsys, monkeypatch):
    import importlib

    from curator.app import App

    src = _write(tmp_path / "in.jsonl", [QUANT, OFF, dict(QUANT, arxiv_id="9901.00003")])
    assert _run(tmp_path, config, "classify", "--input", str(src), "--output", str(tmp_path / "whole.jsonl")) == 0
    monkeypatch.setattr(importlib.import_module("curator.steps.classify"), "CHUNK", 1)
    monkeypatch.setattr(App, "show_progress", property(lambda self: not self.quiet))
    capsys.readouterr()

    assert _run(tmp_path, config, "classify", "--input", str(src), "--output", str(tmp_path / "chunks.jsonl")) == 0
    assert capsys.readouterr().err.startswith("classify")  # not a terminal: click shows only the label
    assert (tmp_path / "chunks.jsonl").read_text() == (tmp_path / "whole.jsonl").read_text()
    assert main(["-q", "--db", str(tmp_path / "c.db"), "--config", str(config), "classify",
                 "--input", str(src), "--output", str(tmp_path / "quiet.jsonl")]) == 0
    assert capsys.readouterr() == ("", "")
