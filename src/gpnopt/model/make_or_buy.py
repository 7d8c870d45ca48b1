"""Family 4, make-or-buy with a minimum production quantity (MPQ).

Indices: p plant, k component, d plant supplied. In-house production of k at p is a binary
decision with a fixed cost; when taken, output is at least the MPQ. Output may serve other
plants (family 3), so the pooled need of several plants can justify in-sourcing:

    in_house_requires_plant[p,k]:  v_in_house[p,k] <= v_is_open[p]
    minimum_quantity[p,k]:         v_output[p,k] >= min_quantity[p,k] * v_in_house[p,k]
    in_house_link[k,p,d]:          v_flow[k,p,d] <= max_need[d,k] * v_in_house[p,k]

Costs (family 11): fixed_cost[p,k] * v_in_house[p,k] + unit_cost[p,k] * v_output[p,k].
``max_need[d,k]`` is the most of k plant d can use (its lines' reachable demand through the
bills of materials): the per-lane link is the facility-location ``flow <= demand * open``.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.variables import le, term, var_tables


def add_make_or_buy(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the make-or-buy family to ``m`` in place."""
    if not data.make:
        return
    plants = data.instance.plants
    v = var_tables(m)
    in_house, is_open, output, flow = v.in_house, v.is_open, v.output, v.flow

    @m.Constraint(m.make, doc="v_in_house[p,k] <= v_is_open[p]")
    def in_house_requires_plant(m, p, k):
        return le([in_house[p, k], term(-1, is_open[p])], 0)

    mpq = [(p, k) for p, k in data.make if plants[p].components[k].min_quantity > 0]
    if mpq:

        @m.Constraint(mpq, doc="v_output[p,k] >= min_quantity[p,k] * v_in_house[p,k]")
        def minimum_quantity(m, p, k):
            # Pyomo writes x >= c*y as c*y - x <= 0
            mq = plants[p].components[k].min_quantity
            return le([term(mq, in_house[p, k]), term(-1, output[p, k])], 0)

    own = [a for a, arc in data.flows.items() if arc.source_is_plant]
    minus_need = {key: -q for key, q in data.max_need.items()}  # one float per (d, k)

    @m.Constraint(own, doc="v_flow[k,p,d] <= max_need[d,k] * v_in_house[p,k]")
    def in_house_link(m, k, p, d):
        return le([flow[k, p, d], term(minus_need.get((d, k), -0.0), in_house[p, k])], 0)
