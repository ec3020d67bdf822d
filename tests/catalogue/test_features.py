"""The matrices' vocabulary: the list's own column names, and synonyms that name them."""
from __future__ import annotations

import pytest

from catalogue import features as vocab
from reports.matrix_parse import hand_matrices


def test_columns_are_the_grown_lists_exactly(fixtures):
    hand = hand_matrices((fixtures / "list-2026-06-30.md").read_text(encoding="utf-8"))
    assert {g: tuple(m.columns) for g, m in hand.items()} == vocab.COLUMNS
    assert [len(vocab.COLUMNS[g]) for g in vocab.GROUPS] == [16, 23, 12]


@pytest.mark.parametrize("key, text", [
    ("hardware:AMD GPU (ROCm/HIP)", "built with ROCm"), ("hardware:AMD GPU (ROCm/HIP)", "HIP kernels"),
    ("hardware:Intel GPU (SYCL)", "the SYCL backend"), ("hardware:AMD Instinct", "AMD MI300X"),
    ("hardware:Windows", "install on Windows 11"), ("hardware:Mobile / Edge", "NVIDIA Jetson Orin"),
    ("precision:INT4", "AWQ"), ("precision:INT4", "GPTQ models"), ("precision:INT4", "Q4_K_M"),
    ("precision:FP8", "FP8 (E4M3)"), ("precision:FP4", "NVFP4 weights"), ("precision:NF4", "bnb-4bit"),
    ("optimization:Continuous Batching", "in-flight batching"), ("optimization:Chunked-prefills", "chunked prefill"),
    ("optimization:Guided Decoding", "structured outputs with a JSON schema"),
    ("optimization:Speculative Decoding", "EAGLE-3 drafts"), ("optimization:KV Caching", "the K/V cache"),
])
def test_synonyms_name_their_column(key, text):
    assert vocab.names(key, text)


@pytest.mark.parametrize("key, text", [
    ("precision:FP8", "MXFP8 only"), ("precision:FP4", "MXFP4"), ("precision:INT8", "MXINT8"),
    ("hardware:Windows", "long context windows"), ("hardware:AMD GPU (ROCm/HIP)", "hip hop"),
    ("precision:INT4", "4-bit quantization"), ("hardware:macOS", "Apple silicon"),
    ("optimization:Speculative Decoding", "an eagle flew by"), ("hardware:ARM64/Apple Silicon", "arm yourself"),
    ("optimization:Data Parallelism", "DPCPP (Data Parallel C++)"),
])
def test_near_misses_name_nothing(key, text):
    assert not vocab.names(key, text)


def test_headers_and_groups():
    assert vocab.by_header("hardware", "AMD GPU (ROCm/HIP)").column == "AMD GPU (ROCm/HIP)"
    assert vocab.by_header("optimization", "chunked-prefills").column == "Chunked-prefills"
    assert vocab.group_of_headers(["Framework", "FP32", "FP16", "BF16"]) == "precision"
    assert vocab.group_of_headers(["Framework", "FP32"]) is None
