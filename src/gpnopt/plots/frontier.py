"""The Pareto frontier between two firms' equity-weighted profits (``gpnopt alliance``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from gpnopt.plots.common import DPI, style

if TYPE_CHECKING:
    from gpnopt.alliance import AllianceAnalysis

MARK_STYLES: dict[str, tuple[str, str]] = {
    "alliance optimum": ("*", "#d62728"),
    "Nash point": ("D", "#2ca02c"),
}
"""Marker and colour of the named marks; a firm's own optima are squares and triangles."""


def frontier_figure(analysis: AllianceAnalysis, *, money: str = "money") -> Figure:
    """The A-B frontier (line and points), the stand-alone values (dotted lines) and the
    marks: the alliance optimum, each firm's own optimum with and without participation,
    and the Nash point.

    Returns:
        A matplotlib Figure, 7 x 5.5 inches.

    Raises:
        ValueError: the analysis has no frontier.
    """
    if not analysis.pair:
        msg = "the alliance analysis has no frontier"
        raise ValueError(msg)
    with style():
        return _figure(analysis, money)


def _figure(analysis: AllianceAnalysis, money: str) -> Figure:
    a, b = analysis.pair
    fig = Figure(figsize=(7, 5.5), dpi=DPI)
    ax = fig.add_subplot()
    front = analysis.frontier
    ax.plot(front[a], front[b], "-o", color="#1f77b4", markersize=3, label="Pareto frontier")
    stand = analysis.allocations["stand_alone"]
    ax.axvline(stand[a], color="#7f7f7f", linestyle=":", label=f"{a} alone")
    ax.axhline(stand[b], color="#7f7f7f", linestyle="--", label=f"{b} alone")
    for _, row in analysis.marks.iterrows():
        mark = str(row["mark"])
        marker, color = MARK_STYLES.get(mark, ("s" if "participation" not in mark else "^", "#9467bd"))
        if mark.startswith(f"{b} "):
            color = "#ff7f0e"
        ax.scatter([row[a]], [row[b]], marker=marker, s=70, color=color, zorder=3, label=mark)
    ax.set_xlabel(f"{a} equity-weighted profit ({money}/year)")
    ax.set_ylabel(f"{b} equity-weighted profit ({money}/year)")
    scen = f", scenario {analysis.scenario}" if analysis.scenario else ""
    ax.set_title(f"{analysis.instance}{scen}: {a}-{b} frontier")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig
