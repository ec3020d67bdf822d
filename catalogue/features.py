"""The comparison matrices' vocabulary, as data: hardware, optimizations, precisions.

The grown list keeps three hand-made matrices in its Comparison Table: Hardware
Support (16 columns), Optimization Coverage (23) and Numeric Precision (12).
Each :class:`Feature` here is one column: its group (``hardware``,
``optimization`` or ``precision``), the column name exactly as the list writes
it (what ``engine_features.feature`` stores), a short header for narrow tables,
a part (the block of related columns a documentation's enumeration speaks for,
and the split of wide generated tables) and the patterns that name it in
documentation.

Patterns are Python regular expressions matched case-insensitively unless
written with the inline flag ``(?-i:...)``; each names the feature itself or a
synonym a reader would accept as naming it (``ROCm`` and ``HIP`` name the AMD
GPU column, ``Hopper`` and ``H100`` the NVIDIA one, ``AWQ``, ``GPTQ`` and
``int4_awq`` the INT4 column, all being 4-bit integer weight formats, GGUF's
``F16`` the FP16 one). Generic words that name several columns at once ("4-bit",
"8-bit quantization", "GPU") name none. ``MXFP4`` names only its own column,
never ``FP4``: the list keeps the microscaling formats apart.

This module imports nothing of curator's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

GROUPS: tuple[str, ...] = ("hardware", "optimization", "precision")
GROUP_TITLES: dict[str, str] = {
    "hardware": "Hardware Support Matrix",
    "optimization": "Optimization Coverage Matrix",
    "precision": "Numeric Precision Support Matrix",
}


@dataclass(frozen=True)
class Feature:
    group: str                    # hardware | optimization | precision
    column: str                   # the column name as the grown list writes it
    short: str                    # header of generated tables (the legend spells it out)
    part: str                     # block of related columns (an enumeration speaks for its block)
    patterns: tuple[str, ...]     # regular expressions that name it

    @property
    def key(self) -> str:
        return f"{self.group}:{self.column}"


def _f(group: str, column: str, short: str, part: str, *patterns: str) -> Feature:
    return Feature(group, column, short, part, tuple(patterns))


_NOT_PREFIXED = r"(?<![a-z0-9])"      # FP8 but not MXFP8, INT4 but not MXINT4
_NOT_SUFFIXED = r"(?![a-z0-9])"      # FP8 and fp8_e4m3, INT4 and int4_awq, but not FP16x or int4096

FEATURES: tuple[Feature, ...] = (
    # --- hardware: where the engine runs -----------------------------------------------
    _f("hardware", "Linux", "Linux", "os",
       r"\blinux\b", r"\bubuntu\b", r"\bdebian\b", r"\b(?:centos|rhel|red hat enterprise)\b"),
    _f("hardware", "Windows", "Win", "os",
       r"(?<!context )(?<!sliding )(?<!attention )(?<!time )(?-i:\bWindows\b)", r"\bwindows (?:10|11|server)\b",
       r"\bwin(?:32|64)\b", r"\bwsl2?\b", r"\bwinget\b", r"\bmsvc\b"),
    _f("hardware", "macOS", "macOS", "os",
       r"\bmac ?os\b", r"\bos ?x\b", r"(?-i:\bMacs?\b)", r"\bmacbook", r"(?-i:\bMetal\b)"),
    _f("hardware", "Web/API", "Web/API", "os",
       r"\bserverless\b", r"\bdedicated (?:deployments?|endpoints?)\b", r"\bhosted (?:apis?|inference|endpoints?)\b",
       r"\bon-demand deployments?\b", r"\bfully managed\b", r"\bmanaged (?:inference|endpoints?|service)\b",
       r"\bbilled (?:per|at|by)\b"),
    _f("hardware", "x86-64", "x86", "cpu",
       r"\bx86(?:[-_]64)?\b", r"\bamd64\b", r"\bavx(?:2|512\w*|-512|_vnni)?\b", r"\bintel (?:xeon|core)\b",
       r"\bxeon\b", r"\bepyc\b", r"\bamx\b"),
    _f("hardware", "ARM64/Apple Silicon", "ARM", "cpu",
       r"\barm64\b", r"\baarch64\b", r"(?-i:\bARM\b)", r"\bapple silicon\b", r"\bapple m[1-4]\b", r"(?-i:\bM[1-4] (?:Max|Pro|Ultra|chip|Mac))",
       r"\bneon\b", r"\bgraviton\b", r"\barmv[89]"),
    _f("hardware", "NVIDIA GPU (CUDA)", "NVIDIA", "gpu",
       r"\bcuda\b", r"\bnvidia\b", r"\bgeforce\b", r"\brtx ?\d", r"\b(?:a|h|b|l)(?:100|200|800|40s?|4)\b(?= |,|\)|$)",
       r"\b(?:v100|t4|a10g?|a30|a40|h20|gb200|gh200|b100|b300)\b(?= |,|\)|$)", r"\b[dh]gx\b",
       r"(?-i:\b(?:Hopper|Blackwell|Volta)\b)", r"(?-i:\bAmpere\b)(?! (?:Altra|Computing|One))", r"\bada lovelace\b",
       r"\bcublas\b", r"\bgpus? with compute capability\b", r"\bsm_?(?:[789]\d|1[02]\d)a?\b"),
    _f("hardware", "AMD GPU (ROCm/HIP)", "AMD", "gpu",
       r"\brocm\b", r"(?-i:\bHIP\b)", r"\bhipblas\b", r"\bradeon\b", r"\bamd gpus?\b", r"\bamd graphics\b"),
    _f("hardware", "Intel GPU (SYCL)", "Intel", "gpu",
       r"\bsycl\b", r"\bintel arc\b", r"\bintel (?:data center |datacenter )?(?:max |flex )?gpus?\b", r"\bxpu\b",
       r"\bintel gpu\b"),
    _f("hardware", "Google TPU", "TPU", "gpu", r"\btpus?\b", r"\btpu v\d"),
    _f("hardware", "AMD Instinct", "Instinct", "gpu", r"\binstinct\b", r"\bmi(?:100|210|250x?|300[ax]?|325x?|350x?|355x?)\b"),
    _f("hardware", "Intel Gaudi", "Gaudi", "gpu", r"\bgaudi\d?\b", r"\bhabana\b", r"(?-i:\bHPUs?\b)"),
    _f("hardware", "Huawei Ascend", "Ascend", "gpu", r"\bascend\b", r"(?-i:\bCANN\b)"),
    _f("hardware", "AWS Inferentia", "AWS", "gpu", r"\binferentia\d?\b", r"\btrainium\b", r"\baws neuron\b",
       r"\bneuron sdk\b", r"\binf2\b"),
    _f("hardware", "Mobile / Edge", "Mobile", "gpu",
       r"\bandroid\b", r"(?-i:\biOS\b)", r"\biphone\b", r"\bipad\b", r"\bjetson\b", r"\braspberry pi\b",
       r"\bsnapdragon\b", r"\badreno\b", r"\bmali\b", r"\bedge devices?\b", r"\bmobile (?:devices?|phones?|gpus?)\b",
       r"\bsmartphones?\b", r"\bon-device\b"),
    _f("hardware", "ETC", "Other", "gpu",
       r"\bmoore threads\b", r"(?-i:\bMUSA\b)", r"\bcambricon\b", r"(?-i:\bMLU\b)", r"\btecorigin\b", r"(?-i:\bSDAA\b)",
       r"(?-i:\bLPUs?\b)", r"\bcerebras\b", r"\bsambanova\b", r"\bgraphcore\b", r"(?-i:\bIPUs?\b)", r"\bhygon\b",
       r"(?-i:\bDCU\b)", r"\bkunlun\b", r"\bbiren\b", r"\benflame\b", r"\biluvatar\b", r"\bmetax\b"),
    # --- optimization: techniques the engine implements ---------------------------------
    _f("optimization", "Dynamic Batching", "Dynamic", "batching", r"\bdynamic batch(?:ing|es)?\b"),
    _f("optimization", "Continuous Batching", "Continuous", "batching",
       r"\bcontinuous(?:ly)?[- ]batch(?:ing|ed|es)?\b", r"\bin-?flight batching\b", r"\biteration-level (?:batching|scheduling)\b"),
    _f("optimization", "Nano Batching", "Nano", "batching", r"\bnano-?batch(?:ing|es)?\b"),
    _f("optimization", "Chunked-prefills", "Chunked", "batching",
       r"\bchunked[- ]prefill(?:s|ing)?\b", r"\bprefill chunk(?:s|ing)\b", r"\bsplitfuse\b", r"\bchunked_prefill\b"),
    _f("optimization", "Data Parallelism", "DP", "parallelism",
       r"\bdata[- ]parallel(?:ism)?\b(?! c\+\+)", r"\bdata_parallel_size\b", r"\bdp[- ]attention\b"),
    _f("optimization", "FSDP", "FSDP", "parallelism", r"\bfsdp2?\b", r"\bfully[- ]sharded data[- ]parallel\w*\b",
       r"\bzero[- ](?:stage[- ])?3\b"),
    _f("optimization", "Tensor Parallelism", "TP", "parallelism",
       r"\btensor[- ]parallel(?:ism)?\b", r"\btensor_parallel_size\b", r"\btensor[- ]slicing\b", r"\bautotp\b",
       r"\btensor model parallel\w*\b"),
    _f("optimization", "Pipeline Parallelism", "PP", "parallelism",
       r"\bpipeline[- ]parallel(?:ism)?\b", r"\bpipeline_parallel_size\b"),
    _f("optimization", "Quantization", "Quant.", "compression", r"\bquanti[sz](?:ation|ed|e|ing)\b", r"\bquants\b"),
    _f("optimization", "Pruning", "Pruning", "compression", r"\bprun(?:ing|ed) (?:models?|weights?|llms?|networks?)\b",
       r"\b(?:model|weight|structured|unstructured) pruning\b", r"\bsparsegpt\b", r"\bwanda\b"),
    _f("optimization", "Sparsity", "Sparsity", "compression",
       r"\bsparsity\b", r"\bsparse (?:attention|kernels?|weights?|matri(?:x|ces)|models?|activations?|computation|inference|moe|experts?)\b",
       r"\b2:4 (?:structured )?sparse\b", r"\bactivation sparsity\b"),
    _f("optimization", "LoRA", "LoRA", "compression", r"\bq?lora\b", r"\blow-rank adapt(?:ation|ers?)\b"),
    _f("optimization", "Prompt Caching", "Prompt cache", "caching", r"\bprompt[- ]cach(?:e|ing)\b", r"\bcontext caching\b",
       r"\bcached (?:prompts?|input tokens)\b", r"\bprompt_cache\b"),
    _f("optimization", "Prefix Caching", "Prefix cache", "caching", r"\bprefix[- ]cach(?:e|ing)\b", r"\bprefix (?:sharing|reuse)\b",
       r"\benable_prefix_caching\b"),
    _f("optimization", "KV Caching", "KV cache", "caching", r"\bk/?v[- ]?cach(?:e|es|ing)\b", r"\bkey[- ]value (?:\(kv\) )?cache\b",
       r"\bk/v (?:context )?cache\b",
       r"\bkv_cache\b"),
    _f("optimization", "PagedAttention", "Paged", "attention", r"\bpaged[- ]?attention\b", r"\bpaged kv\b",
       r"\bblocked kv[- ]?cache\b", r"\bpaged_attention\b"),
    _f("optimization", "vAttention", "vAttn", "attention", r"\bvattention\b"),
    _f("optimization", "FlashAttention", "Flash", "attention", r"\bflash[- _]?attention(?:[- ]?[234])?\b", r"\bflash[-_]?attn\b",
       r"\bflashmla\b"),
    _f("optimization", "RadixAttention", "Radix", "attention", r"\bradix[- ]?attention\b", r"\bradix (?:cache|tree)\b"),
    _f("optimization", "FlexAttention", "Flex", "attention", r"\bflex[- _]?attention\b"),
    _f("optimization", "FireAttention", "Fire", "attention", r"\bfire[- ]?attention\b"),
    _f("optimization", "Speculative Decoding", "Speculative", "decoding",
       r"\bspeculative (?:decoding|sampling|inference|generation|execution)\b", r"\bspeculative\b", r"\bdraft models?\b",
       r"\bmedusa\b", r"(?-i:\bEAGLE(?:-?[1-3])?\b)", r"\blookahead decoding\b"),
    _f("optimization", "Guided Decoding", "Guided", "decoding",
       r"\bguided (?:decoding|generation|json)\b", r"\bstructured (?:outputs?|generation|decoding|responses?)\b",
       r"\bconstrained (?:decoding|generation|sampling)\b", r"\bjson (?:mode|schema)\b", r"\bgbnf\b",
       r"\bgrammars?\b(?! (?:check|error|correction))", r"\bxgrammar\b", r"\blm-format-enforcer\b",
       r"\bresponse_format\b"),
    # --- precision: number formats the engine computes or stores in ---------------------
    _f("precision", "FP32", "FP32", "float", _NOT_PREFIXED + r"fp32" + _NOT_SUFFIXED, r"(?-i:\b[fF]32\b)",
       r"\bfloat32\b", r"\bfull precision\b", r"\bsingle[- ]precision\b", r"\b32-bit float(?:ing[- ]point)?\b", r"\btf32\b"),
    _f("precision", "FP16", "FP16", "float", _NOT_PREFIXED + r"fp16" + _NOT_SUFFIXED, r"(?-i:\b[fF]16\b)",
       r"\bfloat16\b", r"\bhalf[- ]precision\b", r"\b16-bit float(?:ing[- ]point)?\b"),
    _f("precision", "FP8", "FP8", "float", _NOT_PREFIXED + r"fp8" + _NOT_SUFFIXED, r"\bfloat8\b", r"\b8-bit float(?:ing[- ]point)?\b",
       r"\be4m3\b", r"\be5m2\b", r"\bw8a8[-_]fp8\b"),
    _f("precision", "FP4", "FP4", "float", _NOT_PREFIXED + r"(?:nv)?fp4" + _NOT_SUFFIXED, r"\bfloat4\b",
       r"\b4-bit float(?:ing[- ]point)?\b", r"\be2m1\b"),
    _f("precision", "NF4", "NF4", "float", r"\bnf4\b", r"\bnormal ?float ?4\b", r"\b4-bit normalfloat\b", r"\bbnb[-_ ]4bit\b",
       r"\bbitsandbytes 4-?bit\b"),
    _f("precision", "BF16", "BF16", "float", r"\bbf16\b", r"\bbfloat16\b", r"\bbrain float(?:ing point)?\b"),
    _f("precision", "INT8", "INT8", "integer", _NOT_PREFIXED + r"int8" + _NOT_SUFFIXED, r"\b8-bit integers?\b", r"\bq8_0\b", r"\bq8_k\b", r"\bllm\.int8\b", r"\bsmoothquant\b", r"\bint-8\b"),
    _f("precision", "INT4", "INT4", "integer", _NOT_PREFIXED + r"int4" + _NOT_SUFFIXED, r"\b4-bit integers?\b",
       r"\bawq\b", r"\bgptq\b", r"\bq4_(?:0|1|k(?:_[sm])?)\b", r"\bint-4\b"),
    _f("precision", "MXFP8", "MXFP8", "microscaling", r"\bmx[-_ ]?fp8\b"),
    _f("precision", "MXFP6", "MXFP6", "microscaling", r"\bmx[-_ ]?fp6\b"),
    _f("precision", "MXFP4", "MXFP4", "microscaling", r"\bmx[-_ ]?fp4\b"),
    _f("precision", "MXINT8", "MXINT8", "microscaling", r"\bmx[-_ ]?int8\b"),
)

BY_KEY: dict[str, Feature] = {f.key: f for f in FEATURES}
BY_GROUP: dict[str, tuple[Feature, ...]] = {g: tuple(f for f in FEATURES if f.group == g) for g in GROUPS}
COLUMNS: dict[str, tuple[str, ...]] = {g: tuple(f.column for f in BY_GROUP[g]) for g in GROUPS}

# The blocks of each group, in column order, with a title for generated tables.
PART_TITLES: dict[str, str] = {
    "os": "Platforms", "cpu": "Platforms", "gpu": "Accelerators",
    "batching": "Batching and parallelism", "parallelism": "Batching and parallelism",
    "compression": "Compression and caching", "caching": "Compression and caching",
    "attention": "Attention and decoding", "decoding": "Attention and decoding",
    "float": "Floating point and integer", "integer": "Floating point and integer", "microscaling": "Microscaling",
}


def feature(group: str, column: str) -> Feature:
    """The feature of ``group`` whose column is ``column`` (KeyError if none)."""
    return BY_KEY[f"{group}:{column}"]


def column_key(text: str) -> str:
    """How a matrix header is compared: case, spaces and punctuation ignored."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


_BY_COLUMN_KEY: dict[tuple[str, str], Feature] = {(f.group, column_key(f.column)): f for f in FEATURES}


def by_header(group: str, header: str) -> Feature | None:
    """The feature a matrix header names (compared with :func:`column_key`), or None."""
    return _BY_COLUMN_KEY.get((group, column_key(header)))


def group_of_headers(headers: list[str]) -> str | None:
    """The group whose columns a table's headers mostly are (at least three of them), or None."""
    best, hits = None, 2
    for group in GROUPS:
        n = sum(1 for h in headers if by_header(group, h) is not None)
        if n > hits:
            best, hits = group, n
    return best


@lru_cache(maxsize=None)
def compiled(key: str) -> re.Pattern[str]:
    """One compiled alternation of a feature's patterns, case-insensitive."""
    return re.compile("|".join(f"(?:{p})" for p in BY_KEY[key].patterns), re.IGNORECASE)


def names(key: str, text: str) -> bool:
    """Whether ``text`` names the feature ``key`` (``group:column``) or a synonym of it."""
    return compiled(key).search(text) is not None
