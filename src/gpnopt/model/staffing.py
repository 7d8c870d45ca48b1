"""Family 18, technicians as an economic resource: expatriates that cost money, local
managers that substitute for part of them, and hires that add to the pool.

Applies to a firm f whose ``technicians`` entry states ``cost``, ``hiring``,
``local_managers`` or ``whole_persons: true`` (:func:`gpnopt.economics.staffing.states_staffing`); any other firm keeps
family 8 (:mod:`gpnopt.model.technicians`) exactly. Indices: f such a firm, p a foreign
plant of f (a plant outside f's home country with a line of a product f designs), i a
product, t a period. As in family 8, p's lines need

    need[f,p] = sum_{i of f at p} ( per_line[f,t(i)] * v_line_open[p,i]
                                    + per_unit[f,t(i)] * production[p,i] )

(the Expression ``site_need[f,p]``; ``technicians[f] = sum_p need[f,p]`` as in family 8).
Variables (in the block of period t like every variable):

    v_expats[f,p]     >= 0        expatriates of f working at p (persons)
    v_locals[f,p]     >= 0        local managers at p (only where ``local_managers`` allows)
    v_hired[f]        integer     persons f hires in the period, 0..max_per_period[f]
    v_available[f]    >= 0        hires usable in the period (persons)

The expatriates and local managers are continuous by default: the per_line numbers are whole
persons, so a pool of whole persons is met by whole numbers wherever only lines need
technicians; per_unit requirements are averages over the year (0.01 per unit: one person per
100 units). A firm with ``whole_persons: true`` counts them in whole persons instead
(v_expats and v_locals integer): a local share of 0.55 of a crew of 4 leaves
ceil(0.45 * 4) = 2 expatriates, not 1.8.
Rows:

    staff_need[f,p]:       v_expats[f,p] + v_locals[f,p] >= need[f,p]
    local_share[f,p]:      v_locals[f,p] <= max_share[f] * need[f,p]
    technician_pool[f]:    sum_p v_expats[f,p] <= pool[f] + v_available[f]

The named expression technicians_abroad[f] = sum_p v_expats[f,p] is what the ``binding``
expectation counts against the pool (hires lie beyond it, local managers aside), and so what
explain's conditions on it bound. It exists for every firm of the family, 0 for a firm with
no site (no line abroad needs its technicians): nobody can be abroad, and explain says so
instead of stating a condition on a constant.

``technician_pool[f]`` is family 8's row of the same name, in the same component, for these
firms (without ``hiring`` there is no v_available term). Hires stay (no attrition) and work
abroad from ``lag`` periods after the period hired, pos(t) the position of t:

    hired_available[f,t]:  v_available[f,t] = sum_{tau: pos(tau) + lag[f] <= pos(t)} v_hired[f,tau]

One-period instances: ``hired_available[f]: v_available[f] = v_hired[f]`` with lag 0; with
a lag of 1 or more hires can never work in the one period, so v_hired and v_available are
fixed at 0 and the row is left out.

Money. The cost part ``technician_cost[p]`` (label "technicians", family 11 adds it to
``cost[p]``) is

    technician_cost[p] = sum_f ( cost[f] * v_expats[f,p] + local_cost[f] * v_locals[f,p] )
                         + (one period) sum_{f paid by p} annuity(r, n_f) * hiring_cost[f] * v_hired[f]

with n_f the hiring's ``lifetime`` or ``finance.asset_lifetime``: a one-period instance is a
typical year, so a hire is charged like an investment. In a multi-period instance a hire is
an outlay of the paying plant in the period hired (the NPV subtracts D_t times it, each owner
its equity share), ``technician_outlay[p,t] = sum_{f paid by p} hiring_cost[f,t] * v_hired[f,t]``
(:data:`gpnopt.parts.OUTLAYS`). Hires are not in capital budgets. The paying plant is
``hiring.paid_by`` or the firm's only wholly-owned plant in its home country
(:func:`gpnopt.checks.staffing.paying_plant`).

So the pool limits the foreign lines both as a hard number (pool + hires) and by its cost: a
foreign line is open only when its margin covers the expatriates it needs (and, with hiring,
the hires' cost), and local managers replace expatriates up to ``max_share`` of each plant's
need when they are cheaper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyomo.core as pyo

from gpnopt.checks.staffing import paying_plant
from gpnopt.data import ModelData
from gpnopt.dynamics import annuity
from gpnopt.economics.staffing import Hiring, states_staffing
from gpnopt.horizon_data import HorizonData
from gpnopt.model.bounds import bounded_by_expression, states_upper
from gpnopt.model.variables import eq, ge, le, linear, production_term, term, var_tables

__all__ = [
    "StaffingData",
    "add_staffing",
    "add_staffing_cost",
    "add_staffing_over_time",
    "add_staffing_single",
    "derive_staffing",
    "staffing_data",
]


@dataclass(frozen=True)
class StaffingData:
    """The sparse data of family 18 in one period (:func:`derive_staffing`)."""

    sites: dict[tuple[str, str], list[tuple[str, float, float]]] = field(default_factory=dict)
    """(f, p) -> [(product, per_line, per_unit)]: the foreign lines of f at plant p."""
    local: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    """(f, p) -> (max_share, cost per local manager-year) where local managers may work."""
    expat_cost: dict[str, float] = field(default_factory=dict)
    """f -> cost per expatriate-year (0 when only hiring or local managers are stated)."""
    hiring: dict[str, Hiring] = field(default_factory=dict)
    """f -> its hiring, for firms that may hire."""
    payer: dict[str, str] = field(default_factory=dict)
    """f -> the plant that pays its hires."""
    whole: frozenset[str] = frozenset()
    """Firms that count their expatriates and local managers in whole persons."""
    pool: dict[str, float] = field(default_factory=dict)
    """f -> pool of every firm with sites (the firms with a ``technician_pool`` row here)."""


def derive_staffing(data: ModelData) -> StaffingData | None:
    """Family 18's sites, local-manager sites, costs, hiring and payers of ``data``'s period;
    ``None`` when no firm states the family's keys."""
    inst = data.instance
    firms = [f for f, firm in inst.firms.items() if states_staffing(firm.technicians)]
    if not firms:
        return None
    sd = StaffingData(whole=frozenset(f for f in firms if inst.firms[f].technicians.whole_persons))
    for f in firms:
        pol = inst.firms[f].technicians
        sd.expat_cost[f] = pol.cost or 0.0
        for p, i, per_line, per_unit in data.tech_lines.get(f, ()):
            sd.sites.setdefault((f, p), []).append((i, per_line, per_unit))
        if any(site[0] == f for site in sd.sites):
            sd.pool[f] = pol.pool
        lm = pol.local_managers
        if lm is not None:
            allowed = None if lm.plants is None else set(lm.plants)
            for g, p in sd.sites:
                if g == f and (allowed is None or p in allowed):
                    sd.local[f, p] = (lm.max_share, lm.cost)
        if pol.hiring is not None:
            sd.hiring[f] = pol.hiring
            payer = paying_plant(inst, f)
            if payer is not None:
                sd.payer[f] = payer
    return sd


