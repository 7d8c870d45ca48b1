"""The network on a schematic map: plants by country, component and machine flows as arrows.

:func:`network_figure` places the nodes (:func:`_place`), then draws, in this order (later
artists lie on top at equal z-order, so the order is part of the picture): the country
boxes, the plants, the markets and supplier pools, the arrows, and the legend.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import (
    Circle,
    FancyArrowPatch,
    FancyBboxPatch,
    Patch,
    Polygon,
    Rectangle,
    Wedge,
)

from gpnopt.plots.common import (
    DPI,
    OUTSIDE,
    TIER_COLORS,
    TIERS,
    compact,
    component_flows,
    figure_title,
    firm_colors,
    goods_colors,
    machine_flows,
    money_unit,
    open_plants,
    style,
)
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from gpnopt.results import Result

COUNTRY_LAYOUT: dict[str, tuple[float, float, float, float]] = {
    "CN": (0.0, 22.0, 44.0, 44.0),
    "TH": (2.0, -2.0, 26.0, 20.0),
    "JP": (54.0, 30.0, 26.0, 36.0),
    "TW": (50.0, -2.0, 24.0, 26.0),
    "WEST": (86.0, 40.0, 20.0, 22.0),
}
"""Boxes (x, y, width, height) of the schematic map, roughly where the countries lie
(Japan east of China, Taiwan south-east, Thailand south, the West across the Pacific). An
instance with a country not in here is drawn on a regular grid of boxes instead."""

R_PLANT, R_MARKET, R_POOL = 2.6, 1.7, 1.6
"""Radii (map units) of a plant's pie, a market's square and a supplier pool's triangle."""

_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.9}


def network_figure(
    instance: Instance,
    result: Result,
    *,
    color_by: Literal["goods", "firm"] = "goods",
    width_by: Literal["value", "quantity"] = "value",
    suppliers: bool = True,
    title: str | None = None,
) -> Figure:
    """The network on a schematic map: plants by country, flows as arrows.

    Each country is a box (:data:`COUNTRY_LAYOUT`); inside it, supplier pools that deliver
    (grey triangles, top row), plants (middle row; an open plant is a pie of its owners'
    equity shares labelled with the components it makes in-house, a closed one a dashed
    circle) and markets that buy (dark squares, bottom row). Arrows run from supplier pools and plants to the plants they supply
    (component flows; a plant's use of its own output is not drawn) and from plants to the
    markets they sell to (machine flows).

    Args:
        instance: the instance that was solved (names, countries, owners).
        result: its Result.
        color_by: ``goods`` (components by component, machines in greys by tier) or
            ``firm`` (component flows by the source plant's largest owner, supplier pools
            grey; machines by the product's firm).
        width_by: arrow width proportional to the flow's ``value`` (quantity x price, one
            scale for machines and components) or its ``quantity`` (units).
        suppliers: draw the supplier pools and their flows.
        title: the figure title (default: instance, scenario and objective).

    Returns:
        A 13 x 8.5 inch matplotlib Figure.
    """
    if color_by not in ("goods", "firm"):
        msg = f"color_by {color_by!r}: use goods or firm"
        raise ValueError(msg)
    if width_by not in ("value", "quantity"):
        msg = f"width_by {width_by!r}: use value or quantity"
        raise ValueError(msg)
    with style():
        return _network_figure(instance, result, color_by, width_by, suppliers, title)


@dataclass
class _Map:
    """What the network figure draws and where: nodes, their flows, country boxes."""

    plants: list[str]
    """Open plants, sorted."""
    closed: list[str]
    """Closed plants, sorted."""
    markets: list[str]
    """Markets some open plant sells to."""
    pools: list[str]
    """Supplier pools that deliver (none without ``suppliers``)."""
    sales: pd.DataFrame
    """Machine flows of the open plants (:func:`~gpnopt.plots.common.machine_flows`)."""
    flows: pd.DataFrame
    """Component flows between entities (:func:`~gpnopt.plots.common.component_flows`)."""
    used: list[str]
    """Countries with a node, in instance order."""
    layout: dict[str, tuple[float, float, float, float]]
    """Each used country's box."""
    pos: dict[str, tuple[float, float]]
    """Each node's centre."""


