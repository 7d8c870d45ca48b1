"""Family 3, bill of materials and component flows.

Indices: k component, s source (a plant that may make k, or a supplier pool), d plant that
uses k, o purchasing office. A plant d uses k for its products' bills of materials and for
the sub-components of components it makes:

    need[d,k] = sum_i bom[i,k] * production[d,i] + sum_k' bom[k',k] * v_output[d,k']

    component_balance[d,k]:  sum_s v_flow[k,s,d] == need[d,k]
    output_balance[p,k]:     v_output[p,k] == sum_d v_flow[k,p,d]
    office_link[k,s,d]:      v_flow[k,s,d] <= max_need[d,k] * v_office_open[o]
                             (arcs usable only through purchasing office o)

Flow arcs exist only where allowed: a plant supplies itself, plants that share an owner
firm (a JV counts for each of its owners), or any plant if ``trade.cross_firm_supply``; a
supplier pool supplies every plant unless it lists ``access`` (firms or plants), otherwise
only through a purchasing office that qualifies it for the plant.
The buyer pays the transfer price (plants) or the supplier price (pools) per unit.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.variables import eq, le, production_term, scaled, term, var_tables


def need_terms(
    m: pyo.ConcreteModel, data: ModelData, d: str, k: str, min_rank: int = -1, sign: float = 1.0
) -> list:
    """The terms of sign * need[d,k], restricted to uses whose minimum quality rank is at
    least ``min_rank`` (``coef * production[p,i]`` or ``coef * v_output[p,k']``)."""
    output = var_tables(m).output
    terms: list = []
    for coef, kind, idx, q in data.need_terms[d, k]:
        if q < min_rank:
            continue
        if kind == "line":
            terms.append(production_term(m, sign * coef, *idx))
        else:
            terms.append(term(sign * coef, output[idx]))
    return terms


def need_expression(m: pyo.ConcreteModel, data: ModelData, d: str, k: str, min_rank: int = -1):
    """need[d,k] restricted to uses whose minimum quality rank is at least ``min_rank``."""
    from pyomo.core.expr.numeric_expr import SumExpression

    terms = need_terms(m, data, d, k, min_rank)
    if not terms:
        return 0
    return terms[0] if len(terms) == 1 else SumExpression(terms)


def add_bom_and_flows(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the bill-of-materials and flow family to ``m`` in place."""
    v = var_tables(m)
    flow, output = v.flow, v.output
    into: dict[tuple[str, str], list] = {}  # (d, k) -> flow variables
    out_of: dict[tuple[str, str], list] = {}  # (s, k) -> flow variables
    for a in data.flows:
        k, s, d = a
        x = flow[a]
        row = into.get((d, k))
        if row is None:
            into[d, k] = [x]
        else:
            row.append(x)
        row = out_of.get((s, k))
        if row is None:
            out_of[s, k] = [x]
        else:
            row.append(x)
    m.needs = pyo.Set(initialize=data.need, dimen=2, ordered=True, doc="(d, k) uses")

    @m.Constraint(m.needs, doc="sum_s v_flow[k,s,d] == need[d,k]")
    def component_balance(m, d, k):
        supply = into.get((d, k))
        if not supply:  # 0 == need[d,k]: Pyomo keeps need on the left
            return eq(need_terms(m, data, d, k), 0, general=True)
        return eq([*supply, *need_terms(m, data, d, k, sign=-1.0)], 0, general=True)

    @m.Constraint(m.make, doc="v_output[p,k] == sum_d v_flow[k,p,d]")
    def output_balance(m, p, k):
        return eq([output[p, k], *scaled(-1, out_of.get((p, k), ()))], 0)

    via_office = [a for a, arc in data.flows.items() if arc.office is not None]
    if not via_office:
        return
    office_open = v.office_open
    minus_need = {key: -q for key, q in data.max_need.items()}

    @m.Constraint(via_office, doc="v_flow[k,s,d] <= max_need[d,k] * v_office_open[o]")
    def office_link(m, k, s, d):
        bound = minus_need[d, k]
        return le([flow[k, s, d], term(bound, office_open[data.flows[k, s, d].office])], 0)