def staffing_data(b: Any) -> StaffingData | None:
    """The :class:`StaffingData` family 18 was built from on block (or model) ``b``;
    ``None`` when it has no family 18."""
    return getattr(b, "staffing_data", None)


def _need_terms(b: Any, sd: StaffingData, site: tuple[str, str], sign: float) -> list:
    """``sign * need[f,p]`` as terms (zero coefficients left out)."""
    line_open = var_tables(b).line_open
    p = site[1]
    out: list = []
    for i, per_line, per_unit in sd.sites[site]:
        if per_line:
            out.append(term(sign * per_line, line_open[p, i]))
        if per_unit:
            out.append(production_term(b, sign * per_unit, p, i))
    return out


def _persons(sd: StaffingData) -> Any:
    """The domain rule of v_expats and v_locals: whole persons for the firms that say so."""
    return lambda _b, f, _p: pyo.NonNegativeIntegers if f in sd.whole else pyo.NonNegativeReals


def add_staffing(b: Any, data: ModelData) -> None:
    """Family 18 in block (or one-period model) ``b``: the variables, ``staff_need``,
    ``local_share``, the firms' ``technician_pool`` rows and ``technician_cost`` without the
    hires' charge (module docstring). Runs after family 8, which leaves the pool rows of
    these firms to this family."""
    sd = derive_staffing(data)
    if sd is None:
        return
    b.staffing_data = sd  # read by the one-period and cross-period rows, and the results
    if sd.sites:
        b.staff_sites = pyo.Set(initialize=list(sd.sites), dimen=2, ordered=True, doc="(f, p)")
        b.v_expats = pyo.Var(b.staff_sites, domain=_persons(sd), doc="expatriates")
        b.site_need = pyo.Expression(
            b.staff_sites, rule=lambda b, f, p: sum(_need_terms(b, sd, (f, p), 1.0)),
            doc="need[f,p]: technicians f's lines at p need",
        )
    if sd.local:
        b.local_sites = pyo.Set(initialize=list(sd.local), dimen=2, ordered=True, doc="(f, p)")
        b.v_locals = pyo.Var(b.local_sites, domain=_persons(sd), doc="local managers")
    if sd.hiring:
        b.hiring_firms = pyo.Set(initialize=list(sd.hiring), ordered=True, doc="firms that hire")
        b.v_hired = pyo.Var(
            b.hiring_firms, domain=pyo.NonNegativeIntegers,
            bounds=lambda b, f: (0, sd.hiring[f].max_per_period), doc="persons hired",
        )
        b.v_available = pyo.Var(b.hiring_firms, domain=pyo.NonNegativeReals, doc="hires usable")
    if sd.sites:
        _add_rows(b, sd)
    abroad: dict[str, list] = {f: [] for f in sd.expat_cost}  # every firm of the family
    if sd.sites:
        for (f, _p), x in b.v_expats.items():
            abroad[f].append(x)
    b.technicians_abroad = pyo.Expression(  # explain's conditions on the binding expectation
        list(abroad), rule=lambda _b, f: linear(abroad[f]),
        doc="sum_p v_expats[f,p]: the expatriates abroad (the binding expectation's count; "
        "0 for a firm no line abroad needs)",
    )
    add_staffing_cost(b, data, annuity_hiring=False)


