"""What the pictures share: sizes, colours, matplotlib's default style, the flow tables.

Used by :mod:`gpnopt.plots.network`, :mod:`gpnopt.plots.heatmap`,
:mod:`gpnopt.plots.comparison` and :mod:`gpnopt.plots.files`; nothing here touches Pyomo
or pyplot.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from gpnopt.atomic import write_bytes
from gpnopt.schema import TIER_RANK, Instance

if TYPE_CHECKING:
    from gpnopt.results import Result

DPI = 100
"""Resolution of the PNG files (pixels per inch)."""

PNG_METADATA: dict[str, Any] = {"Software": None}
"""PNG metadata: none (no matplotlib version, no timestamp), so the bytes are reproducible."""
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

def style() -> Any:
    """matplotlib's default style, whatever the user's rcParams say (reproducible output)."""
    return mpl.style.context("default")


def firm_colors(firms: Iterable[str]) -> dict[str, str]:
    """A colour per firm, from :data:`FIRM_COLORS` in sorted order."""
    return {f: FIRM_COLORS[i % len(FIRM_COLORS)] for i, f in enumerate(sorted(set(firms)))}


def goods_colors(instance: Instance) -> dict[str, str]:
    """A colour per component, from :data:`GOODS_COLORS` in the instance's order."""
    return {k: GOODS_COLORS[i % len(GOODS_COLORS)] for i, k in enumerate(instance.components)}


def money_unit(instance: Instance) -> str:
    """The instance's money unit (``money`` when it names none)."""
    return instance.units.money if instance.units is not None else "money"


def compact(x: float) -> str:
    """A compact number: 27,000 / 4.1k for the arrows' labels."""
    if abs(x) >= 10_000:
        return f"{x / 1000:,.0f}k"
    if abs(x) >= 1000:
        return f"{x / 1000:,.1f}k"
    return f"{x:,.0f}"


def open_plants(result: Result) -> list[str]:
    """The open plants of a Result, sorted."""
    pp = result.tables["plant_profit"]
    return sorted(str(p) for p in pp.loc[pp["open"] == 1, "plant"])


def machine_flows(instance: Instance, result: Result) -> pd.DataFrame:
    """Machine sales (plant -> market) with value = quantity x price."""
    prod = result.tables["production"].copy()
    prod["value"] = prod["quantity"].astype(float) * prod["price"].astype(float)
    prod["product_firm"] = [instance.products[i].firm or "" for i in prod["product"]]
    return prod


def component_flows(result: Result) -> pd.DataFrame:
    """Component flows between different entities, with value = quantity x unit_value."""
    fl = result.tables["component_flows"].copy()
    fl = fl[fl["source"] != fl["destination"]]
    fl["value"] = fl["quantity"].astype(float) * fl["unit_value"].astype(float)
    return fl.sort_values(["component", "source", "destination"]).reset_index(drop=True)


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as a PNG at :data:`DPI`, without metadata, atomically.

    The image goes to a temporary file in the same folder, which is then renamed into place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata=PNG_METADATA)
    return write_bytes(path, buf.getvalue())


def figure_title(instance: Instance, result: Result, what: str) -> str:
    """A figure title: instance, scenario, ``what``; then objective and status."""
    scen = result.scenario or "base"
    return (
        f"{instance.name}, scenario {scen}: {what}\n"
        f"{result.objective_mode} profit {result.objective:,.0f} {money_unit(instance)}/year "
        f"({result.status})"
    )
