"""Interactive figures of a solved network (Plotly): the map, the Sankey, the heatmap.

Each function returns a :class:`plotly.graph_objects.Figure` of fixed size, made from the
tables of a :class:`~gpnopt.results.Result` (and the instance's names, countries, owners); the
same result gives the same figure. :mod:`gpnopt.plots.report_html` puts them into one
self-contained page.

* :func:`network_map`: the network laid out by the countries' real positions
  (:mod:`gpnopt.plots.geo`), plain longitude/latitude axes (no country outlines: Plotly's geo
  maps fetch their outlines from a CDN, and the page must open with no network). Flows are
  curves whose width is proportional to their value, with an arrow at the middle that shows on
  hover the goods, the route, the volume and the value.
* :func:`flow_sankey`: component flows (from supplier pools and from plants that make the
  component) into the plants, and the plants' machine sales into the markets, by value.
* :func:`specialization_map`: each open plant's gross output split into machines sold by tier
  and components supplied to other plants (:func:`~gpnopt.plots.heatmap.specialization_cells`),
  coloured by share.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from gpnopt.plots.common import (
    OUTSIDE,
    TIER_COLORS,
    compact,
    component_flows,
    firm_colors,
    goods_colors,
    machine_flows,
    money_unit,
    open_plants,
)
from gpnopt.plots.geo import country_positions
from gpnopt.plots.heatmap import specialization_cells
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.results import Result

MAP_WIDTH, MAP_HEIGHT = 1150, 620
"""Size of the network map in pixels."""

TEMPLATE = "plotly_white"
"""Plotly's template for every figure (light background, thin grid)."""

_NODE_PX = (60.0, 44.0)  # distance between two nodes of a country, across and down, pixels
_PER_ROW = 3  # nodes per row in a country's cluster
_MIN_SPAN = (60.0, 36.0)  # smallest longitude and latitude ranges of the map, degrees
_MARGIN = {"l": 60, "r": 200, "t": 60, "b": 50}  # the legend lies in the right margin, so
# the plot area (and with it the scale of the arrows' angles) is known before Plotly draws


def _quantity_unit(instance: Instance) -> str:
    return instance.units.quantity if instance.units is not None else "units"


def _largest_owner(owners: dict[str, float]) -> str | None:
    held = {f: s for f, s in owners.items() if s > 0}
    return max(sorted(held), key=lambda f: held[f]) if held else None


def _nodes(instance: Instance, result: Result) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The nodes by kind (pools that deliver, open and closed plants, markets that buy) and
    each node's country."""
    plants = [p for p in open_plants(result) if p in instance.plants]
    pp = result.tables["plant_profit"]
    closed = sorted(str(p) for p in pp.loc[pp["open"] != 1, "plant"] if p in instance.plants)
    sales = machine_flows(instance, result)
    markets = sorted(set(sales.loc[sales["plant"].isin(plants), "market"]))
    flows = component_flows(result)
    pools = sorted(set(flows.loc[flows["source_type"] == "supplier", "source"]))
    country = {p: instance.plants[p].country for p in [*plants, *closed]}
    country |= {m: instance.markets[m].country for m in markets}
    country |= {s: instance.suppliers[s].country for s in pools}
    kinds = {"pool": pools, "plant": sorted(plants + closed), "market": markets}
    return kinds, country