def _add_rows(b: Any, sd: StaffingData) -> None:
    expats = dict(b.v_expats.items())
    locals_ = dict(b.v_locals.items()) if sd.local else {}

    @b.Constraint(b.staff_sites, doc="v_expats[f,p] + v_locals[f,p] >= need[f,p]")
    def staff_need(b, f, p):
        own = [expats[f, p], *([locals_[f, p]] if (f, p) in locals_ else [])]
        return ge([*own, *_need_terms(b, sd, (f, p), -1.0)], 0, general=True)

    if sd.local:

        @b.Constraint(b.local_sites, doc="v_locals[f,p] <= max_share[f] * need[f,p]")
        def local_share(b, f, p):
            share = sd.local[f, p][0]
            return le([locals_[f, p], *_need_terms(b, sd, (f, p), -share)], 0, general=True)

    by_firm: dict[str, list] = {}
    for (f, _p), x in expats.items():
        by_firm.setdefault(f, []).append(x)
    pool_row = b.technician_pool  # family 8's component; its rows of these firms are ours
    for f, terms in by_firm.items():
        hires = [term(-1, b.v_available[f])] if f in sd.hiring else []
        pool_row[f] = le([*terms, *hires], sd.pool[f])


def add_staffing_cost(b: Any, data: ModelData, *, annuity_hiring: bool) -> None:
    """``b.technician_cost[p]``: plant p's yearly cost of expatriates and local managers,
    plus (``annuity_hiring``, a one-period instance) the annuity of the hires it pays for.
    Built from the variables of :func:`add_staffing`, so a re-solve with new costs can
    rebuild it alone (:mod:`gpnopt.solver.persistent`)."""
    sd = derive_staffing(data)  # this data's numbers (a re-solve may change the costs)
    if sd is None or staffing_data(b) is None:
        return
    for name in ("technician_cost", "technician_cost_index"):
        if b.component(name) is not None:
            b.del_component(name)
    cost: dict[str, list] = {}
    if b.component("v_expats") is not None:
        for (f, p), x in b.v_expats.items():
            if sd.expat_cost[f]:
                cost.setdefault(p, []).append(term(sd.expat_cost[f], x))
    if b.component("v_locals") is not None:
        for (f, p), x in b.v_locals.items():
            if sd.local[f, p][1]:
                cost.setdefault(p, []).append(term(sd.local[f, p][1], x))
    if annuity_hiring and b.component("v_hired") is not None:
        fin = data.instance.finance
        for f, x in b.v_hired.items():
            h = sd.hiring[f]
            rate = annuity(fin.discount_rate, h.lifetime or fin.asset_lifetime) * h.cost
            if rate and f in sd.payer:
                cost.setdefault(sd.payer[f], []).append(term(rate, x))
    if cost:
        b.technician_cost = pyo.Expression(
            list(cost), rule=lambda b, p: linear(cost[p]), doc="technicians part of cost[p]"
        )