def _network_figure(
    instance: Instance,
    result: Result,
    color_by: str,
    width_by: str,
    suppliers: bool,
    title: str | None,
) -> Figure:
    where = _place(instance, result, suppliers)
    fig = Figure(figsize=(13, 8.5), dpi=DPI)
    ax = fig.add_axes((0.01, 0.02, 0.75, 0.88))
    ax.set_aspect("equal")
    ax.axis("off")
    _draw_countries(ax, instance, where)
    firm_color = firm_colors(instance.firms)
    goods_color = goods_colors(instance)
    clip = _draw_plants(ax, instance, result, where, firm_color)
    clip |= _draw_markets_and_pools(ax, where)
    edges = _edges(instance, where, color_by, firm_color, goods_color)
    vmax = _draw_arrows(ax, edges, where.pos, clip, width_by)
    _draw_legend(fig, instance, where, edges, color_by, width_by, vmax, firm_color, goods_color)
    fig.suptitle(title or figure_title(instance, result, "production network"), fontsize=12,
                 x=0.01, ha="left", y=0.99, va="top")
    return fig


def _grid_layout(countries: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
    n = len(countries)
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    w, h, gap = 100.0 / cols - 6.0, 60.0 / rows - 6.0, 6.0
    out = {}
    for i, c in enumerate(countries):
        r, k = divmod(i, cols)
        out[c] = (k * (w + gap), (rows - 1 - r) * (h + gap), w, h)
    return out


def _place(instance: Instance, result: Result, suppliers: bool) -> _Map:
    """The nodes, their flows, and where each lies: pools, plants, markets in rows per country."""
    plants = [p for p in open_plants(result) if p in instance.plants]
    sales = machine_flows(instance, result)
    sales = sales[sales["plant"].isin(plants)]
    flows = component_flows(result)
    if not suppliers:
        flows = flows[flows["source_type"] == "plant"]
    markets = sorted(set(sales["market"]))
    pools = sorted(set(flows.loc[flows["source_type"] == "supplier", "source"]))

    pp = result.tables["plant_profit"]
    closed = sorted(str(p) for p in pp.loc[pp["open"] != 1, "plant"] if p in instance.plants)

    # nodes by country and row
    country_of: dict[str, str] = {}
    for p in [*plants, *closed]:
        country_of[p] = instance.plants[p].country
    for m in markets:
        country_of[m] = instance.markets[m].country
    for s in pools:
        country_of[s] = instance.suppliers[s].country
    used = [c for c in instance.countries if c in set(country_of.values())]
    layout = (
        {c: COUNTRY_LAYOUT[c] for c in used}
        if all(c in COUNTRY_LAYOUT for c in used)
        else _grid_layout(used)
    )
    rows: dict[str, dict[str, list[str]]] = {c: {"pool": [], "plant": [], "market": []} for c in used}
    for kind, names in (("pool", pools), ("plant", sorted(plants + closed)), ("market", markets)):
        for n in names:
            rows[country_of[n]][kind].append(n)
    pos: dict[str, tuple[float, float]] = {}
    for c in used:
        x0, y0, w, h = layout[c]
        present = [k for k in ("pool", "plant", "market") if rows[c][k]]
        fracs = {1: [0.42], 2: [0.62, 0.18], 3: [0.78, 0.5, 0.13]}[len(present)]
        for k, fy in zip(present, fracs, strict=True):
            names = rows[c][k]
            for i, n in enumerate(names):
                pos[n] = (x0 + w * (i + 0.5) / len(names), y0 + h * fy)
    return _Map(plants, closed, markets, pools, sales, flows, used, layout, pos)


def _draw_countries(ax: Axes, instance: Instance, where: _Map) -> None:
    """The map's extent and a labelled box per country."""
    used, layout = where.used, where.layout
    xs = [layout[c][0] for c in used] + [layout[c][0] + layout[c][2] for c in used]
    ys = [layout[c][1] for c in used] + [layout[c][1] + layout[c][3] for c in used]
    if xs:
        ax.set_xlim(min(xs) - 2, max(xs) + 2)
        ax.set_ylim(min(ys) - 3, max(ys) + 2)

    for c in used:
        x0, y0, w, h = layout[c]
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0), w, h, boxstyle="round,pad=0,rounding_size=2",
                facecolor="#f4f1ea", edgecolor="#b8b2a6", linewidth=1.0, zorder=0,
            )
        )
        name = instance.countries[c].name or c
        name = name.split(" (")[0]
        ax.text(x0 + 1.2, y0 + h - 1.2, f"{c}  {name}" if name != c else c, ha="left",
                va="top", fontsize=9, color="#6b6558", fontweight="bold", zorder=1)


