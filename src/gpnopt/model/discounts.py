"""Family 21, volume discounts and joint purchasing (``purchasing_pools``).

Indices: g a purchasing pool; a = (k,s,d) a flow arc of the pool (s one of its suppliers,
k one of its components that s offers, d a plant among its buyers; a flow counts in at most
one pool); d a buying plant of g (one with an arc of g); t = 1..T_g its tiers, tier t
starting at volume F_t (F_1 = 0) with discount r_t (non-decreasing); c_a the supplier unit
price of arc a. The pool's volume, in units per year summed over its components:

    V[g] = sum_{a of g} v_flow[a]

Only tiers the volume can reach are modelled: F_t <= U_g, with U_g = sum over the pool's
(d, k) of max_need[d,k] (family 5's bound on what d can use of k). A pool whose reachable
tiers all have discount 0 adds nothing.

All-units (``scheme: all_units``): the whole volume at the discount of the tier reached.
Binaries v_tier[g,t] (t = 1..T):

    discount_one_tier[g]:    sum_t v_tier[g,t] = 1
    discount_threshold[g]:   V[g] >= sum_t F_t * v_tier[g,t]

Per arc a = (k,s,d) of the pool and tier t with r_t > 0, v_discounted[g,a,t] >= 0 is
v_flow[a] * v_tier[g,t], the arc's units bought at tier t's discount, exactly (the binary
makes the product linear; U_a = max_need[d,k], family 5's bound on what d can use of k):

    discount_units[g,a,t]:    v_discounted[g,a,t] <= v_flow[a]
    discount_reached[g,a,t]:  v_discounted[g,a,t] <= U_a * v_tier[g,t]
    discount_floor[g,a,t]:    v_discounted[g,a,t] >= v_flow[a] - U_a * (1 - v_tier[g,t])

so plant d saves sum_{a into d, t} r_t * c_a * v_discounted[g,a,t] = r_(tier reached) *
val[g,d], with val[g,d] = sum_{a of g into d} c_a * v_flow[a] its purchase value: the pool's
saving goes to its buying plants in proportion to the value of their own purchases. The
unit prices c_a are in the objective only (the rows hold units), so a scenario that changes
prices re-solves the kept model (:mod:`gpnopt.solver.persistent`).

Incremental (``scheme: incremental``): segment t is the volume from F_t to F_(t+1) (the
last up to U_g), of width W_t, each at its own discount. v_segment[g,a,t] >= 0 are the
units of arc a counted in segment t; binaries v_tier[g,t] (t >= 2) say segment t is used;
segments fill in order:

    discount_split[g,a]:    sum_t v_segment[g,a,t] = v_flow[a]
    discount_segment[g,t]:  sum_a v_segment[g,a,t] <= W_t * v_tier[g,t]   (W_1 alone for t = 1)
    discount_fill[g,t]:     sum_a v_segment[g,a,t-1] >= W_(t-1) * v_tier[g,t]   (t >= 2)
    discount_order[g,t]:    v_tier[g,t] <= v_tier[g,t-1]                   (t >= 3)

and plant d saves sum_{a into d, t} r_t * c_a * v_segment[g,a,t]. The pool's total is the
incremental saving exactly when its arcs share one unit price (with several prices the
dearer units take the higher segments: the most the volume can earn). Which buyer's units
fill which segment is the model's choice, not a proportional split (a proportional split of
an incremental saving is not linear): the alliance objective is indifferent to it, a
``firm:F`` objective gives F's plants the higher segments.

Money. The plant's yearly cost (family 11) gains the cost part

    volume_discount[d] = - sum_g saving[g,d]

(a cost part with negative coefficients, label "volume discount": the saving lowers the
plant's purchase cost, which family 11 counts at the full supplier price), so the saving
enters the plant's profit, its owners' firm profits and the net present value.

As with learning steps, a tier binary is 1 only where the objective gains by it: a saving
no objective term counts (a plant outside a ``firm:F`` objective's equity) may be reported
at a lower tier. With two tiers of equal discount either may be reported.

Multi-period instances: each period's block ``m.period[t]`` holds this family for period
t (each period its own volume, tiers and prices: a pool's values may change by period
through period mappings); there are no rows across the periods.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from gpnopt.checks.discounts import pool_buyers, pool_offers
from gpnopt.data import ModelData
from gpnopt.errors import InstanceError
from gpnopt.model.variables import eq, ge, le, linear, term, var_tables

__all__ = ["PoolData", "add_discounts", "add_volume_discount", "derive_discounts", "saving_terms"]

Arc = tuple[str, str, str]
"""A flow arc (k, s, d)."""


@dataclass(frozen=True)
class PoolData:
    """One purchasing pool as the model of one period sees it."""

    id: str
    """Pool id."""
    scheme: str
    """``all_units`` or ``incremental``."""
    tiers: tuple[tuple[float, float], ...]
    """(from, discount) of every tier of the instance, in order."""
    reachable: int
    """Number of tiers the volume can reach (from <= volume_bound)."""
    arcs: tuple[Arc, ...]
    """The flow arcs whose units count, in flow order."""
    volume_bound: float
    """U_g: the largest volume the arcs can carry (sum of max_need over their (d, k))."""
    need: dict[tuple[str, str], float]
    """max_need[d,k] of each (buyer, component) of the arcs: U_a of arc (k, s, d)."""

    @property
    def modelled(self) -> bool:
        """Whether the pool adds rows: some reachable tier has a positive discount."""
        return self.reachable > 0 and any(r > 0 for _f, r in self.tiers[: self.reachable])

    def buyers(self) -> list[str]:
        """The buying plants (with an arc of the pool), in arc order."""
        return list(dict.fromkeys(d for _k, _s, d in self.arcs))


def derive_discounts(data: ModelData) -> list[PoolData]:
    """The purchasing pools of ``data``'s instance with their arcs and bounds (pure Python).

    Raises:
        InstanceError: a buying plant's use of a pooled component has no finite bound.
    """
    inst = data.instance
    pools_of: dict[tuple[str, str], list[str]] = defaultdict(list)  # (s, k) -> pools
    for g in inst.purchasing_pools:
        for offer in pool_offers(inst, g):
            pools_of[offer].append(g)
    buyers_of = {g: set(pool_buyers(inst, g)) for g in inst.purchasing_pools}
    arcs_of: dict[str, list[Arc]] = {g: [] for g in inst.purchasing_pools}
    for a in data.flows:  # one pass over the arcs (a flow counts in one pool at most)
        for g in pools_of.get((a[1], a[0]), ()):
            if a[2] in buyers_of[g]:
                arcs_of[g].append(a)
    out = []
    for g, pool in inst.purchasing_pools.items():
        arcs = tuple(arcs_of[g])
        need: dict[tuple[str, str], float] = {}
        for d, k in dict.fromkeys((d, k) for k, _s, d in arcs):
            bound = need[d, k] = data.max_need.get((d, k), 0.0)
            if not math.isfinite(bound):
                msg = (
                    f"purchasing_pools.{g}: plant {d}'s use of {k} has no finite bound; "
                    "a volume discount needs one"
                )
                raise InstanceError(msg)
        tiers = tuple((t.from_, t.discount) for t in pool.tiers)
        volume = sum(need.values())
        reachable = sum(1 for f, _r in tiers if f <= volume) if arcs else 0
        out.append(PoolData(g, pool.scheme, tiers, reachable, arcs, volume, need))
    return out


def add_discounts(b: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add family 21 to model or period block ``b`` (module docstring): the tier binaries,
    the rows of each pool's scheme and the cost part ``b.volume_discount[d]``. Nothing when
    the instance has no pool that can earn a discount."""
    pools = [g for g in derive_discounts(data) if g.modelled]
    if not pools:
        return
    tiers = [
        (g.id, t)
        for g in pools
        for t in range(1 if g.scheme == "all_units" else 2, g.reachable + 1)
    ]
    b.discount_tiers = pyo.Set(initialize=tiers, dimen=2, ordered=True, doc="tiers (g, t)")
    b.v_tier = pyo.Var(b.discount_tiers, domain=pyo.Binary, doc="tier t of pool g reached")
    units = [g for g in pools if g.scheme == "all_units"]
    if units:
        _add_all_units(b, units)
    steps = [g for g in pools if g.scheme == "incremental"]
    if steps:
        _add_incremental(b, steps)
    add_volume_discount(b, data)


