"""Pictures of a solved network: flows on a schematic map, roles as a heatmap, scenarios.

Everything here reads an :class:`~gpnopt.schema.Instance` (names, countries, owners) and the
tables of a :class:`~gpnopt.results.Result` or a
:class:`~gpnopt.analysis.compare.Comparison`; nothing here touches Pyomo. Figures are
matplotlib :class:`~matplotlib.figure.Figure` objects made without ``pyplot`` (no global
state, no display needed: the Agg canvas renders them), with fixed sizes, sorted inputs and
matplotlib's default style, so the same result gives the same picture.

Functions:

* :func:`network_figure`: plants placed by country on a schematic map, component flows
  between plants (and from supplier pools) and machine flows to markets as arrows whose
  width is proportional to the flow's value (or quantity), coloured by goods or by firm;
* :func:`specialization_heatmap`: plants x (machines sold by tier, components supplied to
  other plants), each cell the share of the plant's gross output, with its role type;
* :func:`comparison_figure`: objective and profit by firm per scenario, and each plant's
  role type per scenario (changes against the first scenario outlined);
* :func:`write_plots`: the pictures as PNG files and an ``index.html`` referencing them,
  each file written atomically.

Values are those of ``docs/specialization.md``: a machine sale is worth quantity x market
price, a component flow quantity x ``unit_value`` (transfer price or supplier price).
"""

from __future__ import annotations

import html
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import ticker
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

from gpnopt.atomic import write_bytes
from gpnopt.schema import TIER_RANK, Instance

if TYPE_CHECKING:
    from gpnopt.analysis.compare import Comparison
    from gpnopt.results import Result

__all__ = [
    "COUNTRY_LAYOUT",
    "comparison_figure",
    "network_figure",
    "save_figure",
    "specialization_heatmap",
    "write_plots",
]

DPI = 100
"""Resolution of the PNG files (pixels per inch)."""

PNG_METADATA: dict[str, Any] = {"Software": None}
"""PNG metadata: none (no matplotlib version, no timestamp), so the bytes are reproducible."""

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

FIRM_COLORS = ("#4c72b0", "#c44e52", "#55a868", "#8172b2", "#ccb974", "#64b5cd", "#937860")
"""Firm colours, given to the firms in sorted order (so FFG, TM, TTC keep theirs)."""

GOODS_COLORS = ("#ff7f0e", "#9467bd", "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#2ca02c")
"""Component colours, in the instance's component order."""

TIER_COLORS = {"high": "#1a1a1a", "medium": "#5f5f5f", "low": "#a6a6a6"}
"""Machine flows by product tier (greys, darkest for the high tier)."""

ROLE_COLORS = {
    "horizontal": "#6baed6",
    "vertical": "#fdae6b",
    "both": "#b294c7",
    "none": "#e6e6e6",
    "absent": "#ffffff",
}
"""Role types (``docs/specialization.md``) in the comparison chart."""

OUTSIDE = "#dddddd"
"""Equity not held by any firm of the instance (e.g. a supplier partner's half of a JV)."""

TIERS = sorted(TIER_RANK, key=lambda t: -TIER_RANK[t])
"""Tiers from high to low."""


# --- helpers ----------------------------------------------------------------------------------


def _style() -> Any:
    """matplotlib's default style, whatever the user's rcParams say (reproducible output)."""
    return mpl.style.context("default")


def _firm_colors(firms: Iterable[str]) -> dict[str, str]:
    return {f: FIRM_COLORS[i % len(FIRM_COLORS)] for i, f in enumerate(sorted(set(firms)))}


def _goods_colors(instance: Instance) -> dict[str, str]:
    return {k: GOODS_COLORS[i % len(GOODS_COLORS)] for i, k in enumerate(instance.components)}


def _money(instance: Instance) -> str:
    return instance.units.money if instance.units is not None else "money"


def _fmt(x: float) -> str:
    """A compact number: 27,000 / 4.1k for the arrows' labels."""
    if abs(x) >= 10_000:
        return f"{x / 1000:,.0f}k"
    if abs(x) >= 1000:
        return f"{x / 1000:,.1f}k"
    return f"{x:,.0f}"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", name).strip("_") or "base"