def _place(
    instance: Instance, kinds: dict[str, list[str]], country: dict[str, str]
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]], bool, list[float]]:
    """Each node's (x, y) around its country's position, each country's label position,
    whether the axes are geographic, and the axis ranges [x0, x1, y0, y1].

    The nodes of a country lie in rows (supplier pools, plants, markets) :data:`_NODE_PX`
    pixels apart (across, down); since the scale depends on the ranges and the ranges on the
    clusters, the placement is done twice, the second time with the scale of the first
    one's ranges.
    """
    used = [c for c in instance.countries if c in set(country.values())]
    layout = country_positions(instance, used)
    centre = layout.positions
    xs = [p[0] for p in centre.values()] or [0.0]
    ys = [p[1] for p in centre.values()] or [0.0]
    ranges = _at_least([min(xs) - 15.0, max(xs) + 15.0, min(ys) - 10.0, max(ys) + 10.0])
    rows = {c: _rows(kinds, country, c) for c in used}
    pos: dict[str, tuple[float, float]] = {}
    label: dict[str, tuple[float, float]] = {}
    for _ in range(2):
        kx = (MAP_WIDTH - _MARGIN["l"] - _MARGIN["r"]) / (ranges[1] - ranges[0])
        ky = (MAP_HEIGHT - _MARGIN["t"] - _MARGIN["b"]) / (ranges[3] - ranges[2])
        dx, dy = _NODE_PX[0] / kx, _NODE_PX[1] / ky
        pos, label = {}, {}
        extent_x: list[float] = []
        for c in used:
            x0, y0 = centre[c]
            top = y0 + dy * (len(rows[c]) - 1) / 2
            for r, names in enumerate(rows[c]):
                for i, n in enumerate(names):
                    pos[n] = (x0 + dx * (i - (len(names) - 1) / 2), top - dy * r)
            label[c] = (x0, top + 0.8 * dy)
            half = max(7.0 * len(c) + 7.0 * len(_country_name(instance, c)), 30.0) / 2 / kx
            extent_x += [x0 - half, x0 + half]
        all_x = [p[0] for p in pos.values()] + extent_x
        all_y = [p[1] for p in [*pos.values(), *label.values()]] or ys
        ranges = _at_least([min(all_x) - 0.8 * dx, max(all_x) + 0.8 * dx,
                            min(all_y) - 0.9 * dy, max(all_y) + 0.6 * dy])
    return pos, label, layout.geographic, ranges


def _at_least(ranges: list[float]) -> list[float]:
    """The ranges widened about their middle to :data:`_MIN_SPAN` (so that a map of two
    neighbouring countries is not a close-up, and the flows' curves stay inside)."""
    out = []
    for (lo, hi), span in zip((ranges[:2], ranges[2:]), _MIN_SPAN, strict=True):
        mid, half = (lo + hi) / 2, max(hi - lo, span) / 2
        out += [mid - half, mid + half]
    return out


def _rows(kinds: dict[str, list[str]], country: dict[str, str], c: str) -> list[list[str]]:
    """The rows of country ``c``'s cluster: supplier pools, plants, markets, at most
    :data:`_PER_ROW` a row."""
    rows: list[list[str]] = []
    for kind in ("pool", "plant", "market"):
        names = [n for n in kinds[kind] if country[n] == c]
        rows += [names[i : i + _PER_ROW] for i in range(0, len(names), _PER_ROW)]
    return rows


def _country_name(instance: Instance, c: str) -> str:
    name = (instance.countries[c].name or c).split(" (")[0]
    return "" if name == c else name


def _edges(instance: Instance, result: Result, pos: dict[str, Any]) -> list[dict[str, Any]]:
    """Component flows between entities, then machine sales summed by plant, market and tier,
    each with its goods label, colour, volume and value."""
    goods = goods_colors(instance)
    edges: list[dict[str, Any]] = []
    for r in component_flows(result).itertuples(index=False):
        if r.source in pos and r.destination in pos:
            edges.append({
                "src": r.source, "dst": r.destination, "group": f"component: {r.component}",
                "what": str(r.component), "color": goods.get(r.component, "#777777"),
                "quantity": float(r.quantity), "value": float(r.value),
            })
    sales = machine_flows(instance, result)
    sales = sales[sales["plant"].isin(list(pos))]
    for (p, m, t), g in sales.groupby(["plant", "market", "tier"], sort=True):
        if m in pos:
            edges.append({
                "src": p, "dst": m, "group": f"machines: {t} tier", "what": f"machines, {t} tier",
                "color": TIER_COLORS.get(t, "#333333"),
                "quantity": float(g["quantity"].sum()), "value": float(g["value"].sum()),
            })
    return edges


