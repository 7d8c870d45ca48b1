"""Family 16, price-responsive demand: demand curves of steps (quantity, price).

Indices: m market, i product, (m,i) a demand entry with a ``curve`` (a curve market),
s = 0..S-1 its steps in order (step s: width w_s units/year at price p_s, p_0 >= p_1 >=
...), a = (p,i,h,m) a sales arc into a curve market (family 6), margin_h the channel's
``margin_rate`` (0 for direct sales), rate_a the tariff rate on the arc (family 10).
Without curves the family adds nothing (no set, variable, row or part).

Variables, for the steps after the first (s >= 1; a step of width 0 has none):

    v_curve_step[a,s] >= 0   units of arc a's sales that sell at step s's price (at most
                             w_s through curve_step[m,i,s]: no bound of its own)

The rest of the arc's sales, v_sales[a] - sum_{s>=1} v_curve_step[a,s], sell at the first
step's price (the first step's variable is left out: a third fewer variables on a
three-step curve). Rows (none for a curve of one step: family 6's ``demand_limit`` is then
its row):

    curve_split[a]:     sum_{s>=1} v_curve_step[a,s] <= v_sales[a]
    curve_step[m,i,0]:  sum_{a into (m,i)} (v_sales[a] - sum_{s>=1} v_curve_step[a,s]) <= w_0
    curve_step[m,i,s]:  sum_{a into (m,i)} v_curve_step[a,s] <= w_s          (s >= 1)

Family 6 keeps its rows with demand[m,i] = sum_s w_s (the curve's total): ``demand_limit``
(redundant then), ``channel_link`` and ``demand_minimum`` (``min_served`` is a share of the
curve's total; it may force sales at a step's price that loses money).

Money. Families 10 and 11 price every unit of arc a at the first step's price p_0 (the
arc's ``price``): the plant's sales revenue (1 - margin_h) * p_0, the channel's margin
margin_h * p_0, the tariff rate_a * p_0 (ad valorem on the price). The revenue part
``demand_curve[e]`` (label "demand curve") corrects each entity for the units sold at a
lower step's price:

    demand_curve[p] = sum_{a from p, s} (rate_a + v_a - (1 - margin_h)) * (p_0 - p_s)
                      * v_curve_step[a,s]
    demand_curve[h] = - sum_{a via h, s} margin_h * (p_0 - p_s) * v_curve_step[a,s]

(v_a the ``value_rate`` of the arc's lane, family 20: transport charged on the goods' value)
so the plant earns (1 - margin_h) * p_s and pays the tariff (and value-based transport) on
p_s, the channel keeps
margin_h * p_s, of every unit sold at step s (the part is negative unless tariffs exceed the
plant's share of the price; terms with p_s = p_0 are left out).

Since the prices do not rise from one step to the next, revenue is concave in the quantity
sold: the units of a cheaper step earn no more than those of a dearer one, so an optimum
fills the steps in order without integer variables (steps of equal price in any order). When
several arcs sell into one curve market, its revenue is determined (by the quantity sold)
but not which arc's units sell at which step: the split between the arcs is the one the
objective prefers among equals, the cheaper steps going to arcs that pay a tariff (it is on
the price) and, with a ``firm:F`` objective, the dearer ones to F's plants. With
a price that rose from one step to the next the linear model would sell the later, dearer
step alone, which a real market does not offer: the schema refuses such a curve
(:mod:`gpnopt.economics.demand`).

Many periods: each period's block ``m.period[t]`` holds the family for period t's curves
(a curve, or any of its numbers, may change by period like every value), every index
gaining t as its last; no row links the periods. One period: the same rows on the model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo

from gpnopt.data import ModelData
from gpnopt.model.bounds import states_upper
from gpnopt.model.variables import le, linear, term, var_tables
from gpnopt.transport import Lanes

__all__ = ["DemandCurves", "add_demand_curves", "add_demand_revenue", "derive_demand"]

Arc = tuple[str, str, str, str]


@dataclass
class DemandCurves:
    """The curve markets of one period's data (module docstring), pure Python."""

    steps: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    """(m, i) -> its steps (w_s, p_s) in order (every positive-demand entry with a curve)."""
    arcs: dict[tuple[str, str], list[Arc]] = field(default_factory=dict)
    """(m, i) -> the sales arcs into it, in arc order."""
    index: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    """(p, i, h, m, s) of every v_curve_step: arc by arc, steps s >= 1 of width > 0."""


def derive_demand(data: ModelData) -> DemandCurves:
    """The curve markets, their arcs and the step variables' index of ``data``."""
    out = DemandCurves()
    markets = data.instance.markets
    for mk, i in data.demand:
        curve = markets[mk].demand[i].curve
        if curve is not None:
            out.steps[mk, i] = [(float(s.quantity), float(s.price)) for s in curve]
            out.arcs[mk, i] = []
    if not out.steps:
        return out
    for a in data.sales:
        arcs = out.arcs.get((a[3], a[1]))
        if arcs is not None:
            arcs.append(a)
    for key, arcs in out.arcs.items():
        later = [s for s, (w, _p) in enumerate(out.steps[key]) if s and w > 0]
        out.index += [(*a, s) for a in arcs for s in later]
    return out


