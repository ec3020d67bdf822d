"""`curator import-list` and `curator render` end to end through curator.cli.main."""
from __future__ import annotations

import json
import shutil

import pytest

from curator.cli import main
from reports import regions
from tests.db.test_catalogue import TABLES


def run(tmp_path, *args):
    return main(["--db", str(tmp_path / "c.db"), *args])


def table_dump(path):
    from db import open_db

    db = open_db(path)
    out = {}
    for t in TABLES:
        rows = db.execute(f"SELECT * FROM [{t}]").fetchall()
        cols = [c.name for c in db[t].columns]
        out[t] = sorted((tuple(v for c, v in zip(cols, r) if c != "last_seen") for r in rows), key=repr)
    return out


@pytest.mark.parametrize("name,summary", [
    ("seed-list.md", "25 engines, 0 techniques (55 with the built-in taxonomy), 9 arXiv papers (9 new), "
                     "12 sections (8 not understood), 0 duplicated entries"),
    ("list-2026-06-30.md", "32 engines, 56 techniques (79 with the built-in taxonomy), 52 arXiv papers (52 new), "
                           "51 sections (35 not understood), 1 duplicated entries"),
])
def test_import_list_summary_and_run_record(tmp_path, fixtures, capsys, name, summary):
    assert run(tmp_path, "import-list", str(fixtures / name)) == 0
    out, err = capsys.readouterr()
    assert summary in out
    assert "sections kept but not understood:" in err
    if name == "list-2026-06-30.md":
        assert "duplicate entry: SuperCompress is listed under 4 headings" in err
    from db import open_db

    db = open_db(tmp_path / "c.db")
    status, counts = db.execute("SELECT status, counts FROM runs WHERE command = 'import-list'").fetchone()
    assert status == "ok" and json.loads(counts)["engines"] in (25, 32)


