"""Family 19, base plants: a firm's mother plant supports its lines abroad.

Indices: f a firm with a ``base_plant``, b(f) its base plant, p a plant, i a product,
tier(i) its tier. A line (p,i) is *supported* by f's base when i is one of the base's
products (``base_plant.products``, default every product f designs), p is not the base and
p lies outside f's home country (``firms.F.home_country``; a firm without one: the base's
country). s_t = ``support_cost[tier]``, g_t = ``support_fee[tier]`` (0 for a tier not
listed). Rows, one per supported line:

    base_supports[p,i]:  v_line_open[p,i] <= v_is_open[b(f)]

so a foreign line runs only while its base is open (an open base that makes nothing pays
its fixed cost: the row makes the base worth keeping for its foreign lines). Money, parts of
family 11 (``gpnopt.parts``, label "base support"), per year:

    base_support_cost[b]  = sum_{supported (p,i) of b} s_{tier(i)} * production[p,i]
    base_support_fee[b]   = sum_{supported (p,i) of b} g_{tier(i)} * production[p,i]   (revenue)
    base_support_cost[p] += sum_{supported i at p}     g_{tier(i)} * production[p,i]   (cost)

The fee moves profit from the foreign plant to the base (zero-sum over the alliance,
not over the firms when their equity in the two plants differs); the support cost is a
real cost of making abroad.

One period (:func:`add_base_closure`): an existing base that closes pays its
``base_plant.closure_cost`` C_b as an annuity, with A_b = annuity(r, n_b), n_b the plant's
``lifetime`` or ``finance.asset_lifetime`` (part label "base closure"):

    base_closure_cost[b] = A_b * C_b * (1 - v_is_open[b])

Many periods: each period's block holds the rows and the support parts of its period
(values per period as any value); the closure of the base is the plant's own
``closure_cost`` (family 14: an outlay in the period it closes), and
``base_plant.closure_cost`` is refused (:mod:`gpnopt.checks.base_plants`). A firm without
``base_plant`` adds nothing (no row, no part).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.dynamics import annuity
from gpnopt.model.variables import le, production_term, term, var_tables

__all__ = ["SupportedLine", "add_base_closure", "add_base_parts", "add_base_plants",
           "derive_base_plants"]


@dataclass(frozen=True, slots=True)
class SupportedLine:
    """A foreign line that needs its firm's base plant open."""

    firm: str
    base: str
    plant: str
    product: str
    support_cost: float
    support_fee: float


def derive_base_plants(data: ModelData) -> list[SupportedLine]:
    """The supported lines of ``data``'s instance (module docstring), in line order."""
    inst = data.instance
    bases = {f: firm for f, firm in inst.firms.items() if firm.base_plant is not None}
    if not bases:
        return []
    out: list[SupportedLine] = []
    for p, i in data.lines:
        prod = inst.products[i]
        firm = bases.get(prod.firm) if prod.firm is not None else None
        if firm is None:
            continue
        base = firm.base_plant
        if base.products is not None and i not in base.products:
            continue
        home = firm.home_country or inst.plants[base.plant].country
        if p == base.plant or inst.plants[p].country == home:
            continue
        out.append(SupportedLine(prod.firm, base.plant, p, i,
                                 base.support_cost.get(prod.tier, 0.0),
                                 base.support_fee.get(prod.tier, 0.0)))
    return out


def add_base_plants(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """The ``base_supports`` rows and the support parts of ``data`` on ``m`` (a model or a
    period's block; before family 11)."""
    lines = derive_base_plants(data)
    if not lines:
        return
    v = var_tables(m)
    rows = {(s.plant, s.product): s.base for s in lines}
    m.base_supported = pyo.Set(initialize=list(rows), dimen=2, ordered=True,
                               doc="foreign lines (p, i) that need their base plant open")

    @m.Constraint(m.base_supported, doc="v_line_open[p,i] <= v_is_open[base]")
    def base_supports(m, p, i):
        return le([v.line_open[p, i], term(-1, v.is_open[rows[p, i]])], 0)

    add_base_parts(m, data)


def add_base_parts(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """``m.base_support_cost[e]`` and ``m.base_support_fee[b]`` (module docstring), from the
    variables the model has, so that a re-solve with new numbers can rebuild them alone."""
    cost: dict[str, list] = {}
    fee: dict[str, list] = {}
    for s in derive_base_plants(data):
        if s.support_cost:
            cost.setdefault(s.base, []).append(production_term(m, s.support_cost, s.plant, s.product))
        if s.support_fee:
            fee.setdefault(s.base, []).append(production_term(m, s.support_fee, s.plant, s.product))
            cost.setdefault(s.plant, []).append(production_term(m, s.support_fee, s.plant, s.product))
    if cost:
        m.base_support_cost = pyo.Expression(
            list(cost), rule=lambda m, e: sum(cost[e]),
            doc="support cost borne by a base, support fees paid by a foreign plant",
        )
    if fee:
        m.base_support_fee = pyo.Expression(
            list(fee), rule=lambda m, e: sum(fee[e]), doc="support fees a base receives"
        )


def add_base_closure(m: pyo.ConcreteModel, data: ModelData) -> None:
    """One period: ``m.base_closure_cost[b]``, the annuity of an existing base's
    ``closure_cost`` when it closes (module docstring)."""
    inst = data.instance
    v = var_tables(m)
    fin = inst.finance
    charge: dict[str, float] = {}
    for firm in inst.firms.values():
        base = firm.base_plant
        if base is None or not base.closure_cost:
            continue
        plant = inst.plants[base.plant]
        if not plant.existing or base.plant not in v.is_open:
            continue
        rate = annuity(fin.discount_rate, plant.lifetime or fin.asset_lifetime)
        charge[base.plant] = charge.get(base.plant, 0.0) + rate * base.closure_cost
    if charge:
        m.base_closure_cost = pyo.Expression(
            list(charge), rule=lambda m, b: charge[b] - term(charge[b], v.is_open[b]),
            doc="A_b * C_b * (1 - v_is_open[b]): the annuity of closing an existing base",
        )

