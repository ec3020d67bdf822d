"""reports.render: regions, references in the list's rows, stable bytes, markers checked, atomic writes."""
from __future__ import annotations

import difflib

import pytest
from markdown_it import MarkdownIt

from catalogue.errors import BadInput
from catalogue.settings import merge
from reports import listparse, regions
from reports.render import render_file, render_text
from tests.db.test_catalogue import dump
from tests.reports.helpers import NOW, add_paper, add_repo_stats, import_list

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


def changed_lines(old: str, new: str) -> list[tuple[str, list[str], list[str]]]:
    """(opcode, old lines, new lines) of every difference."""
    a, b = old.split("\n"), new.split("\n")
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [(op, a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal"]


def region(text: str, name: str) -> str:
    return text.split(f"<!-- curator:begin {name} -->")[1].split(f"<!-- curator:end {name} -->")[0]


def test_seed_list_without_papers_gets_the_comparison_and_no_empty_technique_tables(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    import_list(mem_db, text)
    new, notes = render_text(text, mem_db, CONFIG)
    assert only_insertions(text, new)
    names = [m.name for m in regions.find_regions(new)]
    assert names == ["comparison"]  # nothing to say yet about techniques, candidates or star history
    assert any("inserted region comparison under heading 'Comparison Table'" in n for n in notes)
    assert "_No " not in new
    assert render_text(new, mem_db, CONFIG) == (new, [])


def test_seed_list_papers_go_to_generated_technique_tables(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    import_list(mem_db, text)
    add_paper(mem_db, "2606.00002", "Radix prefix reuse", technique="Prefix Caching", authors=("Woosuk Kwon", "B"))
    add_paper(mem_db, "2606.00001", "Prefix sharing", technique="Prefix Caching", authors=("Lianmin Zheng",))
    add_paper(mem_db, "2606.00003", "Draft and verify", category="sampling_optimization",
              technique="Speculative Decoding", published="2025-12-30")
    add_paper(mem_db, "2606.00004", "Unsure", confidence=0.3)

    new, notes = render_text(text, mem_db, CONFIG)

    assert [m.name for m in regions.find_regions(new)] == [
        "techniques-caching", "techniques-sampling-optimization", "comparison"]
    caching = region(new, "techniques-caching")
    assert "### Caching" in caching
    rows = [ln for ln in caching.splitlines() if ln.startswith("| ") and "Technique" not in ln]
    assert rows == ["| Prefix Caching | Reuses the KV cache of a shared prompt prefix across requests. | "
                    "[Zheng (2026)](https://arxiv.org/abs/2606.00001), "
                    "[Kwon et al. (2026)](https://arxiv.org/abs/2606.00002) |"]
    assert "[Lovelace et al. (2025)](https://arxiv.org/abs/2606.00003)" in region(new, "techniques-sampling-optimization")
    assert "2606.00004" not in new  # a "maybe": in the pull request's folded list, not in the list
    assert new.count("arxiv.org/abs/2606.00001") == 1  # one place only
    assert render_text(new, mem_db, CONFIG)[0] == new


def test_hand_written_tables_gain_one_line_per_paper(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    import_list(mem_db, text)
    base, _ = render_text(text, mem_db, CONFIG)  # curator's regions once, as after its first merged PR
    add_paper(mem_db, "2606.00001", "Prefix reuse", technique="Prefix Caching", authors=("Woosuk Kwon", "B"))
    add_paper(mem_db, "2606.00002", "Quantized KV", category="quantization", technique="KV Cache Quantization",
              authors=("Coleman Hooper",))
    add_paper(mem_db, "2606.00003", "Paged blocks", technique="Paged KV Cache", authors=("Ann Lee", "B"))

    new, _ = render_text(base, mem_db, CONFIG)

    diff = changed_lines(base, new)
    assert len(diff) == 3
    prefix = [d for d in diff if "2606.00001" in "".join(d[2])][0]
    assert prefix[0] == "replace" and len(prefix[1]) == len(prefix[2]) == 1
    assert prefix[2][0] == prefix[1][0].replace(
        "(https://arxiv.org/abs/2411.19379)",
        "(https://arxiv.org/abs/2411.19379), [Kwon et al. (2026)](https://arxiv.org/abs/2606.00001)")
    quant = [d for d in diff if "2606.00002" in "".join(d[2])][0]
    assert quant[1][0].startswith("| KV Cache Quantization |") and quant[2][0].endswith(
        "[Liu et al. (2024)](https://arxiv.org/abs/2402.02750), [Hooper (2026)](https://arxiv.org/abs/2606.00002) |")
    paged = [d for d in diff if "2606.00003" in "".join(d[2])][0]
    assert paged[0] == "insert" and paged[2] == [
        "| Paged KV Cache | Stores the KV cache in fixed-size blocks to avoid fragmentation and share memory. | "
        "[Lee et al. (2026)](https://arxiv.org/abs/2606.00003) |"]
    assert new.index(paged[2][0]) < new.index("## 🔍 Attention Optimization")  # the Caching table's last row
    assert not any(m.name.startswith("techniques-") for m in regions.find_regions(new))
    assert render_text(new, mem_db, CONFIG)[0] == new  # the papers are in the list now: nothing more to add
    doc = listparse.parse(new)
    assert {"2606.00001", "2606.00002", "2606.00003"} <= doc.linked
    assert [t.name for t in doc.techniques if t.category == "caching"][-1] == "Paged KV Cache"


def test_papers_already_linked_or_rejected_are_not_added(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    import_list(mem_db, text)
    add_paper(mem_db, "2402.01173", "Already cited in the Caching table")
    add_paper(mem_db, "2606.00009", "Rejected earlier")
    with mem_db.conn:
        mem_db.execute("""INSERT INTO paper_labels (arxiv_id, source, status, rank, created, updated)
                          VALUES ('2606.00009', 'maintainer', 'rejected', 1, ?, ?)""", (NOW, NOW))
    new, _ = render_text(text, mem_db, CONFIG)
    assert new.count("2402.01173") == text.count("2402.01173") and "2606.00009" not in new


def test_old_paper_tables_are_removed(mem_db):
    text = ("# L\n\n## Optimization Techniques\n\n## 💾 Caching\n\n<!-- curator:begin papers-caching -->\n\n"
            "| Paper |\n|---|\n| old |\n\n<!-- curator:end papers-caching -->\n\n## Comparison Table\n")
    import_list(mem_db, text)
    new, notes = render_text(text, mem_db, CONFIG)
    assert "papers-caching" not in new and "| old |" not in new
    assert "## 💾 Caching\n\n## Comparison Table\n" in new
    assert any(n.startswith("removed region papers-caching") for n in notes)


def test_a_region_is_inserted_in_registration_order_among_existing_ones(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    import_list(mem_db, text)
    add_paper(mem_db, "2606.00001", "Prefix", technique="Prefix Caching")
    first, _ = render_text(text, mem_db, CONFIG)
    add_paper(mem_db, "2606.00002", "Quant", category="quantization", technique="PTQ")
    second, _ = render_text(first, mem_db, CONFIG)
    names = [m.name for m in regions.find_regions(second)]
    assert names[:2] == ["techniques-quantization", "techniques-caching"]
    assert [op for op, _, _ in changed_lines(first, second)] == ["insert"]


def test_round_trip_import_render_import(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text()
    import_list(mem_db, text)
    before = dump(mem_db)
    new, _ = render_text(text, mem_db, CONFIG)
    import_list(mem_db, new)
    assert dump(mem_db) == before
    assert render_text(new, mem_db, CONFIG)[0] == new


def test_outside_bytes_stay_when_data_changes(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text()
    import_list(mem_db, text)
    first, _ = render_text(text, mem_db, CONFIG)
    import_list(mem_db, text + "\n## Open Source Inference Engines\n\n- [New | Engine](https://github.com/n/e)\n")
    add_repo_stats(mem_db, "n/e", [("2026-06-01", 5)])
    second, _ = render_text(first, mem_db, CONFIG)
    assert second != first and outside(second) == outside(first)
    assert "New \\| Engine" in second


def test_hostile_engine_names_keep_the_tables(mem_db):
    text = "# L\n\n## Open Source Inference Engines\n\n## Optimization Techniques\n\n## Comparison Table\n\nhand text\n"
    import_list(mem_db, text)
    with mem_db.conn:
        for i, name in enumerate(["a | b", "x\n## injected", "<!-- curator:end comparison -->", "@team Fixes #1"]):
            mem_db.execute("INSERT INTO engines (name, kind, repo, homepage, section, first_seen) "
                           "VALUES (?, 'other', ?, ?, 'S', ?)", (name, f"o/r{i}", f"javascript:alert({i})", NOW))
            mem_db.execute("INSERT INTO repos (repo, first_seen) VALUES (?, ?)", (f"o/r{i}", NOW))
            mem_db.execute("INSERT INTO repo_stats (repo, date, stars) VALUES (?, '2026-06-01', 5)", (f"o/r{i}",))
    new, _ = render_text(text, mem_db, CONFIG)
    regions.find_regions(new)  # still exactly balanced
    tokens = MarkdownIt("commonmark").enable("table").parse(new)
    assert [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"] == [
        "L", "Open Source Inference Engines", "Optimization Techniques", "Comparison Table",
        "Popularity and activity", "Ease of use and deployment"]
    body = region(new, "comparison")
    table = [t for t in MarkdownIt("commonmark").enable("table").parse(body) if t.type in ("tr_open", "th_open", "td_open")]
    rows = sum(t.type == "tr_open" for t in table)
    cells = sum(t.type in ("th_open", "td_open") for t in table)
    assert rows == 5 and cells % rows == 0
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
    text = "# L\n\n## Open Source Inference Engines\n\n- [A](https://github.com/a/b)\n\n## Optimization Techniques\n"
    import_list(mem_db, text)
    with pytest.raises(BadInput, match="no heading 'Comparison Table'"):
        render_text(text, mem_db, CONFIG)
    # a list that already has markers says which regions it wants; others are noted, not added
    text = "# L\n\n## Comparison Table\n\n<!-- curator:begin comparison -->\n<!-- curator:end comparison -->\n"
    add_paper(mem_db, "2606.00001", "Prefix", technique="Prefix Caching")
    new, notes = render_text(text, mem_db, CONFIG)
    assert new.count("curator:begin comparison") == 1 and "curator:begin techniques-" not in new
    assert "no heading 'Caching' or 'Optimization Techniques' in the list for region techniques-caching; " \
           "not added" in notes
    assert not any("Batch Optimization" in n for n in notes)  # nothing to show there: no heading needed


def test_render_file_check_crlf_bom_and_atomic(mem_db, tmp_path):
    path = tmp_path / "list.md"
    raw = "\ufeff# L\r\n\r\n## Optimization Techniques\r\n\r\n## Comparison Table\r\n\r\nend\r\n".encode()
    path.write_bytes(raw)
    import_list(mem_db, raw.decode("utf-8-sig") + "\n## Open Source Inference Engines\n\n- [A](https://github.com/a/b)\n")
    assert render_file(path, mem_db, CONFIG, check=True) is True
    assert path.read_bytes() == raw
    assert render_file(path, mem_db, CONFIG) is True
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# L\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert render_file(path, mem_db, CONFIG) is False
    assert render_file(path, mem_db, CONFIG, check=True) is False
    assert path.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["list.md"]


def test_crlf_rows_keep_their_line_ends(mem_db):
    text = ("# L\r\n\r\n## Caching\r\n\r\n| Technique | Description | References |\r\n|---|---|---|\r\n"
            "| Prefix Caching | Reuse | [A (2024)](https://arxiv.org/abs/2401.00001) |\r\n\r\n## Comparison Table\r\n")
    import_list(mem_db, text)
    add_paper(mem_db, "2606.00001", "P", technique="Prefix Caching", authors=("Ann Lee",))
    new, _ = render_text(text, mem_db, CONFIG)
    assert "| [A (2024)](https://arxiv.org/abs/2401.00001), [Lee (2026)](https://arxiv.org/abs/2606.00001) |\r\n" in new
    assert "\n" not in new.replace("\r\n", "")


def test_registry_accepts_more_regions(mem_db):
    regions.register("test-extra", "Caching", lambda db, config: "| a |\n|---|\n| 1 |")
    try:
        text = "# L\n\n## Optimization Techniques\n\n## 💾 Caching\n\n## Comparison Table\n"
        import_list(mem_db, text)
        new, notes = render_text(text, mem_db, CONFIG)
        assert "<!-- curator:begin test-extra -->\n\n| a |" in new
        assert new.index("test-extra") > new.index("💾 Caching") and new.index("test-extra") < new.index("## Comparison")
    finally:
        regions._REGISTRY.pop("test-extra")


def test_render_without_an_imported_list_is_bad_input(mem_db, tmp_path):
    path = tmp_path / "list.md"
    path.write_text("# L\n\n## Optimization Techniques\n\n## Comparison Table\n")
    with pytest.raises(BadInput, match="no list imported"):
        render_file(path, mem_db, CONFIG)
    assert path.read_text() == "# L\n\n## Optimization Techniques\n\n## Comparison Table\n"


def test_a_region_that_emits_markers_is_refused(mem_db):
    regions.register("test-evil", "Comparison Table", lambda db, config: "<!-- curator:end comparison -->")
    try:
        from catalogue.errors import RunFailed

        import_list(mem_db, "# L\n\n## Optimization Techniques\n\n## Comparison Table\n")
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


def test_hostile_paper_in_a_hand_written_row_keeps_the_row(mem_db):
    """RELIABILITY 21-23 where curator edits a maintainer's row: the row keeps its cells."""
    text = ("# L\n\n## Caching\n\n| Technique | Description | References |\n|---|---|---|\n"
            "| Prefix Caching | Reuse | [A (2024)](https://arxiv.org/abs/2401.00001) |\n| KV Caching | Keep | x |\n")
    import_list(mem_db, text)
    add_paper(mem_db, "2606.00001", "A | B <!-- curator:end x --> `c` [d](javascript:e)", technique="Prefix Caching",
              authors=("Eve @mallory|<b>x</b>", "Fixes #1"))
    new, _ = render_text(text, mem_db, CONFIG)
    row = next(line for line in new.splitlines() if line.startswith("| Prefix Caching"))
    tokens = MarkdownIt("commonmark").enable("table").parse(new)
    assert sum(t.type == "td_open" for t in tokens) == 6  # two rows of three cells, as before
    assert "<!--" not in row and "javascript" not in row and "<b>" not in row
    assert "[@&#8203;mallory\\|&lt;b&gt;x&lt;/b&gt; et al. (2026)](https://arxiv.org/abs/2606.00001)" in row
    assert new.replace(row, "") == text.replace(text.splitlines()[6], "")
