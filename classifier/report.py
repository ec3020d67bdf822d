"""Plain-text rendering of an evaluation result (see classifier.evaluate)."""
from __future__ import annotations

from typing import Any

from curator.config import CATEGORIES

_SHORT = {"batch_optimization": "batch", "parallelism": "par", "quantization": "quant",
          "pruning": "prune", "sparsity": "sparse", "fine_tuning": "ft", "caching": "cache",
          "attention_optimization": "attn", "sampling_optimization": "sample",
          "structured_outputs": "struct"}


def _rel(r: dict[str, float]) -> str:
    return (f"threshold {r['threshold']:.3f}  recall {r['recall']:.3f}  precision {r['precision']:.3f}  "
            f"FPR {r['fpr']:.4f} ({r['false_positives']} FP)  nightly-feed precision {r['feed_precision']:.2f} "
            f"({10 * r['feed_precision']:.1f} of 10 proposals in scope)")


def as_text(result: dict[str, Any]) -> str:
    out = [f"{result['folds']}-fold cross-validation: {result['papers']} labelled papers, "
           f"{result['background']} background papers ({result['background_doubtful']} doubtful by keyword rule)"]
    for name, m in result["methods"].items():
        cat = m["category"]
        out.append("")
        out.append(f"== {name}: category macro-F1 {cat['macro_f1']:.3f}, accuracy {cat['accuracy']:.3f}")
        out.append(f"{'category':<24} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>4}")
        for c in CATEGORIES:
            row = cat["per_category"][c]
            out.append(f"{c:<24} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:4d}")
        out.append("confusion (rows truth, columns predicted):")
        out.append(" " * 8 + "".join(f"{_SHORT[c]:>7}" for c in CATEGORIES))
        for c, row in zip(CATEGORIES, cat["confusion"]):
            out.append(f"{_SHORT[c]:<8}" + "".join(f"{v:7d}" for v in row))
        out.append("relevance, all background as negatives: " + _rel(m["relevance"]))
        out.append("relevance, doubtful background left out: " + _rel(m["relevance_clean_background"]))
        for other, r in m.get("relevance_at_recall_of", {}).items():
            out.append(f"  at the recall of {other}: " + _rel(r))
        if "prefilter_stopped" in m:
            stopped = m["prefilter_stopped"]
            out.append(f"pre-filter (not embedded): {stopped['background']} of {result['background']} background "
                       f"papers, {stopped['labelled']} of {result['papers']} labelled papers")
        if "threshold_for_target_recall" in m:
            out.append(f"highest threshold keeping the target recall, pooled out of fold: "
                       f"{m['threshold_for_target_recall']:.3f}")
        nested = m.get("relevance_nested")
        if nested:
            cuts = ", ".join(f"{t:.3f}" for t in nested["thresholds"])
            out.append(f"relevance, each fold cut at the threshold its training folds pick ({cuts}):")
            out.append("  all background as negatives: " + _rel(nested["all_background"]))
            out.append("  doubtful background left out: " + _rel(nested["clean_background"]))
    fps = result.get("top_false_positives") or []
    if fps:
        out.append("")
        out.append("top background papers above the threshold (check by hand: some are in scope):")
        for fp in fps:
            flag = "*" if fp["doubtful"] else " "
            out.append(f"  {fp['relevance']:.3f} {flag} {fp['arxiv_id']}  {fp['title'][:100]}")
    return "\n".join(out)
