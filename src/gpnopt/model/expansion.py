"""Family 17, capacity expansion and partner funding.

Indices: a an expandable asset (kind, p, sub): a plant ``("plant", p, "")`` with an
``assembly_capacity``, a line ``("line", p, i)`` or a make option ``("make", p, k)`` with a
``capacity``, each stating ``expansion``; p a plant whose expansion states ``funding`` (a
partner firm F, covers c_p, equity q_p); f a firm; t a period. u[a] is the asset's binary
(v_is_open, v_line_open, v_in_house). Per asset: module size K_a, investment I_a per module,
fixed cost C_a per module and year, at most N_a modules, lifetime n_a (else
``finance.asset_lifetime``).

Variables, in each period's block like every variable (``m.period[t].v_modules[a]`` is
v_modules[a,t]; a one-period model holds them itself):

    v_modules[a]         integer in 0..N_a   modules the asset has
    v_added[a]           integer in 0..N_a   modules added in the period (multi-period)
    v_funded[p]          binary              the partner funds p's expansion
    v_funded_modules[p]  in [0, N_p]         v_funded[p] * (modules paid in the period)
    v_funded_profit[p]   in [min(L_p, 0), max(U_p, 0)]   v_funded[p] * profit[p]

Rows in each period:

    expansion_operates[a]:  v_modules[a] <= N_a * u[a]

and the capacity rows gain the modules (``module_terms``): ``assembly_capacity[p]``'s
right-hand side is assembly_capacity[p] * v_is_open[p] + K_a * v_modules[a],
``line_capacity[p,i]``'s capacity[p,i] * v_line_open[p,i] + K_a * v_modules[a],
``component_capacity[p,k]``'s capacity[p,k] * v_in_house[p,k] + K_a * v_modules[a], and the
derived ``line_assembly_link[p,i]``'s assembly_capacity[p] * v_line_open[p,i] + K_a *
v_modules[a]. The
data's output bounds (max_production, max_output, max_need) count every module.

Money. The plant's yearly cost gains the part ``expansion_cost[p] = sum_{a of p} C_a *
v_modules[a]`` (label "expansion"). One period: the modules' investment is in the capital
charge, ``annuity(r, n_a) * I_a * v_modules[a]`` (family 11's ``investment_terms``), and in
the capital budgets as I_a * v_modules[a]. Many periods:

    expansion_kept[a,t]:   v_modules[a,t] >= v_modules[a,t-1] - N_a * (1 - u[a,t])
    expansion_added[a,t]:  v_added[a,t] >= v_modules[a,t] - v_modules[a,t-1]
                           (v_modules[a,before the first] = 0)
    expansion_outlay[p,t] = sum_{a of p} I_{a,t} * v_added[a,t]        (an outlay, OUTLAYS)

so modules stay while the asset operates (closing it loses them; built again they are paid
again), and each added module pays its investment in the period it is added (I_{a,t} that
period's value; modules carry no salvage value). The capital budget rows of period t count
share[f,p,t] * I_{a,t} * v_added[a,t].

Funding (plants only). With v_X[p] the plant expansion's modules paid in the period
(v_modules one period, v_added many):

    funding_needs_module[p]:   v_funded[p] <= v_modules[p]             (one period)
    funding_needs_module[p,t]: v_funded[p,t] - v_funded[p,t-1] <= v_added[p,t]  (many)
    funding_kept[p,t]:         v_funded[p,t] >= v_funded[p,t-1]        (many)
    funded_modules_max[p]:     v_funded_modules[p] <= v_X[p]
    funded_modules_on[p]:      v_funded_modules[p] <= N_p * v_funded[p]
    funded_modules_min[p]:     v_funded_modules[p] >= v_X[p] - N_p * (1 - v_funded[p])

(exactly v_funded * v_X for binary v_funded and integer v_X). The capital budget of each
owner f is relieved of share[f,p] * c_p * I_p * v_funded_modules[p], and the partner's budget
bears c_p * I_p * v_funded_modules[p]. Funding moves no money between the firms (the
investment stays the plant's cost); it changes who may provide the capital and who gets the
profit: when funded, the partner's equity in p becomes share[F,p] * (1 - q_p) + q_p and every
other owner's share[f,p] * (1 - q_p). So

    share'[f,p] = share[f,p] + delta[f,p] * v_funded[p]
    delta[F,p] = q_p * (1 - share[F,p]),   delta[f,p] = -q_p * share[f,p]  (f != F)

and firm_profit[f] gains sum_p delta[f,p] * v_funded_profit[p], with the product v_funded[p]
* profit[p] linearised exactly (McCormick; v_funded is binary):

    funded_profit_cap_hi[p]:  v_funded_profit[p] <= U_p * v_funded[p]
    funded_profit_cap_lo[p]:  v_funded_profit[p] >= L_p * v_funded[p]
    funded_profit_hi[p]:      v_funded_profit[p] <= profit[p] - L_p * (1 - v_funded[p])
    funded_profit_lo[p]:      v_funded_profit[p] >= profit[p] - U_p * (1 - v_funded[p])

The bounds L_p <= profit[p] <= U_p come from the data: profit[p] is linear, so L_p and U_p
are its constant plus each term's coefficient times the variable's lower or upper bound
(binaries and modules their own bounds, v_sales[p,i,h,m] <= min(demand[m,i],
max_production[p,i]) (family 16's variables have their bounds), v_flow[k,s,d] and its transfer-level parts v_flow_at[k,s,d,l] <=
max_need[d,k], v_output[p,k] <= max_output[p,k], learning's v_saving <= the option's output
bound, the expatriates and local managers of family 18 <= the upper bound of the site's need,
the tax base v_taxable[p] <= max(0, U of the profit before tax), each of these last made the
variable's bound (no optimum exceeds it); every such variable is >= 0). Each family states
its variables' bounds (:mod:`gpnopt.model.bounds`, ``states_upper``); a profit term without a
finite bound is refused. Firm profits with the new equity enter the firm
objectives (``firm:F``, an alliance that names firms), participation and profit floors. The
alliance objective over all entities, the sum of profit[e], is unchanged by equity: there,
funding matters only through the capital budgets (and a solver may take funding it does not
need, which changes no entity's profit).

Many periods: the block of period t holds v_funded[p,t], v_funded_profit[p,t] (rows as
above with that period's profit), and the model holds v_funded_outlay[p,t] = v_funded[p,t] *
outlay[p,t] and v_funded_salvage[p] = v_funded[p,T] * salvage[p] (the same four rows each,
bounds from the outlay's and the salvage's terms), so that

    npv_firm_profit[f] gains sum_{p,t} delta[f,p,t] * (W_t * v_funded_profit[p,t]
                                                       - D_t * v_funded_outlay[p,t])
                             + sum_p delta[f,p,T] * v_funded_salvage[p]

(delta of period t from that period's owners and terms).
"""

