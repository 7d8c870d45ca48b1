"""Family 22, taxes: profit tax by country, incentives and holidays; profits after tax.

Indices: e profit centre (plant, purchasing office, channel with a ``country``), f firm.
The rate of e (:func:`derive_taxes`) is the lowest of its country's ``taxes.rates`` entry
(0 when the country is not listed) and of every incentive that covers e: an incentive with
``country`` covers the entities in that country, with ``plants`` those plants (both: those
plants in the country), with ``owner_home_countries`` only entities with an owner f
(share[f,e] > 0) whose ``home_country`` is listed. A channel without ``country`` is untaxed.
Every value may change by period (a holiday: an incentive rate ``{T1: 0.0, T2: 0.25}``):
each period's block uses its period's rates and owners.

Variables and rows, for every e with rate[e] > 0:

    v_taxable[e] >= 0                                   taxable profit of e
    tax_base[e]:  v_taxable[e] >= profit_before_tax[e] + sum_{c in C(e)} profit_before_tax[c]

with C(e) the entities ``taxes.charged_to`` charges to e (cost centres: a purchasing office
that reports to its parent plant). Such an entity c has no rate and no v_taxable of its own;
its loss lowers e's taxable profit, as its costs would if e bore them (a cost centre abroad
otherwise has a loss that no tax relieves),

with

    profit_before_tax[e] = revenue[e] - cost[e] + tax[e] - allowance[e]

and the cost part (``gpnopt.parts``, label "tax") ``tax[e] = rate[e] * v_taxable[e]``, which
family 11 adds to cost[e] (so cost[e] - tax[e] is the cost before tax: in the row the
terms of v_taxable from cost[e] and tax[e] cancel exactly, and a family that adds to a
block's cost[e] later, as learning does over the periods, counts in the base): profit[e], firm_profit[f], participation, profit floors, firm
objectives and the NPV are after tax. A loss is not taxed (v_taxable >= 0) and not carried
forward to later periods. Since tax lowers every objective, v_taxable takes
max(0, profit_before_tax) wherever an objective term counts e's profit (a ``firm:F``
objective's second stage counts them all); an entity no objective term counts may show a
higher taxable profit. The rows hold prices and costs: a persistent re-solve with new
numbers rebuilds the tax part and the rows (:func:`rebuild_taxes`) and hands the rows' new
coefficients to the kept HiGHS object (``gpnopt.solver.row_updates``).

One period: cost[e] holds the capital charge (the annuity of the investments), so it is
deductible; allowance[e] = 0. Many periods: each period's block holds this family with that
period's data; the block's cost has no capital charge (investment is an outlay, outside the
yearly profit), and allowance[e] = sum_{a of e, not existing} annuity(r, n_a) *
investment_cost[a,t] * u[a,t] (the one-period capital charge of the assets operating in t)
is deducted instead, so that both forms tax the same yearly profit. The other outlays
(closures, training) are not deducted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.bounds import bounded_by_expression, states_upper


@dataclass(frozen=True, slots=True)
class TaxRate:
    """The profit tax of one entity in one period."""

    country: str
    rate: float
    incentive: str  # id of the incentive giving the rate, "" for the country's own rate


def _country(data: ModelData, e: str) -> str | None:
    inst = data.instance
    kind = data.entity_kind[e]
    if kind == "plant":
        return inst.plants[e].country
    if kind == "office":
        return inst.purchasing_offices[e].country
    return inst.channels[e].country if inst.channels is not None else None


def derive_taxes(data: ModelData) -> dict[str, TaxRate]:
    """The tax rate of every entity of ``data`` that lies in a taxed country or that an
    incentive covers (module docstring), in entity order; empty without ``taxes``."""
    inst = data.instance
    tax = inst.taxes
    if tax is None:
        return {}
    homes = {f: firm.home_country for f, firm in inst.firms.items()}
    out: dict[str, TaxRate] = {}
    for e in data.entity_kind:
        if e in tax.charged_to:  # taxed in the base of the entity it is charged to
            continue
        country = _country(data, e)
        if country is None:
            continue
        best = TaxRate(country, tax.rates.get(country, 0.0), "")
        covered = country in tax.rates
        for inc in tax.incentives:
            if inc.country is not None and inc.country != country:
                continue
            if inc.plants is not None and e not in inc.plants:
                continue
            if inc.owner_home_countries is not None and not any(
                share > 0 and homes.get(f) in inc.owner_home_countries
                for f, share in data.owners.get(e, {}).items()
            ):
                continue
            covered = True
            if inc.rate < best.rate:
                best = TaxRate(country, inc.rate, inc.id)
        if covered:
            out[e] = best
    return out


def add_taxes(b: Any, data: ModelData) -> None:
    """``b.v_taxable[e]`` and the cost part ``b.tax[e] = rate[e] * v_taxable[e]`` of every
    entity taxed at a rate above 0 (nothing without ``taxes``). Runs before family 11,
    which adds the part to cost[e] and then calls :func:`add_tax_base`."""
    rates = derive_taxes(data)
    taxed = [e for e, r in rates.items() if r.rate > 0]
    if not taxed:
        return
    b.tax_entities = pyo.Set(initialize=taxed, ordered=True, doc="entities taxed e")
    b.v_taxable = pyo.Var(b.tax_entities, domain=pyo.NonNegativeReals, doc="taxable profit")
    add_tax_part(b, rates)


def add_tax_part(b: Any, rates: dict[str, TaxRate]) -> None:
    """The cost part ``b.tax[e] = rate[e] * v_taxable[e]`` of the taxed entities (the
    objective's numbers: a persistent re-solve rebuilds it, with the rows below)."""
    b.tax = pyo.Expression(
        b.tax_entities, rule=lambda b, e: rates[e].rate * b.v_taxable[e],
        doc="tax[e] = rate[e] * v_taxable[e]",
    )


def taxed_entities_kept(b: Any, data: ModelData) -> bool:
    """Whether ``data`` taxes the entities ``b`` was built with (none, or the same ones in
    the same order): then only its numbers differ, and :func:`rebuild_taxes` applies."""
    taxed = [e for e, r in derive_taxes(data).items() if r.rate > 0]
    built = b.component("tax_entities")
    return list(built) == taxed if built is not None else not taxed


def rebuild_taxes(b: Any, data: ModelData) -> None:
    """Drop ``b``'s tax part, profits before tax and ``tax_base`` rows, and make the tax
    part again from ``data``'s rates (the same taxed entities:
    :func:`taxed_entities_kept`); family 11 then adds the profits before tax and the rows
    anew (:func:`add_tax_base`), so that their prices are ``data``'s. The columns
    ``v_taxable`` stay."""
    for name in ("tax", "profit_before_tax", "tax_base"):
        for n in (name, f"{name}_index"):
            if b.component(n) is not None:
                b.del_component(n)
    if b.component("v_taxable") is not None:
        add_tax_part(b, derive_taxes(data))


def add_tax_base(b: Any, data: ModelData, allowance: dict[str, list]) -> None:
    """``b.profit_before_tax[e]`` of every entity :func:`derive_taxes` lists and the rows
    ``tax_base[e]`` of those taxed (module docstring); ``allowance[e]`` are the terms
    deducted from e's profit before tax (a period block's capital allowance).

    Called by family 11 after revenue[e] and cost[e]. A model whose objective is rebuilt
    (``gpnopt.solver.persistent.rebuild_objective``) keeps these unless
    :func:`rebuild_taxes` dropped them first.
    """
    rates = derive_taxes(data)
    if not rates or b.component("profit_before_tax") is not None:
        return

    tax = b.component("tax")

    def before_tax(b, e):
        # the named cost[e] itself (not a copy of its terms): a family with rows across the
        # periods may add to a block's cost[e] later (learning does), and the base follows
        expr = b.revenue[e] - b.cost[e]
        if tax is not None and e in tax:
            expr = expr + tax[e]
        for t in allowance.get(e, ()):
            expr = expr - t
        return expr

    charged = charged_entities(data)
    b.profit_before_tax = pyo.Expression(
        [*rates, *(c for c in charged if c not in rates)], rule=before_tax,
        doc="profit_before_tax[e] = revenue - cost before tax",
    )
    if b.component("v_taxable") is None:
        return
    b.tax_base = pyo.Constraint(
        b.tax_entities, rule=lambda b, e: b.v_taxable[e] >= tax_base_expr(b, e, charged),
        doc="v_taxable[e] >= profit_before_tax[e] + sum_{c charged to e} profit_before_tax[c]",
    )


def charged_entities(data: ModelData) -> dict[str, str]:
    """``taxes.charged_to`` restricted to the entities of ``data``'s period (c -> e)."""
    tax = data.instance.taxes
    if tax is None:
        return {}
    kinds = data.entity_kind
    return {c: e for c, e in tax.charged_to.items() if c in kinds and e in kinds}


def tax_base_expr(b: Any, e: str, charged: dict[str, str]) -> Any:
    """The tax base of e: its profit before tax and that of every entity charged to it."""
    expr = b.profit_before_tax[e]
    for c, target in charged.items():
        if target == e:
            expr = expr + b.profit_before_tax[c]
    return expr


@states_upper("v_taxable")
def _taxable_upper(var: Any, data: ModelData) -> float:
    """Taxable profit: max(0, the tax base) at an optimum."""
    base = tax_base_expr(var.parent_block(), var.index(), charged_entities(data))
    return bounded_by_expression(var, base, data)
