"""Robust design: one network across sampled scenarios, with statistical bounds.

A two-stage stochastic program solved by sample average approximation (SAA; Santoso et al.
2005; ``docs/uncertainty.md``). The first stage (by default every plant, line, in-house make,
channel, office and expansion) is decided once; the second stage (flows, sales, outputs,
every other variable) per scenario. The scenarios are the sweep's Monte Carlo draws of the
instance (:mod:`gpnopt.sweep`'s perturbation language and seeding). The pieces, in order:

* **Spec** (:mod:`gpnopt.robust.spec`): :class:`RobustSpec` (N samples, M replications, K
  evaluation draws, the noise, the first-stage families, a CVaR term :class:`Risk`).
* **Draws** (:mod:`gpnopt.robust.draws`): :func:`make_robust_plan`, one sweep plan of
  ``M * N + K`` draws; replication r owns draws ``r*N ...``, the evaluation the last K.
* **Tasks** (:mod:`gpnopt.robust.tasks`): each replication's extensive form
  (:func:`gpnopt.solver.solve_extensive_form`), the mean-value scenario's, and the candidate
  designs evaluated on the evaluation draws (second stage only); here, on local processes
  or on Dask, with the same numbers.
* **Bounds and report** (:mod:`gpnopt.robust.bounds`, :mod:`gpnopt.robust.report`): the
  optimistic and pessimistic bounds, the gap and its 95% interval, VSS, EVPI, the design
  against the mean-value design and the out-of-sample frequencies: :class:`RobustRun`.

``gpnopt.robust`` is reached like ``gpnopt.sweep`` (``import gpnopt.robust``); the package
is also callable: ``gpnopt.robust(path, samples=50)`` is :func:`robust_design`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gpnopt.callable import make_callable
from gpnopt.robust.draws import RobustPlan, draw_instance, make_robust_plan, mean_instance
from gpnopt.robust.report import RobustRun
from gpnopt.robust.run import MEAN_VALUE, WAIT_AND_SEE, run_robust
from gpnopt.robust.spec import Risk, RobustError, RobustSpec, parse_families

__all__ = [
    "MEAN_VALUE",
    "WAIT_AND_SEE",
    "Risk",
    "RobustError",
    "RobustPlan",
    "RobustRun",
    "RobustSpec",
    "draw_instance",
    "make_robust_plan",
    "mean_instance",
    "parse_families",
    "robust_design",
    "run_robust",
]


def robust_design(
    path: str | Path,
    *,
    samples: int,
    replications: int = 10,
    evaluate: int = 500,
    perturb: Iterable[str] = (),
    first_stage: str | Iterable[str] | None = None,
    risk: str | None = None,
    scenario: str | None = None,
    scenario_files: Iterable[str | Path] = (),
    seed: int = 0,
    mip_gap: float | None = None,
    time_limit: float | None = None,
    wait_and_see: bool = True,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Any = None,
) -> RobustRun:
    """One design of ``path``'s network across sampled scenarios, with SAA bounds.

    Args:
        path: the instance file (one period, alliance objective).
        samples: N, scenarios per replication.
        replications: M, independent replications (the optimistic bound's spread).
        evaluate: K, fresh draws the candidate designs are evaluated on.
        perturb: the noise, ``PATTERN:DIST:SCALE[:shared]`` texts (default every cost and
            price +-20%, as ``gpnopt sweep``).
        first_stage: first-stage families, comma-separated or a list (default all:
            plants, lines, in_house, channels, offices, expansions).
        risk: ``cvar:ALPHA:WEIGHT``: maximise (1-WEIGHT) E[profit] + WEIGHT CVaR_ALPHA.
        scenario, scenario_files: as for :func:`gpnopt.load`.
        seed: the random seed (the same seed gives the same numbers).
        mip_gap: relative gap per solve (default 1e-4).
        time_limit: seconds per solve.
        wait_and_see: solve each evaluation draw on its own too (EVPI).
        workers, scheduler, progress: as for :func:`run_robust`.

    Returns:
        A :class:`RobustRun`.

    Raises:
        RobustError: a bad spec; InstanceError: a bad instance; SolveError: unsolvable.
    """
    spec = RobustSpec.build(
        path, samples=samples, replications=replications, evaluate=evaluate, perturb=perturb,
        first_stage=first_stage, risk=risk, scenario=scenario, scenario_files=scenario_files,
        seed=seed, mip_gap=mip_gap, time_limit=time_limit, wait_and_see=wait_and_see,
    )
    return run_robust(spec, workers=workers, scheduler=scheduler, progress=progress)


make_callable(__name__, robust_design)  # gpnopt.robust(...) is robust_design(...)
