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

These are cost terms of the plants' profits (family 11); the family adds no constraint.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from gpnopt.data import ModelData


def add_trade(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the trade-cost expressions to ``m`` in place."""
    sales_from: dict[str, list] = defaultdict(list)
    for a in data.sales:
        sales_from[a[0]].append(a)
    flows_to: dict[str, list] = defaultdict(list)
    for a in data.flows:
        flows_to[a[2]].append(a)

    @m.Expression(m.plants, doc="transport cost of plant p's machines and components")
    def transport_cost(m, p):
        machines = sum(data.sales[a].transport_cost * m.v_sales[a] for a in sales_from[p])
        parts = sum(data.flows[a].transport_cost * m.v_flow[a] for a in flows_to[p])
        return machines + parts

    @m.Expression(m.plants, doc="tariffs on plant p's machines and components")
    def tariff_cost(m, p):
        machines = sum(data.sales[a].tariff_cost * m.v_sales[a] for a in sales_from[p])
        parts = sum(data.flows[a].tariff_cost * m.v_flow[a] for a in flows_to[p])
        return machines + parts
