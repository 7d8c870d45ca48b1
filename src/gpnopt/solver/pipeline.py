"""Build and solve: derived data, model, HiGHS, and the tie-breaking second stage.

:func:`solve_instance` is one instance's whole way to a :class:`gpnopt.results.Result`:
:func:`gpnopt.data.build_data`, :func:`gpnopt.model.build_model`, HiGHS
(:mod:`gpnopt.solver.highs`) and the result tables. An infeasible instance is explained by
the elastic diagnosis (:mod:`gpnopt.solver.diagnose`); a ``firm:F`` objective is solved
twice, the second stage choosing, among F's optimal solutions, the one best for the alliance.

With participation (the default) a ``firm:F`` objective keeps every other firm g at least at
its stand-alone value v({g}) (``profit_floor[g]``, :mod:`gpnopt.model.profit_floors`), computed
first on the coalition {g} (:func:`gpnopt.solver.coalition.stand_alone_values`); without, F
decides everything.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import pyomo.core as pyo

from gpnopt.data import ModelData, build_data
from gpnopt.errors import SolveError
from gpnopt.model import build_model
from gpnopt.model.profit_floors import add_profit_floors
from gpnopt.results import make_result
from gpnopt.schema import Instance
from gpnopt.solver.coalition import stand_alone_values
from gpnopt.solver.diagnose import diagnose, infeasible_error, unreachable_minimums
from gpnopt.solver.highs import KeptHighs, SolveOutcome, run_and_keep, run_highs
from gpnopt.solver.horizon import check_foresight, refuse_periods, solve_horizon
from gpnopt.solver.interfaces import check_solver, run_model

log = logging.getLogger(__name__)


class Keeper(Protocol):
    """What :func:`solve_instance` hands a kept model to (a :class:`ScenarioSolver`)."""

    def adopt(self, instance: Instance, model: pyo.ConcreteModel, kept: KeptHighs) -> None:
        """Keep ``model``, solved for ``instance``, and its HiGHS object for re-solves."""


def solve_instance(
    instance: Instance,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    scenario: str | None = None,
    keep: Keeper | None = None,
    participation: bool = True,
    foresight: str | None = None,
    solver: str | None = None,
) -> Any:
    """Build, solve and tabulate ``instance``.

    A multi-period instance (``periods:``) is solved by
    :func:`gpnopt.solver.horizon.solve_horizon` with ``foresight``.

    Args:
        instance: a validated instance (:func:`gpnopt.load`).
        objective: ``alliance`` or ``firm:ID``; default the instance's own.
        time_limit: seconds HiGHS may run; ``None`` for no limit.
        mip_gap: relative MIP gap to stop at (default 1e-6).
        threads: HiGHS threads; ``None`` lets HiGHS choose.
        scenario: the scenario's name, recorded in the result.
        keep: a :class:`ScenarioSolver` that keeps the model and the HiGHS object for
            re-solves.
        participation: with a ``firm:F`` objective, keep every other firm at least at its
            stand-alone value (``False``: F decides everything).
        foresight: ``perfect`` (default) or ``myopic``, for a multi-period instance.
        solver: ``highs`` (default) or another of :data:`gpnopt.solver.interfaces.SOLVERS`
            (no model is kept then: ``keep`` must be ``None``).

    Returns:
        A :class:`gpnopt.results.Result`.

    Raises:
        SolveError: infeasible (``exit_code`` 3), no solution (4), or a solver that is
            unknown or not installed (2).
        InstanceError: the objective names an unknown firm, an unknown foresight, or a
            multi-period instance given to a ScenarioSolver.
    """
    t0 = time.perf_counter()
    check_foresight(foresight)
    solver = check_solver(solver)
    if solver != "highs":
        keep = None  # only a HiGHS object is kept for re-solves
    if instance.periods:
        if keep is not None:
            refuse_periods(instance, "re-solving scenarios (ScenarioSolver)")
        model, hdata, outcome = solve_horizon(
            instance, objective, time_limit, mip_gap, threads,
            foresight=foresight, participation=participation, solver=solver,
        )
        t2 = time.perf_counter()
        result = make_result(model, hdata, outcome, scenario=scenario or "base")
        result.seconds["total"] = time.perf_counter() - t0
        result.seconds["results"] = time.perf_counter() - t2
        return result
    model, data, outcome, kept = build_and_run(
        instance,
        objective,
        time_limit,
        mip_gap,
        threads,
        keep=keep is not None,
        diagnose_infeasible=True,
        participation=participation,
        solver=solver,
    )
    if keep is not None and kept is not None:
        keep.adopt(instance, model, kept)
    t2 = time.perf_counter()
    result = make_result(model, data, outcome, scenario=scenario or "base")
    result.seconds["total"] = time.perf_counter() - t0
    result.seconds["results"] = time.perf_counter() - t2
    return result


def build_and_run(
    instance: Instance,
    objective: str | None,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    *,
    keep: bool,
    diagnose_infeasible: bool,
    participation: bool = True,
    solver: str = "highs",
) -> tuple[pyo.ConcreteModel, ModelData, SolveOutcome, KeptHighs | None]:
    """Build ``instance``'s model and solve it (``seconds``: build, solve).

    With ``keep`` the HiGHS object and the standard form come back too (``None`` for a
    ``firm:F`` objective, which is solved twice and never kept). With
    ``diagnose_infeasible`` an infeasible model is diagnosed (elastic re-solves) and the
    diagnosis is the error's message; without, the plain SolveError is raised. With
    ``participation`` a ``firm:F`` objective gets a profit floor v({g}) for every other firm g.
    ``solver`` other than ``highs`` solves through :mod:`gpnopt.solver.interfaces` and keeps
    nothing (the floors and the diagnosis stay on HiGHS).

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution (4).
    """
    t0 = time.perf_counter()
    data: ModelData = build_data(instance)
    unreachable = unreachable_minimums(data)
    if unreachable:
        raise infeasible_error(instance.name, unreachable)
    model = build_model(data, objective)
    firm_mode = model.objective_mode.startswith("firm:")
    floors = {}
    if firm_mode and participation:
        floors = participation_floors(instance, model.objective_mode[5:], time_limit, mip_gap, threads)
        add_profit_floors(model, floors)
    t1 = time.perf_counter()
    kept = None
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "threads": threads}
    try:
        if solver != "highs":
            outcome = run_model(model, solver=solver, name=instance.name, **options)
        elif not keep or firm_mode:  # a firm's objective is solved twice: never kept
            outcome = run_highs(model, name=instance.name, **options)
        else:
            outcome, kept = run_and_keep(model, name=instance.name, **options)
    except SolveError as exc:
        if exc.status != "infeasible" or not (diagnose_infeasible or floors):
            raise
        lines = diagnose(data, objective, threads) if diagnose_infeasible else []
        if floors and not lines:
            raise participation_error(instance.name, model.objective_mode[5:], floors) from None
        raise infeasible_error(instance.name, lines) from None
    if firm_mode:
        outcome = break_ties_for_the_alliance(
            model, outcome, time_limit, mip_gap, threads, solver=solver
        )
    outcome.seconds = {
        "build": (t1 - t0) + outcome.seconds["handover"],
        "solve": outcome.seconds["solve"],
    }
    return model, data, outcome, kept


PARTICIPATION_SLACK = 1e-7
"""Relative slack of a participation floor (v({g}) is an incumbent's value: the floor must
not cut that very solution off by rounding)."""


def participation_floors(
    instance: Instance,
    firm: str,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
) -> dict[str, float]:
    """The floor of every firm other than ``firm``: its stand-alone value v({g}), less a
    rounding slack of :data:`PARTICIPATION_SLACK` (relative)."""
    others = [g for g in instance.firms if g != firm]
    if firm not in instance.firms or not others:
        return {}
    values = stand_alone_values(
        instance, others, time_limit=time_limit, mip_gap=mip_gap, threads=threads
    )
    return {g: v - PARTICIPATION_SLACK * max(1.0, abs(v)) for g, v in values.items()}


def participation_error(name: str, firm: str, floors: dict[str, float]) -> SolveError:
    """A SolveError (exit 3): no decision gives every other firm its stand-alone value."""
    shown = ", ".join(f"{g} >= {v:,.6g}" for g, v in floors.items())
    msg = (
        f"{name}: with objective firm:{firm}, no network gives every other firm at least its "
        f"stand-alone value ({shown}). Solve without participation (--no-participation, "
        f"participation=False) for {firm} deciding everything, or with the alliance objective."
    )
    return SolveError(msg, "infeasible", exit_code=3)


def break_ties_for_the_alliance(
    model: pyo.ConcreteModel,
    first: SolveOutcome,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    solver: str = "highs",
) -> SolveOutcome:
    """Second stage of a ``firm:F`` objective: among the solutions that give F its optimum,
    the one best for the alliance.

    F's objective leaves every decision that does not touch F's profit free, so without this
    stage other firms' plants would do arbitrary things. The stage keeps
    ``firm_profit[F] >= optimum`` and maximises the sum of all profits (should HiGHS find
    that row infeasible by rounding, the first stage's solution stands); the
    result still reports F's profit as the objective, with the first stage's bound and gap.
    """
    firm = model.objective_mode[5:]
    floor = first.objective  # HiGHS's feasibility tolerance (1e-7) is the only slack
    model.firm_optimum = pyo.Constraint(expr=model.firm_profit[firm] >= floor)
    primary = model.objective
    primary.deactivate()
    model.alliance_objective = pyo.Objective(
        expr=sum(model.profit[e] for e in model.entities), sense=pyo.maximize
    )
    try:
        second = run_model(
            model, solver=solver, time_limit=time_limit, mip_gap=mip_gap, threads=threads,
            name="tie-break",
        )
    except SolveError:  # cannot happen in exact arithmetic: keep the first stage's solution
        log.warning("the alliance tie-break of %s failed; decisions may be arbitrary", firm)
        second = None
    finally:
        model.del_component(model.alliance_objective)
        model.del_component(model.firm_optimum)
        primary.activate()
    if second is None:
        return first
    second.objective = float(pyo.value(model.firm_profit[firm]))
    second.bound, second.mip_gap = first.bound, first.mip_gap
    if first.status != "optimal":
        second.status, second.highs_status = first.status, first.highs_status
    second.seconds = {
        "handover": first.seconds["handover"] + second.seconds["handover"],
        "solve": first.seconds["solve"] + second.seconds["solve"],
    }
    return second