def _draw_plants(
    ax: Axes, instance: Instance, result: Result, where: _Map, firm_color: dict[str, str]
) -> dict[str, Any]:
    """Plants: owner pies, label, what they make in-house; closed plants hollow and dashed.

    Returns:
        Each open plant's outline, which the arrows are clipped to.
    """
    pos = where.pos
    clip: dict[str, Any] = {}
    for p in where.closed:
        x, y = pos[p]
        ax.add_patch(Circle((x, y), R_PLANT, facecolor="white", edgecolor="#777777",
                            linewidth=1.0, linestyle="--", zorder=4))
        ax.text(x, y - R_PLANT - 0.5, f"{p}\n(closed)", ha="center", va="top", fontsize=7.5,
                color="#777777", zorder=6, bbox=dict(_LABEL_BOX))
    mob = result.tables["make_or_buy"]
    for p in where.plants:
        x, y = pos[p]
        start = 90.0
        for f, share in sorted(instance.plants[p].owners.items()):
            if share <= 0:
                continue
            ax.add_patch(Wedge((x, y), R_PLANT, start, start + 360 * share,
                               facecolor=firm_color.get(f, OUTSIDE), edgecolor="white",
                               linewidth=0.8, zorder=4))
            start += 360 * share
        if start < 450 - 1e-6:
            ax.add_patch(Wedge((x, y), R_PLANT, start, 450, facecolor=OUTSIDE,
                               edgecolor="white", linewidth=0.8, zorder=4))
        ring = Circle((x, y), R_PLANT, facecolor="none", edgecolor="#333333", linewidth=1.0,
                      zorder=5)
        ax.add_patch(ring)
        clip[p] = ring
        made = mob[(mob["plant"] == p) & (mob["in_house"] == 1) & (mob["quantity"] > 0)]
        label = p
        if not made.empty:
            label += "\nmakes " + ", ".join(sorted(made["component"]))
        ax.text(x, y - R_PLANT - 0.5, label, ha="center", va="top", fontsize=7.5, zorder=6,
                bbox=dict(_LABEL_BOX))
    return clip


def _draw_markets_and_pools(ax: Axes, where: _Map) -> dict[str, Any]:
    """Markets as dark squares, supplier pools as grey triangles, each labelled.

    Returns:
        Each node's shape, which the arrows are clipped to.
    """
    pos = where.pos
    clip: dict[str, Any] = {}
    for m in where.markets:
        x, y = pos[m]
        sq = Rectangle((x - R_MARKET, y - R_MARKET), 2 * R_MARKET, 2 * R_MARKET,
                       facecolor="#333333", edgecolor="#333333", zorder=4)
        ax.add_patch(sq)
        clip[m] = sq
        ax.text(x, y - R_MARKET - 0.5, f"market {m}", ha="center", va="top", fontsize=7.5,
                zorder=6)
    for s in where.pools:
        x, y = pos[s]
        tri = Polygon([(x - R_POOL, y - R_POOL * 0.8), (x + R_POOL, y - R_POOL * 0.8),
                       (x, y + R_POOL)], closed=True, facecolor="#9e9e9e",
                      edgecolor="#555555", linewidth=0.8, zorder=4)
        ax.add_patch(tri)
        clip[s] = tri
        ax.text(x + R_POOL + 0.4, y, s, ha="left", va="center", fontsize=7, color="#444444",
                zorder=6, bbox={"boxstyle": "round,pad=0.1", "facecolor": "white",
                                "edgecolor": "none", "alpha": 0.85})
    return clip


def _edges(
    instance: Instance,
    where: _Map,
    color_by: str,
    firm_color: dict[str, str],
    goods_color: dict[str, str],
) -> list[dict[str, Any]]:
    """The arrows to draw: component flows, then machine flows summed by plant, market and
    tier (or product firm), each with its value, quantity, colour and legend label."""
    edges: list[dict[str, Any]] = []
    for r in where.flows.itertuples(index=False):
        if r.source not in where.pos or r.destination not in where.pos:
            continue
        if color_by == "goods":
            color = goods_color.get(r.component, "#777777")
        elif r.source_type == "plant":
            owners = instance.plants[r.source].owners
            color = firm_color.get(max(sorted(owners), key=lambda f: owners[f]), OUTSIDE)
        else:
            color = "#9e9e9e"
        edges.append({
            "src": r.source, "dst": r.destination, "value": float(r.value),
            "quantity": float(r.quantity), "color": color,
            "supplier": r.source_type == "supplier", "label": r.component,
        })
    key = ["plant", "market", "tier"] if color_by == "goods" else ["plant", "market", "product_firm"]
    for (p, m, k), g in where.sales.groupby(key, sort=True):
        color = TIER_COLORS.get(k, "#333333") if color_by == "goods" else firm_color.get(k, "#333333")
        edges.append({
            "src": p, "dst": m, "value": float(g["value"].sum()),
            "quantity": float(g["quantity"].sum()), "color": color, "supplier": False,
            "label": "machines",
        })
    return edges


