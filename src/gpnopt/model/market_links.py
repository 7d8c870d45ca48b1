"""Family 1's sales links strengthened: one row per plant, product and market.

Indices: p plant, i product, h channel, m market; (p,i,m) a lane with sales arcs through two
or more channels h (with one channel the row is family 1's row per arc).

    line_market_link[p,i,m]:  sum_h v_sales[p,i,h,m] <= demand[m,i] * v_line_open[p,i]

Valid at every integer point: a closed line sells nothing (family 1's ``line_sales_link``),
and family 6's ``demand_limit`` caps the same sum over every plant at demand[m,i]. Family 1's
row per arc allows demand[m,i] on each arc, so the LP relaxation could open a line at 1/2
and sell the whole demand through two channels at half its fixed cost; this row closes that
(``docs/performance.md``, "Solve time at scale"). It is derived, so it is in
:data:`gpnopt.model.DERIVED_ROWS`: the shadow prices of ``gpnopt explain`` (the LP with every
binary fixed, where it is implied) are read without it.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.variables import le, term, var_tables


def add_market_links(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add ``line_market_link`` to ``m`` in place (lanes of two or more channels only)."""
    v = var_tables(m)
    sales, line_open = v.sales, v.line_open
    lanes: dict[tuple[str, str, str], list] = defaultdict(list)  # (p, i, m) -> its arcs' sales
    for a in data.sales:
        lanes[a[0], a[1], a[3]].append(sales[a])
    shared = [key for key, row in lanes.items() if len(row) > 1]
    if not shared:
        return

    @m.Constraint(shared, doc="sum_h v_sales[p,i,h,m] <= demand[m,i] * v_line_open[p,i]")
    def line_market_link(m, p, i, mk):
        return le([*lanes[p, i, mk], term(-data.demand[mk, i], line_open[p, i])], 0)