def _open_plants(result: Result) -> list[str]:
    pp = result.tables["plant_profit"]
    return sorted(str(p) for p in pp.loc[pp["open"] == 1, "plant"])


def _machine_flows(instance: Instance, result: Result) -> pd.DataFrame:
    """Machine sales (plant -> market) with value = quantity x price."""
    prod = result.tables["production"].copy()
    prod["value"] = prod["quantity"].astype(float) * prod["price"].astype(float)
    prod["product_firm"] = [instance.products[i].firm or "" for i in prod["product"]]
    return prod


def _component_flows(result: Result) -> pd.DataFrame:
    """Component flows between different entities, with value = quantity x unit_value."""
    fl = result.tables["component_flows"].copy()
    fl = fl[fl["source"] != fl["destination"]]
    fl["value"] = fl["quantity"].astype(float) * fl["unit_value"].astype(float)
    return fl.sort_values(["component", "source", "destination"]).reset_index(drop=True)


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


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as a PNG at :data:`DPI`, without metadata, atomically.

    The image goes to a temporary file in the same folder, which is then renamed into place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata=PNG_METADATA)
    return write_bytes(path, buf.getvalue())


# --- the network ------------------------------------------------------------------------------


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
    with _style():
        return _network_figure(instance, result, color_by, width_by, suppliers, title)


