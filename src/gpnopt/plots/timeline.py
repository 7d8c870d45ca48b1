"""The timeline picture: the network's assets by period, with the events marked.

Rows are the assets that operate in some period or have an event (``timeline`` table):
each plant, then its lines and its in-house make options, then the channels and the
purchasing offices. Columns are the periods, on an axis of years (each period as wide as
its length; a one-period instance's ``P1`` one unit). A bar spans each period in which the
asset operates (``plant_profit.open``, ``lines.open``, ``make_or_buy.in_house``,
``channel_profit.open``: :func:`gpnopt.results.timeline.operating`, the definition the
``timeline`` table uses), coloured by kind; each event of the ``timeline`` table is a
marker at the start of its period: an opening (built, line opened, in-sourced, channel or
office opened) a green triangle up, a closing a red triangle down, an equity change a
purple diamond labelled with the new owners, a learning step reached (``learned``) a gold
star, a training programme started a cyan square (events of one row and period side by
side).

* :func:`timeline_cells`: the table both forms draw (asset x period, operating or not);
* :func:`timeline_figure`: the static form (matplotlib, for ``timeline.png``);
* :func:`timeline_chart`: the interactive form (Plotly, for ``report.html``), each bar and
  marker with a hover text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from gpnopt.plots.common import DPI, money_unit, style
from gpnopt.plots.periods import period_label, period_years
from gpnopt.results import solution_of
from gpnopt.results.timeline import EVENTS, operating
from gpnopt.timeseries import period_instances

if TYPE_CHECKING:
    from gpnopt.results import Result
    from gpnopt.schema import Instance

KIND_COLORS = {
    "plant": "#4c72b0",
    "line": "#55a868",
    "make": "#dd8452",
    "channel": "#8172b2",
    "office": "#937860",
}
"""Bar colour of each kind of asset."""

KIND_NAMES = {"plant": "plant", "line": "line", "make": "in-house (make)",
              "channel": "channel", "office": "purchasing office"}
"""Legend name of each kind of asset."""

EVENT_MARKERS = {
    "opened": ("^", "#2ca02c", "triangle-up"),
    "closed": ("v", "#d62728", "triangle-down"),
    "equity": ("D", "#9467bd", "diamond"),
    "learned": ("*", "#e6a700", "star"),
    "training": ("s", "#17becf", "square"),
    "other": ("o", "#7f7f7f", "circle"),
}
"""Marker (matplotlib, colour, Plotly symbol) of each class of event."""

EVENT_NAMES = {
    "opened": "opened / built / in-sourced",
    "closed": "closed / out-sourced",
    "equity": "equity changed",
    "learned": "learning step reached",
    "training": "training started",
    "other": "other event",
}
"""Legend name of each class of event."""

_OPENING = {o for o, _ in EVENTS.values()}
_CLOSING = {c for _, c in EVENTS.values()}
_CELL_COLUMNS = ["kind", "entity", "label", "period", "start", "length", "operating"]


def event_class(event: str) -> str:
    """The class of an event of the ``timeline`` table (a key of :data:`EVENT_MARKERS`):
    ``opened``, ``closed``, ``equity`` (equity changed), ``learned``, ``training``
    (training started) or ``other``."""
    if event in _OPENING:
        return "opened"
    if event in _CLOSING:
        return "closed"
    return {"equity changed": "equity", "learned": "learned",
            "training started": "training"}.get(event, "other")


def _label(instance: Instance, kind: str, entity: str) -> str:
    if kind == "plant":
        return entity
    if kind in ("line", "make"):
        p, _, x = entity.partition("/")
        return f"{p}: line {x}" if kind == "line" else f"{p}: makes {x}"
    return f"{'channel' if kind == 'channel' else 'office'} {entity}"


def _order(kind: str, entity: str) -> tuple[int, str, int, str]:
    if kind in ("plant", "line", "make"):
        p, _, x = entity.partition("/")
        return (0, p, ("plant", "line", "make").index(kind), x)
    return (1 if kind == "channel" else 2, entity, 0, "")


def timeline_cells(instance: Instance, result: Result) -> pd.DataFrame:
    """Every asset that operates in some period or has an event, by period.

    Columns: ``kind`` (plant, line, make, channel, office), ``entity`` (as in the
    ``timeline`` table: ``PLANT/PRODUCT`` for a line, ``PLANT/COMPONENT`` for a make
    option), ``label`` (the row's name in the pictures), ``period``, ``start`` and
    ``length`` (years; :func:`~gpnopt.plots.periods.period_years`) and ``operating`` (1 or
    0). Rows: assets in the pictures' order (each plant, its lines, its make options; then
    channels, offices), each with every period in order.
    """
    periods = tuple(result.periods)
    insts = period_instances(instance) if not result.single else {periods[0]: instance}
    solution = solution_of(result)
    on = {t: operating(solution, insts.get(t, instance), t) for t in periods}
    assets = {(k, e) for t in periods for k, es in on[t].items() for e in es}
    tl = result.tables.get("timeline")
    if tl is not None:
        # assets with an event; events of a firm (technicians hired) are not an asset's row
        assets |= {(str(r.kind), str(r.entity)) for r in tl.itertuples() if str(r.kind) in EVENTS}
    years = period_years(instance, periods)
    rows = [
        {"kind": k, "entity": e, "label": _label(instance, k, e), "period": t,
         "start": years[t][0], "length": years[t][1], "operating": int(e in on[t][k])}
        for k, e in sorted(assets, key=lambda a: _order(*a))
        for t in periods
    ]
    return pd.DataFrame(rows, columns=_CELL_COLUMNS)


def _events(result: Result, cells: pd.DataFrame) -> list[dict[str, Any]]:
    """The timeline table's events on the rows of ``cells``, each with its x position."""
    tl = result.tables.get("timeline")
    if tl is None or cells.empty:
        return []
    start = dict(zip(cells["period"], cells["start"], strict=False))
    labels = {(k, e): lab for k, e, lab in
              cells[["kind", "entity", "label"]].drop_duplicates().itertuples(index=False)}
    ends = cells["start"] + cells["length"]
    step = 0.018 * float(ends.max() - cells["start"].min())
    out = []
    shared: dict[tuple[str, str], int] = {}
    for r in tl.itertuples():
        key = (str(r.kind), str(r.entity))
        if key not in labels or str(r.period) not in start:
            continue
        k = shared.get((labels[key], str(r.period)), 0)  # events of one row and period
        shared[(labels[key], str(r.period))] = k + 1  # side by side, not on top
        out.append({"period": str(r.period), "event": str(r.event), "kind": key[0],
                    "entity": key[1], "label": labels[key], "detail": str(r.detail or ""),
                    "x": float(start[str(r.period)]) + k * step,
                    "class": event_class(str(r.event))})
    return out


