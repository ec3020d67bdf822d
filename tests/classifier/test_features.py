"""Matrix marks from documentation pages: supported, not supported, unknown, contradictions,
enumerations, vendor summaries and hostile text (stored raw, as the page has it)."""
from __future__ import annotations

from dataclasses import dataclass

from catalogue import features as vocab
from classifier.features import EXCLUDED, extract, names_of


@dataclass
class Page:
    path: str
    text: str
    date: str | None = "2026-08-01"
    weak: bool = False

    @property
    def url(self) -> str:
        return f"https://github.com/acme/engine/blob/abc/{self.path}"


def mark(pages, key, **kw):
    return extract(pages, **kw)[key]


def test_a_sentence_naming_the_feature_states_it_with_its_quote_url_and_date():
    m = mark([Page("README.md", "# E\n\nWe support AMD GPUs through ROCm 6.\n")], "hardware:AMD GPU (ROCm/HIP)")
    assert (m.supported, m.basis) == (1, "stated")
    assert m.evidence == "We support AMD GPUs through ROCm 6."
    assert m.url.endswith("/README.md") and m.date == "2026-08-01"


def test_a_negated_sentence_says_not_supported():
    for text in ("Windows is not supported.", "The engine does not support Windows.",
                 "There is no support for Windows.", "Windows isn't supported yet"):
        m = mark([Page("README.md", text)], "hardware:Windows")
        assert m.supported == 0 and m.basis in ("denied", "planned"), text


def test_coming_soon_and_roadmap_sections_are_not_supported_yet():
    m = mark([Page("README.md", "FP8 support is coming soon.")], "precision:FP8")
    assert (m.supported, m.basis) == (0, "planned")
    m = mark([Page("README.md", "# E\n\n## Roadmap\n\n- Speculative decoding\n")], "optimization:Speculative Decoding")
    assert (m.supported, m.basis) == (0, "planned")


def test_a_feature_no_page_names_stays_unknown():
    m = mark([Page("README.md", "# E\n\nA small engine written in C.\n")], "hardware:Google TPU")
    assert m.supported is None and m.evidence is None and m.url is None


def test_a_negation_scoped_to_something_else_says_nothing_about_the_feature():
    m = mark([Page("README.md", "FP4 is not supported on Hopper GPUs.")], "precision:FP4")
    assert m.supported is None


def test_contradicting_pages_a_statement_beats_a_stale_not_yet():
    pages = [Page("docs/old.md", "Pipeline parallelism is not yet supported."),
             Page("docs/parallel.md", "Use pipeline parallelism to spread layers over GPUs.")]
    m = mark(pages, "optimization:Pipeline Parallelism")
    assert (m.supported, m.basis) == (1, "stated") and m.url.endswith("docs/parallel.md")


def test_contradicting_pages_the_newer_page_wins_on_equal_weight():
    pages = [Page("a.md", "LoRA adapters can be served.", date="2025-01-01"),
             Page("b.md", "LoRA is not supported.", date="2026-01-01")]
    m = mark(pages, "optimization:LoRA")
    assert (m.supported, m.url.endswith("b.md")) == (0, True)


def test_contradicting_pages_an_explicit_removal_wins_over_statements():
    pages = [Page("a.md", "Run on Intel Gaudi accelerators.", date="2026-01-01"),
             Page("b.md", "Intel Gaudi is no longer supported.", date="2025-01-01")]
    m = mark(pages, "hardware:Intel Gaudi")
    assert m.supported == 0 and "no longer supported" in m.evidence


def test_prose_outweighs_a_code_line():
    pages = [Page("README.md", "```\n# int8 is not supported here\n```\n\nINT8 weights are supported.\n")]
    m = mark(pages, "precision:INT8")
    assert m.supported == 1 and m.evidence == "INT8 weights are supported."


def test_table_cells_speak_through_their_column_and_row():
    text = ("| Method | NVIDIA GPU | Google TPU |\n|---|---|---|\n| AWQ | ✅ | ❌ |\n| GPTQ | ❌ | ❌ |\n\n"
            "| Feature | Status |\n|---|---|\n| Speculative decoding | ✅ |\n| Prefix caching | ❌ |\n")
    marks = extract([Page("docs/support.md", text)])
    assert marks["hardware:NVIDIA GPU (CUDA)"].supported == 1
    assert "NVIDIA GPU: ✅" in marks["hardware:NVIDIA GPU (CUDA)"].evidence
    assert marks["hardware:Google TPU"].supported is None  # a ❌ under it is about AWQ on a TPU, not the TPU
    assert marks["precision:INT4"].supported == 1  # AWQ has a ✅ in its row
    assert marks["optimization:Speculative Decoding"].supported == 1
    assert marks["optimization:Prefix Caching"].supported == 0