def _network_figure(
    instance: Instance,
    result: Result,
    color_by: str,
    width_by: str,
    suppliers: bool,
    title: str | None,
) -> Figure:
    plants = [p for p in _open_plants(result) if p in instance.plants]
    sales = _machine_flows(instance, result)
    sales = sales[sales["plant"].isin(plants)]
    flows = _component_flows(result)
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

    fig = Figure(figsize=(13, 8.5), dpi=DPI)
    ax = fig.add_axes((0.01, 0.02, 0.75, 0.88))
    ax.set_aspect("equal")
    ax.axis("off")
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

    firm_color = _firm_colors(instance.firms)
    goods_color = _goods_colors(instance)
    clip: dict[str, Any] = {}
    r_plant, r_market, r_pool = 2.6, 1.7, 1.6

    # plants: owner pies, label, what they make in-house; closed plants hollow and dashed
    for p in closed:
        x, y = pos[p]
        ax.add_patch(Circle((x, y), r_plant, facecolor="white", edgecolor="#777777",
                            linewidth=1.0, linestyle="--", zorder=4))
        ax.text(x, y - r_plant - 0.5, f"{p}\n(closed)", ha="center", va="top", fontsize=7.5,
                color="#777777", zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.9})
    mob = result.tables["make_or_buy"]
    for p in plants:
        x, y = pos[p]
        start = 90.0
        for f, share in sorted(instance.plants[p].owners.items()):
            if share <= 0:
                continue
            ax.add_patch(Wedge((x, y), r_plant, start, start + 360 * share,
                               facecolor=firm_color.get(f, OUTSIDE), edgecolor="white",
                               linewidth=0.8, zorder=4))
            start += 360 * share
        if start < 450 - 1e-6:
            ax.add_patch(Wedge((x, y), r_plant, start, 450, facecolor=OUTSIDE,
                               edgecolor="white", linewidth=0.8, zorder=4))
        ring = Circle((x, y), r_plant, facecolor="none", edgecolor="#333333", linewidth=1.0,
                      zorder=5)
        ax.add_patch(ring)
        clip[p] = ring
        made = mob[(mob["plant"] == p) & (mob["in_house"] == 1) & (mob["quantity"] > 0)]
        label = p
        if not made.empty:
            label += "\nmakes " + ", ".join(sorted(made["component"]))
        ax.text(x, y - r_plant - 0.5, label, ha="center", va="top", fontsize=7.5, zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.9})
    for m in markets:
        x, y = pos[m]
        sq = Rectangle((x - r_market, y - r_market), 2 * r_market, 2 * r_market,
                       facecolor="#333333", edgecolor="#333333", zorder=4)
        ax.add_patch(sq)
        clip[m] = sq
        ax.text(x, y - r_market - 0.5, f"market {m}", ha="center", va="top", fontsize=7.5,
                zorder=6)
    for s in pools:
        x, y = pos[s]
        tri = Polygon([(x - r_pool, y - r_pool * 0.8), (x + r_pool, y - r_pool * 0.8),
                       (x, y + r_pool)], closed=True, facecolor="#9e9e9e",
                      edgecolor="#555555", linewidth=0.8, zorder=4)
        ax.add_patch(tri)
        clip[s] = tri
        ax.text(x + r_pool + 0.4, y, s, ha="left", va="center", fontsize=7, color="#444444",
                zorder=6, bbox={"boxstyle": "round,pad=0.1", "facecolor": "white",
                                "edgecolor": "none", "alpha": 0.85})

    # arrows
    edges: list[dict[str, Any]] = []
    for r in flows.itertuples(index=False):
        if r.source not in pos or r.destination not in pos:
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
    for (p, m, k), g in sales.groupby(key, sort=True):
        color = TIER_COLORS.get(k, "#333333") if color_by == "goods" else firm_color.get(k, "#333333")
        edges.append({
            "src": p, "dst": m, "value": float(g["value"].sum()),
            "quantity": float(g["quantity"].sum()), "color": color, "supplier": False,
            "label": "machines",
        })
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

    # legend on the right
    lax = fig.add_axes((0.77, 0.02, 0.22, 0.88))
    lax.axis("off")
    firm_handles = [Patch(facecolor=firm_color[f], edgecolor="#333333", label=f)
                    for f in sorted(firm_color)]
    if any(sum(pl.owners.values()) < 1 - 1e-9 for p, pl in instance.plants.items() if p in plants):
        firm_handles.append(Patch(facecolor=OUTSIDE, edgecolor="#333333", label="outside partner"))
    leg1 = lax.legend(handles=firm_handles, title="plant owners (equity)", loc="upper left",
                      fontsize=8, title_fontsize=9, frameon=False)
    lax.add_artist(leg1)
    if color_by == "goods":
        shown = sorted({e["label"] for e in edges if e["label"] != "machines"},
                       key=list(instance.components).index)
        goods_handles = [Line2D([], [], color=goods_color[k], lw=3, label=f"component: {k}")
                         for k in shown]
        tiers = [t for t in TIERS if t in set(sales["tier"])]
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
    unit = _money(instance) + "/year" if width_by == "value" else "units"
    samples = [vmax, vmax / 2, vmax / 8]
    width_handles = [Line2D([], [], color="#555555", lw=0.7 + 7.0 * v / vmax,
                            label=f"{_fmt(v)} {unit}") for v in samples]
    width_handles += [
        Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor="#333333",
               markersize=10, label="plant (open)"),
        *([Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor="#777777",
                  markersize=10, linestyle="none", label="plant (closed)")] if closed else []),
        Line2D([], [], marker="s", ls="", color="#333333", markersize=8, label="market"),
        Line2D([], [], marker="^", ls="", markerfacecolor="#9e9e9e",
               markeredgecolor="#555555", markersize=8, label="supplier pool"),
    ]
    lax.legend(handles=width_handles, title=f"arrow width = {width_by}", loc="upper left",
               bbox_to_anchor=(0, 0.32), fontsize=8, title_fontsize=9, frameon=False)
    fig.suptitle(title or _title(instance, result, "production network"), fontsize=12,
                 x=0.01, ha="left", y=0.99, va="top")
    return fig


def _title(instance: Instance, result: Result, what: str) -> str:
    scen = result.scenario or "base"
    return (
        f"{instance.name}, scenario {scen}: {what}\n"
        f"{result.objective_mode} profit {result.objective:,.0f} {_money(instance)}/year "
        f"({result.status})"
    )


# --- the specialization heatmap ---------------------------------------------------------------


