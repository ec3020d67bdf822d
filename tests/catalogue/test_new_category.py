"""Adding a category is one edit of the vocabulary: a temporary 11th category flows
through import-list, classify (stub embeddings) and render, in a subprocess that
sees a copy of ``catalogue`` with that edit (docs/adding-a-category.md)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NEW_CATEGORY = '''    Category(
        "energy_optimization", "Energy Optimization", short="energy",
        heading_aliases=("energy efficiency",),
        keywords=("energy", "joule", "dvfs", "power cap"),
        techniques=(
            Technique("DVFS Scheduling",
                      "Lowers GPU clock and voltage while decoding so each generated token costs fewer joules."),
            Technique("Power Capping",
                      "Caps the power drawn by inference accelerators and schedules requests under the cap."),
        ),
    ),
'''

SCRIPT = r'''
import json, sys
from curator.cli import main
from crawler.atom import Paper
from db import open_db
from db.papers import save_papers
from catalogue.vocabulary import CATEGORIES

db, config, listfile = sys.argv[1:4]
out = {"categories": list(CATEGORIES)}
out["import"] = main(["--db", db, "--config", config, "import-list", listfile])
paper = Paper("2607.00011", 1, "DVFS scheduling cuts the energy of LLM decoding",
              "We lower GPU clock and voltage during LLM decoding with DVFS scheduling, so each generated token "
              "costs fewer joules at the same latency; energy per token drops by a third.",
              ["A. Author"], "cs.DC", ["cs.DC"], "2026-07-01T00:00:00Z", None, None, None, None,
              "https://arxiv.org/abs/2607.00011")
save_papers(open_db(db), [paper], "2026-07-02T00:00:00+00:00")
out["classify"] = main(["--db", db, "--config", config, "classify"])
rows = open_db(db).execute("SELECT category, technique FROM paper_labels WHERE arxiv_id = '2607.00011' "
                           "AND source = 'classifier' AND rank = 1").fetchall()
out["label"] = [list(r) for r in rows]
out["techniques"] = [r[0] for r in open_db(db).execute(
    "SELECT name FROM techniques WHERE category = 'energy_optimization' ORDER BY name")]
out["render"] = main(["--db", db, "--config", config, "render", listfile])
print(json.dumps(out))
'''


def test_an_eleventh_category_flows_through_import_classify_and_render(tmp_path, fixtures):
    shadow = tmp_path / "shadow"
    shutil.copytree(ROOT / "catalogue", shadow / "catalogue", ignore=shutil.ignore_patterns("__pycache__"))
    vocabulary = shadow / "catalogue" / "vocabulary.py"
    text = vocabulary.read_text(encoding="utf-8")
    end = text.index(")\n\nCATEGORIES")
    vocabulary.write_text(text[:end] + NEW_CATEGORY + text[end:], encoding="utf-8")  # the one edit
    listfile = tmp_path / "seed-list.md"
    shutil.copyfile(fixtures / "seed-list.md", listfile)
    config = tmp_path / "curator.toml"
    # stub embeddings; every paper relevant and shown, so the test follows the category alone
    config.write_text('[classifier]\nmodel = "hashing"\nrelevance_threshold = 0.0\nadd_threshold = 0.0\n',
                      encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shadow), str(ROOT)]), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "c.db"), str(config), str(listfile)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["categories"][-1] == "energy_optimization" and len(out["categories"]) == 11
    assert out["import"] == 0 and out["techniques"] == ["DVFS Scheduling", "Power Capping"]
    assert out["classify"] == 0 and out["label"] == [["energy_optimization", "DVFS Scheduling"]]
    assert out["render"] == 0
    rendered = listfile.read_text(encoding="utf-8")
    region = rendered[rendered.index("<!-- curator:begin techniques-energy-optimization -->"):
                      rendered.index("<!-- curator:end techniques-energy-optimization -->")]
    # the paper is a reference in its technique's row of the category's generated table
    assert "### Energy Optimization" in region
    assert "| DVFS Scheduling | Lowers GPU clock" in region and "[Author (2026)](https://arxiv.org/abs/2607.00011)" in region


def test_the_shipped_heads_refuse_a_vocabulary_they_were_not_fitted_on(tmp_path):
    from catalogue.errors import BadInput
    from classifier import model
    from classifier.default import check_vocabulary
    from classifier.training import HEADS

    heads = model.Heads.load(HEADS)
    check_vocabulary(heads, HEADS)  # the shipped heads match the vocabulary
    heads.categories = heads.categories + ("energy_optimization",)
    try:
        check_vocabulary(heads, HEADS)
    except BadInput as exc:
        assert "fitted on energy_optimization, which the vocabulary lacks" in str(exc)
        assert "python -m classifier.refit" in str(exc)
    else:
        raise AssertionError("a mismatched vocabulary was accepted")
