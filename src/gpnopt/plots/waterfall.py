"""The waterfall of a decision's profit difference (``gpnopt explain --out``).

One bar per revenue or cost type of the difference between the forced alternative and the
optimum (``DecisionReport.by_type``), each starting where the previous one ended, and the
total at the end; gains green, losses red. Reads an explanation's report only.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from gpnopt.plots.common import style

GAIN, LOSS, TOTAL = "#55a868", "#c44e52", "#4c72b0"


def waterfall_figure(report: Any, *, title: str | None = None) -> Figure:
    """The waterfall of ``report`` (a :class:`gpnopt.explain.DecisionReport`).

    Types with no difference are left out; a report whose alternative is not feasible gets
    a figure that says so.
    """
    with style():
        fig = Figure(figsize=(8, 4.5))
        ax = fig.add_subplot()
        parts = [(t, v) for t, v in report.by_type.items() if abs(v) > 1e-9]
        ax.set_title(title or f"{report.name}: profit if {report.alternative}", fontsize=10)
        if report.status != "feasible":
            ax.text(0.5, 0.5, f"the alternative is {report.status}", ha="center",
                    va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        level = 0.0
        labels = []
        for k, (t, v) in enumerate(parts):
            ax.bar(k, v, bottom=level, color=GAIN if v > 0 else LOSS, width=0.6)
            level += v
            labels.append(t)
        ax.bar(len(parts), report.profit_difference, color=TOTAL, width=0.6)
        labels.append("total")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("profit difference")
        fig.tight_layout()
        return fig