def saving_terms(
    b: pyo.ConcreteModel | pyo.Block, data: ModelData
) -> list[tuple[str, str, float, Any]]:
    """Every term of the pools' savings on the variables :func:`add_discounts` made:
    (pool g, buying plant d, r_t * c_a, v_discounted[g,a,t] or v_segment[g,a,t]). The one
    place the saving's coefficients are written: the cost part and the ``discounts`` table
    both read them."""
    if b.component("v_tier") is None:
        return []
    by_id = {g.id: g for g in derive_discounts(data) if g.modelled}
    out = []
    for name in ("v_discounted", "v_segment"):
        x = b.component(name)
        for g, k, s, d, t in x if x is not None else ():
            r = by_id[g].tiers[t - 1][1]
            if r > 0:
                out.append((g, d, r * data.flows[k, s, d].price, x[g, k, s, d, t]))
    return out


def add_volume_discount(b: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """The cost part ``b.volume_discount[d]`` of ``data``'s unit prices on the variables
    :func:`add_discounts` made (the prices are in this objective part only, so a persistent
    re-solve rebuilds it with the objective, :func:`gpnopt.solver.persistent.rebuild_objective`).
    Nothing when the block has no pool that can earn a discount."""
    saving: dict[str, list] = defaultdict(list)  # d -> terms of its saving
    for _g, d, coef, x in saving_terms(b, data):
        saving[d].append(term(-coef, x))
    if not saving:
        return
    plants = [d for d in data.plants if d in saving]

    @b.Expression(plants, doc="volume_discount[d] = - sum_g saving[g,d]")
    def volume_discount(b, d):
        return linear(saving[d])


def _add_all_units(b, pools: list[PoolData]) -> None:
    """The all-units rows (module docstring); the saving is :func:`add_volume_discount`'s."""
    flow, tier = var_tables(b).flow, b.v_tier
    by_id = {g.id: g for g in pools}
    b.discount_all_units = pyo.Set(initialize=[g.id for g in pools], ordered=True)

    @b.Constraint(b.discount_all_units, doc="sum_t v_tier[g,t] = 1")
    def discount_one_tier(b, g):
        return eq([tier[g, t] for t in range(1, by_id[g].reachable + 1)], 1)

    @b.Constraint(b.discount_all_units, doc="V[g] >= sum_t F_t * v_tier[g,t]")
    def discount_threshold(b, g):
        pool = by_id[g]
        steps = [term(-pool.tiers[t - 1][0], tier[g, t]) for t in range(2, pool.reachable + 1)]
        return ge([*(flow[a] for a in pool.arcs), *steps], 0)

    buys = [
        (g.id, *a, t)
        for g in pools
        for a in g.arcs
        for t in range(1, g.reachable + 1)
        if g.tiers[t - 1][1] > 0
    ]
    b.discount_buys = pyo.Set(
        initialize=buys, dimen=5, ordered=True, doc="(g, k, s, d, t): arc a of g, r_t > 0"
    )
    b.v_discounted = pyo.Var(
        b.discount_buys, domain=pyo.NonNegativeReals, doc="v_flow[a] * v_tier[g,t]"
    )
    z = b.v_discounted

    @b.Constraint(b.discount_buys, doc="v_discounted[g,a,t] <= v_flow[a]")
    def discount_units(b, g, k, s, d, t):
        return le([z[g, k, s, d, t], term(-1, flow[k, s, d])], 0)

    @b.Constraint(b.discount_buys, doc="v_discounted[g,a,t] <= U_a * v_tier[g,t]")
    def discount_reached(b, g, k, s, d, t):
        return le([z[g, k, s, d, t], term(-by_id[g].need[d, k], tier[g, t])], 0)

    @b.Constraint(b.discount_buys, doc="v_discounted >= v_flow[a] - U_a * (1 - v_tier)")
    def discount_floor(b, g, k, s, d, t):
        big = by_id[g].need[d, k]
        return ge([z[g, k, s, d, t], term(-1, flow[k, s, d]), term(-big, tier[g, t])], -big)



def _add_incremental(b, pools: list[PoolData]) -> None:
    """The incremental rows (module docstring); the saving is :func:`add_volume_discount`'s."""
    flow, tier = var_tables(b).flow, b.v_tier
    by_id = {g.id: g for g in pools}
    segments = [(g.id, *a, t) for g in pools for a in g.arcs for t in range(1, g.reachable + 1)]
    b.discount_segments = pyo.Set(
        initialize=segments, dimen=5, ordered=True, doc="(g, k, s, d, t)"
    )
    b.v_segment = pyo.Var(
        b.discount_segments, domain=pyo.NonNegativeReals, doc="units of arc a in segment t"
    )
    q = b.v_segment

    def width(pool: PoolData, t: int) -> float:
        upper = pool.tiers[t][0] if t < pool.reachable else pool.volume_bound
        return upper - pool.tiers[t - 1][0]

    arcs = [(g.id, *a) for g in pools for a in g.arcs]

    @b.Constraint(arcs, doc="sum_t v_segment[g,a,t] = v_flow[a]")
    def discount_split(b, g, k, s, d):
        n = by_id[g].reachable
        return eq([*(q[g, k, s, d, t] for t in range(1, n + 1)), term(-1, flow[k, s, d])], 0)

    seg_index = [(g.id, t) for g in pools for t in range(1, g.reachable + 1)]

    @b.Constraint(seg_index, doc="sum_a v_segment[g,a,t] <= W_t * v_tier[g,t]")
    def discount_segment(b, g, t):
        pool = by_id[g]
        used = [q[g, *a, t] for a in pool.arcs]
        if t == 1:
            return le(used, width(pool, 1))
        return le([*used, term(-width(pool, t), tier[g, t])], 0)

    fill_index = [(g.id, t) for g in pools for t in range(2, g.reachable + 1)]

    @b.Constraint(fill_index, doc="sum_a v_segment[g,a,t-1] >= W_(t-1) * v_tier[g,t]")
    def discount_fill(b, g, t):
        pool = by_id[g]
        return ge([*(q[g, *a, t - 1] for a in pool.arcs), term(-width(pool, t - 1), tier[g, t])], 0)

    order_index = [(g.id, t) for g in pools for t in range(3, g.reachable + 1)]
    if order_index:

        @b.Constraint(order_index, doc="v_tier[g,t] <= v_tier[g,t-1]")
        def discount_order(b, g, t):
            return le([tier[g, t], term(-1, tier[g, t - 1])], 0)

