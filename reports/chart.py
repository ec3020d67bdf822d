"""The star-history chart of the listed engines, as a deterministic SVG.

Drawn with matplotlib (Agg, SVG output) from ``repo_stats`` (via
``db.prs.star_history``). The same database gives the same bytes: no date in
the metadata, a fixed hash salt for element ids, sorted series.
"""
from __future__ import annotations

import io
from datetime import date

from db import prs

CHART_PATH = "assets/star-history.svg"
MAX_SERIES = 10


def star_series(db) -> dict[str, list[tuple[date, int]]]:
    """Per engine, its (date, stars) points; the top engines by latest stars."""
    series: dict[str, list[tuple[date, int]]] = {}
    for row in prs.star_history(db):
        try:
            day = date.fromisoformat(str(row["date"])[:10])
        except ValueError:
            continue
        series.setdefault(row["engine"], []).append((day, int(row["stars"])))
    top = sorted(series, key=lambda name: (-series[name][-1][1], name.lower()))[:MAX_SERIES]
    return {name: sorted(series[name]) for name in sorted(top, key=str.lower)}


def render_svg(db) -> bytes | None:
    """The chart as SVG bytes, or None when there is no star history yet."""
    series = star_series(db)
    if not series:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    with plt.rc_context({"svg.hashsalt": "curator-star-history", "svg.fonttype": "path",
                         "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(8, 4.5), dpi=100)
        ax = fig.add_subplot()
        for name, points in series.items():
            xs = [d for d, _ in points]
            ys = [s for _, s in points]
            ax.plot(xs, ys, marker="o" if len(points) == 1 else None, linewidth=1.6, label=_label(name))
        ax.set_title("GitHub stars of the listed engines")
        ax.set_ylabel("stars")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", fontsize="small", frameon=False)
        fig.autofmt_xdate()
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "curator"})
    return out.getvalue()


def _label(name: str) -> str:
    # matplotlib reads "$...$" as maths and a leading "_" as "no legend entry"
    text = " ".join(str(name).split())[:40].replace("$", r"\$")
    return text.lstrip("_") or "?"