def _title(instance: Instance, result: Result) -> str:
    scen = result.scenario or "base"
    money = money_unit(instance)
    value = (f"{result.objective_mode} profit {result.objective:,.0f} {money}/year"
             if result.single else
             f"{result.objective_mode} net present value {result.objective:,.0f} {money}")
    return (f"{instance.name}, scenario {scen}: timeline (assets by period, events marked)\n"
            f"{value} ({result.status})")


def timeline_figure(instance: Instance, result: Result, *, title: str | None = None) -> Figure:
    """The timeline as a matplotlib Figure (see the module docstring).

    Each bar has the ``gid`` ``bar:KIND:ENTITY:PERIOD`` and each event marker
    ``event:EVENT:ENTITY:PERIOD``, so a test (or a user) can find them.

    Args:
        instance: the instance solved (the first period's, with the others attached).
        result: its Result (one or several periods).
        title: the figure title (default: instance, scenario, objective).

    Returns:
        A Figure 12 inches wide, 0.34 inch per row high (at least 4).
    """
    with style():
        return _timeline_figure(instance, result, title)


def _timeline_figure(instance: Instance, result: Result, title: str | None) -> Figure:
    cells = timeline_cells(instance, result)
    labels = list(dict.fromkeys(cells["label"]))
    y = {lab: i for i, lab in enumerate(labels)}
    n = max(1, len(labels))
    height = max(4.0, 2.2 + 0.34 * n)
    fig = Figure(figsize=(12, height), dpi=DPI)
    ax = fig.add_axes((0.22, 0.9 / height, 0.56, 1 - 1.8 / height))
    spans = cells[["period", "start", "length"]].drop_duplicates()
    for r in spans.itertuples(index=False):
        ax.axvline(r.start, color="#cccccc", linewidth=0.8, zorder=0)
    x0 = float(spans["start"].min()) if not spans.empty else 0.0
    x1 = float((spans["start"] + spans["length"]).max()) if not spans.empty else 1.0
    ax.axvline(x1, color="#cccccc", linewidth=0.8, zorder=0)
    pad = 0.006 * (x1 - x0)
    for r in cells[cells["operating"] == 1].itertuples(index=False):
        ax.add_patch(Rectangle((r.start + pad, y[r.label] - 0.32), r.length - 2 * pad, 0.64,
                               facecolor=KIND_COLORS[r.kind], edgecolor="none", alpha=0.8,
                               zorder=1, gid=f"bar:{r.kind}:{r.entity}:{r.period}"))
    events = _events(result, cells)
    for ev in events:
        marker, color, _ = EVENT_MARKERS[ev["class"]]
        ax.add_line(Line2D([ev["x"]], [y[ev["label"]]], marker=marker, color=color,
                           markeredgecolor="white", markersize=13 if marker == "*" else 9,
                           markeredgewidth=0.8, linestyle="none", zorder=3,
                           gid=f"event:{ev['event']}:{ev['entity']}:{ev['period']}"))
        if ev["class"] == "equity" and "->" in ev["detail"]:
            ax.text(ev["x"] + 0.02 * (x1 - x0), y[ev["label"]],
                    "owners " + ev["detail"].split("->")[-1].strip(), fontsize=7,
                    color="#4b2a6b", va="center", ha="left", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.85})
    ax.set_xlim(x0 - 0.03 * (x1 - x0), x1 + 0.01 * (x1 - x0))
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(range(len(labels)), labels, fontsize=8.5)
    ax.set_xticks([r.start + r.length / 2 for r in spans.itertuples(index=False)],
                  [period_label(instance, r.period).replace(" (", "\n(")
                   for r in spans.itertuples(index=False)], fontsize=8.5)
    ax.tick_params(length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not labels:
        ax.text(0.5, 0.5, "no asset operates in any period", transform=ax.transAxes,
                ha="center", va="center", color="#777777")
    handles: list[Any] = [Patch(facecolor=KIND_COLORS[k], alpha=0.8, label=KIND_NAMES[k])
                          for k in KIND_COLORS if k in set(cells["kind"])]
    shown = {ev["class"] for ev in events} | {"opened", "closed", "equity"}
    handles += [Line2D([], [], marker=m, color=c, linestyle="none", markersize=8,
                       label=EVENT_NAMES[k])
                for k, (m, c, _) in EVENT_MARKERS.items() if k in shown]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.8, 1 - 0.9 / height),
               fontsize=8, frameon=False, title="bars: operating\nmarkers: events",
               title_fontsize=8.5)
    fig.suptitle(title or _title(instance, result), fontsize=11, x=0.01, ha="left",
                 y=1 - 0.08 / height, va="top")
    return fig