from __future__ import annotations

import math
from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.dynamics import annuity
from gpnopt.errors import InstanceError
from gpnopt.horizon_data import HorizonData
from gpnopt.model.bounds import expression_bounds
from gpnopt.model.variables import le, linear, term, var_tables

PLANT, LINE, MAKE = "plant", "line", "make"
"""Kinds of an expandable asset."""

Expandable = tuple[str, str, str]
"""An expandable asset: (kind, plant, product or component or "")."""

__all__ = [
    "add_expansion",
    "add_expansion_cost",
    "add_expansion_over_time",
    "add_expansion_single",
    "add_funded_npv",
    "add_funded_profit",
    "derive_expansion",
    "equity_deltas",
    "equity_terms",
    "expansion_spec",
    "funding_budget_terms",
    "module_budget_terms",
    "module_investments",
    "module_terms",
]


def expansion_spec(inst: Any, a: Expandable) -> Any:
    """The ``expansion`` record of asset ``a`` in instance ``inst``."""
    kind, p, sub = a
    plant = inst.plants[p]
    if kind == PLANT:
        return plant.expansion
    return (plant.lines if kind == LINE else plant.components)[sub].expansion


def derive_expansion(data: ModelData) -> list[Expandable]:
    """The expandable assets of a period's data: plants, lines and make options in its index
    sets that state ``expansion`` and a capacity (plants, then lines, then make options)."""
    inst = data.instance
    out: list[Expandable] = []
    for p in data.plants:
        pl = inst.plants[p]
        if pl.expansion is not None and pl.assembly_capacity is not None:
            out.append((PLANT, p, ""))
    for p, i in data.lines:
        ln = inst.plants[p].lines[i]
        if ln.expansion is not None and ln.capacity is not None:
            out.append((LINE, p, i))
    for p, k in data.make:
        mk = inst.plants[p].components[k]
        if mk.expansion is not None and mk.capacity is not None:
            out.append((MAKE, p, k))
    return out


