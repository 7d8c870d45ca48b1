"""The one reader of a solved model: :func:`read_solution` gives a :class:`Solution` of rows.

Every later stage reads the solution from here: :func:`gpnopt.results.make_result` wraps the
rows into DataFrames, the analysis (:mod:`gpnopt.analysis`) evaluates expectations and plant
roles on them, and a sweep builds its per-draw record from them. This module is the only code
that reads variable and expression values of a solved Pyomo model (the solver itself aside,
which writes them).

Rows are plain Python (tuples of dicts keyed by the Result tables' column names, see
:mod:`gpnopt.results.tables`), sorted by their key columns, so the same solution gives the
same rows, and the DataFrames made from them hold the same values in the same order.

Every row carries the ``period`` it belongs to (the one-period id
:data:`gpnopt.dynamics.ONE_PERIOD` of an instance without ``periods:``). A multi-period model
(``m.period[t]`` a block per period) is read block by block, each block with its period's
ModelData, by the same code; the rows of all periods follow each other in period order.

Values below :data:`ZERO` are dropped (quantities of sales and flows) or set to zero (money).
Pyomo is imported when a model is read, not when this module is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from gpnopt.dynamics import ONE_PERIOD
from gpnopt.parts import PARTS
from gpnopt.results.demand import curve_prices
from gpnopt.results.families import FAMILY_TABLES, family_table
from gpnopt.results.staffing import staffing_events, technician_rows
from gpnopt.timing import ALL_PERIODS as TIMING_ALL

if TYPE_CHECKING:
    import pyomo.core as pyo

    from gpnopt.data import ModelData
    from gpnopt.horizon_data import HorizonData

ZERO = 1e-6
"""Quantities at or below this are treated as zero."""

Rows = tuple[dict[str, Any], ...]
"""Rows of one table: dicts keyed by column name."""


def clean(x: float, digits: int = 6) -> float:
    """Round for stable output; tiny values (at most :data:`ZERO`) become 0."""
    if abs(x) <= ZERO:
        return 0.0
    return round(float(x), digits)


@dataclass(frozen=True)
class Solution:
    """A solved model as plain rows: everything the tables, the analysis and sweeps read.

    Each row field has the columns of the Result table of the same name
    (:mod:`gpnopt.results.tables`), its rows sorted by period (in horizon order), then by
    the table's key columns. Every row has a ``period``.

    Attributes:
        instance: the instance's name.
        objective_mode: ``alliance`` or ``firm:ID``.
        objective: the model's objective at the solution, as Pyomo evaluates it (the
            solver's reported objective agrees up to HiGHS's tolerances); the net present
            value for a multi-period model.
        lines: plant, product, period, open (0/1), tier, quantity.
        production: plant, country, product, market, channel, period, quantity, tier, firm,
            price (sales above :data:`ZERO` only; into a market with a demand curve the
            arc's average price over its steps, family 16), lead_time (days).
        make_or_buy: plant, component, period, in_house (0/1), quantity.
        component_flows: component, source, source_type, source_country, destination,
            destination_country, period, quantity, quality, unit_value, lead_time (days;
            flows above :data:`ZERO`).
        plant_profit: plant, period, revenue, cost, profit, country, open (0/1) (yearly).
        channel_profit: channel, period, revenue, cost, profit, open (0/1), quantity;
            purchasing offices too (quantity 0).
        firm_profit: equity-weighted profit by firm, in the instance's firm order (a
            multi-period model: the net present value of each firm's share).
        technicians: firm, period, pool, used, expatriates, locals, hired, available, cost
            (firms with a technician limit; :mod:`gpnopt.results.staffing`).
        periods: the period ids in horizon order (``("P1",)`` for one period).
        single: a one-period instance (no ``periods:``).
        firm_profit_by_period: firm, period, profit (yearly, equity-weighted), weight (the
            period's operating weight W_t, 1 for one period), value (weight * profit).
        timeline: period, event, kind, entity, detail (:mod:`gpnopt.results.timeline`).
        learning: kind, entity, period, output, cumulative, step, unit_cost, quality,
            trained (:mod:`gpnopt.results.learning`).
        families: the rows of each family table of
            :data:`gpnopt.results.families.FAMILY_TABLES`, by table name.
    """

    instance: str
    objective_mode: str
    objective: float
    lines: Rows
    production: Rows
    make_or_buy: Rows
    component_flows: Rows
    plant_profit: Rows
    channel_profit: Rows
    firm_profit: dict[str, float]
    technicians: Rows
    periods: tuple[str, ...] = (ONE_PERIOD,)
    single: bool = True
    firm_profit_by_period: Rows = ()
    timeline: Rows = field(default=())
    learning: Rows = ()
    families: dict[str, Rows] = field(default_factory=dict)

    @property
    def overall(self) -> str:
        """The ``period`` of values over the whole horizon (``firm_profit``, the objective):
        the one period's id for a one-period instance, :data:`ALL_PERIODS` otherwise."""
        return self.periods[0] if self.single else ALL_PERIODS

    def in_period(self, period: str) -> Solution:
        """The rows of one period, as a one-period Solution of that period.

        Its ``firm_profit`` is the period's yearly equity-weighted profit (from
        ``firm_profit_by_period``), its ``objective`` the period's yearly profit of every
        entity (plants, channels, offices), its timeline the period's events.

        Raises:
            KeyError: ``period`` is not one of :attr:`periods`.
        """
        if period not in self.periods:
            msg = f"period {period!r} is not one of {', '.join(self.periods)}"
            raise KeyError(msg)
        if self.single:
            return self

        def pick(rows: Rows) -> Rows:
            return tuple(r for r in rows if r["period"] == period)

        profit = sum(float(r["profit"]) for r in (*pick(self.plant_profit), *pick(self.channel_profit)))
        return replace(
            self,
            objective=profit,
            lines=pick(self.lines),
            production=pick(self.production),
            make_or_buy=pick(self.make_or_buy),
            component_flows=pick(self.component_flows),
            plant_profit=pick(self.plant_profit),
            channel_profit=pick(self.channel_profit),
            firm_profit={r["firm"]: float(r["profit"]) for r in pick(self.firm_profit_by_period)},
            technicians=pick(self.technicians),
            periods=(period,),
            firm_profit_by_period=pick(self.firm_profit_by_period),
            timeline=pick(self.timeline),
            families={n: pick(rows) for n, rows in self.families.items()},
        )


ALL_PERIODS = TIMING_ALL
"""The ``period`` of a value over the whole horizon of a multi-period instance (its net
present value): ``firm_profit`` rows, the objective in a comparison
(:data:`gpnopt.timing.ALL_PERIODS`)."""


KEYS: dict[str, tuple[str, ...]] = {
    "lines": ("plant", "product"),
    "production": ("plant", "product", "market", "channel"),
    "make_or_buy": ("plant", "component"),
    "component_flows": ("component", "source", "destination"),
    "plant_profit": ("plant",),
    "channel_profit": ("channel",),
    "technicians": ("firm",),
    "firm_profit_by_period": ("firm",),
}
"""Key columns of each row field (rows are sorted by period, then by them)."""


def sorted_rows(name: str, rows: list[dict[str, Any]], periods: Sequence[str] = ()) -> Rows:
    """``rows`` of the field ``name`` sorted by period (in the order of ``periods``; rows of
    a period not listed come last), then by its :data:`KEYS`, as a tuple."""
    keys = KEYS[name] if name in KEYS else family_table(name).keys
    order = {t: n for n, t in enumerate(periods)}
    last = len(order)
    return tuple(
        sorted(rows, key=lambda r: (order.get(r.get("period"), last), *(r[k] for k in keys)))
    )


def _evaluator(known: dict[int, float] | None = None) -> Any:
    """A function giving the value of a solved model's expression, as ``pyomo.value`` does.

    It walks variables, monomials, sums, products, negations and named expressions in
    Python and adds a sum's terms in the order Pyomo does (``sum(it, start=first)``), so every
    value is Pyomo's, bit for bit, at a fraction of the cost of Pyomo's generic evaluator
    (which dominated result extraction on large models); anything else goes to
    ``pyomo.value``. ``known`` maps ``id`` of sums already evaluated to their values (an
    expression object shared by several expressions is then walked once).
    """
    import pyomo.core as pyo
    from pyomo.core.base.expression import ExpressionData, ScalarExpression
    from pyomo.core.base.var import ScalarVar, VarData
    from pyomo.core.expr.numeric_expr import (
        LinearExpression,
        MonomialTermExpression,
        NegationExpression,
        ProductExpression,
        SumExpression,
    )

    native = (int, float)
    memo = {} if known is None else known

    def ev(e: Any) -> Any:
        cls = e.__class__
        if cls is float or cls is int:
            return e
        if cls is VarData or cls is ScalarVar:
            v = e._value  # noqa: SLF001 - read as Pyomo's own value() does
            return pyo.value(e) if v is None else v
        if cls is MonomialTermExpression:
            c, x = e._args_  # noqa: SLF001
            v = x._value  # noqa: SLF001
            if v is None or c.__class__ not in native:
                return pyo.value(e)
            return c * v
        if cls is LinearExpression or cls is SumExpression:
            hit = memo.get(id(e))
            if hit is not None:
                return hit
            args = e.args
            if not args:
                return 0
            it = map(ev, args)
            return sum(it, start=next(it))
        if cls is ExpressionData or cls is ScalarExpression:
            return ev(e.expr)
        if cls is ProductExpression:
            a, b = e._args_  # noqa: SLF001
            return ev(a) * ev(b)
        if cls is NegationExpression:
            return -ev(e._args_[0])  # noqa: SLF001
        return pyo.value(e)

    return ev


def _profit_rows(
    model: pyo.ConcreteModel, data: ModelData, val: Any, known: dict[int, float],
    sold_via: dict[str, float], period: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, float]]:
    """Plant and channel (and office) profit rows, and each entity's unrounded profit."""
    from gpnopt.model.variables import var_tables

    inst = data.instance
    v = var_tables(model)
    plant_profit: list[dict[str, Any]] = []
    channel_profit: list[dict[str, Any]] = []
    profits: dict[str, float] = {}
    for e, kind in data.entity_kind.items():
        rev_expr, cost_expr = model.revenue[e].expr, model.cost[e].expr
        rev, cost = val(rev_expr), val(cost_expr)
        known[id(rev_expr)], known[id(cost_expr)] = rev, cost
        profits[e] = rev - cost
        row = {"period": period, "revenue": clean(rev), "cost": clean(cost),
               "profit": clean(rev - cost)}
        if kind == "plant":
            plant_profit.append(
                {"plant": e, **row, "country": inst.plants[e].country,
                 "open": int(round(val(v.is_open[e])))}
            )
        elif kind == "channel":
            channel_profit.append(
                {"channel": e, **row, "open": int(round(val(v.channel_open[e]))),
                 "quantity": clean(sold_via.get(e, 0.0))}
            )
        else:
            channel_profit.append(
                {"channel": e, **row, "open": int(round(val(v.office_open[e]))),
                 "quantity": 0.0}
            )
    return plant_profit, channel_profit, profits


def _read_block(model: Any, data: ModelData, period: str, val: Any, known: dict[int, float]) -> Solution:
    """The rows of one period's model (a one-period model, or a period's block), tagged
    with ``period``; ``objective`` is left at 0 for the caller."""
    from gpnopt.model.transfer_prices import level_values
    from gpnopt.model.variables import var_tables

    inst = data.instance
    v = var_tables(model)
    production_expr = model.production
    lines = [
        {
            "plant": p,
            "product": i,
            "period": period,
            "open": int(round(val(v.line_open[p, i]))),
            "tier": inst.products[i].tier,
            "quantity": clean(val(production_expr[p, i])),
        }
        for p, i in data.lines
    ]
    production = []
    sales_var = v.sales
    prices = curve_prices(model, data, val)  # family 16: the average price on a curve
    for a, arc in data.sales.items():
        q = sales_var[a].value or 0.0
        if q <= ZERO:
            continue
        p, i, h, mk = a
        product = inst.products[i]
        production.append(
            {
                "plant": p,
                "country": inst.plants[p].country,
                "product": i,
                "market": mk,
                "channel": h,
                "period": period,
                "quantity": clean(q),
                "tier": product.tier,
                "firm": product.firm or "",
                "price": prices.get(a, arc.price),
                "lead_time": arc.lead_time,
            }
        )
    make = [
        {
            "plant": p,
            "component": k,
            "period": period,
            "in_house": int(round(val(v.in_house[p, k]))),
            "quantity": clean(v.output[p, k].value or 0.0),
        }
        for p, k in data.make
    ]
    flows = []
    flow_var = v.flow
    at_level = level_values(model, data, val)  # 23: the average level of a levelled flow
    for a, arc in data.flows.items():
        q = flow_var[a].value or 0.0
        if q <= ZERO:
            continue
        k, s, d = a
        is_plant = s in inst.plants
        unit_value = inst.suppliers[s].components[k].unit_price if not is_plant else (
            clean(at_level[a] / q) if a in at_level else inst.components[k].transfer_price)
        flows.append(
            {
                "component": k,
                "source": s,
                "source_type": "plant" if is_plant else "supplier",
                "source_country": inst.plants[s].country if is_plant else inst.suppliers[
                    s].ships_from(inst.plants[d].country),  # a regional pool: family 27
                "destination": d,
                "destination_country": inst.plants[d].country,
                "period": period,
                "quantity": clean(q),
                "quality": ("low", "medium", "high")[arc.quality],
                "unit_value": unit_value,
                "lead_time": arc.lead_time,
            }
        )
    sold_via: dict[str, float] = {}
    for row in production:
        sold_via[row["channel"]] = sold_via.get(row["channel"], 0.0) + row["quantity"]
    plant_profit, channel_profit, profits = _profit_rows(model, data, val, known, sold_via, period)
    # firm_profit[f] = sum_e share[f,e] * profit[e] (family 11), from the profits just read
    firm_profit = {
        f: clean(sum(own.get(f, 0.0) * profits[e] for e, own in data.owners.items()))
        for f in inst.firms
    }
    if model.component("v_funded_profit") is not None:  # family 17: equity moved by funding
        firm_profit = {f: clean(val(model.firm_profit[f])) for f in inst.firms}
    techs = technician_rows(model, data, period, val, clean)  # families 8 and 18
    by_period = [
        {"firm": f, "period": period, "profit": firm_profit[f], "weight": 1.0,
         "value": firm_profit[f]}
        for f in inst.firms
    ]
    return Solution(
        instance=inst.name,
        objective_mode=str(getattr(model, "objective_mode", "")),
        objective=0.0,
        lines=sorted_rows("lines", lines),
        production=sorted_rows("production", production),
        make_or_buy=sorted_rows("make_or_buy", make),
        component_flows=sorted_rows("component_flows", flows),
        plant_profit=sorted_rows("plant_profit", plant_profit),
        channel_profit=sorted_rows("channel_profit", channel_profit),
        firm_profit=firm_profit,
        technicians=sorted_rows("technicians", techs),
        periods=(period,),
        firm_profit_by_period=sorted_rows("firm_profit_by_period", by_period),
        families={
            t.name: sorted_rows(t.name, t.read(model, data, period, val)) for t in FAMILY_TABLES
        },
    )


def read_solution(model: pyo.ConcreteModel, data: ModelData | HorizonData) -> Solution:
    """Read the solved ``model`` (built from ``data``) into a :class:`Solution`.

    A one-period model's rows have the period :data:`gpnopt.dynamics.ONE_PERIOD`. A
    multi-period model (``m.period[t]`` a block per period, built from a
    :class:`gpnopt.horizon_data.HorizonData`) is read block by block with each period's
    ModelData, rows tagged with their period, in period order; its ``objective`` and
    ``firm_profit`` are the net present values (``m.objective``, ``m.npv_firm_profit``),
    ``firm_profit_by_period`` each period's yearly equity-weighted profit with its operating
    weight. Read it before the model is solved again (a
    :class:`gpnopt.solver.ScenarioSolver` re-uses its model).
    """

    known: dict[int, float] = {}
    val = _evaluator(known)
    if hasattr(model, "period_ids"):
        return _read_horizon(model, data, val, known)
    sol = _read_block(model, data, ONE_PERIOD, val, known)
    sol = replace(sol, objective=float(val(model.objective.expr)))
    return _with_events(sol, {ONE_PERIOD: data.instance}, {ONE_PERIOD: 1},
                        {ONE_PERIOD: model})


def _read_horizon(model: Any, hdata: HorizonData, val: Any, known: dict[int, float]) -> Solution:
    """:func:`read_solution` of a multi-period model."""

    ids = tuple(model.period_ids)
    weight = model.horizon.operating_weight
    parts = {t: _read_block(model.period[t], hdata.data[t], t, val, known) for t in ids}
    by_period = [
        {**r, "weight": float(weight[t]), "value": clean(weight[t] * r["profit"])}
        for t in ids
        for r in parts[t].firm_profit_by_period
    ]

    def rows(name: str) -> Rows:
        return tuple(r for t in ids for r in getattr(parts[t], name))

    inst = hdata.instance
    sol = Solution(
        instance=inst.name,
        objective_mode=str(model.objective_mode),
        objective=float(val(model.objective.expr)),
        lines=rows("lines"),
        production=rows("production"),
        make_or_buy=rows("make_or_buy"),
        component_flows=rows("component_flows"),
        plant_profit=rows("plant_profit"),
        channel_profit=rows("channel_profit"),
        firm_profit={f: clean(val(model.npv_firm_profit[f])) for f in inst.firms},
        technicians=rows("technicians"),
        periods=ids,
        single=False,
        firm_profit_by_period=tuple(by_period),
        families={
            t.name: tuple(r for u in ids for r in parts[u].families.get(t.name, ()))
            for t in FAMILY_TABLES
        },
    )
    instances = {t: hdata.data[t].instance for t in ids}
    blocks = {t: model.period[t] for t in ids}
    return _with_events(sol, instances, dict(model.horizon.length), blocks)


def _with_events(
    sol: Solution, instances: dict[str, Any], lengths: dict[str, int], blocks: dict[str, Any]
) -> Solution:
    """``sol`` with its timeline and learning rows (training starts read from ``v_train``)."""
    from gpnopt.results.learning import learning_events, learning_rows
    from gpnopt.results.timeline import timeline_rows

    trained: dict[tuple[str, str, str, str], int] = {}
    for t, b in blocks.items():
        var = b.component("v_train")
        if var is not None:
            for (kind, p, item), x in var.items():
                trained[kind, p, item, t] = int(round(x.value or 0.0))
    learning = learning_rows(sol, instances, lengths, trained)
    events = list(timeline_rows(sol, instances)) + learning_events(learning, instances)
    events += staffing_events(sol.technicians, instances)  # technicians hired (family 18)
    order = {t: n for n, t in enumerate(instances)}
    events.sort(key=lambda r: order.get(r["period"], len(order)))  # stable: kinds kept
    return replace(sol, timeline=tuple(events), learning=learning)


BASE_PROFIT_TYPES = (
    "sales", "transfer revenue", "fixed", "unit", "purchases", "transport", "tariffs",
    "capital",
)
"""The revenue and cost types of family 11 itself, in this order."""

PROFIT_TYPES = (*BASE_PROFIT_TYPES, *dict.fromkeys(p.label for p in PARTS))
"""The revenue and cost types of a profit centre's profit: family 11's, then each label of
the families' parts (:data:`gpnopt.model.parts.PARTS`: learning, ...), in this order."""


def profit_parts(model: pyo.ConcreteModel, data: ModelData) -> Rows:
    """Each profit centre's profit split by revenue and cost type, as signed rows.

    One row per entity and type of :data:`PROFIT_TYPES` that the entity has (entity, kind,
    type, amount; revenue positive, costs negative), in the instance's entity order. The
    terms are those of ``model.revenue`` and ``model.cost`` (``docs/formulation.md``, family
    11): sales (a plant's share of the price, a channel's margin), transfer revenue (parts
    shipped to other plants), fixed costs (plant, lines, in-house processes, channel,
    office), unit costs (lines, in-house processes, channel), purchases (parts at their
    price), transport, tariffs, the capital charge (a one-period instance's annuity of its
    investments; a period's block has none: its outlays are in the net present value) and
    each family part of :data:`gpnopt.model.parts.PARTS` under its label (learning, family
    15: savings less training charges; ...). They add up to ``revenue - cost``
    of each entity up to rounding.
    """
    from gpnopt.model.ownership import investment_terms
    from gpnopt.model.transfer_prices import level_values
    from gpnopt.model.variables import var_tables

    inst = data.instance
    v = var_tables(model)
    val = _evaluator()
    x = lambda var: var.value or 0.0  # noqa: E731 - a variable's value, None as 0
    parts: dict[str, dict[str, float]] = {e: {} for e in data.entity_kind}

    def add(e: str, kind: str, amount: float) -> None:
        parts[e][kind] = parts[e].get(kind, 0.0) + amount

    for a, arc in data.sales.items():
        q = x(v.sales[a])
        if data.entity_kind.get(a[0]) == "plant":
            add(a[0], "sales", arc.plant_revenue * q)
        if data.entity_kind.get(a[2]) == "channel":
            ch = inst.channels[a[2]]
            add(a[2], "sales", arc.channel_revenue * q)
            add(a[2], "unit", -ch.unit_cost * q)
    at_level = level_values(model, data, val)  # 23: flows between plants priced by level
    for a, arc in data.flows.items():
        k, s, d = a
        q = x(v.flow[a])
        value = at_level[a] if a in at_level else None
        if s != d and data.entity_kind.get(s) == "plant":
            add(s, "transfer revenue", inst.components[k].transfer_price * q
                if value is None else value)
        if data.entity_kind.get(d) == "plant":
            add(d, "purchases", -arc.price * q if value is None else -value)
    for p, i in data.lines:
        line = inst.plants[p].lines[i]
        add(p, "fixed", -line.fixed_cost * x(v.line_open[p, i]))
        add(p, "unit", -line.unit_cost * val(model.production[p, i]))
    for p, k in data.make:
        opt = inst.plants[p].components[k]
        add(p, "fixed", -opt.fixed_cost * x(v.in_house[p, k]))
        add(p, "unit", -opt.unit_cost * x(v.output[p, k]))
    if model.component("period_ids") is None and model.parent_block() is None:
        for e, coef, var in investment_terms(model, data, annuities=True):  # one period
            add(e, "capital", -coef * x(var))
    rows: list[dict[str, Any]] = []
    for e, kind in data.entity_kind.items():
        if kind == "plant":
            add(e, "fixed", -inst.plants[e].fixed_cost * x(v.is_open[e]))
            add(e, "transport", -val(model.transport_cost[e]))
            add(e, "tariffs", -val(model.tariff_cost[e]))
        elif kind == "channel":
            add(e, "fixed", -inst.channels[e].fixed_cost * x(v.channel_open[e]))
        else:
            add(e, "fixed", -inst.purchasing_offices[e].fixed_cost * x(v.office_open[e]))
        for part in PARTS:  # the families' revenue and cost parts (gpnopt.model.parts)
            comp = model.component(part.name)
            if comp is not None and e in comp:
                sign = 1.0 if part.kind == "revenue" else -1.0
                add(e, part.label, sign * val(comp[e]))
        rows += [
            {"entity": e, "kind": kind, "type": t, "amount": float(parts[e][t])}
            for t in PROFIT_TYPES
            if t in parts[e]
        ]
    return tuple(rows)
