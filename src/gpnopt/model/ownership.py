"""Family 11, ownership, profits and the objective.

Indices: e profit centre (plant, channel or purchasing office), f firm. share[f,e] is f's
equity in e. Profits are linear in the variables:

    revenue[p] = sum_{(p,i,h,m)} price[m,i] * (1 - margin[h]) * v_sales[p,i,h,m]
                 + sum_{(k,p,d), d != p} transfer_price[k] * v_flow[k,p,d]
    cost[p]    = fixed_cost[p] * v_is_open[p]
                 + sum_i (line fixed_cost[p,i] * v_line_open[p,i] + unit_cost[p,i] * production[p,i])
                 + sum_k (make fixed_cost[p,k] * v_in_house[p,k] + unit_cost[p,k] * v_output[p,k])
                 + sum_{(k,s,p)} price[k,s] * v_flow[k,s,p] + transport_cost[p] + tariff_cost[p]
                 + learning_cost[p]   (family 14: step savings and training, if any)
    revenue[h] = sum price[m,i] * margin[h] * v_sales[.,i,h,m]
    cost[h]    = fixed_cost[h] * v_channel_open[h] + unit_cost[h] * sum v_sales[.,.,h,.]
    cost[o]    = fixed_cost[o] * v_office_open[o]
    profit[e]  = revenue[e] - cost[e]
    firm_profit[f] = sum_e share[f,e] * profit[e]

Objective (maximised): ``alliance``: sum_e profit[e] (or sum_{f in F} firm_profit[f] when
the objective names firms F); ``firm:F``: firm_profit[F]. Constraints:

    participation[f]:   firm_profit[f] >= reservation_profit[f]        (firms that state one)
    capital_budget[f]:  sum_e share[f,e] * investment[e] <= capital_budget[f]
        with investment[e] = investment_cost of the plant, its lines and in-house processes,
        the channel or the office, each times its binary.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import NegationExpression, ProductExpression, SumExpression

from gpnopt.data import ModelData
from gpnopt.errors import InstanceError
from gpnopt.model.variables import linear, production_term, term, var_tables


def add_ownership_and_objective(
    m: pyo.ConcreteModel, data: ModelData, objective: str | None = None
) -> None:
    """Add profits, firm profits, participation, capital budgets and the objective."""
    m.entities = pyo.Set(initialize=list(data.owners), ordered=True, doc="profit centres e")
    m.firms = pyo.Set(initialize=list(data.instance.firms), ordered=True, doc="firms f")
    _add_revenue_and_cost(m, data)
    _add_profits(m, data)
    _add_participation_and_budgets(m, data)
    _add_objective(m, data, objective)


def _add_revenue_and_cost(m: pyo.ConcreteModel, data: ModelData) -> None:
    """``m.revenue[e]`` and ``m.cost[e]`` of every profit centre (module docstring)."""
    inst = data.instance
    v = var_tables(m)
    sales_var, flow_var = v.sales, v.flow
    sales_from: dict[str, list] = defaultdict(list)
    sales_via: dict[str, list] = defaultdict(list)
    for a, arc in data.sales.items():
        sales_from[a[0]].append((arc, sales_var[a]))
        sales_via[a[2]].append((arc, sales_var[a]))
    flows_from: dict[str, list] = defaultdict(list)
    flows_to: dict[str, list] = defaultdict(list)
    for a, arc in data.flows.items():
        flows_from[a[1]].append((a, flow_var[a]))
        flows_to[a[2]].append((arc, flow_var[a]))
    lines_at: dict[str, list] = defaultdict(list)
    for p, i in data.lines:
        lines_at[p].append(i)
    make_at: dict[str, list] = defaultdict(list)
    for p, k in data.make:
        make_at[p].append(k)

    # Each generator sum of the formulation is built directly (linear(), one expression
    # object); the few sub-sums of an entity are then joined with Pyomo's own "+", so the
    # expressions have the structure (and the standard form the columns) they always had.
    def revenue_rule(m, e):
        kind = data.entity_kind[e]
        if kind == "plant":
            sales = linear([term(arc.plant_revenue, x) for arc, x in sales_from[e]])
            parts = linear(
                [
                    term(inst.components[a[0]].transfer_price, x)
                    for a, x in flows_from[e]
                    if a[2] != e
                ]
            )
            return sales + parts
        if kind == "channel":
            return linear([term(arc.channel_revenue, x) for arc, x in sales_via[e]])
        return 0.0

    def cost_rule(m, e):
        kind = data.entity_kind[e]
        if kind == "plant":
            plant = inst.plants[e]
            # sum_i (fixed * v_line_open + unit * production): one sum of the lines' terms
            line_terms: list = []
            for i in lines_at[e]:
                line = plant.lines[i]
                line_terms.append(term(line.fixed_cost, v.line_open[e, i]))
                line_terms.append(production_term(m, line.unit_cost, e, i))
            lines = SumExpression(line_terms) if line_terms else 0
            make_terms: list = []
            for k in make_at[e]:
                opt = plant.components[k]
                make_terms.append(term(opt.fixed_cost, v.in_house[e, k]))
                make_terms.append(term(opt.unit_cost, v.output[e, k]))
            make = linear(make_terms)
            buy = linear([term(arc.price, x) for arc, x in flows_to[e]])
            own_terms = term(plant.fixed_cost, v.is_open[e]) + lines + make + buy
            # "+ transport_cost[e] + tariff_cost[e]" appends two children to that sum; they
            # are the trade expressions themselves, so no named expression is walked twice
            children = own_terms.args if own_terms.__class__ is SumExpression else [own_terms]
            extra = [m.transport_cost[e].expr, m.tariff_cost[e].expr]
            learned = m.component("learning_cost")  # family 14, instances that learn
            if learned is not None and e in learned:
                extra.append(learned[e].expr)
            return SumExpression([*children, *extra])
        if kind == "channel":
            ch = inst.channels[e]
            return term(ch.fixed_cost, v.channel_open[e]) + linear(
                [term(ch.unit_cost, x) for _arc, x in sales_via[e]]
            )
        return term(inst.purchasing_offices[e].fixed_cost, v.office_open[e])

    m.revenue = pyo.Expression(m.entities, rule=revenue_rule, doc="revenue of e")
    m.cost = pyo.Expression(m.entities, rule=cost_rule, doc="cost of e")


def _add_profits(m: pyo.ConcreteModel, data: ModelData) -> None:
    """``m.profit[e]`` and ``m.firm_profit[f]``."""

    @m.Expression(m.entities, doc="profit[e] = revenue[e] - cost[e]")
    def profit(m, e):
        return m.revenue[e] - m.cost[e]

    @m.Expression(m.firms, doc="firm_profit[f] = sum_e share[f,e] * profit[e]")
    def firm_profit(m, f):
        return sum(
            own[f] * m.profit[e] for e, own in data.owners.items() if own.get(f, 0) > 0
        )


def _add_participation_and_budgets(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Participation rows (firms with a reservation profit) and capital budgets."""
    inst = data.instance
    participants = [f for f, fd in inst.firms.items() if fd.reservation_profit is not None]
    if participants:

        @m.Constraint(participants, doc="firm_profit[f] >= reservation_profit[f]")
        def participation(m, f):
            return m.firm_profit[f] >= inst.firms[f].reservation_profit

    budgets = [f for f, fd in inst.firms.items() if fd.capital_budget is not None]
    if budgets:
        invest = _investment_terms(m, data)

        @m.Constraint(budgets, doc="sum_e share[f,e] * investment[e] <= capital_budget[f]")
        def capital_budget(m, f):
            used = sum(
                data.owners[e].get(f, 0) * expr
                for e, expr in invest
                if data.owners[e].get(f, 0) > 0
            )
            if isinstance(used, int | float):
                return pyo.Constraint.Feasible
            return used <= inst.firms[f].capital_budget


