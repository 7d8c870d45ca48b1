"""Family 23, transfer prices as a choice: each flow between plants at one of a few levels.

Indices: a = (k,s,d) a flow arc of component k from plant s to another plant d (s != d),
k stating ``transfer_prices`` (levels P_k1 < ... in any order, l = 0..L_k-1 their
positions); r_a the tariff rate on components from s's country into d's (family 10).
Variables and rows:

    v_flow_at[k,s,d,l] >= 0                        units of the flow traded at level l
    transfer_split[k,s,d]:  v_flow[k,s,d] = sum_l v_flow_at[k,s,d,l]

The levels replace the component's single ``transfer_price`` on these arcs, in the three
places it is used (family 11 and family 10):

    seller's revenue[s]   gains  sum_l P_kl * v_flow_at[k,s,d,l]   (instead of transfer_price * v_flow)
    buyer's cost[d]       gains  sum_l P_kl * v_flow_at[k,s,d,l]   (its purchases)
    buyer's tariff_cost[d] gains sum_l r_a * P_kl * v_flow_at[k,s,d,l]  (customs value at the level)
    buyer's transport_cost[d] gains sum_l v_a * (P_kl - transfer_price_k) * v_flow_at[k,s,d,l]
        where the lane's transport is value based (family 20's value_rate v_a: the goods'
        value is the level they are traded at)

Supplier flows and a plant's own use are unchanged. Without taxes the revenue of s and the
purchase of d cancel in the alliance's objective (the level only moves profit between
them; only a tariff favours the lowest level); with profit taxes (family 22), or with a
``firm:F`` objective and partners of different equity, the level moves profit to where it
is worth most, which is why the levels should lie within the arm's-length range. Any level
may change by period (each period's block its own levels). Other uses of the component's
value keep ``transfer_price``: value-based sourcing rules (family 9). A one-period and a
period's block have the same form.
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData, component_tariff_rate
from gpnopt.model.bounds import states_upper
from gpnopt.model.variables import linear, term, var_tables
from gpnopt.transport import Lanes

Arc = tuple[str, str, str]


def derive_transfer_prices(data: ModelData) -> dict[Arc, tuple[tuple[float, ...], float]]:
    """(levels, tariff rate) of every flow arc between two different plants whose component
    states ``transfer_prices``, in arc order (empty when no component does)."""
    inst = data.instance
    if not any(c.transfer_prices for c in inst.components.values()):
        return {}
    rate = component_tariff_rate(inst)
    out: dict[Arc, tuple[tuple[float, ...], float]] = {}
    for a, arc in data.flows.items():
        k, s, d = a
        levels = inst.components[k].transfer_prices
        if levels and arc.source_is_plant and s != d:
            out[a] = (tuple(levels), rate(inst.plants[s].country, inst.plants[d].country))
    return out


def add_transfer_prices(b: Any, data: ModelData) -> None:
    """``b.v_flow_at`` and the rows ``transfer_split`` (module docstring); nothing when no
    flow has levels. Runs before families 10 and 11, which price the flows by level."""
    split = derive_transfer_prices(data)
    if not split:
        return
    keys = [(*a, n) for a, (levels, _r) in split.items() for n in range(len(levels))]
    b.transfer_levels = pyo.Set(initialize=keys, dimen=4, ordered=True, doc="(k, s, d, l)")
    b.v_flow_at = pyo.Var(b.transfer_levels, domain=pyo.NonNegativeReals, doc="flow at level l")
    flow = var_tables(b).flow
    at = dict(b.v_flow_at.items())
    b.transfer_split = pyo.Constraint(
        list(split),
        rule=lambda b, k, s, d: flow[k, s, d]
        == linear([at[k, s, d, n] for n in range(len(split[k, s, d][0]))]),
        doc="v_flow[k,s,d] = sum_l v_flow_at[k,s,d,l]",
    )


def level_terms(b: Any, data: ModelData, kind: str) -> dict[Arc, Any]:
    """Arc -> the linear expression of its flow valued by level: ``kind`` ``price``
    sum_l P_kl * v_flow_at[a,l] (seller's revenue, buyer's purchases) or ``tariff``
    sum_l r_a * P_kl * v_flow_at[a,l]; empty when the block has no levels."""
    var = b.component("v_flow_at")
    if var is None:
        return {}
    split = derive_transfer_prices(data)
    out: dict[Arc, Any] = {}
    for a, (levels, rate) in split.items():
        scale = 1.0 if kind == "price" else rate
        out[a] = linear([term(scale * p, var[(*a, n)]) for n, p in enumerate(levels)])
    return out


def transport_at_levels(b: Any, data: ModelData) -> dict[Arc, Any]:
    """Arc -> the change of its value-based transport cost when priced at the levels:
    sum_l v_a * (P_kl - transfer_price_k) * v_flow_at[a,l], v_a the lane's ``value_rate``
    (family 20; the arc's cost holds v_a * transfer_price_k per unit). Only arcs whose lane
    has a value rate; empty when the block has no levels."""
    var = b.component("v_flow_at")
    if var is None:
        return {}
    inst = data.instance
    lanes = Lanes(inst)
    out: dict[Arc, Any] = {}
    for a, (levels, _rate) in derive_transfer_prices(data).items():
        k, s, d = a
        origin, dest = inst.plants[s], inst.plants[d]
        lane = lanes.terms("component", ["plant:" + s, "country:" + origin.country],
                           ["plant:" + d, "country:" + dest.country], k)
        if not lane.value_rate:
            continue
        base = inst.components[k].transfer_price
        out[a] = linear([term(lane.value_rate * (p - base), var[(*a, n)])
                         for n, p in enumerate(levels) if p != base])
    return out


def level_values(b: Any, data: ModelData, val: Any) -> dict[Arc, float]:
    """Arc -> sum_l P_kl * v_flow_at[a,l] of a solved block (``val`` the value of an
    expression); empty when the block has no levels."""
    return {a: val(expr) for a, expr in level_terms(b, data, "price").items()}


@states_upper("v_flow_at")
def _flow_at_upper(var: Any, data: ModelData) -> float:
    """A flow's units at one transfer-price level: at most the flow's own bound."""
    k, _s, d, _level = var.index()
    return data.max_need.get((d, k), 0.0)
