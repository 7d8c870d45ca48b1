"""Family 1, product lines: production only on open lines of open plants.

Indices: p plant, i product, h channel, m market. Sets: lines (p, i) listed by the plant
and within its capability (``max_tier``); sales arcs (p, i, h, m).

    line_requires_plant[p,i]:   v_line_open[p,i] <= v_is_open[p]
    line_sales_link[p,i,h,m]:   v_sales[p,i,h,m] <= demand[m,i] * v_line_open[p,i]
    line_capacity[p,i]:         production[p,i] <= capacity[p,i] * v_line_open[p,i]
                                (lines with a capacity only; + K_a * v_modules[a] with an
                                expansion, family 17)

Costs (in the plant's profit, family 11): fixed_cost[p,i] * v_line_open[p,i] +
unit_cost[p,i] * production[p,i]. The per-arc linking rows are the facility-location
``flow <= demand * open`` rows: they keep the LP relaxation tight.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.expansion import module_terms
from gpnopt.model.variables import le, production_term, term, var_tables


def add_lines(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the product-line family to ``m`` in place."""
    plants = data.instance.plants
    v = var_tables(m)
    is_open, line_open, sales = v.is_open, v.line_open, v.sales
    minus_demand = {key: -q for key, q in data.demand.items()}  # one float per (m, i)

    @m.Constraint(m.lines, doc="v_line_open[p,i] <= v_is_open[p]")
    def line_requires_plant(m, p, i):
        return le([line_open[p, i], term(-1, is_open[p])], 0)

    @m.Constraint(m.sales_arcs, doc="v_sales[p,i,h,m] <= demand[m,i] * v_line_open[p,i]")
    def line_sales_link(m, p, i, h, mk):
        return le([sales[p, i, h, mk], term(minus_demand[mk, i], line_open[p, i])], 0)

    capped = [(p, i) for p, i in data.lines if plants[p].lines[i].capacity is not None]
    if not capped:
        return

    modules = module_terms(m)  # family 17: + K_a * v_modules[a] on the capacity side

    @m.Constraint(capped, doc="production[p,i] <= capacity[p,i] * v_line_open[p,i]")
    def line_capacity(m, p, i):
        cap = plants[p].lines[i].capacity
        used = [production_term(m, 1, p, i), term(-cap, line_open[p, i])]
        return le([*used, *modules.get(("line", p, i), ())], 0, general=True)
