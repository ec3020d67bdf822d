"""reports.listparse on the two real lists and on hand-made edge cases."""
from __future__ import annotations

import pytest

from catalogue.errors import BadInput
from reports import listparse as lp


def parse(fixtures, name):
    return lp.parse(lp.read_list(fixtures / name))


def test_seed_list(fixtures):
    doc = parse(fixtures, "seed-list.md")
    assert len(doc.engines) == 25
    kinds = {e.name: e.kind for e in doc.engines}
    assert sum(k == "open_source" for k in kinds.values()) == 21
    assert sum(k == "commercial" for k in kinds.values()) == 4
    assert doc.techniques == []
    assert doc.papers() == sorted(["2312.12456", "2406.06282", "2408.12757", "2405.04437", "2403.02310",
                                   "2309.06180", "2401.08671", "2312.07104", "2401.09670"])
    headings = [s.heading for s in doc.sections]
    assert "Contributing (2)" in headings and "Optimization Techniques" in headings
    assert any("more than once" in n for n in doc.notes)
    assert doc.duplicates == []


def test_current_list_engines(fixtures):
    doc = parse(fixtures, "list-2026-06-30.md")
    by = {e.name: e for e in doc.engines}
    assert len(doc.engines) == 32
    assert by["vLLM"].repo == "vllm-project/vllm"
    assert by["vLLM"].kind == "open_source"
    assert by["vLLM"].homepage == "https://docs.vllm.ai/en/latest/"
    assert [ln.arxiv_id for ln in by["vLLM"].links if ln.kind == "paper"] == ["2309.06180"]
    assert by["DeepSpeed-FastGen"].repo == "deepspeedai/DeepSpeed"
    assert by["Ferro Labs AI Gateway"].kind == "gateway"
    assert by["Ferro Labs AI Gateway"].repo == "ferro-labs/ai-gateway"
    assert by["PrefillOnly"].repo is None and by["PrefillOnly"].links[0].arxiv_id == "2505.07203"
    assert by["Fireworks AI"].kind == "commercial" and by["Fireworks AI"].homepage == "https://fireworks.ai/"
    assert by["OneComp vLLM plugin"].kind == "other"
    assert by["OneComp vLLM plugin"].description.startswith("Official vLLM plugin")
    assert by["TGI (Text Generation Inference)"].docs_url.startswith("https://huggingface.co/docs/")


def test_current_list_duplicates_and_sections(fixtures):
    doc = parse(fixtures, "list-2026-06-30.md")
    assert [d[0] for d in doc.duplicates] == ["SuperCompress"]
    assert doc.duplicates[0][1][:3] == ["Batch Optimization", "Sparsity Optimization", "Sampling Optimization"]
    assert len(doc.sections) == 51
    kinds = {s.heading: (s.kind, s.understood) for s in doc.sections}
    assert kinds["Hardware Support Matrix"] == ("matrix", False)
    assert kinds["Commercial Inference Engine Pricing by Model (USD per 1M tokens)"] == ("table", False)
    assert kinds["Quantization"] == ("techniques", True)
    assert kinds["Open Source LLM Gateways and Serving Systems"] == ("engines", True)
    assert len(doc.not_understood()) == 35


def test_current_list_techniques(fixtures):
    doc = parse(fixtures, "list-2026-06-30.md")
    assert len(doc.techniques) == 56
    by = {(t.category, t.name): t for t in doc.techniques}
    chunked = by[("batch_optimization", "Chunked-prefills")]
    assert [(r.arxiv_id, r.label) for r in chunked.references] == [("2308.16369", "Agrawal et al. (2023)")]
    eagle = by[("sampling_optimization", "EAGLE")]
    assert [r.arxiv_id for r in eagle.references] == ["2401.15077", "2406.16858", "2503.01840"]
    exl2 = by[("quantization", "EXL2")]
    assert exl2.references[0].arxiv_id is None and exl2.references[0].url.startswith("https://github.com/")
    assert {t.category for t in doc.techniques} == {
        "batch_optimization", "parallelism", "quantization", "pruning", "sparsity", "fine_tuning", "caching",
        "attention_optimization", "sampling_optimization", "structured_outputs"}
    assert len(doc.papers()) == 52


@pytest.mark.parametrize("url,expected", [
    ("https://arxiv.org/abs/2401.15077", "2401.15077"),
    ("https://arxiv.org/abs/2401.15077v3", "2401.15077"),
    ("http://arxiv.org/pdf/2401.15077v2.pdf", "2401.15077"),
    ("https://export.arxiv.org/abs/cs/0112017v1", "cs/0112017"),
    ("https://arxiv.org/html/2401.15077v1", "2401.15077"),
    ("https://example.org/abs/2401.15077", None),
    ("https://arxiv.org/list/cs.DC/recent", None),
])
def test_arxiv_ids(url, expected):
    assert lp.arxiv_id(url) == expected


@pytest.mark.parametrize("url,expected", [
    ("https://github.com/vllm-project/vllm", "vllm-project/vllm"),
    ("https://github.com/deepspeedai/DeepSpeed/tree/master/blogs/deepspeed-fastgen", "deepspeedai/DeepSpeed"),
    ("https://github.com/a/b.git", "a/b"),
    ("https://github.com/orgs/x", None),
    ("https://github.com/solo", None),
    ("https://gitlab.com/a/b", None),
])
def test_github_repos(url, expected):
    assert lp.github_repo(url) == expected


def test_generated_regions_are_not_read_as_list_content():
    text = ("# L\n\n## Caching\n\n| Technique | Description | References |\n|---|---|---|\n"
            "| Mine | d | [p](https://arxiv.org/abs/2401.00001) |\n\n"
            "<!-- curator:begin techniques-caching -->\n\n| Technique | Description | References |\n|---|---|---|\n"
            "| Generated | g | [q](https://arxiv.org/abs/2401.00002) |\n\n<!-- curator:end techniques-caching -->\n\n"
            "## Open Source Inference Engines\n\n- [X](https://github.com/a/x)\n")
    doc = lp.parse(text)
    assert [t.name for t in doc.techniques] == ["Mine"]
    assert doc.papers() == ["2401.00001"]
    assert [e.name for e in doc.engines] == ["X"]


def test_unknown_sections_are_kept():
    doc = lp.parse("# T\n\n## Something new\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Other\n\ntext\n")
    assert [(s.heading, s.kind, s.understood) for s in doc.sections] == [
        ("T", "prose", False), ("Something new", "table", False), ("Other", "prose", False)]


def test_bad_files(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        lp.read_list(tmp_path / "missing.md")
    (tmp_path / "bin.md").write_bytes(b"\x89PNG\x00\x00\x01")
    with pytest.raises(BadInput, match="binary"):
        lp.read_list(tmp_path / "bin.md")
    (tmp_path / "latin.md").write_bytes("# caf\u00e9\n".encode("latin-1"))
    with pytest.raises(BadInput, match="not UTF-8"):
        lp.read_list(tmp_path / "latin.md")
    with pytest.raises(BadInput, match="no headings"):
        lp.parse("just text\n")


def test_entries_sharing_a_repository_are_noted():
    doc = lp.parse("# L\n\n## Open Source Inference Engines\n\n- [A](https://github.com/o/r)\n"
                   "- [B](https://github.com/O/R/tree/main/x)\n")
    assert doc.notes == ["entries A, B link the same repository o/r"]