def _add_objective(m: pyo.ConcreteModel, data: ModelData, objective: str | None) -> None:
    """``m.objective`` (maximised) and ``m.objective_mode``.

    Raises:
        InstanceError: the objective is neither ``alliance`` nor ``firm:`` a firm's id.
    """
    inst = data.instance
    # The objective is the sum of the profits (or of firm profits) built from the same
    # expression objects as m.profit and m.firm_profit but without their named wrappers:
    # the compiler then walks each profit once and keeps no copy of every named profit,
    # revenue and cost (a fifth of the hand-over's memory); the arithmetic, and so the
    # standard form, is the same.
    profits = {
        e: SumExpression([m.revenue[e].expr, NegationExpression((m.cost[e].expr,))])
        for e in data.owners
    }

    def firm_profit_expr(f: str):
        terms = [
            profits[e] if own[f] == 1 else ProductExpression((own[f], profits[e]))
            for e, own in data.owners.items()
            if own.get(f, 0) > 0
        ]
        return _sum_of(terms)

    mode = objective or inst.objective.mode
    if mode == "alliance":
        if inst.objective.firms:
            firm_terms = [firm_profit_expr(f) for f in inst.objective.firms]
            expr = _sum_of([t for t in firm_terms if t.__class__ is not int])
        else:
            expr = _sum_of([profits[e] for e in m.entities])
    elif mode.startswith("firm:") and mode[5:] in inst.firms:
        expr = firm_profit_expr(mode[5:])
    else:
        msg = f"objective {mode!r}: must be 'alliance' or 'firm:ID' with a firm of the instance"
        raise InstanceError(msg)
    m.objective = pyo.Objective(expr=expr, sense=pyo.maximize, doc=f"maximise {mode} profit")
    m.objective_mode = mode


def _sum_of(terms: list):
    """``sum(terms)`` of expression objects, as Pyomo builds it from named expressions."""
    if not terms:
        return 0
    return terms[0] if len(terms) == 1 else SumExpression(terms)


def _investment_terms(m: pyo.ConcreteModel, data: ModelData) -> list[tuple[str, object]]:
    """(entity, investment expression) pairs for capital budgets."""
    inst = data.instance
    terms: list[tuple[str, object]] = []
    for p, plant in inst.plants.items():
        if plant.investment_cost:
            terms.append((p, plant.investment_cost * m.v_is_open[p]))
    for p, i in data.lines:
        c = inst.plants[p].lines[i].investment_cost
        if c:
            terms.append((p, c * m.v_line_open[p, i]))
    for p, k in data.make:
        c = inst.plants[p].components[k].investment_cost
        if c:
            terms.append((p, c * m.v_in_house[p, k]))
    for h in data.channels:
        c = inst.channels[h].investment_cost
        if c:
            terms.append((h, c * m.v_channel_open[h]))
    for o in data.offices:
        c = inst.purchasing_offices[o].investment_cost
        if c:
            terms.append((o, c * m.v_office_open[o]))
    return terms
