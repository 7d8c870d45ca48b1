"""Build and solve: derived data, model, HiGHS, and the tie-breaking second stage.

:func:`solve_instance` is one instance's whole way to a :class:`gpnopt.results.Result`:
:func:`gpnopt.data.build_data`, :func:`gpnopt.model.build_model`, HiGHS
(:mod:`gpnopt.solver.highs`) and the result tables. An infeasible instance is explained by
the elastic diagnosis (:mod:`gpnopt.solver.diagnose`); a ``firm:F`` objective is solved
twice, the second stage choosing, among F's optimal solutions, the one best for the alliance.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import pyomo.environ as pyo

from gpnopt.data import ModelData, build_data
from gpnopt.errors import SolveError
from gpnopt.model import build_model
from gpnopt.results import make_result
from gpnopt.schema import Instance
from gpnopt.solver.diagnose import diagnose, unreachable_minimums
from gpnopt.solver.highs import KeptHighs, SolveOutcome, run_and_keep, run_highs

log = logging.getLogger(__name__)


class Keeper(Protocol):
    """What :func:`solve_instance` hands a kept model to (a :class:`ScenarioSolver`)."""

    def adopt(self, instance: Instance, model: pyo.ConcreteModel, kept: KeptHighs) -> None:
        """Keep ``model``, solved for ``instance``, and its HiGHS object for re-solves."""


def infeasible_error(name: str, lines: list[str]) -> SolveError:
    """A SolveError (exit 3) whose message lists the diagnosis."""
    text = "\n".join(f"  - {line}" for line in lines) or "  (no single culprit found)"
    msg = (
        f"{name}: the instance is infeasible. What cannot be met, and the smallest "
        f"relaxation of the limits that would make it feasible:\n{text}"
    )
    return SolveError(msg, "infeasible", exit_code=3)


def solve_instance(
    instance: Instance,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    scenario: str | None = None,
    keep: Keeper | None = None,
) -> Any:
    """Build, solve and tabulate ``instance``.

    Args:
        instance: a validated instance (:func:`gpnopt.load`).
        objective: ``alliance`` or ``firm:ID``; default the instance's own.
        time_limit: seconds HiGHS may run; ``None`` for no limit.
        mip_gap: relative MIP gap to stop at (default 1e-6).
        threads: HiGHS threads; ``None`` lets HiGHS choose.
        scenario: the scenario's name, recorded in the result.
        keep: a :class:`ScenarioSolver` that keeps the model and the HiGHS object for
            re-solves.

    Returns:
        A :class:`gpnopt.results.Result`.

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution (4).
        InstanceError: the objective names an unknown firm.
    """
    t0 = time.perf_counter()
    model, data, outcome, kept = build_and_run(
        instance,
        objective,
        time_limit,
        mip_gap,
        threads,
        keep=keep is not None,
        diagnose_infeasible=True,
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
) -> tuple[pyo.ConcreteModel, ModelData, SolveOutcome, KeptHighs | None]:
    """Build ``instance``'s model and solve it (``seconds``: build, solve).

    With ``keep`` the HiGHS object and the standard form come back too (``None`` for a
    ``firm:F`` objective, which is solved twice and never kept). With
    ``diagnose_infeasible`` an infeasible model is diagnosed (elastic re-solves) and the
    diagnosis is the error's message; without, the plain SolveError is raised.

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution (4).
    """
    t0 = time.perf_counter()
    data: ModelData = build_data(instance)
    unreachable = unreachable_minimums(data)
    if unreachable:
        raise infeasible_error(instance.name, unreachable)
    model = build_model(data, objective)
    t1 = time.perf_counter()
    firm_mode = model.objective_mode.startswith("firm:")
    kept = None
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "threads": threads}
    try:
        if not keep or firm_mode:  # a firm's objective is solved twice: never kept
            outcome = run_highs(model, name=instance.name, **options)
        else:
            outcome, kept = run_and_keep(model, name=instance.name, **options)
    except SolveError as exc:
        if exc.status != "infeasible" or not diagnose_infeasible:
            raise
        raise infeasible_error(instance.name, diagnose(data, objective, threads)) from None
    if firm_mode:
        outcome = break_ties_for_the_alliance(model, outcome, time_limit, mip_gap, threads)
    outcome.seconds = {
        "build": (t1 - t0) + outcome.seconds["handover"],
        "solve": outcome.seconds["solve"],
    }
    return model, data, outcome, kept


def break_ties_for_the_alliance(
    model: pyo.ConcreteModel,
    first: SolveOutcome,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
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
        second = run_highs(
            model, time_limit=time_limit, mip_gap=mip_gap, threads=threads, name="tie-break"
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