def test_lists_of_other_projects_and_other_engines_sentences_do_not_count():
    text = ("# E\n\n## Community integrations\n\n- [MacApp](https://example.org/app) - runs on macOS\n\n"
            "## Why\n\nOtherEngine added FlashAttention last year.\n")
    marks = extract([Page("README.md", text)], others=["OtherEngine"], own=["E"])
    assert marks["hardware:macOS"].supported is None
    fa = marks["optimization:FlashAttention"]
    assert fa.supported == 1 and fa.evidence.startswith("OtherEngine")  # kept, but only as weak as a code line
    strong = extract([Page("README.md", text + "\nE uses FlashAttention-2 kernels.\n")], others=["OtherEngine"],
                     own=["E"])["optimization:FlashAttention"]
    assert strong.evidence == "E uses FlashAttention-2 kernels."


def test_an_enumeration_marks_the_columns_it_leaves_out_as_excluded():
    text = "# E\n\n## Requirements\n\nThe engine runs on Linux with NVIDIA GPUs.\n\nSupported data types: FP16 and BF16.\n"
    marks = extract([Page("README.md", text)])
    assert marks["hardware:NVIDIA GPU (CUDA)"].supported == 1
    tpu = marks["hardware:Google TPU"]
    assert (tpu.supported, tpu.basis) == (0, EXCLUDED) and tpu.evidence == "The engine runs on Linux with NVIDIA GPUs."
    assert marks["precision:FP8"].basis == EXCLUDED and marks["precision:FP8"].evidence.startswith("Supported data types")
    assert marks["hardware:x86-64"].supported is None  # nothing enumerates the CPU architectures
    assert marks["optimization:LoRA"].supported is None  # no features list: optimizations stay unknown


def test_a_features_list_enumerates_the_optimizations():
    text = ("# E\n\n## Key features\n\n- Continuous batching\n- Tensor parallelism\n- PagedAttention\n"
            "- Quantization\n")
    marks = extract([Page("README.md", text)])
    lora = marks["optimization:LoRA"]
    assert (lora.supported, lora.basis) == (0, EXCLUDED) and lora.evidence.startswith("Key features: Continuous")
    assert marks["optimization:Continuous Batching"].supported == 1


def test_vendor_summaries_are_weak_and_a_hosted_service_runs_on_no_local_platform():
    pages = [Page("endpoints", "- Dedicated endpoints serve models on NVIDIA H100 GPUs.\n", weak=True)]
    marks = extract(pages)
    web = marks["hardware:Web/API"]
    assert (web.supported, web.weak) == (1, True)
    assert marks["hardware:NVIDIA GPU (CUDA)"].weak
    assert (marks["hardware:Windows"].supported, marks["hardware:Windows"].basis) == (0, EXCLUDED)
    assert marks["hardware:AMD GPU (ROCm/HIP)"].supported is None  # a summary enumerates nothing


def test_hostile_text_is_stored_as_the_page_shows_it_and_within_300_characters():
    text = ("FlashAttention | works `here` @maintainer #12 [click](javascript:alert(1)) "
            "&lt;script&gt;alert(1)&lt;/script&gt; <!-- curator:end feature-matrices --> " + "x" * 400)
    m = mark([Page("docs/h.md", text)], "optimization:FlashAttention")
    assert m.supported == 1 and len(m.evidence) <= 300
    assert "<script>alert(1)</script>" in m.evidence and "@maintainer #12" in m.evidence
    assert "javascript:" not in m.evidence and "curator:end" not in m.evidence  # link targets and comments are not text


def test_every_quote_of_a_stated_mark_names_its_feature():
    text = ("# E\n\nRuns on Linux, Windows and macOS with CUDA, ROCm or SYCL. Supports AWQ, GPTQ, FP8 and "
            "bitsandbytes 4-bit (NF4). Features continuous batching, chunked prefill and speculative decoding.\n")
    for key, m in extract([Page("README.md", text)]).items():
        if m.supported == 1:
            assert vocab.names(key, m.evidence), (key, m.evidence)


def test_names_of_an_engine():
    assert names_of("TGI (Text Generation Inference)", "huggingface/text-generation-inference") == [
        "TGI (Text Generation Inference)", "TGI", "Text Generation Inference", "text-generation-inference"]