def add_demand_curves(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add family 16 (variables, ``curve_split``, ``curve_step``, the ``demand_curve`` part)
    to ``m`` (a model or a period's block); nothing when no market of ``data`` has a curve
    of more than one step."""
    curves = derive_demand(data)
    if not curves.index:
        return
    steps = curves.steps
    m.curve_steps = pyo.Set(
        initialize=curves.index, dimen=5, ordered=True, doc="demand-curve steps (p, i, h, m, s)"
    )
    m.v_curve_step = pyo.Var(
        m.curve_steps, domain=pyo.NonNegativeReals, doc="units of arc (p,i,h,m) sold at step s"
    )
    by_arc: dict[Arc, list] = defaultdict(list)  # a -> [(s, v_curve_step[a,s])]
    by_step: dict[tuple[str, str, int], list] = defaultdict(list)
    for idx, var in zip(curves.index, m.v_curve_step.values(), strict=True):
        p, i, h, mk, s = idx
        by_arc[p, i, h, mk].append((s, var))
        by_step[mk, i, s].append(var)
    sales = var_tables(m).sales
    first: dict[tuple[str, str, int], list] = {}
    for key, arcs in curves.arcs.items():
        later = [term(-1, v) for a in arcs for _s, v in by_arc.get(a, ())]
        if later:
            first[(*key, 0)] = [sales[a] for a in arcs] + later

    @m.Constraint(list(by_arc), doc="sum_{s>=1} v_curve_step[a,s] <= v_sales[a]")
    def curve_split(m, p, i, h, mk):
        a = (p, i, h, mk)
        return le([*(v for _s, v in by_arc[a]), term(-1, sales[a])], 0)

    @m.Constraint([*first, *by_step], doc="units sold at step s <= width[m,i,s]")
    def curve_step(m, mk, i, s):
        return le(first[mk, i, s] if s == 0 else by_step[mk, i, s], steps[mk, i][s][0])

    _add_revenue(m, data, curves, by_arc)


def add_demand_revenue(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add the revenue part ``demand_curve[e]`` (module docstring) to ``m``, whose step
    variables :func:`add_demand_curves` added, again (after a persistent model's objective
    components are removed: the prices may change without the rows)."""
    var = m.component("v_curve_step")
    if var is None:
        return
    by_arc: dict[Arc, list] = defaultdict(list)
    for (p, i, h, mk, s), x in var.items():
        by_arc[p, i, h, mk].append((s, x))
    _add_revenue(m, data, derive_demand(data), by_arc)


def _add_revenue(
    m: pyo.ConcreteModel | pyo.Block, data: ModelData, curves: DemandCurves,
    by_arc: dict[Arc, list],
) -> None:
    """``m.demand_curve[e]`` from the step variables of each arc, ``by_arc[a]`` = [(s, x)]."""
    inst = data.instance
    channels = inst.channels or {}
    kind = data.entity_kind
    terms: dict[str, list] = defaultdict(list)
    lanes = Lanes(inst) if inst.trade.transport or inst.trade.default_transport else None

    def value_rate(p: str, i: str, mk: str) -> float:
        """The lane's share of the goods' value charged as transport (0 without one)."""
        if lanes is None:
            return 0.0
        pc, mc = inst.plants[p].country, inst.markets[mk].country
        lane = lanes.terms("machine", ["plant:" + p, "country:" + pc],
                           ["market:" + mk, "country:" + mc], i)
        return lane.value_rate
    for (mk, i), arcs in curves.arcs.items():
        steps = curves.steps[mk, i]
        drop = [steps[0][1] - price for _w, price in steps]
        coef: dict[tuple[int, str], tuple[float, float]] = {}  # (arc record, h) -> shares
        for a in arcs:
            pairs = by_arc.get(a)
            if not pairs:
                continue
            p, h = a[0], a[2]
            arc = data.sales[a]
            c = coef.get((id(arc), h, p))
            if c is None:
                margin = channels[h].margin_rate if h in channels else 0.0
                rate = arc.tariff_cost / arc.price if arc.price else 0.0
                carried = value_rate(p, i, mk)  # value-based transport (family 20)
                c = coef[id(arc), h, p] = (rate + carried - (1 - margin), -margin)
            if c[0] and kind.get(p) == "plant":
                terms[p] += [term(c[0] * drop[s], x) for s, x in pairs if drop[s]]
            if c[1] and kind.get(h) == "channel":
                terms[h] += [term(c[1] * drop[s], x) for s, x in pairs if drop[s]]
    touched = [e for e in kind if terms.get(e)]
    m.demand_curve = pyo.Expression(
        touched,
        rule=lambda _m, e: linear(terms[e]),
        doc="revenue correction of units sold below the first step's price",
    )


@states_upper("v_curve_step")
def _curve_step_upper(var: Any, data: ModelData) -> float:
    """Part of an arc's sales on one step: at most the arc's own bound."""
    p, i, _h, mk, _s = var.index()
    return min(data.demand[mk, i], data.max_production[p, i])
