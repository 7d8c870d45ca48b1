"""Multi-period solves: perfect and myopic foresight (``docs/formulation.md``, Periods).

:func:`solve_horizon` builds and solves a multi-period instance's model
(:mod:`gpnopt.model.periods`):

- ``perfect`` foresight (the default): one MILP over all periods;
- ``myopic``: for each period t in order, the model of the periods up to t, its objective
  the net present value over them, with every earlier period's decisions (each block's
  variables, the builds and closures, and any other variable indexed by an earlier period)
  fixed at the previous solve's values; the last solve is the answer.

A ``firm:F`` objective is solved as in one period (:mod:`gpnopt.solver.pipeline`): every other
firm g is kept at least at its stand-alone value v({g}) (here the net present value of what g
earns on its own over the horizon, :func:`horizon_stand_alone_values`), and a second stage
chooses, among F's optima, the one best for the alliance. Myopic foresight takes a firm's
objective without participation only (for now): the stand-alone values would need myopic
paths of their own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any

import pyomo.core as pyo

from gpnopt.errors import InstanceError, SolveError
from gpnopt.horizon_data import HorizonData, build_horizon_data, refuse_periods
from gpnopt.model.coalition import add_coalition
from gpnopt.model.periods import NOT_CARRIED, alliance_value, build_period_model, firm_value
from gpnopt.model.profit_floors import add_profit_floors
from gpnopt.schema import Instance
from gpnopt.solver.diagnose import unreachable_minimums
from gpnopt.solver.highs import SolveOutcome
from gpnopt.solver.interfaces import run_model

log = logging.getLogger(__name__)

FORESIGHTS = ("perfect", "myopic")
"""The foresight modes of a multi-period solve."""

PARTICIPATION_SLACK = 1e-7
"""Relative slack of a participation floor (as in one period)."""


def check_foresight(foresight: str | None) -> str:
    """``foresight`` checked (``None``: ``perfect``).

    Raises:
        InstanceError: not one of :data:`FORESIGHTS`.
    """
    value = "perfect" if foresight is None else str(foresight)
    if value not in FORESIGHTS:
        msg = f"foresight {foresight!r}: use {' or '.join(FORESIGHTS)}"
        raise InstanceError(msg)
    return value


def solve_horizon(
    instance: Instance,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    *,
    foresight: str | None = None,
    participation: bool = True,
    solver: str = "highs",
) -> tuple[pyo.ConcreteModel, HorizonData, SolveOutcome]:
    """Build and solve the multi-period model of ``instance`` (module docstring).

    Returns:
        The solved model (its variables hold the solution), its data, and the outcome
        (``seconds``: build, solve; a myopic solve sums its steps).

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution (4).
        InstanceError: an unknown foresight or objective firm.
    """
    t0 = time.perf_counter()
    hdata = build_horizon_data(instance)
    model, outcome = solve_horizon_data(
        hdata, objective, time_limit, mip_gap, threads,
        foresight=foresight, participation=participation, solver=solver,
    )
    outcome.seconds["build"] += time.perf_counter() - t0 - sum(outcome.seconds.values())
    return model, hdata, outcome


def solve_horizon_data(
    hdata: HorizonData,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    *,
    foresight: str | None = None,
    participation: bool = True,
    solver: str = "highs",
) -> tuple[pyo.ConcreteModel, SolveOutcome]:
    """:func:`solve_horizon` from derived data (:func:`gpnopt.horizon_data.build_horizon_data`).

    ``solver``: ``highs`` or another of :data:`gpnopt.solver.interfaces.SOLVERS` (the
    stand-alone values of the participation floors stay on HiGHS).

    Returns:
        The solved model and the outcome.

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution (4).
        InstanceError: an unknown foresight or objective firm, or a myopic ``firm:F``
            objective with participation.
    """
    mode = check_foresight(foresight)
    instance = hdata.instance
    goal = objective or instance.objective.mode
    if mode == "myopic" and goal.startswith("firm:") and participation:
        msg = (
            f"{instance.name}: --foresight myopic with the objective {goal} works without "
            f"participation for now (--no-participation, participation=False): the other "
            f"firms' stand-alone values would need a myopic path of their own"
        )
        raise InstanceError(msg)
    for t, data in hdata.data.items():
        unreachable = unreachable_minimums(data)
        if unreachable:
            text = "\n".join(f"  - {line}" for line in unreachable)
            msg = f"{instance.name}: period {t} is infeasible:\n{text}"
            raise SolveError(msg, "infeasible", exit_code=3)
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "threads": threads}
    n_periods = len(hdata.horizon.ids)
    steps = range(1, n_periods + 1) if mode == "myopic" else range(n_periods, n_periods + 1)
    model: pyo.ConcreteModel | None = None
    outcome: SolveOutcome | None = None
    seconds = {"build": 0.0, "solve": 0.0}
    for n in steps:
        part = hdata.first_periods(n)
        previous = model
        t1 = time.perf_counter()
        model = build_period_model(part, objective)
        if previous is not None:
            carry_decisions(previous, model)
        seconds["build"] += time.perf_counter() - t1
        outcome = _solve_step(model, part, participation, {**options, "solver": solver})
        seconds["build"] += outcome.seconds["handover"]
        seconds["solve"] += outcome.seconds["solve"]
    assert model is not None
    assert outcome is not None
    outcome.seconds = seconds
    return model, outcome


def _solve_step(
    model: pyo.ConcreteModel,
    hdata: HorizonData,
    participation: bool,
    options: dict[str, Any],
) -> SolveOutcome:
    """Solve one model of a horizon (with the floors and tie-break of a firm objective)."""
    instance = hdata.instance
    name = instance.name
    firm_mode = model.objective_mode.startswith("firm:")
    floors: dict[str, float] = {}
    if firm_mode and participation:
        firm = model.objective_mode[5:]
        others = [g for g in instance.firms if g != firm]
        helper = {k: v for k, v in options.items() if k != "solver"}  # floors: HiGHS
        values = horizon_stand_alone_values(hdata, others, **helper)
        floors = {g: v - PARTICIPATION_SLACK * max(1.0, abs(v)) for g, v in values.items()}
        add_profit_floors(model, floors)
    try:
        outcome = run_model(model, name=name, **options)
    except SolveError as exc:
        if exc.status != "infeasible":
            raise
        why = (
            "no network gives every other firm at least its stand-alone value; "
            "solve without participation (--no-participation) or with the alliance objective"
            if floors
            else "the infeasibility diagnosis works on one-period instances for now"
        )
        msg = f"{name}: the instance is infeasible ({why})"
        raise SolveError(msg, "infeasible", exit_code=3) from None
    if firm_mode:
        outcome = _break_ties(model, outcome, options)
    return outcome


def _break_ties(model: pyo.ConcreteModel, first: SolveOutcome, options: dict[str, Any]) -> SolveOutcome:
    """Among ``firm:F``'s optima, the one best for the alliance (as in one period)."""
    firm = model.objective_mode[5:]
    model.firm_optimum = pyo.Constraint(expr=firm_value(model, firm) >= first.objective)
    model.objective.deactivate()
    model.alliance_objective = pyo.Objective(expr=alliance_value(model), sense=pyo.maximize)
    try:
        second = run_model(model, name="tie-break", **options)
    except SolveError:
        log.warning("the alliance tie-break of %s failed; decisions may be arbitrary", firm)
        second = None
    finally:
        model.del_component(model.alliance_objective)
        model.del_component(model.firm_optimum)
        model.objective.activate()
    if second is None:
        return first
    second.objective = float(pyo.value(firm_value(model, firm)))
    second.bound, second.mip_gap = first.bound, first.mip_gap
    if first.status != "optimal":
        second.status, second.highs_status = first.status, first.highs_status
    second.seconds = {
        key: first.seconds[key] + second.seconds[key] for key in ("handover", "solve")
    }
    return second


