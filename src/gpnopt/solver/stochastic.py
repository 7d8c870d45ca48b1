"""Two-stage stochastic solves: the extensive form through HiGHS, and designs evaluated.

:func:`solve_extensive_form` builds the extensive form of sampled scenarios
(:func:`gpnopt.model.stochastic.build_extensive_form`: a block per scenario, built by the
one-period builder, the first stage linked by non-anticipativity rows) and solves it with
HiGHS as one MILP, the way every model is solved (:func:`gpnopt.solver.highs.run_highs`).
:func:`solve_design` solves one scenario with a design's first stage fixed (its second
stage only), or free (the scenario's own optimum, the wait-and-see value);
:class:`DesignSolver` does the same for a sequence of scenarios, re-using the model and the
HiGHS object when only costs and prices change (:class:`gpnopt.solver.ScenarioSolver`'s
re-solve, with the design's column bounds kept).

Why the extensive form and not a decomposition (progressive hedging): see
``docs/uncertainty.md``; on the case's sizes one MILP is solved in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyomo.core as pyo

from gpnopt.data import build_data
from gpnopt.model import build_model
from gpnopt.model.stochastic import FIRST_STAGE_FAMILIES, build_extensive_form, fix_design
from gpnopt.schema import Instance
from gpnopt.solver.diagnose import infeasible_error, unreachable_minimums
from gpnopt.solver.highs import SolveOutcome, run_and_keep, run_highs
from gpnopt.solver.persistent import ScenarioSolver, Solved, prices_in_rows, structure_signature

__all__ = ["DesignSolver", "StochasticSolve", "solve_design", "solve_extensive_form"]


@dataclass
class StochasticSolve:
    """The extensive form's solution.

    Attributes:
        design: first-stage key -> value (0/1, or modules), every key of the model.
        objective: the objective (expected profit, with risk the mean-risk value).
        expected_profit: sum_s pi_s * z_s at the solution.
        cvar: the CVaR of the profit at the solution (``None`` when risk neutral).
        scenario_profits: z_s for each scenario, in order.
        bound: HiGHS's dual bound on the objective.
        outcome: what HiGHS reported.
    """

    design: dict[str, float]
    objective: float
    expected_profit: float
    cvar: float | None
    scenario_profits: list[float]
    bound: float
    outcome: SolveOutcome


def solve_extensive_form(
    instances: Sequence[Instance],
    families: Sequence[str] = tuple(FIRST_STAGE_FAMILIES),
    *,
    risk: tuple[float, float] | None = None,
    design: Mapping[str, float] | None = None,
    mip_gap: float | None = None,
    time_limit: float | None = None,
    threads: int | None = 1,
) -> StochasticSolve:
    """Build and solve the extensive form of ``instances`` (one per scenario, equally likely).

    Args:
        instances: the scenarios, one-period instances of one network.
        families: the first-stage families.
        risk: ``(alpha, weight)`` of a CVaR term (``None``: expected profit).
        design: fix the first stage at this design (the second stage of every scenario is
            then optimised together, e.g. for the mean-value design's value).
        mip_gap, time_limit, threads: as for :func:`gpnopt.solver.solve_instance`.

    Raises:
        SolveError: infeasible (exit 3) or no solution (4).
    """
    datas = [build_data(inst) for inst in instances]
    for inst, data in zip(instances, datas, strict=True):
        unreachable = unreachable_minimums(data)
        if unreachable:
            raise infeasible_error(inst.name, unreachable)
    m = build_extensive_form(datas, families, risk=risk, design=design)
    outcome = run_highs(m, mip_gap=mip_gap, time_limit=time_limit, threads=threads,
                        name=f"{instances[0].name} (extensive form, {len(instances)} scenarios)")
    first = m.__dict__["first_stage"]
    return StochasticSolve(
        design={k: float(round(pyo.value(v))) for k, v in first.items()},
        objective=outcome.objective,
        expected_profit=float(pyo.value(m.expected_profit)),
        cvar=float(pyo.value(m.cvar)) if risk is not None else None,
        scenario_profits=[float(pyo.value(m.scenario_profit[s])) for s in m.scenarios],
        bound=outcome.bound,
        outcome=outcome,
    )


def solve_design(
    instance: Instance,
    design: Mapping[str, float] | None,
    families: Sequence[str] = tuple(FIRST_STAGE_FAMILIES),
    *,
    mip_gap: float | None = None,
    time_limit: float | None = None,
    threads: int | None = 1,
) -> Solved:
    """Solve ``instance`` with ``design``'s first stage fixed (``None``: free, the
    scenario's own optimum). The model is the one-period model of ``gpnopt.solve``.

    Raises:
        SolveError: infeasible with that design (exit 3) or no solution (4).
    """
    data = build_data(instance)
    unreachable = unreachable_minimums(data)
    if unreachable:
        raise infeasible_error(instance.name, unreachable)
    m = build_model(data)
    if design is not None:
        fix_design(m, design, families)
    outcome = run_highs(m, mip_gap=mip_gap, time_limit=time_limit, threads=threads,
                        name=instance.name)
    return Solved(m, data, outcome, reused=False)


class DesignSolver:
    """Solve scenarios with one design's first stage fixed (``None``: free), re-using the model.

    The first scenario (and any whose rows differ) is built with the design fixed
    (:func:`gpnopt.model.stochastic.fix_design`: column bounds) and handed to a
    :class:`gpnopt.solver.ScenarioSolver`; a later scenario that changes only costs and
    prices is re-solved on the same model and HiGHS object (new cost vector, the bounds
    stay, HiGHS from scratch), so its result equals :func:`solve_design`'s.

    Args:
        design: the first-stage design (key -> value), or ``None`` for the free optimum.
        families: the first-stage families the design names.
        mip_gap, time_limit, threads: per solve.
    """

    def __init__(
        self,
        design: Mapping[str, float] | None,
        families: Sequence[str] = tuple(FIRST_STAGE_FAMILIES),
        *,
        mip_gap: float | None = None,
        time_limit: float | None = None,
        threads: int | None = 1,
    ) -> None:
        self.design = None if design is None else dict(design)
        self.families = tuple(families)
        self.options = {"mip_gap": mip_gap, "time_limit": time_limit, "threads": threads}
        self.solver = ScenarioSolver(time_limit=time_limit, mip_gap=mip_gap, threads=threads,
                                     diagnose=False)
        self.signature: object = None

    def solve(self, instance: Instance) -> Solved:
        """Solve ``instance`` with the design fixed (module docstring).

        Raises:
            SolveError: infeasible with that design (exit 3) or no solution (4).
        """
        sig = structure_signature(instance)
        same = self.signature is not None and sig == self.signature
        if same and not prices_in_rows(instance, updated=True):
            solved = self.solver.solve_model(instance)
            if solved.reused or self.design is None:
                return solved
        if self.design is None:
            solved = self.solver.solve_model(instance)
            self.signature = sig
            return solved
        self.signature = None
        data = build_data(instance)
        unreachable = unreachable_minimums(data)
        if unreachable:
            raise infeasible_error(instance.name, unreachable)
        m = build_model(data)
        fix_design(m, self.design, self.families)
        outcome, kept = run_and_keep(m, name=instance.name, **self.options)
        self.solver.adopt(instance, m, kept, sig)
        self.signature = sig
        return Solved(m, data, outcome, reused=False)
