"""The star-history chart of the listed engines, as a deterministic SVG.

Drawn with matplotlib (Agg, SVG output) from ``repo_stats`` (via
``db.prs.star_history``), and only once there are stars from at least
:data:`MIN_SNAPSHOTS` crawl dates: one day of figures is dots, not history.
Every tracked engine is drawn when there are at most :data:`MAX_SERIES`;
otherwise the most-starred ones, and the title says so (the list names the
others under the image). The y axis is logarithmic when the stars span more
than :data:`LOG_SPAN` times. The same database gives the same bytes: no date
in the metadata, a fixed hash salt for element ids, sorted series.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from db import prs

CHART_PATH = "assets/star-history.svg"
MAX_SERIES = 10
MIN_SNAPSHOTS = 2
LOG_SPAN = 20.0


@dataclass
class Shown:
    """What the chart draws."""
    series: dict[str, list[tuple[date, int]]]   # engine -> (date, stars), most-starred first
    tracked: int                                 # engines with any stars
    left_out: list[str] = field(default_factory=list)
    log: bool = False

    @property
    def title(self) -> str:
        days = sorted({d for points in self.series.values() for d, _ in points})
        span = f"{days[0].isoformat()} to {days[-1].isoformat()}"
        if self.left_out:
            return f"GitHub stars of the {len(self.series)} most-starred of {self.tracked} listed engines, {span}"
        return f"GitHub stars of the {self.tracked} listed engines, {span}"


def chart_series(db) -> Shown | None:
    """The series to draw, or None with fewer than two crawl dates of stars."""
    series: dict[str, list[tuple[date, int]]] = {}
    for row in prs.star_history(db):
        try:
            day = date.fromisoformat(str(row["date"])[:10])
        except ValueError:
            continue
        series.setdefault(row["engine"], []).append((day, int(row["stars"])))
    days = {d for points in series.values() for d, _ in points}
    if len(days) < MIN_SNAPSHOTS:
        return None
    ranked = sorted(series, key=lambda name: (-max(series[name])[1], name.casefold(), name))
    top = ranked[:MAX_SERIES]
    values = [s for name in top for _, s in series[name] if s > 0]
    log = bool(values) and max(values) / min(values) > LOG_SPAN
    return Shown({name: sorted(series[name]) for name in top}, len(series),
                 sorted(ranked[MAX_SERIES:], key=str.casefold), log)


def render_svg(db) -> bytes | None:
    """The chart as SVG bytes, or None when there is not enough star history yet."""
    shown = chart_series(db)
    if shown is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    with plt.rc_context({"svg.hashsalt": "curator-star-history", "svg.fonttype": "path",
                         "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(8.8, 4.6), dpi=100)
        ax = fig.add_subplot()
        for name, points in shown.series.items():
            xs = [d for d, _ in points]
            ys = [s for _, s in points]
            ax.plot(xs, ys, marker="o" if len(points) < 8 else None, markersize=3, linewidth=1.6,
                    label=_label(name))
        if shown.log:
            ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _thousands(v)))
        ax.set_title(shown.title, fontsize="medium")
        ax.set_ylabel("stars" + (" (log scale)" if shown.log else ""))
        ax.grid(True, alpha=0.3, which="major")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
        fig.autofmt_xdate()
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "curator"})
    return out.getvalue()


def _thousands(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _label(name: str) -> str:
    # matplotlib reads "$...$" as maths and a leading "_" as "no legend entry"
    text = " ".join(str(name).split())[:40].replace("$", r"\$")
    return text.lstrip("_") or "?"
