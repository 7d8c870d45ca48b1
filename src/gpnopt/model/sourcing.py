"""Family 9, sourcing-share rules: local-content style bounds on where parts come from.

Indices: r rule, k component, s source, d the rule's plant. For rule r on plant d with
components K_r (all d uses if not given), sources S_r (those matching the rule's filter:
countries, owner firms, plants, supplier pools) and weight w (1 for a quantity basis; the
transfer or supplier price for a value basis):

    sourcing_share_lower[r]:  sum_{k in K_r, s in S_r} w * v_flow[k,s,d]
                                  >= min_share[r] * sum_{k in K_r, s} w * v_flow[k,s,d]
    sourcing_share_upper[r]:  sum_{k in K_r, s in S_r} w * v_flow[k,s,d]
                                  <= max_share[r] * sum_{k in K_r, s} w * v_flow[k,s,d]

Rows exist only for a bound that restricts (min_share > 0, max_share < 1).

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.environ as pyo

from gpnopt.data import ModelData
from gpnopt.schema import Instance, SourceFilter


def source_matches(inst: Instance, s: str, flt: SourceFilter) -> bool:
    """Whether source s (a plant or a supplier pool) passes the filter."""
    if s in inst.plants:
        plant = inst.plants[s]
        if flt.countries and plant.country in flt.countries:
            return True
        if flt.firms and any(plant.owners.get(f, 0) > 0 for f in flt.firms):
            return True
        return bool(flt.plants and s in flt.plants)
    sup = inst.suppliers[s]
    if flt.countries and sup.country in flt.countries:
        return True
    return bool(flt.suppliers and s in flt.suppliers)


def arc_value(data: ModelData, a: tuple[str, str, str]) -> float:
    """Unit value of flow arc a = (k, s, d): the transfer price or the supplier price."""
    k, s, _d = a
    inst = data.instance
    if s in inst.plants:
        return inst.components[k].transfer_price
    return inst.suppliers[s].components[k].unit_price


def rule_arcs(data: ModelData, n: int) -> tuple[list, list, dict]:
    """(all arcs, matching arcs, weights) of sourcing rule n."""
    inst = data.instance
    rule = inst.sourcing_rules[n]
    comps = set(rule.components) if rule.components else None
    arcs = [a for a in data.flows if a[2] == rule.plant and (comps is None or a[0] in comps)]
    match = [a for a in arcs if source_matches(inst, a[1], rule.sources)]
    w = {a: (1.0 if rule.basis == "quantity" else arc_value(data, a)) for a in arcs}
    return arcs, match, w


def add_sourcing_rules(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the sourcing-share family to ``m`` in place."""
    rules = data.instance.sourcing_rules
    if not rules:
        return
    parts = {n: rule_arcs(data, n) for n in range(len(rules))}
    lower = [n for n, r in enumerate(rules) if r.min_share > 0]
    upper = [n for n, r in enumerate(rules) if r.max_share < 1]

    def sums(n):
        arcs, match, w = parts[n]
        total = sum(w[a] * m.v_flow[a] for a in arcs)
        part = sum(w[a] * m.v_flow[a] for a in match)
        return part, total

    if lower:

        @m.Constraint(lower, doc="sum_{S_r} w*v_flow >= min_share[r] * sum w*v_flow")
        def sourcing_share_lower(m, n):
            part, total = sums(n)
            if isinstance(part, int | float) and isinstance(total, int | float):
                return pyo.Constraint.Feasible
            return part >= rules[n].min_share * total

    if upper:

        @m.Constraint(upper, doc="sum_{S_r} w*v_flow <= max_share[r] * sum w*v_flow")
        def sourcing_share_upper(m, n):
            part, total = sums(n)
            if isinstance(part, int | float) and isinstance(total, int | float):
                return pyo.Constraint.Feasible
            return part <= rules[n].max_share * total
