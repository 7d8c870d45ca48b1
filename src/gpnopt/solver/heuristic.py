"""A start for HiGHS's branch-and-bound: relax, fix what the relaxation decides, solve the rest.

On the generated networks the capital budgets are knapsacks over a firm's plants and lines
(``docs/performance.md``, Solve time at scale): the LP relaxation opens fractions of a few
plants and lines and decides all the others. The heuristic follows that finding:

1. solve the LP relaxation (every integer column made continuous);
2. fix each integer column whose LP value is integral (within ``tolerance``) at that value;
3. solve the remaining MIP, a few hundred binaries instead of all, with a short time limit
   and a loose gap; every row of the model, the budgets included, is kept, so any solution
   it finds is feasible for the whole model;
4. hand that solution to the full model's HiGHS object as a start (``Highs.setSolution``).

The full solve then starts with an incumbent: its gap is proven against it from the root on,
and the optimum it ends at is the full model's (the start is only a start: nothing stays
fixed). The heuristic knows no family of the model; it works on the matrix HiGHS was given.

This module never imports ``highspy`` (only :mod:`gpnopt.solver.highs` does): it gets the
model's ``HighsLp``, its HiGHS object and a function making fresh HiGHS objects with
gpnopt's options, and calls their methods.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

SUB_MIP_GAP = 0.005
"""Relative gap at which the restricted MIP of step 3 stops."""


@dataclass
class Start:
    """What the heuristic found.

    Attributes:
        x: column values of the start (``None``: none found).
        objective: its objective in HiGHS's sense (minimised), ``nan`` without one.
        lp_objective: the LP relaxation's objective (minimised).
        n_integer: integer columns of the model.
        n_fixed: of them, fixed by the relaxation.
        seconds: time spent.
    """

    x: np.ndarray | None
    objective: float
    lp_objective: float
    n_integer: int
    n_fixed: int
    seconds: float


def integer_columns(lp: Any) -> np.ndarray:
    """Positions of the integer columns of a ``HighsLp`` (empty for an LP)."""
    if not len(lp.integrality_):
        return np.zeros(0, dtype=np.int32)
    kinds = np.fromiter((int(k) for k in lp.integrality_), dtype=np.int64)
    return np.flatnonzero(kinds != 0).astype(np.int32)


def relax_and_fix(
    lp: Any,
    new_highs: Callable[[float | None], Any],
    time_limit: float,
    *,
    tolerance: float = 1e-6,
) -> Start:
    """Steps 1 to 3 of the module docstring on ``lp``.

    Args:
        lp: the model's ``HighsLp`` (not changed).
        new_highs: makes a fresh HiGHS object with gpnopt's options, given a time limit.
        time_limit: seconds for the LP relaxation and the restricted MIP together.
        tolerance: an LP value within this of 0 or 1 counts as integral.
    """
    t0 = time.perf_counter()
    ints = integer_columns(lp)
    relaxed = new_highs(time_limit)
    relaxed.passModel(lp)
    relaxed.changeColsIntegrality(len(ints), ints, np.zeros(len(ints), dtype=np.uint8))
    relaxed.run()
    none = Start(None, float("nan"), float("nan"), len(ints), 0, 0.0)
    if relaxed.getInfo().primal_solution_status != 2:
        none.seconds = time.perf_counter() - t0
        return none
    lp_objective = float(relaxed.getInfo().objective_function_value)
    x = np.asarray(relaxed.getSolution().col_value, dtype=float)[ints]
    lower = np.asarray(lp.col_lower_, dtype=float)[ints]
    upper = np.asarray(lp.col_upper_, dtype=float)[ints]
    value = np.round(x)
    fixed = (np.abs(x - value) <= tolerance) & (value >= lower) & (value <= upper)
    left = time_limit - (time.perf_counter() - t0)
    none.lp_objective, none.n_fixed = lp_objective, int(fixed.sum())
    if left <= 0:
        none.seconds = time.perf_counter() - t0
        return none
    sub = new_highs(left)
    sub.setOptionValue("mip_rel_gap", SUB_MIP_GAP)
    sub.passModel(lp)
    cols = ints[fixed]
    sub.changeColsBounds(len(cols), cols, value[fixed], value[fixed])
    sub.run()
    seconds = time.perf_counter() - t0
    if sub.getInfo().primal_solution_status != 2:
        none.seconds = seconds
        return none
    start = np.asarray(sub.getSolution().col_value, dtype=float)
    start[ints] = np.round(start[ints])
    objective = float(sub.getInfo().objective_function_value)
    return Start(start, objective, lp_objective, len(ints), int(fixed.sum()), seconds)


def warm_start(
    h: Any,
    lp: Any,
    new_highs: Callable[[float | None], Any],
    time_limit: float,
) -> Start:
    """Run :func:`relax_and_fix` on ``lp`` and give its solution to ``h`` as a start (step 4).

    ``h`` holds ``lp`` already; nothing of it but the start is changed.
    """
    start = relax_and_fix(lp, new_highs, time_limit)
    if start.x is None:
        log.info("start heuristic: no solution within %.1f s", start.seconds)
        return start
    n = len(start.x)
    h.setSolution(n, np.arange(n, dtype=np.int32), start.x)
    log.info(
        "start heuristic: objective %g (LP %g, both as HiGHS minimises), %d of %d integer "
        "columns fixed, %.1f s",
        start.objective, start.lp_objective, start.n_fixed, start.n_integer, start.seconds,
    )
    return start