def specialization_cells(instance: Instance, result: Result) -> pd.DataFrame:
    """Each open plant's gross output split into cells: machines sold by tier and
    components supplied to other plants by component (values, money/year).

    Rows: open plants, sorted. Columns: ``machines: <tier>`` for each tier of the
    instance's products (high to low), then ``supplies: <component>`` for each component some
    plant can make in-house (instance order). A row adds up to the plant's gross output
    (``output`` of ``docs/specialization.md``).
    """
    plants = [p for p in _open_plants(result) if p in instance.plants]
    tiers = [t for t in TIERS if t in {pr.tier for pr in instance.products.values()}]
    makeable = {k for pl in instance.plants.values() for k in pl.components}
    comps = [k for k in instance.components if k in makeable]
    sales = _machine_flows(instance, result)
    flows = _component_flows(result)
    flows = flows[flows["source_type"] == "plant"]
    cols = [f"machines: {t}" for t in tiers] + [f"supplies: {k}" for k in comps]
    df = pd.DataFrame(0.0, index=pd.Index(plants, name="plant"), columns=cols)
    for (p, t), v in sales.groupby(["plant", "tier"])["value"].sum().items():
        if p in df.index and f"machines: {t}" in df.columns:
            df.loc[p, f"machines: {t}"] = float(v)
    for (p, k), v in flows.groupby(["source", "component"])["value"].sum().items():
        if p in df.index and f"supplies: {k}" in df.columns:
            df.loc[p, f"supplies: {k}"] = float(v)
    return df


def specialization_heatmap(instance: Instance, result: Result, *, title: str | None = None) -> Figure:
    """Plants x (machines sold by tier | components supplied) as a heatmap.

    Each cell's colour is its share of the plant's gross output (blues for the machines a
    plant sells, the horizontal side; oranges for the components it ships to other plants,
    the vertical side); the text is the value and the share. Each row is labelled with the
    plant's country, role type, horizontal index H and VS share (from the ``specialization``
    table, or :func:`gpnopt.analysis.specialization.plant_roles` when the Result has none).

    Returns:
        A matplotlib Figure, 12 inches wide, 0.62 inch per plant high (at least 4).
    """
    with _style():
        return _heatmap(instance, result, title)