def _curve(
    a: tuple[float, float], b: tuple[float, float], n: int = 12
) -> list[tuple[float, float]]:
    """A quadratic curve from a to b bent to its left (so a->b and b->a lie apart)."""
    (x0, y0), (x1, y1) = a, b
    cx, cy = (x0 + x1) / 2 - 0.18 * (y1 - y0), (y0 + y1) / 2 + 0.18 * (x1 - x0)
    pts = []
    for i in range(n + 1):
        t = i / n
        pts.append(((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1,
                    (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1))
    return pts


def _flow_traces(
    instance: Instance, edges: list[dict[str, Any]], pos: dict[str, Any], ranges: list[float]
) -> list[go.Scatter]:
    """The flows: a line trace per goods and width class, an arrow-marker trace per goods
    (at each curve's middle, carrying the hover text)."""
    money, qunit = money_unit(instance), _quantity_unit(instance)
    vmax = max((e["value"] for e in edges), default=0.0) or 1.0
    kx = (MAP_WIDTH - _MARGIN["l"] - _MARGIN["r"]) / (ranges[1] - ranges[0])
    ky = (MAP_HEIGHT - _MARGIN["t"] - _MARGIN["b"]) / (ranges[3] - ranges[2])
    lines: dict[tuple[str, str, float], tuple[list[Any], list[Any]]] = {}
    mids: dict[str, dict[str, list[Any]]] = {}
    order = []
    for e in edges:
        if e["group"] not in mids:
            order.append(e["group"])
            mids[e["group"]] = {"x": [], "y": [], "angle": [], "text": [], "color": e["color"]}
        width = round(1.0 + 8.0 * e["value"] / vmax)
        pts = _curve(pos[e["src"]], pos[e["dst"]])
        xs, ys = lines.setdefault((e["group"], e["color"], width), ([], []))
        xs += [p[0] for p in pts] + [None]
        ys += [p[1] for p in pts] + [None]
        m = mids[e["group"]]
        mx, my = pts[len(pts) // 2]
        (x0, y0), (x1, y1) = pos[e["src"]], pos[e["dst"]]
        m["x"].append(mx)
        m["y"].append(my)
        m["angle"].append(round(math.degrees(math.atan2((x1 - x0) * kx, (y1 - y0) * ky)), 2))
        m["text"].append(
            f"<b>{e['what']}</b><br>{e['src']} → {e['dst']}<br>"
            f"volume {e['quantity']:,.0f} {qunit}<br>value {e['value']:,.0f} {money}/year"
        )
    traces = []
    for (group, color, width), (xs, ys) in sorted(
        lines.items(), key=lambda kv: (order.index(kv[0][0]), -kv[0][2])
    ):
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", line={"color": color, "width": width}, opacity=0.7,
            hoverinfo="skip", legendgroup=group, name=group, showlegend=False,
        ))
    for group in order:
        m = mids[group]
        traces.append(go.Scatter(
            x=m["x"], y=m["y"], mode="markers", name=group, legendgroup=group,
            marker={"symbol": "arrow", "angle": m["angle"], "size": 11, "color": m["color"],
                    "line": {"width": 0.5, "color": "#333333"}},
            hovertext=m["text"], hovertemplate="%{hovertext}<extra></extra>",
        ))
    return traces


def _plant_text(instance: Instance, result: Result, p: str, is_open: bool) -> str:
    pl = instance.plants[p]
    owners = ", ".join(f"{f} {s:.0%}" for f, s in sorted(pl.owners.items()) if s > 0)
    text = f"<b>plant {p}</b> ({pl.country})<br>owners: {owners or '-'}"
    if not is_open:
        return text + "<br>closed"
    mob = result.tables["make_or_buy"]
    made = mob[(mob["plant"] == p) & (mob["in_house"] == 1) & (mob["quantity"] > 0)]
    if not made.empty:
        text += "<br>makes " + ", ".join(sorted(made["component"]))
    pp = result.tables["plant_profit"]
    profit = pp.loc[pp["plant"] == p, "profit"]
    if not profit.empty:
        text += f"<br>profit {float(profit.iloc[0]):,.0f} {money_unit(instance)}/year"
    return text


def _node_traces(
    instance: Instance,
    result: Result,
    kinds: dict[str, list[str]],
    pos: dict[str, tuple[float, float]],
    changed: Iterable[str],
) -> list[go.Scatter]:
    """Plants (open ones coloured by their largest owner, closed ones hollow), markets,
    supplier pools, and a red ring around the plants whose decisions differ from the base."""
    fc = firm_colors(instance.firms)
    opened = set(open_plants(result))
    show_text = len(pos) <= 40
    traces = []

    def add(names: list[str], name: str, marker: dict[str, Any], texts: list[str]) -> None:
        if names:
            traces.append(go.Scatter(
                x=[pos[n][0] for n in names], y=[pos[n][1] for n in names], name=name,
                mode="markers+text" if show_text else "markers", text=names,
                textposition="bottom center", textfont={"size": 10}, marker=marker,
                hovertext=texts, hovertemplate="%{hovertext}<extra></extra>",
            ))

    plants = [p for p in kinds["plant"] if p in opened]
    by_firm: dict[str, list[str]] = defaultdict(list)
    for p in plants:
        by_firm[_largest_owner(dict(instance.plants[p].owners)) or ""].append(p)
    for f in sorted(by_firm):
        add(by_firm[f], f"plant of {f}" if f else "plant", {
            "symbol": "circle", "size": 17, "color": fc.get(f, OUTSIDE),
            "line": {"width": 1, "color": "#333333"}},
            [_plant_text(instance, result, p, True) for p in by_firm[f]])
    closed = [p for p in kinds["plant"] if p not in opened]
    add(closed, "plant (closed)", {"symbol": "circle-open", "size": 15, "color": "#777777"},
        [_plant_text(instance, result, p, False) for p in closed])
    add(kinds["market"], "market", {"symbol": "square", "size": 12, "color": "#333333"},
        [f"<b>market {m}</b> ({instance.markets[m].country})" for m in kinds["market"]])
    add(kinds["pool"], "supplier pool", {
        "symbol": "triangle-up", "size": 13, "color": "#9e9e9e",
        "line": {"width": 1, "color": "#555555"}},
        [f"<b>supplier pool {s}</b> ({instance.suppliers[s].country})" for s in kinds["pool"]])
    ring = sorted(n for n in set(changed) if n in pos)
    if ring:
        traces.append(go.Scatter(
            x=[pos[n][0] for n in ring], y=[pos[n][1] for n in ring], mode="markers",
            name="differs from the base", hoverinfo="skip",
            marker={"symbol": "circle-open", "size": 27, "color": "#d62728",
                    "line": {"width": 2.5}},
        ))
    return traces


def network_map(
    instance: Instance,
    result: Result,
    *,
    changed: Iterable[str] = (),
    title: str | None = None,
) -> go.Figure:
    """The network on a map laid out by the countries' real positions.

    Countries lie at their centroids (:func:`gpnopt.plots.geo.country_positions`; countries
    not in its table on a row below, or all on a grid when none is known). Around each
    country's position lie its supplier pools that deliver (grey triangles), its plants
    (circles in the colour of the largest owner; closed plants hollow) and its markets that
    buy (dark squares). Component flows (coloured by component) and machine sales (greys by
    tier) are curves whose width is proportional to the value per year, bent to the left of
    their direction; the arrow at a curve's middle shows the goods, the route, the volume and
    the value on hover. Clicking a legend entry hides or shows that goods' flows.

    Args:
        instance: the instance that was solved (names, countries, owners).
        result: its Result.
        changed: node names to ring in red (e.g. plants whose decisions differ from the base).
        title: the figure title (default: instance, scenario and objective).

    Returns:
        A Plotly figure of :data:`MAP_WIDTH` x :data:`MAP_HEIGHT` pixels.
    """
    kinds, country = _nodes(instance, result)
    pos, label, geographic, ranges = _place(instance, kinds, country)
    edges = _edges(instance, result, pos)
    fig = go.Figure()
    for tr in _flow_traces(instance, edges, pos, ranges):
        fig.add_trace(tr)
    for tr in _node_traces(instance, result, kinds, pos, changed):
        fig.add_trace(tr)
    fig.add_trace(go.Scatter(
        x=[label[c][0] for c in label], y=[label[c][1] for c in label], mode="text",
        text=[f"<b>{c}</b> {_country_name(instance, c)}".strip() for c in label],
        textfont={"size": 12, "color": "#6b6558"}, hoverinfo="skip", showlegend=False,
    ))
    axis = {"showgrid": geographic, "zeroline": False, "gridcolor": "#eeeeee",
            "showticklabels": geographic}
    fig.update_layout(
        template=TEMPLATE, width=MAP_WIDTH, height=MAP_HEIGHT, margin=_MARGIN,
        title={"text": title or _title(instance, result, "production network"), "x": 0.01},
        xaxis={**axis, "range": ranges[:2],
               "title": "longitude (°E)" if geographic else "schematic layout"},
        yaxis={**axis, "range": ranges[2:], "title": "latitude (°N)" if geographic else ""},
        legend={"font": {"size": 10}, "itemsizing": "constant", "x": 1.02, "xanchor": "left",
                "y": 1, "yanchor": "top"},
        hoverlabel={"align": "left"}, dragmode="pan",
    )
    return fig


def _title(instance: Instance, result: Result, what: str) -> str:
    return (
        f"{instance.name}, scenario {result.scenario or 'base'}: {what}<br>"
        f"<sup>{result.objective_mode} profit {result.objective:,.0f} "
        f"{money_unit(instance)}/year ({result.status})</sup>"
    )


def _rgba(color: str, alpha: float) -> str:
    c = color.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def flow_sankey(instance: Instance, result: Result, *, title: str | None = None) -> go.Figure:
    """Component flows into the plants and the plants' machine sales, as a Sankey by value.

    Left, the sources of components: supplier pools and ``<plant> (components)`` for a plant
    that makes a component (its own use included); middle, the plants that assemble machines;
    right, the markets. Links are worth quantity x unit value (components, coloured by
    component) or quantity x price (machines, greys by tier); hovering a link shows the goods,
    the volume and the value.

    Returns:
        A Plotly figure 1150 pixels wide, 30 pixels per node high (at least 420).
    """
    money, qunit = money_unit(instance), _quantity_unit(instance)
    goods = goods_colors(instance)
    flows = result.tables["component_flows"].copy()
    flows["value"] = flows["quantity"].astype(float) * flows["unit_value"].astype(float)
    flows = flows.sort_values(["component", "source", "destination"])
    index: dict[str, int] = {}
    link: dict[str, list[Any]] = {k: [] for k in ("source", "target", "value", "color", "text")}

    def node(name: str) -> int:
        return index.setdefault(name, len(index))

    for r in flows.itertuples(index=False):
        if r.value <= 0:
            continue
        src = r.source if r.source_type == "supplier" else f"{r.source} (components)"
        link["source"].append(node(src))
        link["target"].append(node(r.destination))
        link["value"].append(float(r.value))
        link["color"].append(_rgba(goods.get(r.component, "#777777"), 0.55))
        link["text"].append(f"{r.component}: {r.quantity:,.0f} {qunit}")
    sales = machine_flows(instance, result)
    for (p, m, t), g in sales.groupby(["plant", "market", "tier"], sort=True):
        value = float(g["value"].sum())
        if value <= 0:
            continue
        link["source"].append(node(p))
        link["target"].append(node(f"market {m}"))
        link["value"].append(value)
        link["color"].append(_rgba(TIER_COLORS.get(t, "#333333"), 0.45))
        link["text"].append(f"machines, {t} tier: {g['quantity'].sum():,.0f} {qunit}")
    labels = list(index)
    customdata = link.pop("text")
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",.0f", valuesuffix=f" {money}/year",
        node={"label": labels, "pad": 12, "thickness": 14, "color": "#8c8c8c",
              "hovertemplate": "%{label}: %{value}<extra></extra>"},
        link={**link, "customdata": customdata,
              "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}<br>"
                               "value %{value}<extra></extra>"},
    ))
    fig.update_layout(
        template=TEMPLATE, width=MAP_WIDTH, height=max(420, 30 * len(labels)),
        margin={"l": 20, "r": 20, "t": 60, "b": 20}, font={"size": 11},
        title={"text": title or _title(instance, result, f"flows by value ({money}/year)"),
               "x": 0.01},
    )
    return fig


