"""reports.escape: RELIABILITY cases 21-24 (tables hold, links safe, no mentions, clean twins)."""
from __future__ import annotations

import unicodedata

import pytest
from markdown_it import MarkdownIt

from reports import escape

HOSTILE = [
    "a | b | c",
    "line one\nline two\r\n| x | y |",
    "`code` *bold* _it_ [link](https://x.org) (paren)",
    "# heading",
    "> quote",
    "<b>bold</b><script>alert(1)</script>",
    "<!-- comment",
    "<!-- curator:end comparison -->",
    "-->",
    "\\| escaped pipe",
    "- a list item",
    "1. numbered",
    "~~strike~~ $x^2$ ![img](https://e.com/i.png)",
]


def _table(cells: list[str]) -> list[list[str]]:
    md = MarkdownIt("commonmark").enable("table")
    text = "| A | B | C |\n|---|---|---|\n" + "\n".join(f"| {c} | {c} | end |" for c in cells) + "\n\n## Next\n"
    toks = md.parse(text)
    rows, row = [], None
    for t in toks:
        if t.type == "tr_open":
            row = []
            rows.append(row)
        elif t.type == "inline" and row is not None and t.level > 1:
            row.append(t.content)
        elif t.type == "table_close":
            row = None
    assert toks[-3].type == "heading_open", "something bled into the next section"
    return rows


def test_hostile_cells_keep_the_cell_count_and_nothing_bleeds():
    rows = _table([escape.cell(h) for h in HOSTILE])
    assert len(rows) == 1 + len(HOSTILE)
    assert all(len(r) == 3 for r in rows)
    assert [r[2] for r in rows[1:]] == ["end"] * len(HOSTILE)


@pytest.mark.parametrize("text", HOSTILE)
def test_rendered_html_holds_no_live_markup(text):
    html = MarkdownIt("commonmark").enable("table").render(escape.inline(text))
    assert "<script" not in html and "<b>" not in html and "<!--" not in html
    assert "<a " not in html and "<img" not in html and "<h1" not in html and "<blockquote" not in html
    assert "\n" not in escape.inline(text)


def test_own_markers_cannot_be_forged():
    out = escape.inline("<!-- curator:begin x --> curator:end x")
    assert "curator:begin" not in out and "curator:end" not in out and "<!--" not in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                                 "file:///etc/passwd", "ftp://x.org/a", "vbscript:x", "//evil.org/x",
                                 "https://", "mailto:a@b.c", None, ""])
def test_unsafe_urls_are_dropped(url):
    assert escape.safe_url(url) is None
    assert escape.link("label", url) == "label"


def test_urls_are_encoded_so_the_link_holds():
    url = escape.safe_url("https://example.org/a b(c)[d]<e>|f`g")
    assert url == "https://example.org/a%20b%28c%29%5Bd%5D%3Ce%3E%7Cf%60g"
    link = escape.link("x] (y", "https://example.org/p(1)")
    html = MarkdownIt("commonmark").render(link)
    assert 'href="https://example.org/p%281%29"' in html
    assert escape.safe_url("https://arxiv.org/abs/2401.0001%32") == "https://arxiv.org/abs/2401.0001%32"


@pytest.mark.parametrize("text", ["@user", "hi @org/team", "Fixes #1", "closes owner/repo#12", "GH-7", "see #123"])
def test_mentions_references_and_closing_keywords_are_neutralised(text):
    out = escape.inline(text)
    # GitHub links @name, #digits and GH-digits; each is broken by a zero-width space entity
    import re
    assert not re.search(r"@[A-Za-z0-9]", out)
    assert not re.search(r"(?<!&)#\d", out)
    assert not re.search(r"GH-\d", out, re.IGNORECASE)
    assert escape.ZWSP in out


def test_email_and_plain_text_survive_readably():
    assert escape.inline("plain words, 3.5x faster") == "plain words, 3.5x faster"
    assert escape.inline("a@b.org").replace(escape.ZWSP, "") == "a@b.org"


def test_bidi_zero_width_and_nfc_nfd_twins_are_cleaned_and_equal():
    nfc = "Caf\u00e9 \u00fcber"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert escape.clean(nfc) == escape.clean(nfd) == nfc
    assert escape.clean("ab\u202ecd\u200b\u200d\u2066e\ufefff\x00g\x1b") == "abcdefg"
    assert escape.clean("  a\n\tb\u2028c  ") == "a b c"
    assert escape.cell(nfd) == escape.cell(nfc)


def test_long_text_is_truncated_with_an_ellipsis():
    out = escape.cell("x" * 10_000)
    assert len(out) == 300 and out.endswith("…")
    assert escape.cell("short") == "short"
    assert escape.inline("y" * 500, max_len=10) == "y" * 9 + "…"


def test_url_hosts_are_checked_and_normalised():
    assert escape.safe_url("HTTPS://Example.ORG:8443/x?q=1#f") == "https://example.org:8443/x?q=1#f"
    assert escape.safe_url("https://\u00e9xample.org/\u00e9") == "https://xn--xample-9ua.org/%C3%A9"
    assert escape.safe_url("https://user:pw@example.org/") is None
    assert escape.safe_url("https://a<b>/") is None


def test_plain_text_for_commit_messages():
    out = escape.plain("Fixes #1 for @bob and owner/repo#3\nsecond line")
    assert out == "Fixes #\u200b1 for @\u200bbob and owner/repo#\u200b3 second line"
    assert escape.plain("*not markdown*") == "*not markdown*"
