"""Family 16, price-responsive demand: demand curves of steps (quantity, price).

Indices: m market, i product, (m,i) a demand entry with a ``curve`` (a curve market),
s = 0..S-1 its steps in order (step s: width w_s units/year at price p_s, p_0 >= p_1 >=
...), delta_s = p_0 - p_s the step's price drop, delta_max = max_s delta_s over the steps
of positive width (the last one's), a = (p,i,h,m) a sales arc into a curve market (family
6), margin_h the channel's ``margin_rate`` (0 for direct sales), rate_a the tariff rate on
the arc (family 10). Without curves the family adds nothing (no set, variable, row or part).

The curve's quantity is split into steps once per market and product; the revenue it loses
to the cheaper steps is split to the arcs linearly. Variables:

    v_curve_step[m,i,s] in [0, w_s]   units of (m,i) sold at step s's price (s >= 1, w_s > 0)
    v_curve_drop[a] >= 0              the revenue arc a's sales lose to the cheaper steps
                                      (money per year; only where delta_max > 0); at most
                                      delta_max * min(demand[m,i], max_production[p,i]),
                                      implied by curve_split and stated for family 17's
                                      rows (gpnopt.model.bounds), not a bound of its own

The rest of the market's sales, sum_a v_sales[a] - sum_{s>=1} v_curve_step[m,i,s], sell
at the first step's price (no variable of its own). Rows (none for a curve of one step:
family 6's ``demand_limit`` is then its row):

    curve_first[m,i]: sum_{a into (m,i)} v_sales[a] - sum_{s>=1} v_curve_step[m,i,s] <= w_0
    curve_drop[m,i]:  sum_{a into (m,i)} v_curve_drop[a]
                      = sum_{s>=1} delta_s * v_curve_step[m,i,s]          (delta_max > 0)
    curve_split[a]:   v_curve_drop[a] <= delta_max * v_sales[a]          (delta_max > 0)

Family 6 keeps its rows with demand[m,i] = sum_s w_s (the curve's total): ``demand_limit``
(redundant then), ``channel_link`` and ``demand_minimum`` (``min_served`` is a share of the
curve's total; it may force sales at a step's price that loses money). The variables are
one per arc and one per market step (the former builder had one per arc and step).

Money. Families 10 and 11 price every unit of arc a at the first step's price p_0 (the
arc's ``price``): the plant's sales revenue (1 - margin_h) * p_0, the channel's margin
margin_h * p_0, the tariff rate_a * p_0 (ad valorem on the price). The revenue part
``demand_curve[e]`` (label "demand curve") corrects each entity for the revenue its arcs
lose:

    demand_curve[p] = sum_{a from p} (rate_a + v_a - (1 - margin_h)) * v_curve_drop[a]
    demand_curve[h] = - sum_{a via h} margin_h * v_curve_drop[a]

(v_a the ``value_rate`` of the arc's lane, family 20: transport charged on the goods' value)
so the plant earns (1 - margin_h), pays the tariff (and value-based transport) on, and the
channel keeps margin_h of, the arc's revenue at its average price p_0 - v_curve_drop[a] /
v_sales[a] (the part is negative unless tariffs exceed the plant's share of the price).

Since the prices do not rise from one step to the next, revenue is concave in the quantity
sold: the units of a cheaper step earn no more than those of a dearer one, so an optimum
fills the steps in order without integer variables (steps of equal price in any order). The
market's revenue is determined by its step quantities; how it is split between several arcs
into one curve market is the one the objective prefers among equals, each arc's average
price between the cheapest step's p_0 - delta_max and p_0 (a linear split: an arc may be
given the cheapest price on all its units while the steps used hold fewer of them), the
lower prices going to arcs that pay a tariff (it is on the price) and, with a ``firm:F``
objective, the higher ones to F's plants. With one arc into the market (or arcs of equal
coefficients) the split is exact. With a price that rose from one step to the next the
linear model would sell the later, dearer step alone, which a real market does not offer:
the schema refuses such a curve (:mod:`gpnopt.economics.demand`).

The prices are in the rows (``curve_drop``, ``curve_split``): a persistent re-solve
(:mod:`gpnopt.solver.persistent`) rebuilds the model when a curve's price changes.

Many periods: each period's block ``m.period[t]`` holds the family for period t's curves
(a curve, or any of its numbers, may change by period like every value), every index
gaining t as its last; no row links the periods. One period: the same rows on the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.bounds import states_upper
from gpnopt.model.variables import eq, le, linear, term, var_tables
from gpnopt.schema import Instance
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
    index: list[tuple[str, str, int]] = field(default_factory=list)
    """(m, i, s) of every v_curve_step: market by market, steps s >= 1 of width > 0."""
    drop: dict[tuple[str, str], float] = field(default_factory=dict)
    """(m, i) -> delta_max, for the markets with a step variable and delta_max > 0."""


def derive_demand(data: ModelData) -> DemandCurves:
    """The curve markets, their arcs, the step variables' index and the largest price drop
    of ``data``."""
    out = DemandCurves()
    markets = data.instance.markets
    for mk, i in data.demand:
        curve = markets[mk].demand[i].curve
        if curve is not None:
            out.steps[mk, i] = _curve_steps(curve)
            out.arcs[mk, i] = []
    if not out.steps:
        return out
    get = out.arcs.get
    for a in data.sales:
        arcs = get((a[3], a[1]))
        if arcs is not None:
            arcs.append(a)
    for (mk, i), steps in out.steps.items():
        later = [s for s, (w, _p) in enumerate(steps) if s and w > 0]
        if not later or not out.arcs[mk, i]:
            continue
        out.index += [(mk, i, s) for s in later]
        top = _largest_drop(steps)
        if top > 0:
            out.drop[mk, i] = top
    return out


def _curve_steps(curve: Any) -> list[tuple[float, float]]:
    """A demand entry's curve as its steps (w_s, p_s)."""
    return [(float(s.quantity), float(s.price)) for s in curve]


