"""The list's vocabulary, as data: its technique categories and built-in techniques.

Every layer reads the categories from here: the list parser (headings and their
aliases), the database (built-in technique rows), the classifier (the classes it
is fitted on, keywords of the keyword baseline) and the renderer (headings).
Adding a category is one more :class:`Category` in ``VOCABULARY``, plus labels
for it and a refit of the classifier's heads (which record the categories they
were fitted on and refuse another vocabulary).

Each category carries the heading the list gives its section, a short name for
narrow report columns, other spellings of its heading seen in lists, keywords
(word stems that point to it, for the keyword baseline) and a few well-known
techniques with a one-line description. The built-in techniques are the default
when a list holds no technique tables; the list's own tables extend or override
them (same category, same technique key).

This module imports nothing of curator's.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    name: str
    description: str
    aliases: tuple[str, ...] = ()  # other names a paper may use for it, beside the parts of its name


@dataclass(frozen=True)
class Category:
    id: str                           # the category as stored and exchanged: ``batch_optimization``
    heading: str                      # the heading of its section in the list
    short: str                        # a short name for narrow columns
    heading_aliases: tuple[str, ...]  # other headings seen in lists (compared without emoji, case or spaces)
    keywords: tuple[str, ...]         # lower-case word stems that point to it
    techniques: tuple[Technique, ...]


VOCABULARY: tuple[Category, ...] = (
    Category(
        "batch_optimization", "Batch Optimization", short="batch",
        heading_aliases=("batching",),
        keywords=("batching", "batch", "scheduling", "scheduler", "throughput", "prefill"),
        techniques=(
            Technique("Static Batching",
                      "Groups a fixed set of requests and runs them together until all finish."),
            Technique("Dynamic Batching",
                      "Waits a short window to collect arriving requests into one batch."),
            Technique("Continuous Batching",
                      "Adds and removes requests at every decoding step instead of per batch."),
            Technique("Nano Batching",
                      "Splits a batch into smaller nano-batches so compute, memory and network work overlap."),
            Technique("Chunked Prefill",
                      "Splits a long prompt's prefill into chunks that share iterations with decodes."),
        ),
    ),
    Category(
        "parallelism", "Parallelism", short="par",
        heading_aliases=(),
        keywords=("parallelism", "parallel", "distributed", "disaggregat", "pipeline", "multi-gpu"),
        techniques=(
            Technique("Data Parallelism (DP)",
                      "Replicates the model and spreads requests or inputs across the replicas."),
            Technique("Tensor Parallelism (TP)",
                      "Splits the matrices of each layer across devices that compute in step."),
            Technique("Pipeline Parallelism (PP)",
                      "Places consecutive layers on different devices and streams micro-batches through."),
            Technique("Expert Parallelism (EP)",
                      "Spreads the experts of a mixture-of-experts layer across devices."),
            Technique("Sequence Parallelism (SP)",
                      "Splits long sequences across devices for attention and normalisation."),
            Technique("Prefill-Decode Disaggregation",
                      "Runs prefill and decode on separate workers so they stop interfering."),
        ),
    ),
    Category(
        "quantization", "Quantization", short="quant",
        heading_aliases=(),
        keywords=("quantiz", "low-bit", "int4", "int8", "fp8", "4-bit", "bit-width", "binar"),
        techniques=(
            Technique("PTQ",
                      "Quantizes a trained model's weights or activations without retraining."),
            Technique("QAT",
                      "Trains or fine-tunes with simulated quantization so low precision loses less accuracy."),
            Technique("GPTQ",
                      "Uses second-order information to quantize weights layer by layer with small error."),
            Technique("AWQ",
                      "Protects the weights that matter most for activations when quantizing to low bits."),
            Technique("SmoothQuant",
                      "Moves activation outliers into the weights so both quantize to 8 bits."),
            Technique("KV Cache Quantization",
                      "Stores keys and values in fewer bits to fit longer contexts and bigger batches."),
            Technique("FP8 Inference",
                      "Runs matrix multiplications in 8-bit floating point on hardware that supports it."),
        ),
    ),
    Category(
        "pruning", "Pruning", short="prune",
        heading_aliases=(),
        keywords=("prun", "remove layers", "layer removal", "structured pruning"),
        techniques=(
            Technique("Unstructured Pruning",
                      "Removes individual low-importance weights, leaving a sparse matrix."),
            Technique("Structured Pruning",
                      "Removes whole heads, channels or layers so dense kernels still apply."),
            Technique("Wanda",
                      "Prunes by weight magnitude times input activation norm, with no retraining."),
            Technique("SparseGPT",
                      "Prunes large models in one shot by solving a layer-wise reconstruction problem."),
            Technique("Token Pruning",
                      "Drops tokens judged unimportant from later layers or from the KV cache."),
        ),
    ),
    Category(
        "sparsity", "Sparsity Optimization", short="sparse",
        heading_aliases=("sparsity",),
        keywords=("sparsity", "sparse", "mixture-of-experts", "moe", "activation sparsity"),
        techniques=(
            Technique("Structured Sparsity",
                      "Keeps weights in fixed patterns that hardware can skip efficiently."),
            Technique("N:M Sparsity",
                      "Keeps N non-zero weights in every block of M, as sparse tensor cores expect."),
            Technique("Block Sparsity",
                      "Zeroes whole blocks of a matrix so kernels skip them."),
            Technique("Dynamic Sparsity",
                      "Chooses at run time which weights or neurons take part in a step."),
            Technique("Contextual Sparsity",
                      "Predicts from the input which heads and neurons to compute."),
            Technique("MoE / Sparse MoE",
                      "Routes each token to a few experts so most parameters stay idle."),
        ),
    ),
    Category(
        "fine_tuning", "Fine-Tuning", short="ft",
        heading_aliases=("finetuning",),
        keywords=("fine-tun", "finetun", "lora", "adapter", "peft"),
        techniques=(
            Technique("Full-Parameter Tuning",
                      "Updates every weight of the model on the new task."),
            Technique("LoRA",
                      "Trains small low-rank matrices added to frozen weights; adapters can be served together."),
            Technique("QLoRA",
                      "Trains LoRA adapters on top of a 4-bit quantized frozen model."),
            Technique("Prefix Tuning",
                      "Learns virtual prompt vectors prepended to every layer while the model stays frozen."),
            Technique("Multi-LoRA Serving",
                      "Serves many LoRA adapters over one base model in the same batch."),
        ),
    ),
    Category(
        "caching", "Caching", short="cache",
        heading_aliases=("kvcache",),
        keywords=("kv cache", "kv-cache", "cache", "caching", "eviction", "long-context", "long context"),
        techniques=(
            Technique("KV Caching",
                      "Keeps the keys and values of earlier tokens so each decode step computes only the new one."),
            Technique("Paged KV Cache",
                      "Stores the KV cache in fixed-size blocks to avoid fragmentation and share memory."),
            Technique("Prefix Caching",
                      "Reuses the KV cache of a shared prompt prefix across requests."),
            Technique("Prompt Caching",
                      "Caches the processed state or answer of repeated prompts."),
            Technique("KV Cache Offloading",
                      "Moves cold KV blocks to CPU memory or disk and brings them back on demand."),
            Technique("KV Cache Compression",
                      "Evicts, merges or low-rank compresses cached keys and values to save memory."),
        ),
    ),
    Category(
        "attention_optimization", "Attention Optimization", short="attn",
        heading_aliases=("attention",),
        keywords=("attention", "flashattention", "kernel", "linear attention"),
        techniques=(
            Technique("FlashAttention",
                      "Computes exact attention in tiles held in on-chip memory, never writing the full score matrix."),
            Technique("PagedAttention",
                      "Attention kernel that reads the KV cache from non-contiguous fixed-size blocks."),
            Technique("RadixAttention",
                      "Keeps KV caches in a radix tree so requests sharing a prefix reuse it automatically."),
            Technique("Multi-Query / Grouped-Query Attention",
                      "Shares key and value heads across query heads to shrink the KV cache."),
            Technique("Sliding Window Attention",
                      "Attends only to a recent window of tokens so cost stays bounded."),
        ),
    ),
    Category(
        "sampling_optimization", "Sampling Optimization", short="sample",
        heading_aliases=("decoding optimization", "speculative decoding"),
        keywords=("speculative", "draft", "decoding", "medusa", "eagle", "parallel decoding"),
        techniques=(
            Technique("Speculative Decoding",
                      "A small draft model proposes tokens that the large model verifies in one pass."),
            Technique("Medusa",
                      "Extra decoding heads on the model propose several future tokens at once."),
            Technique("EAGLE",
                      "Drafts tokens from the model's own features for speculative decoding."),
            Technique("Lookahead Decoding",
                      "Generates and verifies n-grams in parallel without a draft model."),
            Technique("Parallel Sampling",
                      "Shares the prompt's KV cache among several samples of the same request."),
        ),
    ),
    Category(
        "structured_outputs", "Structured Outputs", short="struct",
        heading_aliases=("structured output",),
        keywords=("structured output", "constrained decoding", "grammar", "json", "schema"),
        techniques=(
            Technique("FSM / CFG",
                      "Masks tokens with a finite-state machine or grammar so output follows a format."),
            Technique("JSON Schema Constrained Decoding",
                      "Restricts generation so the output validates against a JSON schema."),
            Technique("XGrammar",
                      "Fast grammar engine that precomputes token masks for context-free grammars."),
            Technique("Outlines",
                      "Library that turns regexes and schemas into token-level generation constraints."),
            Technique("Grammar-based Decoding (GBNF)",
                      "Constrains output with a grammar written in GBNF, as in llama.cpp."),
        ),
    ),
)

CATEGORIES: tuple[str, ...] = tuple(c.id for c in VOCABULARY)
BY_ID: dict[str, Category] = {c.id: c for c in VOCABULARY}
# category -> heading the list uses for it
HEADINGS: dict[str, str] = {c.id: c.heading for c in VOCABULARY}
SHORT: dict[str, str] = {c.id: c.short for c in VOCABULARY}
KEYWORDS: dict[str, tuple[str, ...]] = {c.id: c.keywords for c in VOCABULARY}
# category -> [(technique name, description)], the built-in technique rows
BUILTIN: dict[str, list[tuple[str, str]]] = {
    c.id: [(t.name, t.description) for t in c.techniques] for c in VOCABULARY}


def fingerprint(categories: tuple[str, ...] = CATEGORIES) -> str:
    """A short digest of the category ids in order: what fitted heads record."""
    return hashlib.sha256("\n".join(categories).encode("utf-8")).hexdigest()[:12]


def strip_emoji(text: str) -> str:
    """Heading text without emoji, variation selectors and joiners, single-spaced."""
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if cat in ("So", "Sk", "Mn", "Cf", "Cs", "Co") or ch in "\ufe0f\u200d\u20e3":
            continue
        kept.append(ch)
    return " ".join("".join(kept).split())


def heading_key(text: str) -> str:
    """How headings are compared: emoji ignored, case-folded, single-spaced."""
    return strip_emoji(text).casefold()


def technique_key(name: str) -> str:
    """How technique names are compared: case, spacing, punctuation and a plural s ignored."""
    s = re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", name).casefold())
    return s[:-1] if s.endswith("s") and len(s) > 3 else s


def category_for(heading: str) -> str | None:
    """The category a list heading stands for, or None."""
    key = heading_key(heading)
    for c in VOCABULARY:
        if key == c.heading.casefold():
            return c.id
    compact = re.sub(r"[^a-z ]+", "", key).strip()
    for c in VOCABULARY:
        for alias in c.heading_aliases:
            if compact == alias or compact.replace(" ", "") == alias:
                return c.id
    return None


def slug(category: str) -> str:
    """The category as it appears in region names: ``batch-optimization``."""
    return category.replace("_", "-")


# the ways an engine can be installed, as the web crawler detects them and Ease-of-Deployment scores them
INSTALL_METHODS: tuple[str, ...] = ("pip", "conda", "docker", "homebrew", "apt", "binary", "source")
