"""The built-in taxonomy: the ten technique categories, their display headings,
and per category a few well-known techniques with a one-line description.

It is the default when a list holds no technique tables; the list's own tables
extend or override it (same category, same technique key). ``category_for``
maps a list heading (emoji ignored) to its category.
"""
from __future__ import annotations

import re
import unicodedata

from curator.config import CATEGORIES

# category -> heading the list uses for it
HEADINGS: dict[str, str] = {
    "batch_optimization": "Batch Optimization",
    "parallelism": "Parallelism",
    "quantization": "Quantization",
    "pruning": "Pruning",
    "sparsity": "Sparsity Optimization",
    "fine_tuning": "Fine-Tuning",
    "caching": "Caching",
    "attention_optimization": "Attention Optimization",
    "sampling_optimization": "Sampling Optimization",
    "structured_outputs": "Structured Outputs",
}

# other spellings of a category heading seen in lists
_ALIASES: dict[str, str] = {
    "batching": "batch_optimization",
    "sparsity": "sparsity",
    "finetuning": "fine_tuning",
    "kvcache": "caching",
    "attention": "attention_optimization",
    "decoding optimization": "sampling_optimization",
    "speculative decoding": "sampling_optimization",
    "structured output": "structured_outputs",
}

BUILTIN: dict[str, list[tuple[str, str]]] = {
    "batch_optimization": [
        ("Static Batching", "Groups a fixed set of requests and runs them together until all finish."),
        ("Dynamic Batching", "Waits a short window to collect arriving requests into one batch."),
        ("Continuous Batching", "Adds and removes requests at every decoding step instead of per batch."),
        ("Nano Batching", "Splits a batch into smaller nano-batches so compute, memory and network work overlap."),
        ("Chunked Prefill", "Splits a long prompt's prefill into chunks that share iterations with decodes."),
    ],
    "parallelism": [
        ("Data Parallelism (DP)", "Replicates the model and spreads requests or inputs across the replicas."),
        ("Tensor Parallelism (TP)", "Splits the matrices of each layer across devices that compute in step."),
        ("Pipeline Parallelism (PP)", "Places consecutive layers on different devices and streams micro-batches through."),
        ("Expert Parallelism (EP)", "Spreads the experts of a mixture-of-experts layer across devices."),
        ("Sequence Parallelism (SP)", "Splits long sequences across devices for attention and normalisation."),
        ("Prefill-Decode Disaggregation", "Runs prefill and decode on separate workers so they stop interfering."),
    ],
    "quantization": [
        ("PTQ", "Quantizes a trained model's weights or activations without retraining."),
        ("QAT", "Trains or fine-tunes with simulated quantization so low precision loses less accuracy."),
        ("GPTQ", "Uses second-order information to quantize weights layer by layer with small error."),
        ("AWQ", "Protects the weights that matter most for activations when quantizing to low bits."),
        ("SmoothQuant", "Moves activation outliers into the weights so both quantize to 8 bits."),
        ("KV Cache Quantization", "Stores keys and values in fewer bits to fit longer contexts and bigger batches."),
        ("FP8 Inference", "Runs matrix multiplications in 8-bit floating point on hardware that supports it."),
    ],
    "pruning": [
        ("Unstructured Pruning", "Removes individual low-importance weights, leaving a sparse matrix."),
        ("Structured Pruning", "Removes whole heads, channels or layers so dense kernels still apply."),
        ("Wanda", "Prunes by weight magnitude times input activation norm, with no retraining."),
        ("SparseGPT", "Prunes large models in one shot by solving a layer-wise reconstruction problem."),
        ("Token Pruning", "Drops tokens judged unimportant from later layers or from the KV cache."),
    ],
    "sparsity": [
        ("Structured Sparsity", "Keeps weights in fixed patterns that hardware can skip efficiently."),
        ("N:M Sparsity", "Keeps N non-zero weights in every block of M, as sparse tensor cores expect."),
        ("Block Sparsity", "Zeroes whole blocks of a matrix so kernels skip them."),
        ("Dynamic Sparsity", "Chooses at run time which weights or neurons take part in a step."),
        ("Contextual Sparsity", "Predicts from the input which heads and neurons to compute."),
        ("MoE / Sparse MoE", "Routes each token to a few experts so most parameters stay idle."),
    ],
    "fine_tuning": [
        ("Full-Parameter Tuning", "Updates every weight of the model on the new task."),
        ("LoRA", "Trains small low-rank matrices added to frozen weights; adapters can be served together."),
        ("QLoRA", "Trains LoRA adapters on top of a 4-bit quantized frozen model."),
        ("Prefix Tuning", "Learns virtual prompt vectors prepended to every layer while the model stays frozen."),
        ("Multi-LoRA Serving", "Serves many LoRA adapters over one base model in the same batch."),
    ],
    "caching": [
        ("KV Caching", "Keeps the keys and values of earlier tokens so each decode step computes only the new one."),
        ("Paged KV Cache", "Stores the KV cache in fixed-size blocks to avoid fragmentation and share memory."),
        ("Prefix Caching", "Reuses the KV cache of a shared prompt prefix across requests."),
        ("Prompt Caching", "Caches the processed state or answer of repeated prompts."),
        ("KV Cache Offloading", "Moves cold KV blocks to CPU memory or disk and brings them back on demand."),
        ("KV Cache Compression", "Evicts, merges or low-rank compresses cached keys and values to save memory."),
    ],
    "attention_optimization": [
        ("FlashAttention", "Computes exact attention in tiles held in on-chip memory, never writing the full score matrix."),
        ("PagedAttention", "Attention kernel that reads the KV cache from non-contiguous fixed-size blocks."),
        ("RadixAttention", "Keeps KV caches in a radix tree so requests sharing a prefix reuse it automatically."),
        ("Multi-Query / Grouped-Query Attention", "Shares key and value heads across query heads to shrink the KV cache."),
        ("Sliding Window Attention", "Attends only to a recent window of tokens so cost stays bounded."),
    ],
    "sampling_optimization": [
        ("Speculative Decoding", "A small draft model proposes tokens that the large model verifies in one pass."),
        ("Medusa", "Extra decoding heads on the model propose several future tokens at once."),
        ("EAGLE", "Drafts tokens from the model's own features for speculative decoding."),
        ("Lookahead Decoding", "Generates and verifies n-grams in parallel without a draft model."),
        ("Parallel Sampling", "Shares the prompt's KV cache among several samples of the same request."),
    ],
    "structured_outputs": [
        ("FSM / CFG", "Masks tokens with a finite-state machine or grammar so output follows a format."),
        ("JSON Schema Constrained Decoding", "Restricts generation so the output validates against a JSON schema."),
        ("XGrammar", "Fast grammar engine that precomputes token masks for context-free grammars."),
        ("Outlines", "Library that turns regexes and schemas into token-level generation constraints."),
        ("Grammar-based Decoding (GBNF)", "Constrains output with a grammar written in GBNF, as in llama.cpp."),
    ],
}

assert set(HEADINGS) == set(CATEGORIES) == set(BUILTIN)


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
    for cat, title in HEADINGS.items():
        if key == title.casefold():
            return cat
    compact = re.sub(r"[^a-z ]+", "", key).strip()
    for alias, cat in _ALIASES.items():
        if compact == alias or compact.replace(" ", "") == alias:
            return cat
    return None


def slug(category: str) -> str:
    """The category as it appears in region names: ``batch-optimization``."""
    return category.replace("_", "-")
