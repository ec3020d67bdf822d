"""The generated comparison matrices: legend, marks linked to evidence, width, escaping, and
hand-made matrices never rewritten."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from catalogue import features as vocab
from catalogue.settings import merge
from db import features as store
from reports import matrices
from reports.render import render_text
from tests.db.test_catalogue import save
from tests.reports.test_prbody import assert_inert

CONFIG = merge({})
HOSTILE = ("FP8 | pipes @octocat Fixes #1 owner/repo#12 <script>x</script> "
           "<!-- curator:end feature-matrices --> [x](javascript:alert(1)) `tick` *star*")


def marks(engine: str, rows: dict[tuple[str, str], tuple]) -> list[dict]:
    """rows: (grp, feature) -> (supported, evidence, basis[, weak])."""
    out = []
    for (grp, feature), (supported, evidence, basis, *weak) in rows.items():
        out.append({"grp": grp, "feature": feature, "supported": supported, "evidence": evidence,
                    "url": f"https://github.com/o/{engine}/blob/abc1234567/docs/{feature[:3]}.md",
                    "date": "2026-06-01", "basis": basis, "weak": int(bool(weak and weak[0]))})
    return out


def seeded(db, fixtures) -> str:
    text = (fixtures / "seed-list.md").read_text(encoding="utf-8")
    save(db, text)
    store.save_engine_features(db, "vLLM", "2026-06-02", marks("vllm", {
        ("hardware", "Linux"): (1, "vLLM runs on Linux.", "stated"),
        ("hardware", "Windows"): (0, "Windows is not supported.", "denied"),
        ("hardware", "Google TPU"): (0, "Supports NVIDIA GPUs and AMD GPUs.", "excluded"),
        ("precision", "FP8"): (1, HOSTILE, "stated"),
        ("precision", "MXFP4"): (None, None, None),
    }))
    store.save_engine_features(db, "GroqCloud", "2026-06-02", marks("groq", {
        ("hardware", "Web/API"): (1, "Hosted API billed per token.", "stated", True),
    }))
    return text


def region_of(text: str) -> str:
    return text.split("<!-- curator:begin feature-matrices -->")[1].split("<!-- curator:end feature-matrices -->")[0]


def tables(region: str) -> list[list[list[str]]]:
    """Every table of the region as rows of cell source text (links kept)."""
    out = []
    lines = region.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("| Engine |"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip("|").split(" | ")])
                i += 1
            out.append([r for r in rows if not r[0].startswith("---")])
        i += 1
    return out


def test_seed_list_gets_the_three_matrices_with_a_legend(mem_db, fixtures):
    text = seeded(mem_db, fixtures)
    new, notes = render_text(text, mem_db, CONFIG)
    assert any("inserted region feature-matrices under heading 'Comparison Table'" in n for n in notes)
    region = region_of(new)
    assert "✅ the engine's documentation says it is supported, ❌ it says not supported" in region
    assert "– unknown: no evidence either way" in region
    for title in ("Hardware Support Matrix: platforms", "Hardware Support Matrix: accelerators",
                  "Optimization Coverage Matrix: batching and parallelism", "Numeric Precision Support Matrix: microscaling"):
        assert f"**{title}**" in region
    found = tables(region)
    assert len(found) == 7
    assert sum(len(t[0]) - 1 for t in found) == 51  # every column of the three matrices, once
    assert [r[0] for r in found[0][1:]] == ["GroqCloud", "vLLM"]  # engines with marks, sorted
    assert "_Win = Windows; x86 = x86-64; ARM = ARM64/Apple Silicon_" in region
    assert "_No documentation read for: bitnet.cpp, DeepSpeed-FastGen, DistServe," in region
    assert render_text(new, mem_db, CONFIG) == (new, [])  # twice: same bytes


def test_each_mark_links_to_its_evidence_page_and_unknown_is_a_dash(mem_db, fixtures):
    new, _ = render_text(seeded(mem_db, fixtures), mem_db, CONFIG)
    region = region_of(new)
    platforms = tables(region)[0]
    header, vllm = platforms[0], platforms[2]
    linux, windows = vllm[header.index("Linux")], vllm[header.index("Win")]
    ref = re.fullmatch(r"\[✅\]\[(cur-[0-9a-f]{10})\]", linux).group(1)
    assert f"[{ref}]: https://github.com/o/vllm/blob/abc1234567/docs/Lin.md" in region
    assert windows.startswith("[❌][cur-") and vllm[header.index("macOS")] == "–"
    groq = platforms[1]
    assert groq[header.index("Web/API")].startswith("[✅*][cur-")  # weak: a vendor page summary
    html = MarkdownIt("commonmark").enable("table").render(region)
    assert 'href="https://github.com/o/vllm/blob/abc1234567/docs/Lin.md"' in html  # the reference resolves


def test_every_table_fits_githubs_content_width(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text(encoding="utf-8")
    save(mem_db, text)
    every = {(f.group, f.column): (1, f"{f.column} is supported.", "stated") for f in vocab.FEATURES}
    for name in ("DeepSpeed-FastGen", "TGI (Text Generation Inference)", "Friendli Inference"):
        store.save_engine_features(mem_db, name, "d", marks(name.split()[0], every))
    region = region_of(render_text(text, mem_db, CONFIG)[0])
    for table in tables(region):
        assert matrices.estimated_width(table[0], table[1:]) <= matrices.CONTENT_WIDTH, table[0]
    assert "| TGI |" in region  # the parenthesis is left out of the row label


def test_evidence_sections_quote_escaped_text_and_group_exclusions(mem_db, fixtures):
    new, _ = render_text(seeded(mem_db, fixtures), mem_db, CONFIG)
    region = region_of(new)
    assert "<details><summary>Evidence: vLLM (4 marks)</summary>" in region
    assert "- **Linux** ✅: “vLLM runs on Linux.” ([docs/Lin.md \\(abc1234\\)][cur-" in region
    assert "<summary>Evidence: GroqCloud (1 mark)</summary>" in region
    assert "- ❌ not among what the docs list (Google TPU): “Supports NVIDIA GPUs and AMD GPUs.”" in region
    fp8 = next(line for line in region.split("\n") if line.startswith("- **FP8**"))
    assert "\\|" in fp8 and "&lt;script&gt;" in fp8 and "@&#8203;octocat" in fp8
    assert_inert(region)
    assert region.count("<!-- curator:") == 0


def test_hand_made_matrices_are_never_rewritten(mem_db, fixtures):
    text = (fixtures / "list-2026-06-30.md").read_text(encoding="utf-8")
    save(mem_db, text)
    store.save_engine_features(mem_db, "vLLM", "d", marks("vllm", {("hardware", "Windows"): (1, "Windows works.",
                                                                                            "stated")}))
    new, _ = render_text(text, mem_db, CONFIG)
    assert "curator:begin feature-matrices" not in new  # no generated matrices beside the hand-made ones
    start, end = text.index("### 💻 Hardware Support Matrix"), text.index("### 🧭 Radar Chart")
    assert new[new.index("### 💻 Hardware Support Matrix"):new.index("### 🧭 Radar Chart")] == text[start:end]


def test_no_region_before_any_docs_are_read(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text(encoding="utf-8")
    save(mem_db, text)
    new, notes = render_text(text, mem_db, CONFIG)
    assert "curator:begin feature-matrices" not in new and "| Engine |" not in new
    assert not any("feature-matrices" in n for n in notes)
