"""Family 5, capacity: assembly per plant, components per plant and per supplier pool.

Indices: p plant, i product, k component, s supplier pool, d plant supplied.

    assembly_capacity[p]:     sum_i capacity_use[i] * production[p,i]
                                  <= assembly_capacity[p] * v_is_open[p]
    component_capacity[p,k]:  v_output[p,k] <= capacity[p,k] * v_in_house[p,k]
    supplier_capacity[s,k]:   sum_d v_flow[k,s,d] <= capacity[s,k]
    line_assembly_link[p,i]:  capacity_use[i] * production[p,i]
                                  <= assembly_capacity[p] * v_line_open[p,i]
                                  (+ K_a * v_modules[a] with an expansion, family 17)
                              (where assembly_capacity[p] / capacity_use[i] is below the
                              line's reachable demand and its own capacity)

Each row exists only where the instance states the capacity. ``line_assembly_link`` is
derived: it holds at every integer point (a closed line produces nothing, an open one at most
what its open plant can assemble), and it keeps the LP relaxation from opening a plant at the
fraction its capacity use needs while its line runs at a smaller fraction (the plant's row
alone bounds production by v_is_open, not by v_line_open; ``docs/performance.md``, "Solve
time at scale"). Assembly rows also close
production at closed plants (with line_requires_plant). An asset with an ``expansion``
(family 17, :mod:`gpnopt.model.expansion`) adds K_a * v_modules[a] to its capacity side.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.expansion import module_terms
from gpnopt.model.variables import ge, le, production_term, term, var_tables


def add_capacity(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the capacity family to ``m`` in place."""
    inst = data.instance
    v = var_tables(m)
    lines_at: dict[str, list[str]] = {}
    for p, i in data.lines:
        lines_at.setdefault(p, []).append(i)
    capped = [p for p in data.plants if inst.plants[p].assembly_capacity is not None]
    modules = module_terms(m)  # family 17: + K_a * v_modules[a] on the capacity side
    if capped:
        is_open = v.is_open

        @m.Constraint(capped, doc="sum_i use[i]*production[p,i] <= capacity[p]*v_is_open[p]")
        def assembly_capacity(m, p):
            cap = inst.plants[p].assembly_capacity
            if not lines_at.get(p):  # 0 <= cap * v_is_open[p]: Pyomo keeps it as a lower bound
                return ge([term(cap, is_open[p])], 0)
            used = [production_term(m, inst.products[i].capacity_use, p, i) for i in lines_at[p]]
            used.append(term(-cap, is_open[p]))
            used += modules.get(("plant", p, ""), ())
            return le(used, 0, general=True)

    if capped:
        _add_line_assembly_links(m, data, modules)
    comp = [(p, k) for p, k in data.make if inst.plants[p].components[k].capacity is not None]
    if comp:
        output, in_house = v.output, v.in_house

        @m.Constraint(comp, doc="v_output[p,k] <= capacity[p,k] * v_in_house[p,k]")
        def component_capacity(m, p, k):
            cap = inst.plants[p].components[k].capacity
            return le([output[p, k], term(-cap, in_house[p, k]), *modules.get(("make", p, k), ())], 0)

    flow = v.flow
    out_of: dict[tuple[str, str], list] = {}
    for a in data.flows:
        key = (a[1], a[0])
        row = out_of.get(key)
        if row is None:
            out_of[key] = [flow[a]]
        else:
            row.append(flow[a])
    pools = [
        (s, k)
        for s, sup in inst.suppliers.items()
        for k, offer in sup.components.items()
        if offer.capacity is not None and out_of.get((s, k))
    ]
    if pools:

        @m.Constraint(pools, doc="sum_d v_flow[k,s,d] <= capacity[s,k]")
        def supplier_capacity(m, s, k):
            return le(out_of[s, k], inst.suppliers[s].components[k].capacity)


def _add_line_assembly_links(m: pyo.ConcreteModel, data: ModelData, modules: dict) -> None:
    """``line_assembly_link[p,i]`` where the plant's assembly capacity bounds the line below
    its reachable demand and its line capacity (elsewhere the row is implied by those)."""
    inst = data.instance
    reach: dict[tuple[str, str], dict[str, float]] = {}
    for p, i, _h, mk in data.sales:
        reach.setdefault((p, i), {})[mk] = data.demand[mk, i]
    links = []
    for p, i in data.lines:
        plant = inst.plants[p]
        if plant.assembly_capacity is None:
            continue
        most = plant.assembly_capacity / inst.products[i].capacity_use
        line_cap = plant.lines[i].capacity
        if most < sum(reach.get((p, i), {}).values()) and (line_cap is None or most < line_cap):
            links.append((p, i))
    if not links:
        return
    line_open = var_tables(m).line_open

    @m.Constraint(links, doc="use[i] * production[p,i] <= capacity[p] * v_line_open[p,i]")
    def line_assembly_link(m, p, i):
        used = [production_term(m, inst.products[i].capacity_use, p, i),
                term(-inst.plants[p].assembly_capacity, line_open[p, i])]
        return le([*used, *modules.get(("plant", p, ""), ())], 0, general=True)
