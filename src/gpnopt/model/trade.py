"""Family 10, trade: transport costs per lane and ad-valorem tariffs.

Indices: p plant, i product, h channel, m market, k component, s source, d plant.
Lane costs are data (``trade.transport``): per unit and goods class, from a country or
plant to a country, plant or market, the most specific entry winning. Tariffs
(``trade.tariffs``) apply when goods cross a border: rate(origin, destination, goods) times
the customs value (the market price for machines; the transfer or supplier price for
components). Both are paid by the plant that ships the machine or receives the part:

    transport_cost[p] = sum_{(p,i,h,m)} transport[p->m] * v_sales[p,i,h,m]
                        + sum_{(k,s,p)} transport[s->p] * v_flow[k,s,p]
    tariff_cost[p]    = sum_{(p,i,h,m)} rate[p->m] * price[m,i] * v_sales[p,i,h,m]
                        + sum_{(k,s,p)} rate[s->p] * value[k,s] * v_flow[k,s,p]

These are cost terms of the plants' profits (family 11); the family adds no constraint. A
flow between plants of a component with ``transfer_prices`` (family 23) pays the duty on
the level it is traded at: sum_l rate[s->p] * P_kl * v_flow_at[k,s,p,l]; on a lane whose
transport is value based (family 20's ``value_rate`` v) its transport too:
transport_cost[p] gains sum_l v * (P_kl - transfer_price_k) * v_flow_at[k,s,p,l].

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.transfer_prices import level_terms, transport_at_levels
from gpnopt.model.variables import linear, term, var_tables


def add_trade(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the trade-cost expressions to ``m`` in place."""
    v = var_tables(m)
    sales_var, flow_var = v.sales, v.flow
    sales_from: dict[str, list] = {p: [] for p in data.plants}
    for a, arc in data.sales.items():
        sales_from[a[0]].append((arc, sales_var[a]))
    flows_to: dict[str, list] = {p: [] for p in data.plants}
    at_level = level_terms(m, data, "tariff")  # 23: duty on the customs value at the level
    duty_at: dict[str, list] = {p: [] for p in data.plants}
    carried_at: dict[str, list] = {}
    for a, expr in transport_at_levels(m, data).items():
        carried_at.setdefault(a[2], []).append(expr)
    for a, arc in data.flows.items():
        flows_to[a[2]].append((arc, flow_var[a]))
        if a in at_level:
            duty_at[a[2]].append((a, at_level[a]))

    @m.Expression(m.plants, doc="transport cost of plant p's machines and components")
    def transport_cost(m, p):
        machines = linear([term(arc.transport_cost, x) for arc, x in sales_from[p]])
        parts = linear([term(arc.transport_cost, x) for arc, x in flows_to[p]])
        if carried_at.get(p):  # 23 with 20: value-based transport of levelled flows
            return machines + parts + sum(carried_at[p])
        return machines + parts

    @m.Expression(m.plants, doc="tariffs on plant p's machines and components")
    def tariff_cost(m, p):
        machines = linear([term(arc.tariff_cost, x) for arc, x in sales_from[p]])
        if duty_at[p]:  # flows priced by level: their duty is on the level's value
            levelled = {id(flow_var[a]) for a, _expr in duty_at[p]}
            own = [(arc, x) for arc, x in flows_to[p] if id(x) not in levelled]
            parts = linear([term(arc.tariff_cost, x) for arc, x in own])
            return machines + parts + sum(expr for _a, expr in duty_at[p])
        parts = linear([term(arc.tariff_cost, x) for arc, x in flows_to[p]])
        return machines + parts
