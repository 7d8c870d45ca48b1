"""Families 9 and 25, sourcing-share rules: local-content style bounds on where parts come from.

Indices: r rule, k component, s source, d a plant of the rule. For rule r on plants D_r
(``plant``: one plant; ``plants``: several, their supply counted together, family 25) with
components K_r (all the plants use if not given), sources S_r (those matching the rule's
filter: countries, owner firms, plants, supplier pools) and weight w (1 for a quantity basis;
the transfer or supplier price for a value basis):

    sourcing_share_lower[r]:  sum_{k in K_r, s in S_r, d in D_r} w * v_flow[k,s,d]
                                  >= min_share[r] * sum_{k in K_r, s, d in D_r} w * v_flow[k,s,d]
    sourcing_share_upper[r]:  sum_{k in K_r, s in S_r, d in D_r} w * v_flow[k,s,d]
                                  <= max_share[r] * sum_{k in K_r, s, d in D_r} w * v_flow[k,s,d]

Rows exist only for a bound that restricts (min_share > 0, max_share < 1). A rule with one
``plant`` has exactly the rows of family 9.

Family 25, a rule tied to customers (``customers: {markets: M_r}``, keiretsu-style sourcing):
the requirement is what goes into the sales a = (p, i, h, m) of the rule's plants to those
markets, ``bom[i,k]`` being product i's own bill of materials (components of components are
not counted through it); K_r defaults to the components of the bills of the products the
plants make. Units only, least share only (the schema refuses ``max_share`` and
``basis: value`` with customers):

    sourcing_customer_min[r]:  sum_{k in K_r, s in S_r, d in D_r} v_flow[k,s,d]
                                  >= min_share[r] * sum_{a: p in D_r, m in M_r} sum_{k in K_r}
                                                       bom[i,k] * v_sales[a]

The qualifying parts the plants buy need not go into those very sales (a plant's parts are
not earmarked); the row asks that they cover the share of the customers' requirement. It
exists when min_share > 0 and some sale to those markets is possible.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.schema import Instance, SourceFilter


def source_matches(inst: Instance, s: str, flt: SourceFilter, to: str | None = None) -> bool:
    """Whether source s (a plant or a supplier pool) passes the filter; ``to``, the plant
    supplied, places a regional pool (family 27) in the country it ships from to that
    plant (without ``to``: in any of its countries)."""
    if s in inst.plants:
        plant = inst.plants[s]
        if flt.countries and plant.country in flt.countries:
            return True
        if flt.firms and any(plant.owners.get(f, 0) > 0 for f in flt.firms):
            return True
        return bool(flt.plants and s in flt.plants)
    sup = inst.suppliers[s]
    here = ({sup.ships_from(inst.plants[to].country)} if to is not None
            else {sup.country, *(sup.serves or ())})
    if flt.countries and here & set(flt.countries):
        return True
    return bool(flt.suppliers and s in flt.suppliers)


def arc_value(data: ModelData, a: tuple[str, str, str]) -> float:
    """Unit value of flow arc a = (k, s, d): the transfer price or the supplier price."""
    k, s, _d = a
    inst = data.instance
    if s in inst.plants:
        return inst.components[k].transfer_price
    return inst.suppliers[s].components[k].unit_price


def arcs_by_plant(data: ModelData) -> dict[str, list[tuple[str, str, str]]]:
    """Flow arcs grouped by destination plant, each group in the order of ``data.flows``."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for a in data.flows:
        out.setdefault(a[2], []).append(a)
    return out


def rule_arcs(
    data: ModelData, n: int, into: dict[str, list[tuple[str, str, str]]] | None = None
) -> tuple[list, list, dict]:
    """(all arcs, matching arcs, weights) of sourcing rule n (``into``: the arcs by
    destination plant, :func:`arcs_by_plant`, computed once for many rules)."""
    inst = data.instance
    rule = inst.sourcing_rules[n]
    comps = set(rule.components) if rule.components else None
    if rule.customers is not None:
        comps = {k for _i, k in customer_bom(data, n)}
    into = arcs_by_plant(data) if into is None else into
    arcs = [
        a
        for d in dict.fromkeys(rule.plant_ids)
        for a in into.get(d, ())
        if comps is None or a[0] in comps
    ]
    match = [a for a in arcs if source_matches(inst, a[1], rule.sources, a[2])]
    w = {a: (1.0 if rule.basis == "quantity" else arc_value(data, a)) for a in arcs}
    return arcs, match, w


def customer_bom(data: ModelData, n: int) -> dict[tuple[str, str], float]:
    """(product i, component k) -> units of k in one unit of i, for the products the plants
    of rule n (tied to customers) make and the components the rule counts."""
    inst = data.instance
    rule = inst.sourcing_rules[n]
    comps = set(rule.components) if rule.components else None
    made = dict.fromkeys(i for p in rule.plant_ids for i in inst.plants[p].lines)
    return {
        (i, k): entry.quantity
        for i in made
        for k, entry in inst.products[i].bom.items()
        if comps is None or k in comps
    }


def customer_sales(
    data: ModelData, n: int, by_plant: dict[str, list] | None = None
) -> list[tuple[str, str, str, str]]:
    """Sales arcs (p, i, h, m) of rule n's plants to its customer markets (``by_plant``:
    the sales arcs grouped by plant, computed once for many rules)."""
    rule = data.instance.sourcing_rules[n]
    if rule.customers is None:
        return []
    if by_plant is None:
        by_plant = {}
        for a in data.sales:
            by_plant.setdefault(a[0], []).append(a)
    markets = set(rule.customers.markets)
    return [a for p in dict.fromkeys(rule.plant_ids) for a in by_plant.get(p, ()) if a[3] in markets]


def add_sourcing_rules(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the sourcing-share family to ``m`` in place."""
    rules = data.instance.sourcing_rules
    if not rules:
        return
    into = arcs_by_plant(data)
    parts = {n: rule_arcs(data, n, into) for n in range(len(rules))}
    lower = [n for n, r in enumerate(rules) if r.min_share > 0 and r.customers is None]
    tied = [n for n, r in enumerate(rules) if r.min_share > 0 and r.customers is not None]
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

    if tied:
        add_customer_rows(m, data, tied, parts)


def add_customer_rows(
    m: pyo.ConcreteModel, data: ModelData, tied: list[int], parts: dict[int, tuple]
) -> None:
    """``sourcing_customer_min`` rows of the rules tied to customers (family 25)."""
    rules = data.instance.sourcing_rules
    boms = {n: customer_bom(data, n) for n in tied}
    by_plant: dict[str, list] = {}
    for a in data.sales:
        by_plant.setdefault(a[0], []).append(a)
    sales = {n: customer_sales(data, n, by_plant) for n in tied}
    rows = [n for n in tied if sales[n] and any(q > 0 for q in boms[n].values())]
    if not rows:
        return

    @m.Constraint(rows, doc="sum_{S_r} v_flow >= min_share[r] * sum_a bom[i,k] * v_sales[a]")
    def sourcing_customer_min(m, n):
        _arcs, match, _w = parts[n]
        per_unit: dict[str, float] = {}
        for (i, _k), q in boms[n].items():
            per_unit[i] = per_unit.get(i, 0.0) + q
        need = sum(per_unit[a[1]] * m.v_sales[a] for a in sales[n] if per_unit.get(a[1], 0) > 0)
        part = sum(m.v_flow[a] for a in match)
        if isinstance(need, int | float):
            return pyo.Constraint.Feasible
        return part >= rules[n].min_share * need