def _binary(b: Any, a: Expandable) -> Any:
    """u[a]: the asset's operating binary in block ``b``."""
    kind, p, sub = a
    v = var_tables(b)
    if kind == PLANT:
        return v.is_open[p]
    return v.line_open[p, sub] if kind == LINE else v.in_house[p, sub]


def module_terms(b: Any) -> dict[Expandable, list]:
    """Asset -> ``[-K_a * v_modules[a]]``, the term a capacity row (written ``use - capacity
    <= 0``) gains; empty when ``b`` has no expansion."""
    mods = b.component("v_modules")
    if mods is None:
        return {}
    return {a: [term(-float(b.module_size[a]), x)] for a, x in mods.items()}


def add_expansion(b: Any, data: ModelData) -> None:
    """The per-period part of family 17 on block (or one-period model) ``b``: ``v_modules``,
    ``expansion_operates``, the funding variables and ``expansion_cost[p]``. Call after the
    variables and before the capacity rows (families 1 and 5 read :func:`module_terms`)."""
    xs = derive_expansion(data)
    if not xs:
        return
    inst = data.instance
    spec = {a: expansion_spec(inst, a) for a in xs}
    b.expansions = pyo.Set(initialize=xs, dimen=3, ordered=True, doc="expandable assets a")
    b.module_size = pyo.Param(
        b.expansions, initialize={a: spec[a].module for a in xs}, doc="K_a, capacity per module"
    )
    b.v_modules = pyo.Var(
        b.expansions, domain=pyo.NonNegativeIntegers,
        bounds=lambda b, *a: (0, spec[a].max_modules), doc="modules the asset has",
    )
    mods = dict(b.v_modules.items())

    @b.Constraint(b.expansions, doc="v_modules[a] <= N_a * u[a]")
    def expansion_operates(b, *a):
        return le([mods[a], term(-float(spec[a].max_modules), _binary(b, a))], 0)

    add_expansion_cost(b, data)
    funded = [a[1] for a in xs if a[0] == PLANT and spec[a].funding is not None]
    if funded:
        b.funded_plants = pyo.Set(initialize=funded, ordered=True, doc="plants p with funding")
        b.v_funded = pyo.Var(b.funded_plants, domain=pyo.Binary, doc="partner funds p")
        b.v_funded_modules = pyo.Var(
            b.funded_plants, bounds=lambda b, p: (0, spec[PLANT, p, ""].max_modules),
            doc="v_funded[p] * modules paid in the period",
        )
        b.v_funded_profit = pyo.Var(b.funded_plants, doc="v_funded[p] * profit[p]")


def add_expansion_cost(b: Any, data: ModelData) -> None:
    """``b.expansion_cost[p] = sum_{a of p} C_a * v_modules[a]`` (plants with a fixed cost
    per module; a persistent re-solve rebuilds it alone)."""
    if b.component("v_modules") is None:
        return
    inst = data.instance
    cost: dict[str, list] = {}
    for a, x in b.v_modules.items():
        c = expansion_spec(inst, a).fixed_cost
        if c:
            cost.setdefault(a[1], []).append(term(c, x))
    if cost:
        b.expansion_cost = pyo.Expression(
            list(cost), rule=lambda b, p: linear(cost[p]), doc="C_a * v_modules[a] of p"
        )


def module_investments(
    m: Any, data: ModelData, *, annuities: bool
) -> list[tuple[str, float, Any]]:
    """(plant, coefficient, v_modules[a]) of every expandable asset of one-period model
    ``m`` with an investment: I_a, or its annuity ``annuity(r, n_a) * I_a``."""
    if m.component("v_modules") is None:
        return []
    inst = data.instance
    fin = inst.finance
    out = []
    for a, x in m.v_modules.items():
        spec = expansion_spec(inst, a)
        if not spec.investment_cost:
            continue
        coef = spec.investment_cost
        if annuities:
            years = spec.lifetime if spec.lifetime is not None else fin.asset_lifetime
            coef = annuity(fin.discount_rate, years) * coef
        out.append((a[1], coef, x))
    return out


