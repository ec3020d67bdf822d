"""Plain-text rendering of an evaluation result (see classifier.evaluate)."""
from __future__ import annotations

from typing import Any

from catalogue.vocabulary import CATEGORIES, SHORT


def _rel(r: dict[str, float]) -> str:
    return (f"threshold {r['threshold']:.3f}  recall {r['recall']:.3f}  precision {r['precision']:.3f}  "
            f"FPR {r['fpr']:.4f} ({r['false_positives']} FP)  nightly-feed precision {r['feed_precision']:.2f} "
            f"({10 * r['feed_precision']:.1f} of 10 proposals in scope)")


def as_text(result: dict[str, Any]) -> str:
    sample = f" and {result['sample_papers']} hand-labelled papers of the sample" if result.get("sample_papers") else ""
    out = [f"{result['folds']}-fold cross-validation: {result['papers']} labelled papers{sample}, "
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
        out.append(" " * 8 + "".join(f"{SHORT[c]:>7}" for c in CATEGORIES))
        for c, row in zip(CATEGORIES, cat["confusion"]):
            out.append(f"{SHORT[c]:<8}" + "".join(f"{v:7d}" for v in row))
        if "category_sample" in m:
            of_sample = m["category_sample"]
            out.append(f"hand-labelled papers of the sample: category macro-F1 {of_sample['macro_f1']:.3f}, "
                       f"accuracy {of_sample['accuracy']:.3f} ("
                       + ", ".join(f"{SHORT[c]} {of_sample['per_category'][c]['f1']:.2f}/"
                                   f"{of_sample['per_category'][c]['support']}" for c in CATEGORIES) + ")")
            pooled = m["category_all"]
            out.append(f"all labelled papers pooled ({sum(r['support'] for r in pooled['per_category'].values())}): "
                       f"category macro-F1 {pooled['macro_f1']:.3f}, accuracy {pooled['accuracy']:.3f}")
        out.append("relevance, all background as negatives: " + _rel(m["relevance"]))
        if result["background_doubtful"]:
            out.append("relevance, doubtful background left out: " + _rel(m["relevance_clean_background"]))
        if "relevance_sample" in m:
            r = m["relevance_sample"]
            out.append(f"relevance on the arXiv sample as a feed ({r['in_scope']} in scope of {r['papers']}): "
                       + _rel(r) + f"; in the sample itself {10 * r['precision']:.1f} of 10 proposals in scope")
        for other, r in m.get("relevance_at_recall_of", {}).items():
            out.append(f"  at the recall of {other}: " + _rel(r))
        if "prefilter_stopped" in m:
            stopped = m["prefilter_stopped"]
            out.append(f"pre-filter (not embedded): {stopped['background']} of {result['background']} background "
                       f"papers; of the labelled, {stopped['in_scope']} in scope and {stopped['out_of_scope']} "
                       f"out of scope")
        if "threshold_for_target_recall" in m:
            out.append(f"highest threshold keeping the target recall, pooled out of fold: "
                       f"{m['threshold_for_target_recall']:.3f}")
        nested = m.get("relevance_nested")
        if nested:
            cuts = ", ".join(f"{t:.3f}" for t in nested["thresholds"])
            out.append(f"relevance, each fold cut at the threshold its training folds pick ({cuts}):")
            out.append("  all background as negatives: " + _rel(nested["all_background"]))
            if result["background_doubtful"]:
                out.append("  doubtful background left out: " + _rel(nested["clean_background"]))
    fps = result.get("top_false_positives") or []
    if fps:
        out.append("")
        out.append("top background papers above the threshold (check by hand: some are in scope):")
        for fp in fps:
            flag = "*" if fp["doubtful"] else " "
            out.append(f"  {fp['relevance']:.3f} {flag} {fp['arxiv_id']}  {fp['title'][:100]}")
    return "\n".join(out)