def timeline_chart(instance: Instance, result: Result, *, title: str | None = None) -> go.Figure:
    """The timeline as an interactive Plotly figure (see the module docstring).

    A horizontal bar trace per kind of asset (hover: the asset, the period, its years) and
    a marker trace per class of event (hover: the event, the asset, the period, the detail,
    such as the investment or the owners before and after).

    Returns:
        A figure 1150 pixels wide, 26 pixels per row high (at least 320).
    """
    cells = timeline_cells(instance, result)
    labels = list(dict.fromkeys(cells["label"]))
    fig = go.Figure()
    on = cells[cells["operating"] == 1]
    for k in KIND_COLORS:
        mine = on[on["kind"] == k]
        if mine.empty:
            continue
        fig.add_trace(go.Bar(
            orientation="h", y=list(mine["label"]), x=[float(v) for v in mine["length"]],
            base=[float(v) for v in mine["start"]], name=KIND_NAMES[k],
            marker={"color": KIND_COLORS[k], "opacity": 0.8}, width=0.64,
            hovertext=[f"<b>{r.label}</b><br>operates in {period_label(instance, r.period)}"
                       for r in mine.itertuples(index=False)],
            hoverinfo="text", legendgroup="assets",
        ))
    events = _events(result, cells)
    for c, (_, color, symbol) in EVENT_MARKERS.items():
        mine_ev = [e for e in events if e["class"] == c]
        if not mine_ev:
            continue
        fig.add_trace(go.Scatter(
            x=[e["x"] for e in mine_ev], y=[e["label"] for e in mine_ev], mode="markers",
            name={"opened": "opened", "closed": "closed"}.get(c, EVENT_NAMES[c]),
            marker={"symbol": symbol, "color": color, "size": 12,
                    "line": {"color": "white", "width": 1}},
            hovertext=[f"<b>{e['event']}</b>: {e['entity']}<br>"
                       f"in {period_label(instance, e['period'])}"
                       + (f"<br>{e['detail']}" if e["detail"] else "") for e in mine_ev],
            hoverinfo="text", legendgroup="events",
        ))
    spans = cells[["period", "start", "length"]].drop_duplicates()
    fig.update_layout(
        template="plotly_white", width=1150, height=max(320, 140 + 26 * len(labels)),
        title={"text": title or _title(instance, result).replace("\n", "<br>"),
               "font": {"size": 14}},
        barmode="overlay", margin={"l": 220, "r": 200, "t": 70, "b": 50},
        xaxis={"tickvals": [float(r.start + r.length / 2) for r in spans.itertuples()],
               "ticktext": [period_label(instance, r.period) for r in spans.itertuples()],
               "showgrid": False, "zeroline": False},
        yaxis={"categoryorder": "array", "categoryarray": labels, "autorange": "reversed",
               "type": "category"},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": float(s), "x1": float(s),
                 "y0": 0, "y1": 1, "line": {"color": "#cccccc", "width": 1}}
                for s in [*spans["start"], *(spans["start"] + spans["length"]).iloc[-1:]]],
    )
    return fig


__all__ = [
    "EVENT_MARKERS",
    "EVENT_NAMES",
    "KIND_COLORS",
    "event_class",
    "timeline_cells",
    "timeline_chart",
    "timeline_figure",
]