def _funded_modules_rows(b: Any, paid: dict[str, Any]) -> None:
    """The three rows of ``v_funded_modules[p] = v_funded[p] * paid[p]`` on block ``b``."""
    y, z = b.v_funded_modules, b.v_funded
    keys = [p for p in b.funded_plants if p in paid]
    big = {p: float(y[p].ub) for p in keys}

    @b.Constraint(keys, doc="v_funded_modules[p] <= modules paid[p]")
    def funded_modules_max(b, p):
        return le([y[p], term(-1, paid[p])], 0)

    @b.Constraint(keys, doc="v_funded_modules[p] <= N_p * v_funded[p]")
    def funded_modules_on(b, p):
        return le([y[p], term(-big[p], z[p])], 0)

    @b.Constraint(keys, doc="v_funded_modules[p] >= modules paid[p] - N_p * (1 - v_funded[p])")
    def funded_modules_min(b, p):
        return le([paid[p], term(-1, y[p]), term(big[p], z[p])], big[p])


def add_expansion_single(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The one-period form of funding: ``funding_needs_module`` and ``v_funded_modules``'s
    rows (the modules' investment is in family 11's capital charge and budgets)."""
    if m.component("v_funded") is None:
        return
    mods = {p: m.v_modules[PLANT, p, ""] for p in m.funded_plants}
    z = m.v_funded

    @m.Constraint(m.funded_plants, doc="v_funded[p] <= v_modules[p]")
    def funding_needs_module(m, p):
        return le([z[p], term(-1, mods[p])], 0)

    _funded_modules_rows(m, mods)


def equity_deltas(owners: dict[str, float], funding: Any) -> dict[str, float]:
    """Firm -> delta[f,p], the change of its equity in a plant when funded (module docstring),
    from the plant's ``owners`` and its ``funding`` record (zeros left out)."""
    q, partner = funding.equity, funding.firm
    out = {f: -q * s for f, s in owners.items() if f != partner and s > 0}
    out[partner] = q * (1.0 - owners.get(partner, 0.0))
    return {f: d for f, d in out.items() if d != 0}


def _deltas(b: Any, data: ModelData) -> dict[str, dict[str, float]]:
    inst = data.instance
    return {
        p: equity_deltas(data.owners[p], inst.plants[p].expansion.funding)
        for p in b.funded_plants
    }


def equity_terms(b: Any, data: ModelData, f: str) -> list:
    """The terms firm ``f``'s profit gains from funding on block (or model) ``b``:
    ``delta[f,p] * v_funded_profit[p]`` for each funded plant (empty without funding)."""
    if b.component("v_funded_profit") is None:
        return []
    w = b.v_funded_profit
    return [term(d[f], w[p]) for p, d in _deltas(b, data).items() if f in d]


def funding_budget_terms(b: Any, data: ModelData, f: str) -> list:
    """What funding changes in firm ``f``'s capital budget row on block (or model) ``b``:
    minus f's share of the covered investment of each funded plant it owns, plus the covered
    investment of each plant f is the partner of (module docstring)."""
    if b.component("v_funded_modules") is None:
        return []
    inst = data.instance
    out = []
    for p in b.funded_plants:
        exp = inst.plants[p].expansion
        covered = exp.funding.covers * exp.investment_cost
        if not covered:
            continue
        coef = covered * (1.0 if exp.funding.firm == f else 0.0)
        coef -= covered * data.owners[p].get(f, 0.0)
        if coef:
            out.append(term(coef, b.v_funded_modules[p]))
    return out


def module_budget_terms(b: Any, data: ModelData, f: str) -> list:
    """``share[f,p] * I_a * v_added[a]`` of every asset firm ``f`` has equity in, on a
    period's block ``b`` (the modules' investment in a capital budget row of period t)."""
    if b.component("v_added") is None:
        return []
    inst = data.instance
    out = []
    for a, x in b.v_added.items():
        share = data.owners[a[1]].get(f, 0.0)
        cost = expansion_spec(inst, a).investment_cost
        if share > 0 and cost:
            out.append(term(share * cost, x))
    return out


def _mccormick(b: Any, name: str, w: Any, z: Any, expr: Any, keys: list, bounds: dict) -> None:
    """The four rows of ``w[k] = z[k] * expr[k]`` (binary z, L <= expr <= U) on ``b``,
    named ``<name>_cap_hi``, ``_cap_lo``, ``_hi``, ``_lo``."""
    for k in keys:
        lo, hi = bounds[k]
        w[k].setlb(min(lo, 0.0))
        w[k].setub(max(hi, 0.0))
    rows = {
        "cap_hi": ("v <= U * z", lambda k: w[k] - bounds[k][1] * z[k] <= 0),
        "cap_lo": ("v >= L * z", lambda k: w[k] - bounds[k][0] * z[k] >= 0),
        "hi": ("v <= expr - L * (1 - z)",
               lambda k: w[k] - expr[k] - bounds[k][0] * z[k] <= -bounds[k][0]),
        "lo": ("v >= expr - U * (1 - z)",
               lambda k: w[k] - expr[k] - bounds[k][1] * z[k] >= -bounds[k][1]),
    }
    for suffix, (doc, rule) in rows.items():
        b.add_component(
            f"{name}_{suffix}",
            pyo.Constraint(keys, rule=lambda b, *k, rule=rule: rule(k[0] if len(k) == 1 else k),
                           doc=f"{name}: {doc}"),
        )


def _finite(bounds: tuple[float, float], what: str) -> tuple[float, float]:
    if not all(math.isfinite(x) for x in bounds):
        msg = f"{what} has no finite bound from the data; funding needs one (docs/formulation.md, 17)"
        raise InstanceError(msg)
    return bounds


def add_funded_profit(b: Any, data: ModelData) -> None:
    """``v_funded_profit[p] = v_funded[p] * profit[p]`` on block (or model) ``b``: its bounds
    and the four ``funded_profit_*`` rows. Call after ``b.profit`` holds every part.

    Raises:
        InstanceError: a plant's profit has a term without a finite bound.
    """
    if b.component("v_funded_profit") is None:
        return
    keys = list(b.funded_plants)
    bounds = {
        p: _finite(expression_bounds(b.profit[p].expr, data),
                   f"plants.{p}.expansion.funding: the plant's profit")
        for p in keys
    }
    _mccormick(b, "funded_profit", b.v_funded_profit, b.v_funded, b.profit, keys, bounds)


def add_expansion_over_time(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """The rows of family 17 across the periods of multi-period model ``m`` (module
    docstring): ``v_added`` in each block, ``expansion_kept``, ``expansion_added``,
    ``expansion_outlay[p,t]`` and funding's ``funding_kept`` and ``funding_needs_module``."""
    ids = list(m.period_ids)
    blocks = [m.period[t] for t in ids if m.period[t].component("v_modules") is not None]
    if not blocks:
        return
    kept: dict[tuple, Any] = {}
    added: dict[tuple, Any] = {}
    fund_kept: dict[tuple, Any] = {}
    fund_start: dict[tuple, Any] = {}
    outlay: dict[tuple[str, str], list] = {}
    prev: Any = None
    for t in ids:
        b = m.period[t]
        if b.component("v_modules") is None:
            prev = None
            continue
        inst = hdata.data[t].instance
        b.v_added = pyo.Var(
            b.expansions, domain=pyo.NonNegativeIntegers,
            bounds=lambda b, *a: (0, b.v_modules[a].ub), doc="modules added in the period",
        )
        before = prev.v_modules if prev is not None else {}
        for a, x in b.v_modules.items():
            old = before[a] if a in before else None
            terms = [x, term(-1, b.v_added[a])]
            if old is not None:
                big = float(old.ub)
                kept[(*a, t)] = le([old, term(-1, x), term(big, _binary(b, a))], big)
                terms.append(term(-1, old))
            added[(*a, t)] = le(terms, 0)
            cost = expansion_spec(inst, a).investment_cost
            if cost:
                outlay.setdefault((a[1], t), []).append(term(cost, b.v_added[a]))
        if b.component("v_funded") is not None:
            had = prev.v_funded if prev is not None and prev.component("v_funded") else {}
            for p, z in b.v_funded.items():
                start = [z, term(-1, b.v_added[PLANT, p, ""])]
                if p in had:
                    fund_kept[p, t] = le([had[p], term(-1, z)], 0)
                    start.append(term(-1, had[p]))
                fund_start[p, t] = le(start, 0)
            _funded_modules_rows(b, {p: b.v_added[PLANT, p, ""] for p in b.funded_plants})
        prev = b
    _add_rows(m, "expansion_kept", kept, "v_modules[a,t] >= v_modules[a,t-1] - N_a (1 - u[a,t])")
    _add_rows(m, "expansion_added", added, "v_added[a,t] >= v_modules[a,t] - v_modules[a,t-1]")
    _add_rows(m, "funding_kept", fund_kept, "v_funded[p,t] >= v_funded[p,t-1]")
    _add_rows(m, "funding_needs_module", fund_start,
              "v_funded[p,t] - v_funded[p,t-1] <= v_added[p,t]")
    if outlay:
        m.expansion_outlay = pyo.Expression(
            list(outlay), rule=lambda m, p, t: linear(outlay[p, t]),
            doc="expansion_outlay[p,t] = sum_a I_a * v_added[a,t]",
        )


def _add_rows(m: Any, name: str, rows: dict[tuple, Any], doc: str) -> None:
    if rows:
        m.add_component(name, pyo.Constraint(list(rows), rule=lambda m, *k: rows[k], doc=doc))


def add_funded_npv(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """Funding in the net present value of multi-period model ``m`` (after ``m.outlay`` and
    ``m.salvage``, before ``m.npv_firm_profit``): each block's ``funded_profit`` rows,
    ``v_funded_outlay[p,t]`` and ``v_funded_salvage[p]`` with their rows."""
    ids = list(m.period_ids)
    funded = [(p, t) for t in ids if m.period[t].component("v_funded") is not None
              for p in m.period[t].funded_plants]
    if not funded:
        return
    for t in ids:
        add_funded_profit(m.period[t], hdata.data[t])
    m.funded_periods = pyo.Set(initialize=funded, dimen=2, ordered=True, doc="(p, t) funded")
    m.v_funded_outlay = pyo.Var(m.funded_periods, doc="v_funded[p,t] * outlay[p,t]")
    z = {(p, t): m.period[t].v_funded[p] for p, t in funded}
    bounds = {
        k: _finite(expression_bounds(m.outlay[k].expr, None),
                   f"plants.{k[0]}.expansion.funding: the plant's outlay in {k[1]}")
        for k in funded
    }
    _mccormick(m, "funded_outlay", m.v_funded_outlay, z, m.outlay, funded, bounds)
    last = ids[-1]
    at_end = [p for p, t in funded if t == last and not isinstance(m.salvage[p].expr, int | float)]
    if at_end:
        m.salvage_funded = pyo.Set(initialize=at_end, ordered=True)
        m.v_funded_salvage = pyo.Var(m.salvage_funded, doc="v_funded[p,T] * salvage[p]")
        zs = {p: m.period[last].v_funded[p] for p in at_end}
        sb = {p: _finite(expression_bounds(m.salvage[p].expr, None), f"salvage of {p}")
              for p in at_end}
        _mccormick(m, "funded_salvage", m.v_funded_salvage, zs, m.salvage, at_end, sb)


def funded_npv_terms(m: pyo.ConcreteModel, hdata: HorizonData, f: str) -> list:
    """The terms firm ``f``'s net present value gains from funding (module docstring)."""
    if m.component("funded_periods") is None:
        return []
    hz = hdata.horizon
    w, d = hz.operating_weight, hz.outlay_weight
    last = hz.ids[-1]
    out = []
    for p, t in m.funded_periods:
        delta = _deltas(m.period[t], hdata.data[t])[p].get(f, 0.0)
        if not delta:
            continue
        out.append(delta * w[t] * m.period[t].v_funded_profit[p])
        out.append(-delta * d[t] * m.v_funded_outlay[p, t])
        if t == last and m.component("salvage_funded") is not None and p in m.salvage_funded:
            out.append(delta * m.v_funded_salvage[p])
    return out