def _largest_drop(steps: list[tuple[float, float]]) -> float:
    """delta_max: the largest price drop p_0 - p_s over the steps s >= 1 of positive width
    (0 without one)."""
    return max((steps[0][1] - p for s, (w, p) in enumerate(steps) if s and w > 0), default=0.0)


@states_upper("v_curve_drop")
def _drop_upper(var: Any, data: ModelData) -> float:
    """The revenue arc a = (p,i,h,m) loses: delta_max times the bound of its sales (family
    6: min(demand[m,i], max_production[p,i])), implied by ``curve_split``."""
    p, i, _h, mk = var.index()
    top = _largest_drop(_curve_steps(data.instance.markets[mk].demand[i].curve or []))
    return top * min(data.demand[mk, i], data.max_production[p, i])


def add_demand_curves(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add family 16 (variables, ``curve_first``, ``curve_drop``, ``curve_split``, the
    ``demand_curve`` part) to ``m`` (a model or a period's block); nothing when no market of
    ``data`` has a curve of more than one step."""
    curves = derive_demand(data)
    if not curves.index:
        return
    steps = curves.steps
    m.curve_steps = pyo.Set(
        initialize=curves.index, dimen=3, ordered=True, doc="demand-curve steps (m, i, s)"
    )
    m.v_curve_step = pyo.Var(
        m.curve_steps, domain=pyo.NonNegativeReals,
        bounds=lambda _m, mk, i, s: (0, steps[mk, i][s][0]),
        doc="units of (m,i) sold at step s",
    )
    by_market: dict[tuple[str, str], list] = defaultdict(list)  # (m,i) -> [(s, var)]
    for (mk, i, s), var in zip(curves.index, m.v_curve_step.values(), strict=True):
        by_market[mk, i].append((s, var))
    sales = var_tables(m).sales

    @m.Constraint(list(by_market), doc="units sold at the first step <= width[m,i,0]")
    def curve_first(m, mk, i):
        body = [sales[a] for a in curves.arcs[mk, i]]
        body += [term(-1, v) for _s, v in by_market[mk, i]]
        return le(body, steps[mk, i][0][0])

    arcs = [a for key in curves.drop for a in curves.arcs[key]]
    if arcs:
        m.curve_arcs = pyo.Set(initialize=arcs, dimen=4, ordered=True,
                               doc="sales arcs into a curve market with a price drop")
        m.v_curve_drop = pyo.Var(  # its upper bound is curve_split's (_drop_upper)
            m.curve_arcs, domain=pyo.NonNegativeReals,
            doc="revenue arc (p,i,h,m) loses to the cheaper steps",
        )
        drops = dict(m.v_curve_drop.items())

        @m.Constraint(list(curves.drop), doc="sum_a v_curve_drop[a] = sum_s delta_s * steps")
        def curve_drop(m, mk, i):
            first = steps[mk, i][0][1]
            body = [drops[a] for a in curves.arcs[mk, i]]
            body += [term(steps[mk, i][s][1] - first, v) for s, v in by_market[mk, i]
                     if steps[mk, i][s][1] != first]
            return eq(body, 0)

        top = curves.drop

        @m.Constraint(m.curve_arcs, doc="v_curve_drop[a] <= delta_max * v_sales[a]")
        def curve_split(m, *a):
            return le([drops[a], term(-top[a[3], a[1]], sales[a])], 0)

        _add_revenue(m, data, curves, drops)


def add_demand_revenue(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add the revenue part ``demand_curve[e]`` (module docstring) to ``m``, whose variables
    :func:`add_demand_curves` added, again (after a persistent model's objective components
    are removed)."""
    var = m.component("v_curve_drop")
    if var is None:
        return
    _add_revenue(m, data, derive_demand(data), dict(var.items()))


def _value_rates(inst: Instance) -> Callable[[str, str, str], float]:
    """(p, i, m) -> the share of the goods' value that the lane from plant p into market m
    charges as transport (family 20), cached by lane; 0 everywhere without a transport
    entry or default that has a ``value_rate`` (no lane is then looked up)."""
    trade = inst.trade
    dflt = trade.default_transport
    if not (any(t.value_rate for t in trade.transport) or (dflt and dflt.value_rate)):
        return lambda _p, _i, _mk: 0.0
    lanes = Lanes(inst)
    plants, markets = inst.plants, inst.markets
    cache: dict[tuple[str, str, str], float] = {}

    def value_rate(p: str, i: str, mk: str) -> float:
        rate = cache.get((p, i, mk))
        if rate is None:
            lane = lanes.terms("machine", ["plant:" + p, "country:" + plants[p].country],
                               ["market:" + mk, "country:" + markets[mk].country], i)
            rate = cache[p, i, mk] = lane.value_rate
        return rate

    return value_rate


def _add_revenue(
    m: pyo.ConcreteModel | pyo.Block, data: ModelData, curves: DemandCurves,
    drops: dict[Arc, object],
) -> None:
    """``m.demand_curve[e]`` from the arcs' revenue drops ``drops[a]``."""
    inst = data.instance
    margins = {h: ch.margin_rate for h, ch in (inst.channels or {}).items()}
    kind = data.entity_kind
    value_rate = _value_rates(inst)
    terms: dict[str, list] = defaultdict(list)
    sales = data.sales
    for key in curves.drop:
        for a in curves.arcs[key]:
            p, i, h, mk = a
            x = drops[a]
            arc = sales[a]
            margin = margins.get(h, 0.0)
            rate = arc.tariff_cost / arc.price if arc.price else 0.0
            plant = rate + value_rate(p, i, mk) - (1 - margin)
            if plant and kind.get(p) == "plant":
                terms[p].append(term(plant, x))
            if margin and kind.get(h) == "channel":
                terms[h].append(term(-margin, x))
    touched = [e for e in kind if terms.get(e)]
    m.demand_curve = pyo.Expression(
        touched,
        rule=lambda _m, e: linear(terms[e]),
        doc="revenue correction of units sold below the first step's price",
    )
