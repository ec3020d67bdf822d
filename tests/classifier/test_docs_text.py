"""Pages cut into quotable units: sentences, items, headings, table rows, code lines."""
from __future__ import annotations

from classifier.docs_text import quote, units, visible


def test_units_of_a_markdown_page():
    text = ("# Title\n\nFirst sentence. Second one here.\n\n- an item\n  continued\n"
            "- [Other](https://example.org) - another project\n\n"
            "| A | B |\n|---|---|\n| x | ✅ |\n\n```bash\npip install e\n```\n")
    got = [(u.kind, u.text) for u in units(text)]
    assert got == [("heading", "Title"), ("sentence", "First sentence."), ("sentence", "Second one here."),
                   ("item", "an item continued"), ("link", "Other - another project"), ("row", "x | ✅"),
                   ("code", "pip install e")]
    row = [u for u in units(text) if u.kind == "row"][0]
    assert row.header == ["A", "B"] and row.cells == ["x", "✅"] and row.heading == "Title"


def test_rest_headings_and_links():
    got = units("Install\n=======\n\nSee `the guide <https://e.org/g>`_ for :ref:`details`.\n")
    assert [(u.kind, u.text) for u in got] == [("heading", "Install"), ("sentence", "See the guide for details.")]


def test_visible_text_drops_markup_and_decodes_entities():
    assert visible("**Bold** [link](https://x) ![img](i.png) <b>tag</b> &lt;ok&gt; <!-- hidden -->") == \
        "Bold link img tag <ok>"


def test_quote_is_cut_around_the_match():
    text = "a" * 500 + " FP8 " + "b" * 500
    q = quote(text, 500)
    assert len(q) <= 300 and "FP8" in q and q.startswith("…") and q.endswith("…")
    assert quote("short") == "short"


def test_a_table_whose_rule_has_one_dash_per_cell_is_a_table():
    from classifier.docs_text import units

    rows = [u for u in units("|Commit|Platform|\n|-|-|\n|abc|win-sycl-x64|\n") if u.kind == "row"]
    assert len(rows) == 1 and rows[0].header == ["Commit", "Platform"]


def test_a_list_item_keeps_the_lead_in_of_its_list():
    from classifier.docs_text import units

    got = units("E supports the following platforms:\n\n- Linux\n- macOS\n\n# Next\n\n- Windows\n")
    items = [(u.text, u.lead) for u in got if u.kind == "item"]
    assert items == [("Linux", "E supports the following platforms:"),
                     ("macOS", "E supports the following platforms:"), ("Windows", "")]
