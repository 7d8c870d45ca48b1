"""Family 6, markets and channels: demand, prices and who may sell what where.

Indices: p plant, i product, h channel, m market (or customer segment).

    demand_limit[m,i]:     sum_{p,h} v_sales[p,i,h,m] <= demand[m,i]
    demand_minimum[m,i]:   sum_{p,h} v_sales[p,i,h,m] >= min_served[m,i] * demand[m,i]
    channel_link[h,m,i]:   sum_p v_sales[p,i,h,m] <= demand[m,i] * v_channel_open[h]
    channel_capacity[h]:   sum_{p,i,m} v_sales[p,i,h,m] <= capacity[h]

A sales arc (p, i, h, m) exists only if channel h reaches market m and p, i pass the
channel's filters (plants, plant owners, product firms, products, tiers): so "TM-Trading
carries only Japan-made TM products" is ``plants: [JP_TM], product_firms: [TM]``. Without a
``channels`` section every plant sells directly into every market (channel ``direct``).
Revenue (family 11): the plant gets price * (1 - margin_rate[h]), the channel keeps
price * margin_rate[h] and pays unit_cost[h] per unit and fixed_cost[h] when open.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from gpnopt.data import ModelData


def add_markets_and_channels(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the markets-and-channels family to ``m`` in place."""
    into_market: dict[tuple[str, str], list] = defaultdict(list)
    via: dict[tuple[str, str, str], list] = defaultdict(list)
    via_h: dict[str, list] = defaultdict(list)
    for a in data.sales:
        p, i, h, mk = a
        into_market[mk, i].append(a)
        via[h, mk, i].append(a)
        via_h[h].append(a)
    served = [key for key in data.demand if into_market.get(key)]

    @m.Constraint(served, doc="sum_{p,h} v_sales[p,i,h,m] <= demand[m,i]")
    def demand_limit(m, mk, i):
        return sum(m.v_sales[a] for a in into_market[mk, i]) <= data.demand[mk, i]

    minimum = [key for key in served if data.min_served[key] > 0]
    if minimum:

        @m.Constraint(minimum, doc="sum_{p,h} v_sales[p,i,h,m] >= min_served*demand[m,i]")
        def demand_minimum(m, mk, i):
            need = data.min_served[mk, i] * data.demand[mk, i]
            return sum(m.v_sales[a] for a in into_market[mk, i]) >= need

    if not data.has_channels:
        return
    keys = [key for key in via if key[0] in data.channels]

    @m.Constraint(keys, doc="sum_p v_sales[p,i,h,m] <= demand[m,i] * v_channel_open[h]")
    def channel_link(m, h, mk, i):
        return sum(m.v_sales[a] for a in via[h, mk, i]) <= data.demand[mk, i] * m.v_channel_open[h]

    channels = data.instance.channels or {}
    capped = [h for h in data.channels if channels[h].capacity is not None and via_h.get(h)]
    if capped:

        @m.Constraint(capped, doc="sum v_sales[.,.,h,.] <= capacity[h]")
        def channel_capacity(m, h):
            return sum(m.v_sales[a] for a in via_h[h]) <= channels[h].capacity