def _heatmap(instance: Instance, result: Result, title: str | None) -> Figure:
    cells = specialization_cells(instance, result)
    roles = result.tables.get("specialization")
    if roles is None:
        from gpnopt.analysis.specialization import plant_roles

        roles = plant_roles(instance, result)
    roles = roles.set_index("plant")
    output = cells.sum(axis=1)
    share = cells.div(output.where(output > 0), axis=0).fillna(0.0)
    n, k = cells.shape
    height = max(4.0, 2.45 + 0.62 * n)
    fig = Figure(figsize=(12, height), dpi=DPI)
    ax = fig.add_axes((0.2, 1.0 / height, 0.58, 1 - 2.45 / height))
    machine = np.array([c.startswith("machines") for c in cells.columns])
    data = share.to_numpy(dtype=float)
    blues = np.ma.masked_where(~np.broadcast_to(machine, data.shape) | (data <= 0), data)
    oranges = np.ma.masked_where(np.broadcast_to(machine, data.shape) | (data <= 0), data)
    ax.imshow(np.zeros_like(data), cmap="Greys", vmin=0, vmax=1, aspect="auto")
    im1 = ax.imshow(blues, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    im2 = ax.imshow(oranges, cmap="Oranges", vmin=0, vmax=1, aspect="auto")
    for i in range(n):
        for j in range(k):
            v = cells.iat[i, j]
            if v <= 0:
                continue
            s = data[i, j]
            ax.text(j, i, f"{_fmt(v)}\n{s:.0%}", ha="center", va="center", fontsize=8,
                    color="white" if s > 0.6 else "#1a1a1a")
    n_machine = int(machine.sum())
    if 0 < n_machine < k:
        ax.axvline(n_machine - 0.5, color="#333333", linewidth=1.5)
    ax.set_xticks(range(k), [c.replace(": ", "\n") for c in cells.columns], fontsize=8.5)
    ax.xaxis.tick_top()
    ylabels = []
    for p in cells.index:
        r = roles.loc[p] if p in roles.index else None
        rt = str(r["role_type"]) if r is not None else "?"
        ylabels.append(f"{p} ({instance.plants[p].country})\n{rt}")
    ax.set_yticks(range(n), ylabels, fontsize=8.5)
    ax.set_xticks(np.arange(-0.5, k, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    # indices on the right
    for i, p in enumerate(cells.index):
        r = roles.loc[p] if p in roles.index else None
        h = _num(r["horizontal_index"] if r is not None else math.nan, "{:.2f}")
        vs = _num(r["vs_share"] if r is not None else math.nan, "{:.0%}")
        ax.text(k - 0.5 + 0.15, i, f"output {_fmt(output[p])}\nH {h}   VS {vs}",
                ha="left", va="center", fontsize=8, color="#333333")
    money = _money(instance)
    cb1 = fig.add_axes((0.2, 0.3 / height, 0.25, 0.12 / height))
    fig.colorbar(im1, cax=cb1, orientation="horizontal", format="{x:.0%}")
    cb1.set_title("machines sold (horizontal side), share of output", fontsize=8)
    cb1.tick_params(labelsize=7.5)
    cb2 = fig.add_axes((0.53, 0.3 / height, 0.25, 0.12 / height))
    fig.colorbar(im2, cax=cb2, orientation="horizontal", format="{x:.0%}")
    cb2.set_title("components supplied to other plants (vertical)", fontsize=8)
    cb2.tick_params(labelsize=7.5)
    fig.suptitle(
        title or _title(instance, result, f"plant specialization, output in {money}/year"),
        fontsize=11, x=0.01, ha="left", y=1 - 0.08 / height, va="top",
    )
    return fig


def _num(x: Any, fmt: str) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "-"
    return "-" if math.isnan(f) else fmt.format(f)


# --- the scenario comparison ------------------------------------------------------------------


def comparison_figure(comparison: Comparison, *, title: str | None = None) -> Figure:
    """Scenarios side by side: objective, profit by firm, and each plant's role type.

    Reads ``comparison.kpis`` (sections ``objective``, ``firm profit``, ``role type``). One
    row per scenario (the first, the reference, on top). Left: the objective; middle: the
    equity-weighted profit of each firm; right: each plant's role type (H horizontal,
    V vertical, B both, - none, blank: no such plant or closed), outlined where it differs
    from the first scenario. A scenario that could not be solved shows its status.

    Returns:
        A matplotlib Figure, 14 inches wide, 0.55 inch per scenario high (at least 4.5).
    """
    with _style():
        return _comparison(comparison, title)


def _comparison(comparison: Comparison, title: str | None) -> Figure:
    kpis = comparison.kpis
    scen = list(comparison.scenarios)
    n = len(scen)
    y = {s: i for i, s in enumerate(scen)}

    def section(name: str) -> pd.DataFrame:
        return kpis[kpis["section"] == name]

    obj = section("objective")
    obj_val = {r.scenario: pd.to_numeric(r.value, errors="coerce") for r in obj.itertuples()}
    obj_label = str(obj["item"].iloc[0]) if not obj.empty else "objective"
    fp = section("firm profit")
    firms = list(dict.fromkeys(fp["item"].astype(str)))
    colors = _firm_colors(firms)
    roles = section("role type")
    plants = sorted(set(roles["item"].astype(str)))
    role = {(r.scenario, str(r.item)): str(r.value) for r in roles.itertuples()}
    status = {r.scenario: str(r.value) for r in section("status").itertuples()}
    closed = _closed_plants(comparison)

    fig = Figure(figsize=(14, max(4.5, 2.3 + 0.55 * n)), dpi=DPI)
    bottom = 1.3 / fig.get_figheight()
    top = 1 - 0.75 / fig.get_figheight()
    ax1 = fig.add_axes((0.16, bottom, 0.2, top - bottom))
    ax2 = fig.add_axes((0.4, bottom, 0.27, top - bottom), sharey=ax1)
    ax3 = fig.add_axes((0.7, bottom, 0.28, top - bottom), sharey=ax1)

    # objective
    vals = [obj_val.get(s, math.nan) for s in scen]
    finite = [v for v in vals if isinstance(v, float | int) and not math.isnan(v)]
    ax1.barh([y[s] for s in scen], [0 if math.isnan(v) else v for v in vals],
             color="#7f7f7f", height=0.6)
    vmax = max([abs(v) for v in finite], default=1.0) or 1.0
    for s, v in zip(scen, vals, strict=True):
        if math.isnan(v):
            ax1.text(0, y[s], f" {status.get(s, 'not solved')}", va="center", fontsize=7.5,
                     color="#c44e52")
        else:
            ax1.text(v + 0.01 * vmax, y[s], f"{v:,.0f}", va="center", fontsize=8)
    ax1.set_xlim(min(0.0, *(finite or [0.0])) * 1.1, vmax * 1.3)
    if finite and scen[0] in obj_val and not math.isnan(vals[0]):
        ax1.axvline(vals[0], color="#333333", linestyle=":", linewidth=1)
    ax1.xaxis.set_major_locator(ticker.MaxNLocator(3))
    ax1.set_title(f"objective ({obj_label})", fontsize=10)
    ax1.set_yticks(range(n), scen, fontsize=9)
    ax1.invert_yaxis()

    # profit by firm
    width = 0.8 / max(1, len(firms))
    fv = {(r.scenario, str(r.item)): pd.to_numeric(r.value, errors="coerce")
          for r in fp.itertuples()}
    for j, f in enumerate(firms):
        ys = [y[s] - 0.4 + width * (j + 0.5) for s in scen]
        xs = [fv.get((s, f), math.nan) for s in scen]
        ax2.barh(ys, [0 if math.isnan(v) else v for v in xs], height=width * 0.95,
                 color=colors[f], label=f)
    ax2.axvline(0, color="#333333", linewidth=0.8)
    ax2.xaxis.set_major_locator(ticker.MaxNLocator(5))
    ax2.set_title("profit by firm (equity-weighted)", fontsize=10)
    ax2.legend(loc="lower right", fontsize=8, frameon=True)
    ax2.tick_params(labelleft=False)
    for ax in (ax1, ax2):
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
        ax.spines[["top", "right"]].set_visible(False)

    # role types
    letters = {"horizontal": "H", "vertical": "V", "both": "B", "none": "-", "absent": ""}
    ref = scen[0]
    for i, p in enumerate(plants):
        for s in scen:
            rt = role.get((s, p), "absent")
            if (s, p) in closed:
                rt = "absent"
            changed = s != ref and s in comparison.results and (
                rt != (role.get((ref, p), "absent") if (ref, p) not in closed else "absent"))
            ax3.add_patch(Rectangle((i - 0.45, y[s] - 0.4), 0.9, 0.8,
                                    facecolor=ROLE_COLORS.get(rt, "#ffffff"),
                                    edgecolor="#c44e52" if changed else "#cccccc",
                                    linewidth=2.2 if changed else 0.6))
            ax3.text(i, y[s], letters.get(rt, "?"), ha="center", va="center", fontsize=9)
    ax3.set_xlim(-0.6, max(len(plants), 1) - 0.4)
    ax3.set_xticks(range(len(plants)), plants, fontsize=8, rotation=30, ha="right")
    ax3.tick_params(labelleft=False, length=0)
    for side in ax3.spines.values():
        side.set_visible(False)
    ax3.set_title("plant role types", fontsize=10)
    handles = [Patch(facecolor=ROLE_COLORS[k], edgecolor="#999999",
                     label=f"{letters[k] or 'blank'}: {k if k != 'absent' else 'no plant or closed'}")
               for k in ("horizontal", "vertical", "both", "none", "absent")]
    handles.append(Patch(facecolor="white", edgecolor="#c44e52", linewidth=2,
                         label=f"changed vs {ref}"))
    fig.legend(handles=handles, loc="lower right", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.99, 0.0))
    name = next(iter(comparison.instances.values())).name if comparison.instances else ""
    fig.suptitle(title or f"{name}: scenarios compared (first = reference)", fontsize=12,
                 x=0.01, ha="left", y=1 - 0.15 / fig.get_figheight())
    return fig


def _closed_plants(comparison: Comparison) -> set[tuple[str, str]]:
    out = set()
    for s, r in comparison.results.items():
        pp = r.tables["plant_profit"]
        for p in pp.loc[pp["open"] != 1, "plant"]:
            out.add((s, str(p)))
    return out


# --- files ------------------------------------------------------------------------------------


def write_plots(
    instance: Instance,
    result: Result,
    out_dir: str | Path,
    comparison: Comparison | None = None,
) -> list[Path]:
    """Write the pictures of ``result`` (and of ``comparison``) as PNG files, and an index.

    Files: ``network.png`` (:func:`network_figure`), ``specialization.png``
    (:func:`specialization_heatmap`); with a comparison also ``comparison.png``
    (:func:`comparison_figure`) and ``network_<scenario>.png`` for each solved scenario of
    the comparison other than ``result`` itself; then ``index.html``, a page showing them
    all. Each file is written to a temporary file in ``out_dir`` and renamed into place;
    the PNGs carry no metadata, so identical results give identical bytes.

    Args:
        instance: the instance solved.
        result: its Result.
        out_dir: the folder (created if missing).
        comparison: an optional :class:`~gpnopt.analysis.compare.Comparison`.

    Returns:
        The paths written, ``index.html`` last.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pictures: list[tuple[Path, str]] = []

    def put(name: str, fig: Figure, caption: str) -> None:
        pictures.append((save_figure(fig, out / name), caption))

    scen = result.scenario or "base"
    put("network.png", network_figure(instance, result),
        f"The network of scenario {scen}: component flows between plants and from supplier "
        "pools, machine flows to markets; arrow width proportional to the value per year.")
    put("specialization.png", specialization_heatmap(instance, result),
        f"Plant specialization in scenario {scen}: each plant's gross output split into "
        "machines sold by tier (horizontal) and components supplied to other plants "
        "(vertical).")
    if comparison is not None:
        put("comparison.png", comparison_figure(comparison),
            "Scenarios compared: objective, profit by firm and plant role types.")
        used = {"network.png"}
        for s, r in comparison.results.items():
            if r is result:
                continue
            name = f"network_{_slug(s)}.png"
            if name in used:
                continue
            used.add(name)
            put(name, network_figure(comparison.instances[s], r),
                f"The network of scenario {s}.")
    page = _index_html(instance, result, pictures)
    from gpnopt.results import atomic_write_text

    index = atomic_write_text(out / "index.html", page)
    return [p for p, _ in pictures] + [index]


def _index_html(instance: Instance, result: Result, pictures: list[tuple[Path, str]]) -> str:
    e = html.escape
    money = _money(instance)
    firms = ", ".join(f"{f} {v:,.0f}" for f, v in result.firm_profit.items())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(instance.name)}: gpnopt pictures</title>",
        "<style>body{font-family:sans-serif;max-width:1400px;margin:1em auto;padding:0 1em}"
        "img{max-width:100%;border:1px solid #ddd}figure{margin:2em 0}"
        "figcaption{color:#555}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(instance.name)}, scenario {e(result.scenario or 'base')}</h1>",
        f"<p>Status {e(result.status)}; objective ({e(result.objective_mode)}) "
        f"{result.objective:,.0f} {e(money)}/year; profit by firm: {e(firms)}.</p>",
    ]
    for path, caption in pictures:
        parts += [
            "<figure>",
            f'<img src="{e(path.name)}" alt="{e(caption)}">',
            f"<figcaption>{e(caption)}</figcaption>",
            "</figure>",
        ]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)