@pytest.mark.parametrize("content", [b"\x7fELF\x02\x01\x00\x00binary", "caf\u00e9 # list".encode("cp1252"), None])
def test_bad_lists_exit_2_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "list.md"
    if content is not None:
        path.write_bytes(content)
    assert run(tmp_path, "import-list", str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("curator: error: ") and err.count("\n") == 1
    assert run(tmp_path, "render", str(path)) == 2


@pytest.mark.parametrize("name", ["seed-list.md", "list-2026-06-30.md"])
def test_import_render_import_round_trip_and_check(tmp_path, fixtures, capsys, name):
    lst = tmp_path / "README.md"
    shutil.copy(fixtures / name, lst)
    assert run(tmp_path, "import-list", str(lst)) == 0
    before = table_dump(tmp_path / "c.db")
    assert run(tmp_path, "render", str(lst), "--check") == 1
    assert lst.read_bytes() == (fixtures / name).read_bytes()
    assert run(tmp_path, "render", str(lst)) == 0
    rendered = lst.read_bytes()
    assert rendered != (fixtures / name).read_bytes()
    assert "inserted region comparison under heading 'Comparison Table'" in capsys.readouterr().err
    assert run(tmp_path, "render", str(lst), "--check") == 0
    assert run(tmp_path, "render", str(lst)) == 0
    assert lst.read_bytes() == rendered
    assert run(tmp_path, "import-list", str(lst)) == 0
    assert table_dump(tmp_path / "c.db") == before


def test_render_broken_markers_exit_2_file_untouched(tmp_path, capsys):
    lst = tmp_path / "README.md"
    raw = b"# L\n\n## Comparison Table\n\n<!-- curator:begin comparison -->\n\n## Optimization Techniques\n"
    lst.write_bytes(raw)
    assert run(tmp_path, "render", str(lst)) == 2
    assert "never closed" in capsys.readouterr().err
    assert lst.read_bytes() == raw


def test_render_missing_heading_and_bad_config(tmp_path, capsys):
    lst = tmp_path / "README.md"
    lst.write_bytes(b"# L\n\n## Open Source Inference Engines\n\n- [A](https://github.com/a/b)\n\n"
                    b"## Optimization Techniques\n")
    assert run(tmp_path, "import-list", str(lst)) == 0
    assert run(tmp_path, "render", str(lst)) == 2
    assert "no heading 'Comparison Table'" in capsys.readouterr().err
    bad = tmp_path / "curator.toml"
    bad.write_text("[classifier]\nadd_threshold = 7\n")
    lst.write_bytes(b"# L\n\n## Optimization Techniques\n\n## Comparison Table\n")
    assert main(["--db", str(tmp_path / "c.db"), "--config", str(bad), "render", str(lst)]) == 2
    assert lst.read_bytes() == b"# L\n\n## Optimization Techniques\n\n## Comparison Table\n"


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "import-list" in out and "render" in out


@pytest.mark.parametrize("args", [["--help"], ["crawl", "--help"]])
def test_every_command_has_a_whole_one_line_description(args, capsys, monkeypatch):
    from curator.cli import cli

    monkeypatch.setenv("COLUMNS", "80")
    assert main(args) == 0
    listing = capsys.readouterr().out.split("Commands:\n", 1)[1].splitlines()
    group = cli if args == ["--help"] else cli.commands["crawl"]
    described = {line.split()[0]: line.split(None, 1)[1] for line in listing if line.strip()}
    assert sorted(described) == sorted(group.commands)
    assert [name for name, text in described.items() if text.endswith("...")] == []


def test_render_records_runs(tmp_path, fixtures):
    lst = tmp_path / "README.md"
    shutil.copy(fixtures / "seed-list.md", lst)
    assert run(tmp_path, "import-list", str(lst)) == 0
    assert run(tmp_path, "render", str(lst)) == 0
    assert run(tmp_path, "render", str(lst), "--check") == 0
    from db import open_db

    rows = open_db(tmp_path / "c.db").execute("SELECT command, status, counts FROM runs ORDER BY id").fetchall()
    assert [(c, s) for c, s, _ in rows] == [("import-list", "ok"), ("render", "ok"), ("render --check", "ok")]
    counts = json.loads(rows[1][2])
    assert counts["changed"] == 1 and counts["regions_inserted"] >= 1


LICENSE_EXAMPLE = """## License

MIT. To keep a generated table in your own list, mark it like this:

```markdown
<!-- curator:begin comparison -->
<!-- curator:end comparison -->
```

or, indented:

    <!-- curator:begin comparison -->
    <!-- curator:end comparison -->

Inline, `<!-- curator:begin comparison -->` is just text too.
"""


def test_markers_in_code_blocks_are_a_maintainers_example(tmp_path, fixtures, capsys):
    """A marker example in a fenced block, an indented block and a code span under License:
    the comparison table goes under its own heading, the example stays byte for byte, and
    after the first render (a real comparison region now exists) nothing "appears twice"."""
    text = (fixtures / "seed-list.md").read_text()
    text = text[:text.index("## License")] + LICENSE_EXAMPLE
    lst = tmp_path / "README.md"
    lst.write_text(text)
    assert run(tmp_path, "import-list", str(lst)) == 0

    assert run(tmp_path, "render", str(lst)) == 0
    rendered = lst.read_text()
    assert rendered.endswith(LICENSE_EXAMPLE)  # the example is untouched, nothing rendered into it
    comparison = rendered.index("## Comparison Table")
    assert comparison < rendered.index("<!-- curator:begin comparison -->") < rendered.index("## Future Directions")
    assert rendered.count("<!-- curator:begin comparison -->") == 4  # three in the example, one real
    real = [m for m in regions.find_regions(rendered) if m.name == "comparison"]
    above = [ln for ln in rendered.split("\n")[:real[0].begin] if ln.startswith("## ")]
    assert len(real) == 1 and above[-1] == "## Comparison Table"
    assert run(tmp_path, "render", str(lst)) == 0  # no "region comparison appears twice"
    assert run(tmp_path, "import-list", str(lst)) == 0
    assert lst.read_text() == rendered
    err = capsys.readouterr().err
    assert "appears twice" not in err and "error" not in err


def test_a_region_that_would_land_in_an_open_fence_is_refused(tmp_path, capsys, fixtures):
    assert run(tmp_path, "import-list", str(fixtures / "seed-list.md")) == 0
    capsys.readouterr()
    lst = tmp_path / "README.md"
    raw = (b"# L\n\n## Optimization Techniques\n\n## Comparison Table\n\n```\nan example never closed\n")
    lst.write_bytes(raw)
    assert run(tmp_path, "render", str(lst)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "would land inside a code block" in err
    assert lst.read_bytes() == raw


# --- wrong usage: exit 2, one line, nothing written ------------------------------------------

def one_error_line(capsys, *words) -> str:
    err = capsys.readouterr().err
    assert err.startswith("curator: error: ") and err.count("\n") == 1, err
    assert all(w in err for w in words), err
    return err


def test_render_before_import_list_exits_2_and_leaves_the_list(tmp_path, fixtures, capsys):
    lst = tmp_path / "README.md"
    shutil.copy(fixtures / "seed-list.md", lst)
    assert run(tmp_path, "render", str(lst)) == 2
    one_error_line(capsys, "no list imported", "curator import-list")
    assert lst.read_bytes() == (fixtures / "seed-list.md").read_bytes()
    assert not (tmp_path / "c.db").exists()  # not even an empty database
    assert run(tmp_path, "render", str(lst), "--check") == 2
    capsys.readouterr()
    from db import open_db

    open_db(tmp_path / "c.db").conn.close()  # a database, but no list in it
    assert run(tmp_path, "render", str(lst)) == 2
    one_error_line(capsys, "no list imported")
    assert lst.read_bytes() == (fixtures / "seed-list.md").read_bytes()


@pytest.mark.parametrize("args", [["score"], ["import-list", "LIST"], ["render", "LIST"], ["classify", "--limit", "1"],
                                  ["nightly", "--list", "LIST", "--dry-run", "OUT"]])
def test_a_db_in_a_missing_folder_exits_2_and_creates_nothing(tmp_path, fixtures, capsys, args):
    lst = tmp_path / "README.md"
    shutil.copy(fixtures / "seed-list.md", lst)
    args = [str(lst) if a == "LIST" else str(tmp_path / "out") if a == "OUT" else a for a in args]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["--db", str(tmp_path / "missing-dir" / "x.db"), *args]) == 2
    one_error_line(capsys, "missing-dir", "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert lst.read_bytes() == (fixtures / "seed-list.md").read_bytes()


def test_import_list_of_a_file_that_is_not_the_list_exits_2(tmp_path, capsys):
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "README.md"  # curator's own README: headings, no engines
    assert run(tmp_path, "import-list", str(readme)) == 2
    one_error_line(capsys, "not the list", "Open Source Inference Engines")
    assert not (tmp_path / "c.db").exists()
