"""The ``demand`` table of a solution: what each demand curve sold, period by period
(family 16, ``docs/formulation.md``).

One row per market and product with a ``curve`` (and a positive total) and per period:

==============  ==========================================================================
column          meaning
==============  ==========================================================================
market          the market
product         the product
period          the period
quantity        units sold per year (all plants and channels)
revenue         what the market pays for them per year: each step's units at its price
average_price   revenue / quantity (the first step's price when nothing is sold)
marginal_price  the price of the deepest step used (the first step's when nothing is sold)
steps_used      the deepest step used, 1 = the first (0: nothing sold)
==============  ==========================================================================

:func:`curve_prices` gives each sales arc into a curve market its average price (the
production table's ``price``). Readers get values only through ``val``; no Pyomo here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

DEMAND_COLUMNS = (
    "market", "product", "period", "quantity", "revenue", "average_price", "marginal_price",
    "steps_used",
)
"""Columns of the ``demand`` table."""

ZERO = 1e-6
"""Step volumes at or below this count as unused (as the solution's quantities)."""


def _curve(data: Any, mk: str, i: str) -> list[tuple[float, float]]:
    """(width, price) of the curve's steps."""
    return [(float(s.quantity), float(s.price)) for s in data.instance.markets[mk].demand[i].curve]


def _values(block: Any, name: str, val: Callable[[Any], float]) -> dict[tuple, float]:
    """Index -> value of variable ``name`` of the block (none without it)."""
    var = block.component(name)
    if var is None:
        return {}
    return {idx: float(val(x) or 0.0) for idx, x in var.items()}


def _curved(data: Any) -> list[tuple[str, str]]:
    """The demand entries (m, i) with a curve."""
    markets = data.instance.markets
    return [(mk, i) for mk, i in data.demand if markets[mk].demand[i].curve is not None]


def _arc_sales(block: Any, data: Any, val: Callable[[Any], float]) -> dict[tuple, float]:
    """Sales arc (p, i, h, m) into a curve market -> its units sold."""
    curved = set(_curved(data))
    if not curved:
        return {}
    sales = block.v_sales
    return {a: float(val(sales[a]) or 0.0) for a in data.sales if (a[3], a[1]) in curved}


def curve_prices(block: Any, data: Any, val: Callable[[Any], float]) -> dict[tuple, float]:
    """Each sales arc (p, i, h, m) into a curve market that sells: its average price,
    p_0 - v_curve_drop[a] / v_sales[a] (``docs/formulation.md``, family 16)."""
    drops = _values(block, "v_curve_drop", val)
    out = {}
    for a, q in _arc_sales(block, data, val).items():
        if q > ZERO:
            first = _curve(data, a[3], a[1])[0][1]
            out[a] = round(first - drops.get(a, 0.0) / q, 6)
    return out


def demand_rows(
    block: Any, data: Any, period: str, val: Callable[[Any], float]
) -> list[dict[str, Any]]:
    """The ``demand`` rows of one period (module docstring)."""
    keys = _curved(data)
    if not keys:
        return []
    sold: dict[tuple[str, str, int], float] = defaultdict(float)
    for (_p, i, _h, mk), q in _arc_sales(block, data, val).items():
        sold[mk, i, 0] += q
    for (mk, i, s), q in _values(block, "v_curve_step", val).items():
        sold[mk, i, s] += q
        sold[mk, i, 0] -= q
    rows = []
    for mk, i in keys:
        steps = _curve(data, mk, i)
        used = [s for s in range(len(steps)) if sold.get((mk, i, s), 0.0) > ZERO]
        quantity = sum(sold[mk, i, s] for s in used)
        revenue = sum(steps[s][1] * sold[mk, i, s] for s in used)
        first = steps[0][1]
        rows.append({
            "market": mk,
            "product": i,
            "period": period,
            "quantity": round(quantity, 6),
            "revenue": round(revenue, 6),
            "average_price": round(revenue / quantity, 6) if used else first,
            "marginal_price": steps[used[-1]][1] if used else first,
            "steps_used": used[-1] + 1 if used else 0,
        })
    return rows


__all__ = ["DEMAND_COLUMNS", "curve_prices", "demand_rows"]
