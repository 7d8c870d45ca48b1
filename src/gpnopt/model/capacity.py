"""Family 5, capacity: assembly per plant, components per plant and per supplier pool.

Indices: p plant, i product, k component, s supplier pool, d plant supplied.

    assembly_capacity[p]:     sum_i capacity_use[i] * production[p,i]
                                  <= assembly_capacity[p] * v_is_open[p]
    component_capacity[p,k]:  v_output[p,k] <= capacity[p,k] * v_in_house[p,k]
    supplier_capacity[s,k]:   sum_d v_flow[k,s,d] <= capacity[s,k]

Each row exists only where the instance states the capacity. Assembly rows also close
production at closed plants (with line_requires_plant).
"""

from __future__ import annotations

import pyomo.environ as pyo

from gpnopt.data import ModelData


def add_capacity(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the capacity family to ``m`` in place."""
    inst = data.instance
    lines_at: dict[str, list[str]] = {}
    for p, i in data.lines:
        lines_at.setdefault(p, []).append(i)
    capped = [p for p in data.plants if inst.plants[p].assembly_capacity is not None]
    if capped:

        @m.Constraint(capped, doc="sum_i use[i]*production[p,i] <= capacity[p]*v_is_open[p]")
        def assembly_capacity(m, p):
            used = sum(
                inst.products[i].capacity_use * m.production[p, i] for i in lines_at.get(p, ())
            )
            return used <= inst.plants[p].assembly_capacity * m.v_is_open[p]

    comp = [(p, k) for p, k in data.make if inst.plants[p].components[k].capacity is not None]
    if comp:

        @m.Constraint(comp, doc="v_output[p,k] <= capacity[p,k] * v_in_house[p,k]")
        def component_capacity(m, p, k):
            return m.v_output[p, k] <= inst.plants[p].components[k].capacity * m.v_in_house[p, k]

    out_of = data.flows_out_of()
    pools = [
        (s, k)
        for s, sup in inst.suppliers.items()
        for k, offer in sup.components.items()
        if offer.capacity is not None and out_of.get((s, k))
    ]
    if pools:

        @m.Constraint(pools, doc="sum_d v_flow[k,s,d] <= capacity[s,k]")
        def supplier_capacity(m, s, k):
            cap = inst.suppliers[s].components[k].capacity
            return sum(m.v_flow[a] for a in out_of[s, k]) <= cap