def carry_decisions(previous: pyo.ConcreteModel, model: pyo.ConcreteModel) -> None:
    """Fix in ``model`` every decision of the periods ``previous`` covers, at its value there:
    the blocks' variables and the variables indexed by those periods (except
    :data:`gpnopt.model.periods.NOT_CARRIED`).

    Integers are fixed at their rounded values. Continuous values (flows, outputs) are held
    by bounds within :data:`CARRY_TOLERANCE` (relative) of the earlier solve's, not fixed
    exactly: a row whose every variable is fixed is checked exactly when the model is
    compiled, and the earlier solve's values meet the rows only up to HiGHS's tolerances.
    """
    done = set(previous.period_ids)
    for t in done:
        old, new = previous.period[t], model.period[t]
        for comp in old.component_objects(pyo.Var, descend_into=True):
            target = new.find_component(comp.getname(fully_qualified=True, relative_to=old))
            for idx, var in comp.items():
                _fix(target[idx], var)
    for comp in previous.component_objects(pyo.Var, descend_into=False):
        if comp.local_name in NOT_CARRIED:
            continue
        target = model.find_component(comp.local_name)
        for idx, var in comp.items():
            last = idx[-1] if isinstance(idx, tuple) else idx
            if last in done:
                _fix(target[idx], var)


CARRY_TOLERANCE = 1e-4
"""Relative width of the bounds that hold a carried continuous value (see
:func:`carry_decisions`; 1e-6 is too tight for the timeline case, whose earlier solves meet
some rows only to HiGHS's tolerances)."""


def _fix(target: Any, source: Any) -> None:
    """Hold ``target`` at ``source``'s value: an integer fixed at its rounded value, a
    continuous variable within :data:`CARRY_TOLERANCE` (relative) of it."""
    value = source.value if source.value is not None else 0.0
    if source.is_integer() or source.is_binary():
        target.fix(round(value))
        return
    if target.fixed:
        return
    width = CARRY_TOLERANCE * max(1.0, abs(value))
    lower, upper = value - width, value + width
    if target.lb is not None:
        lower = max(lower, target.lb)
    if target.ub is not None:
        upper = min(upper, target.ub)
    target.setlb(lower)
    target.setub(max(lower, upper))


def horizon_stand_alone_values(
    hdata: HorizonData,
    firms: Collection[str],
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
) -> dict[str, float]:
    """v({g}) over the horizon for each firm g: the best net present value of g's
    equity-weighted profits using only what g may use on its own in each period
    (:mod:`gpnopt.model.coalition`), market minimums not held (a coalition short of a firm
    is not held to them)."""
    values: dict[str, float] = {}
    for g in firms:
        model = build_period_model(hdata, f"firm:{g}")
        for t in model.period_ids:
            block = model.period[t]
            add_coalition(block, hdata.data[t], [g])
            minimum = getattr(block, "demand_minimum", None)
            if minimum is not None:
                minimum.deactivate()
        outcome = run_model(
            model, time_limit=time_limit, mip_gap=mip_gap, threads=threads, name=f"v({g})"
        )
        values[g] = outcome.objective
    return values


__all__ = [
    "FORESIGHTS",
    "carry_decisions",
    "check_foresight",
    "horizon_stand_alone_values",
    "refuse_periods",
    "solve_horizon",
    "solve_horizon_data",
]

