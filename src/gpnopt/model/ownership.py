"""Family 11, ownership, profits and the objective.

Indices: e profit centre (plant, channel or purchasing office), f firm, a asset (a plant, a
line, an in-house process, a channel, an office). share[f,e] is f's equity in e. Profits
are linear in the variables:

    revenue[p] = sum_{(p,i,h,m)} price[m,i] * (1 - margin[h]) * v_sales[p,i,h,m]
                 + sum_{(k,s,d), d != s = p} transfer_price[k] * v_flow[k,p,d]
                 + the families' revenue parts of p (demand_curve[p] of family 16,
                   base_support_fee[p] of family 19)
                   (a component with ``transfer_prices``: sum_l P_kl * v_flow_at[k,p,d,l],
                   family 23, and so the buyer's purchases)
    cost[p]    = fixed_cost[p] * v_is_open[p]
                 + sum_i (line fixed_cost[p,i] * v_line_open[p,i] + unit_cost[p,i] * production[p,i])
                 + sum_k (make fixed_cost[p,k] * v_in_house[p,k] + unit_cost[p,k] * v_output[p,k])
                 + sum_{(k,s,p)} price[k,s] * v_flow[k,s,p] + transport_cost[p] + tariff_cost[p]
                 + capital_charge[p] + sum of the families' cost parts of p
                   (gpnopt.model.parts.PARTS: learning_cost[p] of family 15, tax[p] of
                   family 22, ...; a channel's demand_curve[h] and tax[h] and an office's
                   tax[o] are parts of theirs)
    revenue[h] = sum price[m,i] * margin[h] * v_sales[.,i,h,m] + revenue parts of h
    cost[h]    = fixed_cost[h] * v_channel_open[h] + unit_cost[h] * sum v_sales[.,.,h,.]
                 + capital_charge[h] + cost parts of h
    revenue[o] = revenue parts of o
    cost[o]    = fixed_cost[o] * v_office_open[o] + capital_charge[o] + cost parts of o
    profit[e]  = revenue[e] - cost[e]
    firm_profit[f] = sum_e share[f,e] * profit[e]

With ``taxes`` (family 22, :mod:`gpnopt.model.taxes`) cost[e] holds the part tax[e], and
the rows tax_base[e] bound the taxable profit by revenue[e] minus the rest of cost[e]
(in a period's block also minus the capital allowance): profit[e], firm_profit[f], the
participation rows and the objective are after tax.

The capital charge of a one-period instance is the yearly annuity of the investments:

    capital_charge[e] = sum_{a of e, not existing} annuity(r, n_a) * investment_cost[a] * u[a]
    annuity(r, n) = r / (1 - (1 + r)^-n)   (r = 0: 1 / n)

with u[a] the asset's binary (v_is_open, v_line_open, v_in_house, v_channel_open,
v_office_open), r = ``finance.discount_rate`` and n_a the asset's ``lifetime`` (else
``finance.asset_lifetime``). An existing asset (``existing: true``) carries no investment.

Objective (maximised): ``alliance``: sum_e profit[e] (or sum_{f in F} firm_profit[f] when
the objective names firms F); ``firm:F``: firm_profit[F]. Constraints:

    participation[f]:   firm_profit[f] >= reservation_profit[f]        (firms that state one)
    capital_budget[f]:  sum_e share[f,e] * investment[e] <= capital_budget[f]
        with investment[e] = investment_cost of the plant, its lines and in-house processes,
        the channel or the office, each times its binary (existing assets: none), and the
        expansion modules' I_a * v_modules[a] (family 17, which also relieves owners and
        charges a funding partner; firm_profit gains funding's equity terms there too).

In a multi-period instance (:mod:`gpnopt.model.periods`) each period's block holds this
family without the capital charge, participation, budgets and objective (``per_period``):
the block's expressions are those of period t, the formulation's profit[e,t]; investment
is an outlay there, and the objective the net present value.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import NegationExpression, ProductExpression, SumExpression

from gpnopt.data import ModelData
from gpnopt.dynamics import annuity
from gpnopt.errors import InstanceError
from gpnopt.model.acquisitions import acquisition_investments
from gpnopt.model.budget_covers import add_budget_covers
from gpnopt.model.expansion import (
    add_funded_profit,
    equity_terms,
    funding_budget_terms,
    module_investments,
)
from gpnopt.model.parts import part_terms
from gpnopt.model.taxes import add_tax_base
from gpnopt.model.transfer_prices import level_terms
from gpnopt.model.variables import linear, production_term, term, var_tables


def add_ownership_and_objective(
    m: pyo.ConcreteModel,
    data: ModelData,
    objective: str | None = None,
    *,
    per_period: bool = False,
) -> None:
    """Add profits, firm profits, participation, capital budgets and the objective.

    With ``per_period`` (a period's block of a multi-period model) only the revenues, costs
    (without capital charge) and profits: the period builder adds outlays, participation,
    budgets and the objective over the periods.
    """
    m.entities = pyo.Set(initialize=list(data.owners), ordered=True, doc="profit centres e")
    m.firms = pyo.Set(initialize=list(data.instance.firms), ordered=True, doc="firms f")
    _add_revenue_and_cost(m, data, capital=not per_period)
    if data.instance.taxes is not None:  # 22 taxes: the base is the profit before tax
        allowance: dict[str, list] = defaultdict(list)
        if per_period:  # a block's cost has no capital charge: deduct it for the tax
            for e, coef, var in investment_terms(m, data, annuities=True):
                allowance[e].append(term(coef, var))
        add_tax_base(m, data, allowance)
    _add_profits(m, data)
    if per_period:
        return
    add_funded_profit(m, data)  # family 17: v_funded * profit[p] (the NPV's builder per period)
    _add_participation_and_budgets(m, data)
    _add_objective(m, data, objective)


def _add_revenue_and_cost(m: pyo.ConcreteModel, data: ModelData, *, capital: bool) -> None:
    """``m.revenue[e]`` and ``m.cost[e]`` of every profit centre (module docstring); with
    ``capital`` the costs hold the capital charge (the annuity of the investments)."""
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
    at_level = level_terms(m, data, "price")  # 23: flows between plants priced by level
    sold_at: dict[str, list] = defaultdict(list)  # e -> flows' values at their levels
    bought_at: dict[str, list] = defaultdict(list)
    for a, arc in data.flows.items():
        if a in at_level:
            sold_at[a[1]].append(at_level[a])
            bought_at[a[2]].append(at_level[a])
            continue
        flows_from[a[1]].append((a, flow_var[a]))
        flows_to[a[2]].append((arc, flow_var[a]))
    lines_at: dict[str, list] = defaultdict(list)
    for p, i in data.lines:
        lines_at[p].append(i)
    make_at: dict[str, list] = defaultdict(list)
    for p, k in data.make:
        make_at[p].append(k)
    charge: dict[str, list] = defaultdict(list)  # e -> annuity * investment * binary terms
    if capital:
        for e, coef, var in investment_terms(m, data, annuities=True):
            charge[e].append(term(coef, var))

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
            return _plus(sales + parts, [*sold_at[e], *part_terms(m, e, "revenue")])
        if kind == "channel":
            own = linear([term(arc.channel_revenue, x) for arc, x in sales_via[e]])
            return _plus(own, part_terms(m, e, "revenue"))
        extra = part_terms(m, e, "revenue")
        return _sum_of(extra) if extra else 0.0

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
            return SumExpression(
                [*children, *bought_at[e], m.transport_cost[e].expr, m.tariff_cost[e].expr,
                 *charge[e], *part_terms(m, e, "cost")]
            )
        if kind == "channel":
            ch = inst.channels[e]
            own = term(ch.fixed_cost, v.channel_open[e]) + linear(
                [term(ch.unit_cost, x) for _arc, x in sales_via[e]]
            )
            return _plus(own, [*charge[e], *part_terms(m, e, "cost")])
        return _plus(
            term(inst.purchasing_offices[e].fixed_cost, v.office_open[e]),
            [*charge[e], *part_terms(m, e, "cost")],
        )

    m.revenue = pyo.Expression(m.entities, rule=revenue_rule, doc="revenue of e")
    m.cost = pyo.Expression(m.entities, rule=cost_rule, doc="cost of e")


def _add_profits(m: pyo.ConcreteModel, data: ModelData) -> None:
    """``m.profit[e]`` and ``m.firm_profit[f]``."""

    @m.Expression(m.entities, doc="profit[e] = revenue[e] - cost[e]")
    def profit(m, e):
        return m.revenue[e] - m.cost[e]

    @m.Expression(m.firms, doc="firm_profit[f] = sum_e share[f,e] * profit[e]")
    def firm_profit(m, f):
        total = sum(
            own[f] * m.profit[e] for e, own in data.owners.items() if own.get(f, 0) > 0
        )
        extra = equity_terms(m, data, f)  # family 17: equity changed by funding
        return total + sum(extra) if extra else total


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
        invest = [(e, c * var) for e, c, var in investment_terms(m, data)]

        @m.Constraint(budgets, doc="sum_e share[f,e] * investment[e] <= capital_budget[f]")
        def capital_budget(m, f):
            used = sum(
                data.owners[e].get(f, 0) * expr
                for e, expr in invest
                if data.owners[e].get(f, 0) > 0
            )
            funded = funding_budget_terms(m, data, f)  # family 17: relieved / borne
            if funded:
                used = used + sum(funded)
            if isinstance(used, int | float):
                return pyo.Constraint.Feasible
            return used <= inst.firms[f].capital_budget

        add_budget_covers(m, _cover_knapsacks(m, data, budgets))


def _cover_knapsacks(
    m: pyo.ConcreteModel, data: ModelData, budgets: list[str]
) -> dict[str, tuple[float, list[tuple[float, object]]]]:
    """The binary part of each budget row without funding terms, for the covers
    (:mod:`gpnopt.model.budget_covers`): firm -> (budget, [(share * investment, binary)])."""
    terms = [(e, c, var) for e, c, var in investment_terms(m, data) if var.is_binary()]
    return {
        f: (
            data.instance.firms[f].capital_budget,
            [(data.owners[e].get(f, 0) * c, var) for e, c, var in terms
             if data.owners[e].get(f, 0) > 0],
        )
        for f in budgets
        if not funding_budget_terms(m, data, f)  # family 17 relieves budgets: no covers
    }


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
        return _sum_of([*terms, *equity_terms(m, data, f)])  # family 17: funding's equity

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


def _plus(expr, extra: list):
    """``expr + sum(extra)`` (``expr`` itself when ``extra`` is empty)."""
    if not extra:
        return expr
    children = expr.args if expr.__class__ is SumExpression else [expr]
    return SumExpression([*children, *extra])


def investment_terms(
    m: pyo.ConcreteModel, data: ModelData, *, annuities: bool = False
) -> list[tuple[str, float, object]]:
    """(entity, coefficient, binary) of every asset with an investment, not existing.

    The coefficient is the investment cost, times its annuity with ``annuities`` (module
    docstring). Assets in the order plants, lines, in-house processes, channels, offices,
    then the expansion modules (family 17: I_a and v_modules[a]) and the acquisitions'
    prices (family 26: P_q and v_acquired[q], charged to the entity that pays).
    """
    inst = data.instance
    fin = inst.finance
    v = var_tables(m)

    def coef(asset) -> float:
        if not annuities:
            return asset.investment_cost
        years = asset.lifetime if asset.lifetime is not None else fin.asset_lifetime
        return annuity(fin.discount_rate, years) * asset.investment_cost

    found: list[tuple[str, object, object]] = []
    for p, plant in inst.plants.items():
        found.append((p, plant, v.is_open[p]))
    for p, i in data.lines:
        found.append((p, inst.plants[p].lines[i], v.line_open[p, i]))
    for p, k in data.make:
        found.append((p, inst.plants[p].components[k], v.in_house[p, k]))
    for h in data.channels:
        found.append((h, inst.channels[h], v.channel_open[h]))
    for o in data.offices:
        found.append((o, inst.purchasing_offices[o], v.office_open[o]))
    return [
        (e, coef(asset), var)
        for e, asset, var in found
        if asset.investment_cost and not asset.existing
    ] + module_investments(m, data, annuities=annuities) + acquisition_investments(  # 17, 26
        m, data, annuities=annuities)
