"""The plants' specialization as a heatmap: machines sold by tier, components supplied.

Values are those of ``docs/specialization.md``: a machine sale is worth quantity x market
price, a component flow quantity x ``unit_value`` (transfer price or supplier price).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gpnopt.plots.common import (
    DPI,
    TIERS,
    compact,
    component_flows,
    figure_title,
    machine_flows,
    money_unit,
    open_plants,
    style,
)
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.results import Result


def specialization_cells(instance: Instance, result: Result) -> pd.DataFrame:
    """Each open plant's gross output split into cells: machines sold by tier and
    components supplied to other plants by component (values, money/year).

    Rows: open plants, sorted. Columns: ``machines: <tier>`` for each tier of the
    instance's products (high to low), then ``supplies: <component>`` for each component some
    plant can make in-house (instance order). A row adds up to the plant's gross output
    (``output`` of ``docs/specialization.md``).
    """
    plants = [p for p in open_plants(result) if p in instance.plants]
    tiers = [t for t in TIERS if t in {pr.tier for pr in instance.products.values()}]
    makeable = {k for pl in instance.plants.values() for k in pl.components}
    comps = [k for k in instance.components if k in makeable]
    sales = machine_flows(instance, result)
    flows = component_flows(result)
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
    with style():
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
            ax.text(j, i, f"{compact(v)}\n{s:.0%}", ha="center", va="center", fontsize=8,
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
        ax.text(k - 0.5 + 0.15, i, f"output {compact(output[p])}\nH {h}   VS {vs}",
                ha="left", va="center", fontsize=8, color="#333333")
    money = money_unit(instance)
    cb1 = fig.add_axes((0.2, 0.3 / height, 0.25, 0.12 / height))
    fig.colorbar(im1, cax=cb1, orientation="horizontal", format="{x:.0%}")
    cb1.set_title("machines sold (horizontal side), share of output", fontsize=8)
    cb1.tick_params(labelsize=7.5)
    cb2 = fig.add_axes((0.53, 0.3 / height, 0.25, 0.12 / height))
    fig.colorbar(im2, cax=cb2, orientation="horizontal", format="{x:.0%}")
    cb2.set_title("components supplied to other plants (vertical)", fontsize=8)
    cb2.tick_params(labelsize=7.5)
    fig.suptitle(
        title or figure_title(instance, result, f"plant specialization, output in {money}/year"),
        fontsize=11, x=0.01, ha="left", y=1 - 0.08 / height, va="top",
    )
    return fig


def _num(x: Any, fmt: str) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "-"
    return "-" if math.isnan(f) else fmt.format(f)
