"""Family 11, ownership, profits and the objective.

Indices: e profit centre (plant, channel or purchasing office), f firm. share[f,e] is f's
equity in e. Profits are linear in the variables:

    revenue[p] = sum_{(p,i,h,m)} price[m,i] * (1 - margin[h]) * v_sales[p,i,h,m]
                 + sum_{(k,p,d), d != p} transfer_price[k] * v_flow[k,p,d]
    cost[p]    = fixed_cost[p] * v_is_open[p]
                 + sum_i (line fixed_cost[p,i] * v_line_open[p,i] + unit_cost[p,i] * production[p,i])
                 + sum_k (make fixed_cost[p,k] * v_in_house[p,k] + unit_cost[p,k] * v_output[p,k])
                 + sum_{(k,s,p)} price[k,s] * v_flow[k,s,p] + transport_cost[p] + tariff_cost[p]
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

from gpnopt.data import ModelData
from gpnopt.errors import InstanceError


def add_ownership_and_objective(
    m: pyo.ConcreteModel, data: ModelData, objective: str | None = None
) -> None:
    """Add profits, firm profits, participation, capital budgets and the objective."""
    inst = data.instance
    sales_from: dict[str, list] = defaultdict(list)
    sales_via: dict[str, list] = defaultdict(list)
    for a in data.sales:
        sales_from[a[0]].append(a)
        sales_via[a[2]].append(a)
    flows_from: dict[str, list] = defaultdict(list)
    flows_to: dict[str, list] = defaultdict(list)
    for a in data.flows:
        flows_from[a[1]].append(a)
        flows_to[a[2]].append(a)
    lines_at: dict[str, list] = defaultdict(list)
    for p, i in data.lines:
        lines_at[p].append(i)
    make_at: dict[str, list] = defaultdict(list)
    for p, k in data.make:
        make_at[p].append(k)

    m.entities = pyo.Set(initialize=list(data.owners), ordered=True, doc="profit centres e")
    m.firms = pyo.Set(initialize=list(inst.firms), ordered=True, doc="firms f")

    def revenue_rule(m, e):
        kind = data.entity_kind[e]
        if kind == "plant":
            sales = sum(data.sales[a].plant_revenue * m.v_sales[a] for a in sales_from[e])
            parts = sum(
                inst.components[a[0]].transfer_price * m.v_flow[a]
                for a in flows_from[e]
                if a[2] != e
            )
            return sales + parts
        if kind == "channel":
            return sum(data.sales[a].channel_revenue * m.v_sales[a] for a in sales_via[e])
        return 0.0

    def cost_rule(m, e):
        kind = data.entity_kind[e]
        if kind == "plant":
            plant = inst.plants[e]
            lines = sum(
                plant.lines[i].fixed_cost * m.v_line_open[e, i]
                + plant.lines[i].unit_cost * m.production[e, i]
                for i in lines_at[e]
            )
            make = sum(
                plant.components[k].fixed_cost * m.v_in_house[e, k]
                + plant.components[k].unit_cost * m.v_output[e, k]
                for k in make_at[e]
            )
            buy = sum(data.flows[a].price * m.v_flow[a] for a in flows_to[e])
            return (
                plant.fixed_cost * m.v_is_open[e]
                + lines
                + make
                + buy
                + m.transport_cost[e]
                + m.tariff_cost[e]
            )
        if kind == "channel":
            ch = inst.channels[e]
            return ch.fixed_cost * m.v_channel_open[e] + sum(
                ch.unit_cost * m.v_sales[a] for a in sales_via[e]
            )
        return inst.purchasing_offices[e].fixed_cost * m.v_office_open[e]

    m.revenue = pyo.Expression(m.entities, rule=revenue_rule, doc="revenue of e")
    m.cost = pyo.Expression(m.entities, rule=cost_rule, doc="cost of e")

    @m.Expression(m.entities, doc="profit[e] = revenue[e] - cost[e]")
    def profit(m, e):
        return m.revenue[e] - m.cost[e]

    @m.Expression(m.firms, doc="firm_profit[f] = sum_e share[f,e] * profit[e]")
    def firm_profit(m, f):
        return sum(
            own[f] * m.profit[e] for e, own in data.owners.items() if own.get(f, 0) > 0
        )

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

    mode = objective or inst.objective.mode
    if mode == "alliance":
        if inst.objective.firms:
            expr = sum(m.firm_profit[f] for f in inst.objective.firms)
        else:
            expr = sum(m.profit[e] for e in m.entities)
    elif mode.startswith("firm:") and mode[5:] in inst.firms:
        expr = m.firm_profit[mode[5:]]
    else:
        msg = f"objective {mode!r}: must be 'alliance' or 'firm:ID' with a firm of the instance"
        raise InstanceError(msg)
    m.objective = pyo.Objective(expr=expr, sense=pyo.maximize, doc=f"maximise {mode} profit")
    m.objective_mode = mode


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
