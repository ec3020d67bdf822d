"""reports.render: regions only, stable bytes, markers checked, atomic writes."""
from __future__ import annotations

import difflib

import pytest
from markdown_it import MarkdownIt

from catalogue.settings import merge
from catalogue.errors import BadInput
from db import catalogue
from catalogue import vocabulary
from reports import listparse, regions
from reports.render import render_file, render_text
from tests.db.test_catalogue import NOW, dump, save

CONFIG = merge({})


def outside(text: str) -> list[str]:
    """The lines outside generated regions (marker lines included)."""
    lines = text.split("\n")
    inside = set()
    for m in regions.find_regions(text):
        inside.update(range(m.begin + 1, m.end))
    return [ln for i, ln in enumerate(lines) if i not in inside]


def only_insertions(old: str, new: str) -> bool:
    ops = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in ops)


def test_seed_list_gets_regions_under_its_headings(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    save(mem_db, text)
    new, notes = render_text(text, mem_db, CONFIG)
    assert only_insertions(text, new)
    names = [m.name for m in regions.find_regions(new)]
    mine = [n for n in names if n.startswith("techniques-")]
    assert mine[0] == "techniques-batch-optimization" and len(mine) == 10 and "comparison" in names
    assert any("inserted region comparison under heading 'Comparison Table'" in n for n in notes)
    # every engine is a row of the comparison table; 12 columns each
    region = new.split("<!-- curator:begin comparison -->")[1].split("<!-- curator:end comparison -->")[0]
    rows = [ln for ln in region.splitlines() if ln.startswith("| ")]
    assert len(rows) == 1 + 25
    assert "[vLLM](https://github.com/vllm-project/vllm)" in region
    assert render_text(new, mem_db, CONFIG) == (new, [])


def test_hand_written_tables_are_extended_not_repeated(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    save(mem_db, text)
    new, _ = render_text(text, mem_db, CONFIG)
    assert only_insertions(text, new)
    batch = new.split("<!-- curator:begin techniques-batch-optimization -->")[1].split("<!-- curator:end")[0]
    assert "Static Batching" in batch and "Continuous Batching" not in batch
    # the region sits after the section's own table, before the next heading
    assert new.index("| Chunked-prefills") < new.index("techniques-batch-optimization") < new.index("## 🕸 Parallelism")
    assert sum(m.name.startswith("techniques-") for m in regions.find_regions(new)) == 10


def test_round_trip_import_render_import(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    save(mem_db, text)
    before = dump(mem_db)
    new, _ = render_text(text, mem_db, CONFIG)
    save(mem_db, new)
    assert dump(mem_db) == before
    assert render_text(new, mem_db, CONFIG)[0] == new


def test_outside_bytes_stay_when_data_changes(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    save(mem_db, text)
    first, _ = render_text(text, mem_db, CONFIG)
    save(mem_db, text + "\n## Open Source Inference Engines\n\n- [New | Engine](https://github.com/n/e)\n")
    second, _ = render_text(first, mem_db, CONFIG)
    assert second != first and outside(second) == outside(first)
    assert "New \\| Engine" in second


def test_hostile_engine_names_keep_the_table(mem_db):
    text = "# L\n\n## Open Source Inference Engines\n\n## Optimization Techniques\n\n## Comparison Table\n\nhand text\n"
    with mem_db.conn:
        for i, name in enumerate(["a | b", "x\n## injected", "<!-- curator:end comparison -->", "@team Fixes #1"]):
            mem_db.execute("INSERT INTO engines (name, kind, repo, homepage, section, first_seen) "
                           "VALUES (?, 'other', NULL, ?, 'S', ?)", (name, f"javascript:alert({i})", NOW))
    new, _ = render_text(text, mem_db, CONFIG)
    regions.find_regions(new)  # still exactly balanced
    tokens = MarkdownIt("commonmark").enable("table").parse(new)
    assert [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"] == [
        "L", "Open Source Inference Engines", "Optimization Techniques", "Comparison Table"]
    region = new.split("<!-- curator:begin comparison -->")[1].split("<!-- curator:end comparison -->")[0]
    cells = [t for t in MarkdownIt("commonmark").enable("table").parse(region) if t.type in ("th_open", "td_open")]
    assert len(cells) == 12 * 5
    assert "javascript" not in new and "@team" not in new


@pytest.mark.parametrize("bad,msg", [
    ("<!-- curator:begin comparison -->\n", "never closed"),
    ("<!-- curator:end comparison -->\n", "without a matching"),
    ("<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n"
     "<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n", "appears twice"),
    ("<!-- curator:begin comparison -->\n<!-- curator:end techniques-caching -->\n", "closes region"),
    ("<!-- curator:begin comparison -->\n<!-- curator:begin x -->\n", "inside unclosed"),
    ("<!-- curator:begin Bad Name! -->\n", "malformed"),
])
def test_broken_markers_are_bad_input_and_leave_the_file(mem_db, tmp_path, bad, msg):
    path = tmp_path / "README.md"
    raw = ("# L\n\n## Comparison Table\n\n" + bad + "\n## Optimization Techniques\n").encode()
    path.write_bytes(raw)
    with pytest.raises(BadInput, match=msg) as exc:
        render_file(path, mem_db, CONFIG)
    assert "\n" not in str(exc.value)
    assert path.read_bytes() == raw


def test_missing_heading(mem_db):
    with pytest.raises(BadInput, match="no heading 'Comparison Table'"):
        render_text("# L\n\n## Optimization Techniques\n", mem_db, CONFIG)
    # a list that already has markers says which regions it wants; others are noted, not added
    text = "# L\n\n## Comparison Table\n\n<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n"
    new, notes = render_text(text, mem_db, CONFIG)
    assert new.count("curator:begin comparison") == 1 and "curator:begin techniques-" not in new
    assert any("no heading 'Batch Optimization'" in n for n in notes)


def test_render_file_check_crlf_bom_and_atomic(mem_db, tmp_path):
    path = tmp_path / "list.md"
    raw = "\ufeff# L\r\n\r\n## Optimization Techniques\r\n\r\n## Comparison Table\r\n\r\nend\r\n".encode()
    path.write_bytes(raw)
    assert render_file(path, mem_db, CONFIG, check=True) is True
    assert path.read_bytes() == raw
    assert render_file(path, mem_db, CONFIG) is True
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# L\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert render_file(path, mem_db, CONFIG) is False
    assert render_file(path, mem_db, CONFIG, check=True) is False
    assert path.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["list.md"]


def test_registry_accepts_more_regions(mem_db):
    regions.register("test-extra", "Caching", lambda db, config: "| a |\n|---|\n| 1 |")
    try:
        text = "# L\n\n## Optimization Techniques\n\n## 💾 Caching\n\n## Comparison Table\n"
        new, notes = render_text(text, mem_db, CONFIG)
        assert "<!-- curator:begin test-extra -->\n\n| a |" in new
        assert new.index("test-extra") > new.index("💾 Caching") and new.index("test-extra") < new.index("## Comparison")
        # techniques-caching found its own heading; it shows no fallback title there
        caching = new.split("<!-- curator:begin techniques-caching -->")[1].split("<!-- curator:end")[0]
        assert "**Caching**" not in caching
    finally:
        regions._REGISTRY.pop("test-extra")


def test_empty_database_renders_placeholders(mem_db):
    new, _ = render_text("# L\n\n## Optimization Techniques\n\n## Comparison Table\n", mem_db, CONFIG)
    assert "_No engines imported yet" in new
    assert listparse.parse(new).techniques == []
    assert catalogue.engine_table(mem_db) == []
    assert vocabulary.category_for("🧩 Batch Optimization") == "batch_optimization"


def test_a_region_that_emits_markers_is_refused(mem_db):
    regions.register("test-evil", "Comparison Table", lambda db, config: "<!-- curator:end comparison -->")
    try:
        from catalogue.errors import RunFailed

        with pytest.raises(RunFailed, match="broken markers"):
            render_text("# L\n\n## Optimization Techniques\n\n## Comparison Table\n", mem_db, CONFIG)
    finally:
        regions._REGISTRY.pop("test-evil")


@pytest.mark.parametrize("example", [
    "```\n<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n```\n",
    "~~~md\n<!-- curator:begin comparison -->\n~~~\n",
    "````\n```\n<!-- curator:end comparison -->\n```\n````\n",   # a fence holding a shorter fence
    "- item\n\n  ```\n  <!-- curator:begin comparison -->\n  ```\n",   # a fence inside a list item
    "Text.\n\n    <!-- curator:begin comparison -->\n    <!-- curator:begin comparison -->\n",  # indented code
    "Say `<!-- curator:end comparison -->` or ``<!-- curator:begin x -->``.\n",   # code spans
])
def test_markers_in_code_are_not_markers(example):
    real = "## Comparison Table\n\n<!-- curator:begin comparison -->\nold\n<!-- curator:end comparison -->\n"
    text = "# L\n\n" + real + "\n## License\n\n" + example
    found = regions.find_regions(text)
    assert [(m.name, m.begin, m.end) for m in found] == [("comparison", 4, 6)]
    assert listparse.parse(text).sections[-1].heading == "License"


def test_a_marker_outside_code_after_a_closed_fence_still_counts():
    text = "# L\n\n```\nx\n```\n<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n"
    assert [(m.begin, m.end) for m in regions.find_regions(text)] == [(5, 6)]
    with pytest.raises(BadInput, match="appears twice"):
        regions.find_regions(text + "\n<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n")
