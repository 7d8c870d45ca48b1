"""Family 14, periods: a multi-period network, its assets over time and the net present value.

Indices: t period (ordered; t-1 the one before), a asset ``(kind, id, sub)``, e profit centre,
f firm. Each period t is a block ``m.period[t]`` holding the variables and families 1-11 of
period t's data (:func:`gpnopt.model.families.add_families`, family 11 per period: revenue,
cost, profit[e], firm_profit[f], without capital charge): the formulation's v_is_open[p,t]
is ``m.period[t].v_is_open[p]``, profit[e,t] is ``m.period[t].profit[e]``. The operating
binary u[a,t] of an asset is its block's own binary (v_is_open, v_line_open, v_in_house,
v_channel_open, v_office_open). Across the periods (:mod:`gpnopt.horizon_data`):

    asset_state[a,t]:     u[a,t] - u[a,t-1] = v_build[a,t] - v_close[a,t]
                          (u[a,before the first] = 1 if a is existing, else 0)
    build_operates[a,t]:  v_build[a,t] <= u[a,t]
    close_stops[a,t]:     v_close[a,t] + u[a,t] <= 1
    u[a,t] = 0            a absent from period t or not available in it (fixed)

so a closed asset that operates again is built again (a new investment). Money (W_t the
operating weight, D_t the outlay weight of t, :class:`gpnopt.dynamics.Horizon`):

    outlay[e,t]     = sum_{a of e} (investment[a,t] * v_build[a,t] + closure_cost[a,t] * v_close[a,t])
                      + the families' outlays of e in t (gpnopt.model.parts.OUTLAYS:
                        learning_outlay[e,t], training programmes, ...)
    salvage[e]      = sum_{a of e, t} investment[a,t] * max(0, 1 - (Y_end - start_t) / n_a)
                      * (1+r)^-(Y_end - y0) * v_salvage[a,t]
    npv_profit[e]   = sum_t W_t * profit[e,t] - sum_t D_t * outlay[e,t] + salvage[e]
    npv_firm_profit[f] = sum_t sum_e share[f,e,t] * (W_t * profit[e,t] - D_t * outlay[e,t])
                         + sum_e share[f,e,T] * salvage[e]

v_salvage[a,t] in [0, 1] is the share of the build in t still operating at the horizon's
end: ``salvage_built[a,t]``: v_salvage[a,t] <= v_build[a,t] and ``salvage_kept[a,t]``:
v_salvage[a,t] + sum_{t' > t} v_close[a,t'] <= 1 (a closure after the build ends it; a
rebuild is credited on its own). Salvage goes to the owners at the end (period T). Without
``finance.salvage`` there is none. Rows:

    participation[f]:       npv_firm_profit[f] >= sum_t W_t * reservation_profit[f,t]
    capital_budget[f,t]:    sum_{a} share[f,e(a),t] * investment[a,t] * v_build[a,t]
                            (+ expansion modules added and funding, family 17,
                            + acquisition prices, family 26)
                            <= capital_budget[f,t]

Family 17 (:mod:`gpnopt.model.expansion`) adds to npv_firm_profit the change of equity that
partner funding brings (linearised), built here after the outlays and the salvage.

Objective (maximised): ``alliance``: sum_e npv_profit[e] (or sum_{f in F} npv_firm_profit[f]
when the objective names firms F); ``firm:F``: npv_firm_profit[F]. Profit floors
(:mod:`gpnopt.model.profit_floors`) bound npv_firm_profit. The families with rows across
the periods (:func:`gpnopt.model.families.add_over_time`: learning, ...) are added after
the blocks and the assets' state, before the money: they may add cost parts to the blocks
and outlays ``m.<name>[e, t]`` (money spent in t, undiscounted; :mod:`gpnopt.model.parts`),
which the outlays include.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.core as pyo

from gpnopt.data import paused_gc
from gpnopt.errors import InstanceError
from gpnopt.horizon_data import AssetKey, HorizonData
from gpnopt.model.acquisitions import acquisition_budget_terms
from gpnopt.model.expansion import (
    add_funded_npv,
    funded_npv_terms,
    funding_budget_terms,
    module_budget_terms,
)
from gpnopt.model.families import add_families, add_over_time
from gpnopt.model.ownership import add_ownership_and_objective
from gpnopt.model.parts import outlay_terms as family_outlays
from gpnopt.model.variables import release_build_state, var_tables

__all__ = [
    "NOT_CARRIED",
    "alliance_value",
    "build_period_model",
    "firm_value",
    "operating_binary",
]

NOT_CARRIED = ("v_salvage",)
"""Variables indexed by period that a myopic solve does not fix with the period (the salvage
of a build depends on the horizon's end, which moves with each myopic step)."""

_TABLE = {"plant": "is_open", "line": "line_open", "make": "in_house", "channel": "channel_open",
          "office": "office_open"}


def build_period_model(hdata: HorizonData, objective: str | None = None) -> pyo.ConcreteModel:
    """Build the multi-period model of ``hdata`` (module docstring).

    Args:
        hdata: derived data of every period (:func:`gpnopt.horizon_data.build_horizon_data`).
        objective: ``alliance`` or ``firm:ID``; ``None`` takes the instance's own.

    Returns:
        A concrete model with ``m.period_ids``, the blocks ``m.period[t]``, ``m.assets``,
        ``m.v_build``, ``m.v_close``, ``m.npv_profit[e]``, ``m.npv_firm_profit[f]``,
        ``m.objective`` (maximised), ``m.objective_mode`` and ``m.horizon``.

    Raises:
        InstanceError: the objective is neither ``alliance`` nor ``firm:`` a firm's id.
    """
    with paused_gc():
        m = pyo.ConcreteModel(name=hdata.instance.name)
        m.horizon = hdata.horizon
        ids = list(hdata.horizon.ids)
        m.period_ids = pyo.Set(initialize=ids, ordered=True, doc="periods t")
        m.period = pyo.Block(m.period_ids, doc="the network of period t")
        for t in ids:
            block = m.period[t]
            add_families(block, hdata.data[t])
            add_ownership_and_objective(block, hdata.data[t], per_period=True)
        add_asset_state(m, hdata)
        add_over_time(m, hdata)  # families with rows across the periods (learning, ...)
        add_npv(m, hdata)
        add_participation_and_budgets(m, hdata)
        add_npv_objective(m, hdata, objective)
        for t in ids:
            release_build_state(m.period[t])
        release_build_state(m)
        return m


def operating_binary(m: pyo.ConcreteModel, a: AssetKey, t: str) -> Any:
    """u[a,t]: the block's binary of asset ``a`` in period ``t``, or ``None`` if the block
    does not have the asset."""
    table = getattr(var_tables(m.period[t]), _TABLE[a[0]])
    return table.get(a[1] if a[0] in ("plant", "channel", "office") else (a[1], a[2]))


def add_asset_state(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """``m.assets``, ``m.v_build``, ``m.v_close`` and the state rows (module docstring)."""
    ids = list(hdata.horizon.ids)
    m.assets = pyo.Set(initialize=list(hdata.assets), dimen=3, ordered=True, doc="assets a")
    m.v_build = pyo.Var(m.assets, m.period_ids, domain=pyo.Binary, doc="a is built in t")
    m.v_close = pyo.Var(m.assets, m.period_ids, domain=pyo.Binary, doc="a closes in t")
    state: dict[tuple, Any] = {}
    operates: dict[tuple, Any] = {}
    stops: dict[tuple, Any] = {}
    for a, info in hdata.assets.items():
        before: Any = 1 if info.existing else 0
        for t in ids:
            u = operating_binary(m, a, t)
            if u is not None and not info.periods[t].usable:
                u.fix(0)
            off = u is None or u.fixed
            if off:
                u = 0
            build, close = m.v_build[(*a, t)], m.v_close[(*a, t)]
            state[(*a, t)] = u - before - build + close == 0
            if off:
                build.fix(0)
            else:
                operates[(*a, t)] = build <= u
                stops[(*a, t)] = close + u <= 1
            before = u
    m.asset_state = pyo.Constraint(
        list(state), rule=lambda m, *k: state[k], doc="u[a,t] - u[a,t-1] = v_build - v_close"
    )
    m.build_operates = pyo.Constraint(
        list(operates), rule=lambda m, *k: operates[k], doc="v_build[a,t] <= u[a,t]"
    )
    m.close_stops = pyo.Constraint(
        list(stops), rule=lambda m, *k: stops[k], doc="v_close[a,t] + u[a,t] <= 1"
    )


def _salvage_coefficients(hdata: HorizonData) -> dict[tuple, float]:
    """(a..., t) -> the salvage credit at y0 of a build of a in t (positive ones only)."""
    hz = hdata.horizon
    if not hz.finance.salvage or hz.end_year is None:
        return {}
    out: dict[tuple, float] = {}
    for a, info in hdata.assets.items():
        for t in hz.ids:
            inv = info.periods[t].investment
            start = hz.start[t]
            if not inv or start is None:
                continue
            left = max(0.0, 1.0 - (hz.end_year - start) / info.lifetime)
            if left > 0:
                out[(*a, t)] = inv * left * hz.end_weight
    return out


def add_npv(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """``m.outlay[e,t]``, salvage, ``m.npv_profit[e]`` and ``m.npv_firm_profit[f]``."""
    hz = hdata.horizon
    ids = list(hz.ids)
    entities = list(dict.fromkeys(e for t in ids for e in hdata.data[t].owners))
    m.entities = pyo.Set(initialize=entities, ordered=True, doc="profit centres e")
    m.firms = pyo.Set(initialize=list(hdata.instance.firms), ordered=True, doc="firms f")
    outlay_terms: dict[tuple[str, str], list] = defaultdict(list)
    for a, info in hdata.assets.items():
        for t in ids:
            per = info.periods[t]
            if per.investment:
                outlay_terms[info.entity, t].append(per.investment * m.v_build[(*a, t)])
            if per.closure:
                outlay_terms[info.entity, t].append(per.closure * m.v_close[(*a, t)])
    m.outlay = pyo.Expression(
        entities, ids,
        rule=lambda m, e, t: sum(outlay_terms.get((e, t), [])) + sum(family_outlays(m, e, t)),
        doc="outlay[e,t]: investment, closure and the families' outlays (training, ...) in t",
    )
    coefs = _salvage_coefficients(hdata)
    m.salvage_builds = pyo.Set(initialize=list(coefs), dimen=4, ordered=True)
    m.v_salvage = pyo.Var(m.salvage_builds, bounds=(0, 1), doc="build of a in t kept to the end")
    later = {t: ids[n + 1:] for n, t in enumerate(ids)}
    m.salvage_built = pyo.Constraint(
        m.salvage_builds, rule=lambda m, *k: m.v_salvage[k] <= m.v_build[k],
        doc="v_salvage[a,t] <= v_build[a,t]",
    )
    kept = [k for k in coefs if later[k[3]]]
    m.salvage_kept = pyo.Constraint(
        kept,
        rule=lambda m, *k: m.v_salvage[k] + sum(m.v_close[(*k[:3], u)] for u in later[k[3]]) <= 1,
        doc="v_salvage[a,t] + sum_{t'>t} v_close[a,t'] <= 1",
    )
    by_entity: dict[str, list] = defaultdict(list)
    for k, c in coefs.items():
        by_entity[hdata.assets[k[:3]].entity].append(c * m.v_salvage[k])
    m.salvage = pyo.Expression(
        entities, rule=lambda m, e: sum(by_entity.get(e, [])), doc="salvage[e] at y0"
    )
    w, d = hz.operating_weight, hz.outlay_weight

    def present(m, e, t):
        profit = m.period[t].profit[e] if e in m.period[t].entities else 0
        return w[t] * profit - d[t] * m.outlay[e, t]

    m.npv_profit = pyo.Expression(
        entities,
        rule=lambda m, e: sum(present(m, e, t) for t in ids) + m.salvage[e],
        doc="npv_profit[e] = sum_t W_t profit[e,t] - D_t outlay[e,t] + salvage[e]",
    )
    last = ids[-1]
    add_funded_npv(m, hdata)  # family 17: equity changed by funding, linearised

    def firm_npv(m, f):
        total = sum(funded_npv_terms(m, hdata, f))
        for t in ids:
            for e, own in hdata.owners(t).items():
                if own.get(f, 0) > 0:
                    total += own[f] * present(m, e, t)
        for e, own in hdata.owners(last).items():
            if own.get(f, 0) > 0 and by_entity.get(e):
                total += own[f] * m.salvage[e]
        return total

    m.npv_firm_profit = pyo.Expression(
        m.firms, rule=firm_npv, doc="npv_firm_profit[f] = sum_e share[f,e,t] * npv terms"
    )


def add_participation_and_budgets(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """Participation on the net present value and capital budgets per firm and period."""
    hz = hdata.horizon
    ids = list(hz.ids)
    insts = {t: hdata.data[t].instance for t in ids}
    reserve = {
        f: sum(
            hz.operating_weight[t] * (insts[t].firms[f].reservation_profit or 0.0) for t in ids
        )
        for f in hdata.instance.firms
        if any(insts[t].firms[f].reservation_profit is not None for t in ids)
    }
    if reserve:
        m.participation = pyo.Constraint(
            list(reserve),
            rule=lambda m, f: m.npv_firm_profit[f] >= reserve[f],
            doc="npv_firm_profit[f] >= sum_t W_t reservation_profit[f,t]",
        )
    rows: dict[tuple[str, str], Any] = {}
    for t in ids:
        for f, firm in insts[t].firms.items():
            if firm.capital_budget is None:
                continue
            owners = hdata.owners(t)
            used = [
                owners[info.entity].get(f, 0) * info.periods[t].investment * m.v_build[(*a, t)]
                for a, info in hdata.assets.items()
                if info.periods[t].investment and owners.get(info.entity, {}).get(f, 0) > 0
            ]
            for fam in (module_budget_terms, funding_budget_terms):  # family 17
                used += fam(m.period[t], hdata.data[t], f)
            used += acquisition_budget_terms(m, hdata, f, t)  # family 26: prices paid in t
            if used:
                rows[f, t] = sum(used) <= firm.capital_budget
    if rows:
        m.capital_budget = pyo.Constraint(
            list(rows), rule=lambda m, f, t: rows[f, t],
            doc="sum_a share[f,e,t] * investment[a,t] * v_build[a,t] <= capital_budget[f,t]",
        )


def add_npv_objective(m: pyo.ConcreteModel, hdata: HorizonData, objective: str | None) -> None:
    """``m.objective`` (the net present value, maximised) and ``m.objective_mode``.

    Raises:
        InstanceError: the objective is neither ``alliance`` nor ``firm:`` a firm's id.
    """
    inst = hdata.instance
    mode = objective or inst.objective.mode
    if mode == "alliance":
        if inst.objective.firms:
            expr = sum(m.npv_firm_profit[f] for f in inst.objective.firms)
        else:
            expr = alliance_value(m)
    elif mode.startswith("firm:") and mode[5:] in inst.firms:
        expr = m.npv_firm_profit[mode[5:]]
    else:
        msg = f"objective {mode!r}: must be 'alliance' or 'firm:ID' with a firm of the instance"
        raise InstanceError(msg)
    m.objective = pyo.Objective(expr=expr, sense=pyo.maximize, doc=f"maximise {mode} NPV")
    m.objective_mode = mode


def firm_value(m: pyo.ConcreteModel, firm: str) -> Any:
    """What ``firm`` earns in the model ``m``: its firm profit (one period) or the net present
    value of it (a multi-period model)."""
    if hasattr(m, "npv_firm_profit"):
        return m.npv_firm_profit[firm]
    return m.firm_profit[firm]


def alliance_value(m: pyo.ConcreteModel) -> Any:
    """What the whole network earns in ``m``: the sum of the profits (one period) or of the
    net present values of the profit centres (a multi-period model)."""
    if hasattr(m, "npv_profit"):
        return sum(m.npv_profit[e] for e in m.entities)
    return sum(m.profit[e] for e in m.entities)