def specialization_map(
    instance: Instance, result: Result, *, title: str | None = None
) -> go.Figure:
    """The plants' specialization as an interactive heatmap.

    Rows: open plants (with country and role type); columns: machines sold by tier (blues,
    the horizontal side), then components supplied to other plants (oranges, the vertical
    side), from :func:`~gpnopt.plots.heatmap.specialization_cells`. A cell's colour is its
    share of the plant's gross output; its text and hover show the value and the share.

    Returns:
        A Plotly figure 1150 pixels wide, 46 pixels per plant high (at least 360).
    """
    cells = specialization_cells(instance, result)
    roles = result.tables.get("specialization")
    role = {} if roles is None else dict(zip(roles["plant"], roles["role_type"], strict=True))
    output = cells.sum(axis=1)
    ylab = [f"{p} ({instance.plants[p].country}, {role.get(p, '?')})" for p in cells.index]
    money = money_unit(instance)
    fig = go.Figure()
    for side, scale, bar_x in (("machines", "Blues", 1.0), ("supplies", "Oranges", 1.09)):
        cols = [c for c in cells.columns if c.startswith(side)]
        if not cols:
            continue
        z, text, hover = [], [], []
        for p in cells.index:
            zr, tr, hr = [], [], []
            for c in cells.columns:
                if c not in cols:  # the other side's column: empty (same x for both traces)
                    zr.append(None)
                    tr.append("")
                    hr.append("")
                    continue
                v = float(cells.at[p, c])
                s = v / output[p] if output[p] > 0 else 0.0
                zr.append(s if v > 0 else None)
                tr.append(f"{compact(v)}<br>{s:.0%}" if v > 0 else "")
                hr.append(f"<b>{p}</b><br>{c}<br>{v:,.0f} {money}/year, {s:.0%} of output")
            z.append(zr)
            text.append(tr)
            hover.append(hr)
        fig.add_trace(go.Heatmap(
            x=list(cells.columns), y=ylab, z=z, text=text, texttemplate="%{text}", zmin=0, zmax=1,
            colorscale=scale, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            xgap=2, ygap=2, name=side, hoverongaps=False,
            colorbar={"title": {"text": f"{side}<br>share", "side": "top"}, "x": bar_x,
                      "len": 0.8, "tickformat": ".0%", "thickness": 12},
        ))
    fig.update_layout(
        template=TEMPLATE, width=MAP_WIDTH, height=max(360, 160 + 46 * len(cells.index)),
        margin={"l": 20, "r": 20, "t": 90, "b": 40},
        title={"text": title or _title(instance, result, f"plant specialization ({money}/year)"),
               "x": 0.01},
        xaxis={"side": "top", "categoryorder": "array", "categoryarray": list(cells.columns)},
        yaxis={"autorange": "reversed"},
    )
    return fig

