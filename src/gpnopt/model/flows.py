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
"""

from __future__ import annotations

import pyomo.environ as pyo

from gpnopt.data import ModelData


def need_expression(m: pyo.ConcreteModel, data: ModelData, d: str, k: str, min_rank: int = -1):
    """need[d,k] restricted to uses whose minimum quality rank is at least ``min_rank``."""
    terms = []
    for coef, kind, idx, q in data.need_terms[d, k]:
        if q < min_rank:
            continue
        var = m.production[idx] if kind == "line" else m.v_output[idx]
        terms.append(coef * var)
    return sum(terms)


def add_bom_and_flows(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the bill-of-materials and flow family to ``m`` in place."""
    into = data.flows_into()
    out_of = data.flows_out_of()
    m.needs = pyo.Set(initialize=data.need, dimen=2, ordered=True, doc="(d, k) uses")

    @m.Constraint(m.needs, doc="sum_s v_flow[k,s,d] == need[d,k]")
    def component_balance(m, d, k):
        return sum(m.v_flow[a] for a in into.get((d, k), ())) == need_expression(m, data, d, k)

    @m.Constraint(m.make, doc="v_output[p,k] == sum_d v_flow[k,p,d]")
    def output_balance(m, p, k):
        return m.v_output[p, k] == sum(m.v_flow[a] for a in out_of.get((p, k), ()))

    via_office = [a for a, arc in data.flows.items() if arc.office is not None]
    if not via_office:
        return

    @m.Constraint(via_office, doc="v_flow[k,s,d] <= max_need[d,k] * v_office_open[o]")
    def office_link(m, k, s, d):
        return m.v_flow[k, s, d] <= data.max_need[d, k] * m.v_office_open[data.flows[k, s, d].office]
