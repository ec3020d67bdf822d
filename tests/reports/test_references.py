"""References in the list's own style, and the one-line edits that add them to hand-written rows."""
from __future__ import annotations

import pytest

from reports import references
from reports.references import append_to_cell, cell_spans, reference, surname


@pytest.mark.parametrize("name,expected", [
    ("Woosuk Kwon", "Kwon"), ("Jan van der Berg", "van der Berg"), ("Kwon, Woosuk", "Kwon"),
    ("Martin Luther King Jr.", "King"), ("Madonna", "Madonna"), ("  Ada\u200b  Lovelace ", "Lovelace"),
])
def test_surname(name, expected):
    assert surname(name) == expected


def paper(arxiv_id="2309.06180", first_author="Woosuk Kwon", authors=9, published="2023-09-12", title="Paged"):
    return {"arxiv_id": arxiv_id, "first_author": first_author, "authors": authors, "published": published,
            "title": title}


def test_reference_in_the_lists_style():
    assert reference(paper()) == "[Kwon et al. (2023)](https://arxiv.org/abs/2309.06180)"
    assert reference(paper(authors=1)) == "[Kwon (2023)](https://arxiv.org/abs/2309.06180)"
    # no author from arXiv: the title's lead words
    assert reference(paper(first_author=None, authors=0, title="QKVShare: Quantized handoff")) == (
        "[QKVShare (2023)](https://arxiv.org/abs/2309.06180)")
    assert reference(paper(first_author=None, authors=0, title="Make Your LVLM KV Cache Lighter")) == (
        "[Make Your LVLM… (2023)](https://arxiv.org/abs/2309.06180)")


def test_a_label_already_in_the_cell_gets_a_letter():
    taken = ["Kwon et al. (2023)", "Kwon et al. (2023b)"]
    assert reference(paper(), taken).startswith("[Kwon et al. (2023c)](")


def test_hostile_author_is_escaped_in_the_label():
    assert reference(paper(first_author="x [y](javascript:alert(1)) @mallory")) == (
        "[@&#8203;mallory et al. (2023)](https://arxiv.org/abs/2309.06180)")
    assert reference(paper(first_author="Eve <script>")) == (
        "[&lt;script&gt; et al. (2023)](https://arxiv.org/abs/2309.06180)")
    assert reference(paper(first_author="Kwon, Woo | suk [x]")) == "[Kwon et al. (2023)](https://arxiv.org/abs/2309.06180)"
    assert reference(paper(first_author="A B|C")).startswith("[B\\|C et al. (2023)](")


ROW = "| PTQ                   | Applies quantization after training   | [Li et al. (2023)](https://arxiv.org/abs/2308.15987)      |\n"


def test_append_changes_nothing_else_of_the_row():
    new = append_to_cell(ROW, 2, ["[Kwon et al. (2023)](https://arxiv.org/abs/2309.06180)"])
    added = ", [Kwon et al. (2023)](https://arxiv.org/abs/2309.06180)"
    assert new == ROW.replace("2308.15987)", "2308.15987)" + added)
    assert new.replace(added, "") == ROW  # a pure insertion: padding and every other cell as they were


@pytest.mark.parametrize("line,expected", [
    ("| a | b | |\n", "| a | b | [X](u) |\n"),
    ("a | b | c\n", "a | b | c, [X](u)\n"),
    ("| a \\| b | c | d |\r\n", "| a \\| b | c | d, [X](u) |\r\n"),
    ("| a | b |\n", "| a | b | [X](u) |\n"),             # a short row gains the missing cell
])
def test_append_edge_cases(line, expected):
    assert append_to_cell(line, 2, ["[X](u)"]) == expected


def test_cell_spans_honour_escaped_pipes():
    line = "| a \\| b | c |"
    assert [line[a:b].strip() for a, b in cell_spans(line)] == ["a \\| b", "c"]


def test_target_prefers_the_hand_written_row_then_a_new_row():
    from reports import listparse

    doc = listparse.parse("# L\n\n## Caching\n\n| Technique | Description | References |\n|---|---|---|\n"
                          "| Prefix Caching | Reuse | [A (2024)](https://arxiv.org/abs/2401.00001) |\n")
    known = {"prefixcaching": "Prefix Caching", "pagedkvcache": "Paged KV Cache"}
    assert references.target("caching", "prefix caching", doc, known) == references.Target(
        "row", "caching", "Prefix Caching", line=6)
    assert references.target("caching", "Paged KV Cache", doc, known).kind == "new_row"
    assert references.target("quantization", "GPTQ", doc, {}).kind == "generated"
    assert references.target("caching", None, doc, known).technique == references.OTHER_ROW
