"""Family 8, technicians: a firm's pool of expatriates limits its foreign lines.

Indices: f firm, p plant, i product. A line of a product designed by firm f at a plant
outside f's home country is *foreign*; it needs per_line[f, tier(i)] technicians when open
and per_unit[f, tier(i)] per unit made:

    technician_pool[f]:  sum_{foreign (p,i) of f} ( per_line[f,t(i)] * v_line_open[p,i]
                                                  + per_unit[f,t(i)] * production[p,i] )
                             <= pool[f]

Firms without a ``technicians`` entry have an unlimited pool. A firm whose entry states
``cost``, ``hiring``, ``local_managers`` or ``whole_persons: true`` is family 18's (:mod:`gpnopt.model.staffing`):
its ``technicians[f]`` is the same, its ``technician_pool[f]`` row that family's.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import SumExpression

from gpnopt.data import ModelData
from gpnopt.economics.staffing import states_staffing
from gpnopt.model.variables import production_term, term, var_tables


def technician_terms(m: pyo.ConcreteModel, data: ModelData, f: str) -> list:
    """Terms of the technicians firm f's foreign lines use."""
    line_open = var_tables(m).line_open
    terms: list = []
    for p, i, per_line, per_unit in data.tech_lines[f]:
        terms.append(term(per_line, line_open[p, i]))
        terms.append(production_term(m, per_unit, p, i))
    return terms


def technicians_used(m: pyo.ConcreteModel, data: ModelData, f: str):
    """Expression of the technicians firm f's foreign lines use."""
    terms = technician_terms(m, data, f)
    return SumExpression(terms) if terms else 0


def add_technicians(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the technicians family to ``m`` in place."""
    firms = [f for f, rows in data.tech_lines.items() if rows]
    if not firms:
        return
    firm_data = data.instance.firms

    @m.Expression(firms, doc="technicians used by firm f's foreign lines")
    def technicians(m, f):
        return technicians_used(m, data, f)

    @m.Constraint(firms, doc="technicians[f] <= pool[f]")
    def technician_pool(m, f):
        policy = firm_data[f].technicians
        if states_staffing(policy):
            return pyo.Constraint.Skip  # family 18 adds this firm's row
        return m.technicians[f] <= policy.pool
