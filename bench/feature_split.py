"""The engines the feature extraction was tuned on, and the ones held out from it.

Chosen before any tuning, from the engine names only: while the extraction was
developed, only the DEV engines' documentation and matrix rows were read. The
HELD_OUT engines' docs and marks were looked at only through
``python -m bench.bench_features``, and their figures are reported apart.
Engines of the grown list whose docs are not in the docs snapshot are NO_DOCS.
Names are the grown list's row labels.
"""
from __future__ import annotations

DEV: tuple[str, ...] = (
    "Ollama", "LLaMA.cpp", "vLLM", "DeepSpeed-FastGen", "unsloth", "MAX", "llama2.c",
    "PowerInfer", "DistServe", "Fireworks AI", "GroqCloud",
)
HELD_OUT: tuple[str, ...] = (
    "SGLang", "TensorRT-LLM", "bitnet.cpp", "OpenLLM", "NanoFlow", "vAttention", "Sarathi-Serve",
    "Friendli Inference", "Together Inference",
)
NO_DOCS: tuple[str, ...] = ("MLC-LLM", "LitGPT", "TGI", "LMDeploy", "LightLLM")
