"""Plant shares, indices and the role rule (horizontal, vertical, both, none), on rows.

Computed once here, from the rows of a :class:`gpnopt.results.Solution` (a Result's tables
give the same rows), for :mod:`gpnopt.analysis.specialization` (which adds the texts and
the firm and country levels) and for a sweep's per-draw record. Definitions are in
:mod:`gpnopt.analysis.specialization` and ``docs/specialization.md``. No pandas, no Pyomo.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpnopt.results import Solution
    from gpnopt.schema import Instance

ROLE_MIN_SHARE = 0.10
"""Least share of a plant's gross output value that makes a side of its activity a role:
final sales (horizontal) or components shipped to other plants (vertical)."""

HORIZONTAL_MIN_INDEX = 0.25
"""Least horizontal index (Herfindahl of final sales over tier x market-country cells) of a
plant with a horizontal role: its sales are worth at most 4 equal cells. Below it the plant
sells everything everywhere, a generalist."""

EPS = 1e-9
"""Values (money) at or below this count as zero."""

ROLE_TYPES = ("horizontal", "vertical", "both", "none")
"""Values of the ``role_type`` column."""


def share(num: float, den: float) -> float:
    """num / den, NaN when den is zero (an undefined share)."""
    return num / den if den > EPS else math.nan


def herfindahl(values: Iterable[float]) -> float:
    """Herfindahl index of the shares of ``values``; NaN when they sum to zero."""
    vals = [v for v in values if v > EPS]
    total = sum(vals)
    if total <= EPS:
        return math.nan
    return sum((v / total) ** 2 for v in vals)


def classify(final_share: float, supply_share: float, horizontal_index: float) -> str:
    """The role type from a plant's shares.

    Args:
        final_share: final (machine) sales / gross output.
        supply_share: components shipped to other plants / gross output.
        horizontal_index: Herfindahl of final sales over tier x market-country cells.

    Returns:
        ``horizontal``, ``vertical``, ``both`` or ``none``.
    """
    horizontal = (
        final_share >= ROLE_MIN_SHARE - EPS
        and not math.isnan(horizontal_index)
        and horizontal_index >= HORIZONTAL_MIN_INDEX - EPS
    )
    vertical = supply_share >= ROLE_MIN_SHARE - EPS
    if horizontal and vertical:
        return "both"
    if horizontal:
        return "horizontal"
    if vertical:
        return "vertical"
    return "none"


ADDITIVE = (
    "final_sales",
    "component_sales",
    "output",
    "exports",
    "inputs",
    "imported_inputs",
    "vs",
)
"""Per-plant amounts that firms (equity-weighted) and countries add up."""

Row = dict[str, Any]


@dataclass
class PlantActivity:
    """What one open plant sells, ships and receives, valued, and its additive amounts.

    Attributes:
        plant, country: the plant and its country.
        sales: its production rows, each with ``market_country``, ``value`` (quantity *
            price) and ``export`` (the market is in another country) added.
        out_flows: component flows from it to other plants, each with ``value`` (quantity *
            unit_value) and ``cross_border`` added; ``in_flows`` likewise, to it from other
            plants and supplier pools. Its use of its own output is in neither.
        amounts: the :data:`ADDITIVE` amounts (money).
        cells: final sales value by (tier, market country).
    """

    plant: str
    country: str
    sales: list[Row] = field(default_factory=list)
    out_flows: list[Row] = field(default_factory=list)
    in_flows: list[Row] = field(default_factory=list)
    amounts: dict[str, float] = field(default_factory=dict)
    cells: dict[tuple[str, str], float] = field(default_factory=dict)


def _total(rows: Iterable[Row]) -> float:
    return float(sum(r["value"] for r in rows))


def plant_activity(instance: Instance, solution: Solution) -> dict[str, PlantActivity]:
    """Every open plant's activity (plants in ``plant_profit`` order), in one pass over the
    production and flow rows."""
    acts = {
        r["plant"]: PlantActivity(r["plant"], instance.plants[r["plant"]].country)
        for r in solution.plant_profit
        if r["open"] == 1 and r["plant"] in instance.plants
    }
    markets = instance.markets
    for r in solution.production:
        a = acts.get(r["plant"])
        if a is not None:
            mc = markets[r["market"]].country
            value = float(r["quantity"]) * float(r["price"])
            a.sales.append({**r, "market_country": mc, "value": value, "export": mc != r["country"]})
    for r in solution.component_flows:
        src, dst = r["source"], r["destination"]
        if src == dst:
            continue
        out_a, in_a = acts.get(src), acts.get(dst)
        if out_a is None and in_a is None:
            continue
        row = {**r, "value": float(r["quantity"]) * float(r["unit_value"]),
               "cross_border": r["source_country"] != r["destination_country"]}
        if out_a is not None:
            out_a.out_flows.append(row)
        if in_a is not None:
            in_a.in_flows.append(row)
    for a in acts.values():
        final, comp = _total(a.sales), _total(a.out_flows)
        exports = _total(r for r in a.sales if r["export"])
        exports += _total(r for r in a.out_flows if r["cross_border"])
        inputs = _total(a.in_flows)
        imported = _total(r for r in a.in_flows if r["cross_border"])
        output = final + comp
        a.amounts = {
            "final_sales": final,
            "component_sales": comp,
            "output": output,
            "exports": exports,
            "inputs": inputs,
            "imported_inputs": imported,
            "vs": imported / output * exports if output > EPS else 0.0,
        }
        cells: dict[tuple[str, str], float] = {}
        for r in a.sales:
            key = (r["tier"], r["market_country"])
            cells[key] = cells.get(key, 0.0) + r["value"]
        a.cells = cells
    return acts


def ratios(amounts: Mapping[str, float], cells: Mapping[Any, float]) -> dict[str, float]:
    """The shares and indices of one unit (plant, firm or country) from its sums."""
    return {
        "export_share": share(amounts["exports"], amounts["output"]),
        "cross_border_input_share": share(amounts["imported_inputs"], amounts["inputs"]),
        "horizontal_index": herfindahl(cells.values()),
        "supply_share": share(amounts["component_sales"], amounts["output"]),
        "vs_share": share(amounts["vs"], amounts["exports"]),
        "import_content": share(amounts["imported_inputs"], amounts["output"]),
    }


def plant_role(activity: PlantActivity) -> dict[str, Any]:
    """A plant's :func:`ratios`, its ``final_share`` (final sales / output, 0 when
    undefined) and its ``role_type`` (:func:`classify`)."""
    r: dict[str, Any] = ratios(activity.amounts, activity.cells)
    final_share = share(activity.amounts["final_sales"], activity.amounts["output"])
    final_share = 0.0 if math.isnan(final_share) else final_share
    supply = 0.0 if math.isnan(r["supply_share"]) else r["supply_share"]
    r["final_share"] = final_share
    r["role_type"] = classify(final_share, supply, r["horizontal_index"])
    return r
