"""Family 28, two-stage stochastic programs: the extensive form over sampled scenarios.

Indices: s a scenario (0..N-1, probability pi_s, 1/N for a sample), k a first-stage key
(a decision of a first-stage family: ``plants:P`` is v_is_open[P], ``lines:P:i``
v_line_open[P,i], ``in_house:P:k`` v_in_house[P,k], ``channels:H`` v_channel_open[H],
``offices:O`` v_office_open[O], ``expansions:KIND:P:SUB`` v_modules[(KIND,P,SUB)] and
``expansions:funded:P`` v_funded[P]). Each scenario is a block ``m.scenario[s]`` built by
the one-period builder's own families (:func:`gpnopt.model.families.add_families`,
:func:`~gpnopt.model.families.add_single_period`, family 11 with its objective, which is
deactivated): the block's v_is_open[p] is x_s[plants:p], its objective expression z_s the
scenario's profit (alliance: the sum of the profits). The first stage is one variable per
key, x[k] (the domain and bounds of the blocks' variable), linked to every scenario:

    nonanticipativity[s,k]:  x_s[k] - x[k] = 0        (k a decision of scenario s's block)

so every scenario runs the same plants, lines, in-house makes, channels, offices and
expansion modules; flows, sales, outputs and every other variable (transfer-price levels,
volume-discount tiers, ...) are the scenario's own second stage.

Objective (maximised), risk neutral: the expected profit

    expected_profit = sum_s pi_s * z_s

With a CVaR term (confidence level alpha in (0, 1), weight w in [0, 1]): the conditional
value at risk of the profit, the expected profit in the worst (1 - alpha) share of the
scenarios (Rockafellar and Uryasev 2000, for a lower tail), with the value at risk eta free
and the shortfalls v_shortfall[s] >= 0:

    cvar_shortfall[s]:  v_shortfall[s] + z_s - eta >= 0
    cvar = eta - 1 / (1 - alpha) * sum_s pi_s * v_shortfall[s]
    objective = (1 - w) * expected_profit + w * cvar

At the optimum eta is the alpha-quantile of the worst profits (value at risk) and cvar the
mean below it. A design can be fixed (:func:`fix_design`): the first-stage variables get
lower = upper = the design's value, so that only the second stage is optimised (the
evaluation of a design on a scenario, the mean-value design's value).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData, paused_gc
from gpnopt.model.families import add_families, add_single_period
from gpnopt.model.ownership import add_ownership_and_objective
from gpnopt.model.variables import release_build_state

__all__ = [
    "FIRST_STAGE_FAMILIES",
    "build_extensive_form",
    "design_key",
    "first_stage_variables",
    "fix_design",
    "fix_design_first",
]

FIRST_STAGE_FAMILIES: dict[str, tuple[str, ...]] = {
    "plants": ("v_is_open",),
    "lines": ("v_line_open",),
    "in_house": ("v_in_house",),
    "channels": ("v_channel_open",),
    "offices": ("v_office_open",),
    "expansions": ("v_modules", "v_funded"),
}
"""First-stage families and the variables of each (all of them by default)."""


def design_key(family: str, var: str, index: Any) -> str:
    """The key of one first-stage decision: ``lines:JP_TM:tm_lathe_high``.

    v_funded[P] of the expansions is ``expansions:funded:P`` (modules are
    ``expansions:plant:P:`` with the asset's kind, plant and sub-key).
    """
    parts = list(index) if isinstance(index, tuple) else [index]
    if var == "v_funded":
        parts = ["funded", *parts]
    return ":".join([family, *map(str, parts)])


def first_stage_variables(
    m: pyo.ConcreteModel | pyo.Block, families: Sequence[str]
) -> dict[str, Any]:
    """The first-stage decisions of model or block ``m``, key -> variable, in family order."""
    out: dict[str, Any] = {}
    for fam in families:
        for name in FIRST_STAGE_FAMILIES[fam]:
            comp = getattr(m, name, None)
            if comp is None:
                continue
            for idx, v in comp.items():
                out[design_key(fam, name, idx)] = v
    return out


def fix_design(m: pyo.ConcreteModel | pyo.Block, design: Mapping[str, float],
               families: Sequence[str]) -> int:
    """Fix the first-stage decisions of ``m`` (of ``families``) named in ``design`` at their
    values (lower = upper bound; the columns stay in the model). Returns how many were fixed.

    A decision of ``m`` that ``design`` does not name is fixed at 0 (the design does not
    take it).
    """
    n = 0
    for key, v in first_stage_variables(m, families).items():
        value = float(round(design.get(key, 0.0)))
        v.setlb(value)
        v.setub(value)
        n += 1
    return n


def _add_scenario(b: pyo.Block, data: ModelData, objective: str | None) -> None:
    """Scenario block ``b``: the one-period model of ``data``, its objective deactivated."""
    add_families(b, data)
    add_single_period(b, data)
    add_ownership_and_objective(b, data, objective)
    b.objective.deactivate()
    release_build_state(b)


def build_extensive_form(
    datas: Sequence[ModelData],
    families: Sequence[str] = tuple(FIRST_STAGE_FAMILIES),
    *,
    objective: str | None = None,
    probabilities: Sequence[float] | None = None,
    risk: tuple[float, float] | None = None,
    design: Mapping[str, float] | None = None,
) -> pyo.ConcreteModel:
    """The extensive form of the scenarios ``datas`` (module docstring).

    Args:
        datas: one derived data per scenario (:func:`gpnopt.data.build_data`), one-period
            instances with the same first-stage decisions.
        families: the first-stage families (keys of :data:`FIRST_STAGE_FAMILIES`).
        objective: ``alliance`` (the default; a ``firm:`` objective is solved in two stages
            elsewhere and is not offered here).
        probabilities: pi_s (default 1/N each).
        risk: ``(alpha, weight)`` of a CVaR term, or ``None`` (risk neutral).
        design: fix the first stage at this design (:func:`fix_design`).

    Returns:
        A concrete model with blocks ``m.scenario[s]``, ``m.v_first[k]``,
        ``m.scenario_profit[s]`` (z_s), ``m.expected_profit``, ``m.cvar`` (with risk),
        ``m.objective`` (maximised) and ``m.objective_mode``; the keys' variables as
        ``m.__dict__["first_stage"]`` (key -> first-stage variable).
    """
    n = len(datas)
    pis = [1.0 / n] * n if probabilities is None else [float(p) for p in probabilities]
    with paused_gc():
        m = pyo.ConcreteModel(name=datas[0].instance.name)
        m.scenarios = pyo.Set(initialize=range(n), ordered=True, doc="scenarios s")
        m.scenario = pyo.Block(m.scenarios, doc="the network of scenario s")
        for s in range(n):
            _add_scenario(m.scenario[s], datas[s], objective)
        _add_first_stage(m, families)
        m.scenario_profit = pyo.Expression(
            m.scenarios, rule=lambda m, s: m.scenario[s].objective.expr,
            doc="z_s: the profit of scenario s",
        )
        m.expected_profit = pyo.Expression(
            expr=sum(pis[s] * m.scenario_profit[s] for s in range(n)),
            doc="sum_s pi_s * z_s",
        )
        expr = m.expected_profit
        if risk is not None:
            expr = _add_cvar(m, pis, *risk)
        m.objective = pyo.Objective(expr=expr, sense=pyo.maximize, doc="maximise the value")
        m.objective_mode = m.scenario[0].objective_mode
        if design is not None:
            fix_design_first(m, design)
        release_build_state(m)
        return m


def _add_first_stage(m: pyo.ConcreteModel, families: Sequence[str]) -> None:
    """x[k] for every key of any scenario, and the non-anticipativity rows."""
    per_scenario = [first_stage_variables(m.scenario[s], families) for s in m.scenarios]
    keys: dict[str, Any] = {}
    for vs in per_scenario:
        for k, v in vs.items():
            keys.setdefault(k, v)
    m.first_stage_keys = pyo.Set(initialize=list(keys), ordered=True, doc="first-stage keys k")
    m.v_first = pyo.Var(
        m.first_stage_keys,
        domain=lambda m, k: keys[k].domain,
        bounds=lambda m, k: keys[k].bounds,
        doc="x[k]: the first-stage decision k, shared by every scenario",
    )
    pairs = [(s, k) for s, vs in enumerate(per_scenario) for k in vs]

    @m.Constraint(pairs, doc="x_s[k] - x[k] = 0")
    def nonanticipativity(m, s, k):
        return per_scenario[s][k] - m.v_first[k] == 0

    m.__dict__["first_stage"] = {k: m.v_first[k] for k in keys}


def fix_design_first(m: pyo.ConcreteModel, design: Mapping[str, float]) -> None:
    """Fix x[k] of extensive form ``m`` at ``design`` (0 for a key the design leaves out)."""
    for k, v in m.__dict__["first_stage"].items():
        value = float(round(design.get(k, 0.0)))
        v.setlb(value)
        v.setub(value)


def _add_cvar(m: pyo.ConcreteModel, pis: list[float], alpha: float, weight: float) -> Any:
    """eta, v_shortfall[s], the rows cvar_shortfall[s] and ``m.cvar``; the objective's
    expression (1 - w) * expected_profit + w * cvar."""
    m.v_value_at_risk = pyo.Var(domain=pyo.Reals, doc="eta: the value at risk of the profit")
    m.v_shortfall = pyo.Var(m.scenarios, domain=pyo.NonNegativeReals,
                            doc="the profit's shortfall below eta in scenario s")

    @m.Constraint(m.scenarios, doc="v_shortfall[s] + z_s - eta >= 0")
    def cvar_shortfall(m, s):
        return m.v_shortfall[s] + m.scenario_profit[s] - m.v_value_at_risk >= 0

    m.cvar = pyo.Expression(
        expr=m.v_value_at_risk
        - sum(pis[s] * m.v_shortfall[s] for s in m.scenarios) / (1.0 - alpha),
        doc="eta - 1/(1-alpha) * sum_s pi_s * v_shortfall[s]",
    )
    return (1.0 - weight) * m.expected_profit + weight * m.cvar