def add_staffing_single(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The one-period form (module docstring): hires usable in the one period only with lag
    0 (``hired_available[f]``), charged as an annuity in ``technician_cost``."""
    sd = staffing_data(m)
    if sd is None or not sd.hiring:
        return
    rows = {}
    for f, h in sd.hiring.items():
        if h.lag == 0:
            rows[f] = eq([m.v_available[f], term(-1, m.v_hired[f])], 0)
        else:
            m.v_hired[f].fix(0)
            m.v_available[f].fix(0)
    if rows:
        m.hired_available = pyo.Constraint(
            list(rows), rule=lambda m, f: rows[f], doc="v_available[f] = v_hired[f] (lag 0)"
        )
    add_staffing_cost(m, data, annuity_hiring=True)


def add_staffing_over_time(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """The rows across the periods of multi-period model ``m``: ``hired_available[f,t]``
    and the hires' outlay ``m.technician_outlay[p,t]`` (module docstring)."""
    ids = list(m.period_ids)
    hires: list[tuple[int, str, StaffingData, Any]] = []  # (position, period, data, block)
    for n, t in enumerate(ids):
        b = m.period[t]
        if b.component("v_hired") is not None:
            hires.append((n, t, staffing_data(b), b))
    if not hires:
        return
    rows: dict[tuple[str, str], list] = {}
    outlays: dict[tuple[str, str], list] = {}
    for n, t, sd, b in hires:
        for f, avail in b.v_available.items():
            usable = [
                term(-1, b2.v_hired[f])
                for n2, _t2, sd2, b2 in hires
                if f in sd2.hiring and n2 + sd2.hiring[f].lag <= n
            ]
            rows[f, t] = [avail, *usable]
        for f, x in b.v_hired.items():
            h = sd.hiring[f]
            if h.cost and f in sd.payer:
                outlays.setdefault((sd.payer[f], t), []).append(term(h.cost, x))
    m.hired_available = pyo.Constraint(
        list(rows), rule=lambda m, f, t: eq(rows[f, t], 0),
        doc="v_available[f,t] = sum_{tau + lag <= t} v_hired[f,tau]",
    )
    if outlays:
        m.technician_outlay = pyo.Expression(
            list(outlays), rule=lambda m, p, t: linear(outlays[p, t]),
            doc="technician_outlay[p,t] = sum_f hiring_cost[f,t] * v_hired[f,t]",
        )


@states_upper("v_expats", "v_locals")
def _staff_upper(var: Any, data: ModelData) -> float:
    """Expatriates or local managers at a site: at most the site's need, at an optimum."""
    return bounded_by_expression(var, var.parent_block().site_need[var.index()].expr, data)