def _draw_arrows(
    ax: Axes,
    edges: list[dict[str, Any]],
    pos: dict[str, tuple[float, float]],
    clip: dict[str, Any],
    width_by: str,
) -> float:
    """The arrows, widest first, parallel ones bent apart.

    Returns:
        The largest ``width_by`` of an edge (1 when there is none), the width scale.
    """
    vmax = max((e[width_by] for e in edges), default=0.0) or 1.0
    parallel: dict[tuple[str, str], int] = defaultdict(int)
    for e in sorted(edges, key=lambda e: -e[width_by]):
        a, b = pos[e["src"]], pos[e["dst"]]
        n = parallel[(e["src"], e["dst"])]
        parallel[(e["src"], e["dst"])] += 1
        same_row = abs(a[1] - b[1]) < 1e-6
        rad = (0.45 if same_row else 0.12) + 0.12 * n
        lw = 0.7 + 7.0 * e[width_by] / vmax
        arrow = FancyArrowPatch(
            a, b, patchA=clip[e["src"]], patchB=clip[e["dst"]], shrinkA=1, shrinkB=2,
            arrowstyle="-|>", mutation_scale=7 + 1.6 * lw, connectionstyle=f"arc3,rad={rad}",
            color=e["color"], linewidth=lw, alpha=0.45 if e["supplier"] else 0.85,
            zorder=2 if e["supplier"] else 3,
        )
        ax.add_patch(arrow)
    return vmax


def _draw_legend(
    fig: Figure,
    instance: Instance,
    where: _Map,
    edges: list[dict[str, Any]],
    color_by: str,
    width_by: str,
    vmax: float,
    firm_color: dict[str, str],
    goods_color: dict[str, str],
) -> None:
    """The legend on the right: plant owners, flow colours, arrow widths and node shapes."""
    lax = fig.add_axes((0.77, 0.02, 0.22, 0.88))
    lax.axis("off")
    firm_handles = [Patch(facecolor=firm_color[f], edgecolor="#333333", label=f)
                    for f in sorted(firm_color)]
    if any(sum(pl.owners.values()) < 1 - 1e-9 for p, pl in instance.plants.items()
           if p in where.plants):
        firm_handles.append(Patch(facecolor=OUTSIDE, edgecolor="#333333", label="outside partner"))
    leg1 = lax.legend(handles=firm_handles, title="plant owners (equity)", loc="upper left",
                      fontsize=8, title_fontsize=9, frameon=False)
    lax.add_artist(leg1)
    if color_by == "goods":
        shown = sorted({e["label"] for e in edges if e["label"] != "machines"},
                       key=list(instance.components).index)
        goods_handles = [Line2D([], [], color=goods_color[k], lw=3, label=f"component: {k}")
                         for k in shown]
        tiers = [t for t in TIERS if t in set(where.sales["tier"])]
        goods_handles += [Line2D([], [], color=TIER_COLORS[t], lw=3, label=f"machines: {t} tier")
                          for t in tiers]
        gtitle = "flows (colour = goods)"
    else:
        goods_handles = [Line2D([], [], color=firm_color[f], lw=3, label=f) for f in sorted(firm_color)]
        goods_handles.append(Line2D([], [], color="#9e9e9e", lw=3, label="from a supplier pool"))
        gtitle = "flows (colour = firm):\ncomponents by the source's\nlargest owner, machines\nby the product's firm"
    leg2 = lax.legend(handles=goods_handles, title=gtitle, loc="upper left",
                      bbox_to_anchor=(0, 0.72), fontsize=8, title_fontsize=9, frameon=False)
    lax.add_artist(leg2)
    unit = money_unit(instance) + "/year" if width_by == "value" else "units"
    samples = [vmax, vmax / 2, vmax / 8]
    width_handles = [Line2D([], [], color="#555555", lw=0.7 + 7.0 * v / vmax,
                            label=f"{compact(v)} {unit}") for v in samples]
    width_handles += [
        Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor="#333333",
               markersize=10, label="plant (open)"),
        *([Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor="#777777",
                  markersize=10, linestyle="none", label="plant (closed)")] if where.closed else []),
        Line2D([], [], marker="s", ls="", color="#333333", markersize=8, label="market"),
        Line2D([], [], marker="^", ls="", markerfacecolor="#9e9e9e",
               markeredgecolor="#555555", markersize=8, label="supplier pool"),
    ]
    lax.legend(handles=width_handles, title=f"arrow width = {width_by}", loc="upper left",
               bbox_to_anchor=(0, 0.32), fontsize=8, title_fontsize=9, frameon=False)
