"""Family 1, product lines: production only on open lines of open plants.

Indices: p plant, i product, h channel, m market. Sets: lines (p, i) listed by the plant
and within its capability (``max_tier``); sales arcs (p, i, h, m).

    line_requires_plant[p,i]:   v_line_open[p,i] <= v_is_open[p]
    line_sales_link[p,i,h,m]:   v_sales[p,i,h,m] <= demand[m,i] * v_line_open[p,i]
    line_capacity[p,i]:         production[p,i] <= capacity[p,i] * v_line_open[p,i]
                                (lines with a capacity only)

Costs (in the plant's profit, family 11): fixed_cost[p,i] * v_line_open[p,i] +
unit_cost[p,i] * production[p,i]. The per-arc linking rows are the facility-location
``flow <= demand * open`` rows: they keep the LP relaxation tight.
"""

from __future__ import annotations

import pyomo.environ as pyo

from gpnopt.data import ModelData


def add_lines(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the product-line family to ``m`` in place."""
    plants = data.instance.plants

    @m.Constraint(m.lines, doc="v_line_open[p,i] <= v_is_open[p]")
    def line_requires_plant(m, p, i):
        return m.v_line_open[p, i] <= m.v_is_open[p]

    @m.Constraint(m.sales_arcs, doc="v_sales[p,i,h,m] <= demand[m,i] * v_line_open[p,i]")
    def line_sales_link(m, p, i, h, mk):
        return m.v_sales[p, i, h, mk] <= data.demand[mk, i] * m.v_line_open[p, i]

    capped = [(p, i) for p, i in data.lines if plants[p].lines[i].capacity is not None]
    if not capped:
        return

    @m.Constraint(capped, doc="production[p,i] <= capacity[p,i] * v_line_open[p,i]")
    def line_capacity(m, p, i):
        return m.production[p, i] <= plants[p].lines[i].capacity * m.v_line_open[p, i]
