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

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.variables import ge, le, term, var_tables


def add_markets_and_channels(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the markets-and-channels family to ``m`` in place."""
    sales = var_tables(m).sales
    into_market: dict[tuple[str, str], list] = {}  # (m, i) -> sales variables
    via: dict[tuple[str, str, str], list] = {}  # (h, m, i) -> sales variables
    via_h: dict[str, list] = {}  # h -> sales variables
    for a in data.sales:
        _p, i, h, mk = a
        x = sales[a]
        row = into_market.get((mk, i))
        if row is None:
            into_market[mk, i] = [x]
        else:
            row.append(x)
        row = via.get((h, mk, i))
        if row is None:
            via[h, mk, i] = [x]
        else:
            row.append(x)
        row = via_h.get(h)
        if row is None:
            via_h[h] = [x]
        else:
            row.append(x)
    served = [key for key in data.demand if into_market.get(key)]
    demand = data.demand

    @m.Constraint(served, doc="sum_{p,h} v_sales[p,i,h,m] <= demand[m,i]")
    def demand_limit(m, mk, i):
        return le(into_market[mk, i], demand[mk, i])

    minimum = [key for key in served if data.min_served[key] > 0]
    if minimum:

        @m.Constraint(minimum, doc="sum_{p,h} v_sales[p,i,h,m] >= min_served*demand[m,i]")
        def demand_minimum(m, mk, i):
            return ge(into_market[mk, i], data.min_served[mk, i] * demand[mk, i])

    if not data.has_channels:
        return
    known = set(data.channels)
    keys = [key for key in via if key[0] in known]
    channel_open = var_tables(m).channel_open
    minus_demand = {key: -q for key, q in demand.items()}

    @m.Constraint(keys, doc="sum_p v_sales[p,i,h,m] <= demand[m,i] * v_channel_open[h]")
    def channel_link(m, h, mk, i):
        return le([*via[h, mk, i], term(minus_demand[mk, i], channel_open[h])], 0)

    channels = data.instance.channels or {}
    capped = [h for h in data.channels if channels[h].capacity is not None and via_h.get(h)]
    if capped:

        @m.Constraint(capped, doc="sum v_sales[.,.,h,.] <= capacity[h]")
        def channel_capacity(m, h):
            return le(via_h[h], channels[h].capacity)
