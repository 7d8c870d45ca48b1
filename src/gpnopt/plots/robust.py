"""The picture of a robust design (Plotly): out-of-sample profits and the SAA bounds.

:func:`robust_figure` draws, for the robust design, the mean-value design and (when solved)
each draw's own optimum, the distribution of the profit over the evaluation draws (box plots
with every draw as a point), and marks the optimistic bound and the pessimistic bound with
their 95% intervals. :func:`robust_html` is the figure as one self-contained HTML page
(``robust.html`` of ``gpnopt robust --out``; Plotly's JavaScript embedded, so the page opens
with no network). Reads only the :class:`gpnopt.robust.RobustRun`'s tables and bounds; the
same run gives the same page.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from gpnopt.plots.interactive import TEMPLATE

WIDTH, HEIGHT = 1000, 520
"""Size of the figure in pixels."""

SHOWN = (("robust", "robust design", "#4c72b0"), ("mean_value", "mean-value design", "#c44e52"),
         ("wait_and_see", "each draw's own optimum", "#55a868"))
"""The designs drawn: (label or role, name, colour)."""


def robust_figure(run: Any, money: str = "money") -> go.Figure:
    """Box plots of the evaluation draws' profit per design, with the bounds marked."""
    ev = run.tables["evaluation"]
    ok = ev[ev["status"].isin(("optimal", "feasible"))]
    fig = go.Figure()
    for key, name, color in SHOWN:
        label = run.robust if key == "robust" else key
        sub = ok[ok["design"] == label].sort_values("draw")
        if sub.empty:
            continue
        fig.add_trace(go.Box(
            x=sub["profit"], name=name, marker_color=color, boxpoints="all", jitter=0.4,
            pointpos=0, orientation="h", hovertext=[f"draw {d}" for d in sub["draw"]],
        ))
    b = run.bounds
    for key, name, dash in (("optimistic", "optimistic bound (SAA optima)", "dash"),
                            ("pessimistic", "pessimistic bound (robust design)", "dot")):
        lo, hi = b[key]["ci95"]
        fig.add_vrect(x0=lo, x1=hi, fillcolor="#999999", opacity=0.12, line_width=0)
        fig.add_vline(x=b[key]["value"], line_dash=dash, line_color="#333333",
                      annotation_text=name, annotation_position="top")
    g = b["gap_mrp"]
    fig.update_layout(
        template=TEMPLATE, width=WIDTH, height=HEIGHT, showlegend=False,
        title=(f"{run.spec.instance}: robust design over {run.spec.evaluate} fresh draws "
               f"(N = {run.spec.samples}, M = {run.spec.replications}); gap "
               f"{100 * g['relative']:.2f}% (95% up to {100 * g['relative_ci95'][1]:.2f}%)"),
        xaxis_title=f"profit ({money})",
        margin={"l": 200, "r": 40, "t": 90, "b": 60},
    )
    return fig


def robust_html(run: Any, money: str = "money") -> str:
    """:func:`robust_figure` as a self-contained HTML page."""
    return robust_figure(run, money).to_html(full_html=True, include_plotlyjs=True,
                                             div_id="robust")