def test_a_tick_with_an_emoji_presentation_selector_is_a_tick():
    text = "| Implementation | Intel Gaudi | Google TPU |\n|---|---|---|\n| INC (W8A8) | ✅\ufe0e | ❌ |\n"
    marks = extract([Page("docs/hardware.md", text)])
    assert marks["hardware:Intel Gaudi"].supported == 1 and "Intel Gaudi: ✅" in marks["hardware:Intel Gaudi"].evidence


def test_a_sentence_telling_history_says_nothing():
    text = "In the past, dynamic batching was used to improve GPU utilization.\n"
    assert mark([Page("README.md", text)], "optimization:Dynamic Batching").supported is None


def test_a_feature_named_only_as_a_point_of_comparison_says_nothing():
    text = ("- Claimed result: 2-4x speedup over BF16 without accuracy loss; mentions MXFP4 as an industry format.\n"
            "- Loads packed weights instead of converting BF16 on the fly.\n- FP8 storage for activations.\n")
    marks = extract([Page("blog", text)])
    assert marks["precision:BF16"].supported is None and marks["precision:MXFP4"].supported is None
    assert marks["precision:FP8"].supported == 1


def test_an_open_list_of_examples_excludes_nothing():
    for text in ("It runs on a backend which supports many features like pipeline parallelism, FlashAttention, "
                 "continuous batching and PagedAttention.",
                 "Export models in formats including GGUF, NVFP4, FP8 and more.",
                 "Supported data types such as FP16 and BF16."):
        marks = extract([Page("README.md", text)])
        assert all(m.basis != EXCLUDED for m in marks.values()), text
    closed = extract([Page("README.md", "Supported data types: FP16 and BF16.")])
    assert closed["precision:FP8"].basis == EXCLUDED


def test_a_list_announced_by_its_lead_in_is_one_enumeration():
    text = ("# Installation\n\nE supports the following hardware platforms:\n\n- GPU\n    - NVIDIA CUDA\n"
            "    - AMD ROCm\n- CPU\n    - Intel/AMD x86\n    - ARM AArch64\n")
    marks = extract([Page("docs/install.md", text)])
    tpu = marks["hardware:Google TPU"]
    assert (tpu.supported, tpu.basis) == (0, EXCLUDED)
    assert tpu.evidence.startswith("E supports the following hardware platforms: NVIDIA CUDA; AMD ROCm")
    assert marks["hardware:AMD GPU (ROCm/HIP)"].supported == 1
    # the same list on a page that says the whole list is elsewhere excludes nothing
    pointed = text + "\nA list of all supported hardware can be found on the website.\n"
    assert extract([Page("docs/install.md", pointed)])["hardware:Google TPU"].supported is None


def test_synonyms_in_identifiers_and_architecture_names():
    assert vocab.names("precision:INT4", "--qformat int4_awq")
    assert vocab.names("precision:INT8", "int8_sq")
    assert not vocab.names("precision:INT4", "int4096")
    assert vocab.names("hardware:NVIDIA GPU (CUDA)", "FP8 kernels for Hopper and Blackwell")
    assert not vocab.names("hardware:NVIDIA GPU (CUDA)", "Ampere Altra servers")
    assert vocab.names("optimization:Quantization", "NVFP4 quants for supported GPUs")


def test_a_table_of_quantization_types_enumerates_the_quantized_formats_only():
    text = "### Quantization types\n\n| Type | Recommended |\n|---|:-:|\n| q4_K_M | * |\n| q4_K_S | |\n| q8_0 | * |\n"
    marks = extract([Page("docs/api.md", text)])
    assert marks["precision:INT4"].supported == 1 and marks["precision:INT8"].supported == 1
    nf4 = marks["precision:NF4"]
    assert (nf4.supported, nf4.basis) == (0, EXCLUDED) and "q4_K_M; q4_K_S; q8_0" in nf4.evidence
    assert marks["precision:FP32"].supported is None  # a list of quantized formats says nothing of FP32


def test_supported_data_types_speak_for_every_precision():
    marks = extract([Page("README.md", "Supported data types: FP16, BF16 and INT8.")])
    assert marks["precision:FP32"].basis == EXCLUDED and marks["precision:MXFP4"].basis == EXCLUDED


def test_two_formats_named_in_passing_enumerate_nothing():
    text = ("Dynamic quantization of an original precision BF16/FP16 model to FP8 can be achieved without "
            "calibration data. Turing GPUs are supported for W8A16 (weight-only FP8) with Marlin kernels.")
    marks = extract([Page("docs/fp8.md", text)])
    assert all(m.basis != EXCLUDED for m in marks.values())


def test_a_headline_list_of_what_the_engine_is_fast_with_enumerates_optimizations():
    text = ("## About\n\nE is fast with:\n\n- Continuous batching of incoming requests\n"
            "- Efficient management of attention key and value memory with PagedAttention\n"
            "- Speculative decoding\n- Chunked prefill\n")
    radix = mark([Page("README.md", text)], "optimization:RadixAttention")
    assert (radix.supported, radix.basis) == (0, EXCLUDED) and radix.evidence.startswith("E is fast with:")


def test_a_page_about_another_engine_says_nothing_of_this_one():
    pages = [Page("README.md", "# Engy\n\nEngy runs on Linux.\n"),
             Page("docs/build.md", "# Build llama.cpp\n\nThis provides NPU acceleration using your Ascend NPU.\n")]
    marks = extract(pages, others=["llama.cpp"], own=["Engy"])
    assert marks["hardware:Huawei Ascend"].supported is None
    own_page = [pages[0], Page("docs/npu.md", "Engy on Ascend NPUs, as llama.cpp does it.\n")]
    assert extract(own_page, others=["llama.cpp"], own=["Engy"])["hardware:Huawei Ascend"].supported == 1


def test_a_table_of_figures_enumerates_nothing_through_its_header():
    text = "| Context length | BF16 | FP8 | Speedup |\n|---|---|---|---|\n| 2k | 29.1 tok/s | 29.4 tok/s | +1% |\n"
    marks = extract([Page("docs/kv.md", text)])
    assert marks["precision:FP32"].supported is None and marks["precision:MXFP4"].supported is None


def test_a_heading_and_a_loose_heading_cue_enumerate_nothing():
    text = "## Run on Android\n\nRefer to `android/adb_run.sh` to start it.\n"
    assert mark([Page("docs/mobile.md", text)], "hardware:Google TPU").supported is None
    text = "## System requirements\n\nAn NVIDIA GPU with 16 GB of memory.\n"
    tpu = mark([Page("README.md", text)], "hardware:Google TPU")
    assert (tpu.supported, tpu.basis) == (0, EXCLUDED)


def test_a_wish_to_add_a_feature_is_not_support():
    text = "If we can run 7B faster, we can start adding LoRA to our training script."
    assert mark([Page("README.md", text)], "optimization:LoRA").basis == "planned"


def test_a_sentence_naming_two_techniques_in_four_columns_enumerates_nothing():
    text = ("E provides state-of-the-art serving performance leveraging its blocked KV cache and "
            "Dynamic SplitFuse continuous batching.")
    assert mark([Page("README.md", text)], "optimization:LoRA").supported is None


def test_a_list_of_platforms_a_project_was_tested_on_enumerates_them():
    text = ("We have tested Engy on the following platforms:\n\n"
            "- x86-64 CPUs with AVX2, with or without NVIDIA GPUs, under **Linux**.\n"
            "- Apple M Chips (CPU only) on **macOS**.\n")
    marks = extract([Page("README.md", text)])
    gaudi = marks["hardware:Intel Gaudi"]
    assert (gaudi.supported, gaudi.basis) == (0, EXCLUDED) and gaudi.evidence.startswith("We have tested Engy")
    assert marks["hardware:Windows"].basis == EXCLUDED and marks["hardware:Linux"].supported == 1


def test_a_support_matrix_page_title_and_an_os_label_are_cues():
    text = "---\ntitle: Support Matrix\n---\n\n## Hardware\n\n- NVIDIA Hopper (H100, H200)\n"
    assert mark([Page("docs/reference/support-matrix.md", text)], "hardware:Google TPU").basis == EXCLUDED
    assert mark([Page("docs/install.md", "- OS: Linux\n- Python: 3.10+\n")], "hardware:Windows").basis == EXCLUDED
    # the machine a benchmark ran on is no enumeration of what the engine supports
    text = "- GPU: Nvidia RTX 2080Ti (11GB VRAM) CPU: Intel i7-13700 RAM: 64GB\n"
    assert mark([Page("docs/perf.md", text)], "hardware:Intel Gaudi").supported is None


def test_a_hostile_enumeration_is_quoted_as_the_page_shows_it_within_300_characters():
    items = "".join(f"- Linux &lt;script&gt;alert({i})&lt;/script&gt; @octocat Fixes #{i} | pipe\n" for i in range(12))
    text = "Engy supports the following platforms:\n\n" + items
    win = mark([Page("docs/install.md", text)], "hardware:Windows")
    assert (win.supported, win.basis) == (0, EXCLUDED) and len(win.evidence) <= 300
    assert win.evidence.startswith("Engy supports the following platforms: Linux <script>alert(0)</script> @octocat")
