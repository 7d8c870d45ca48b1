"""The Pareto frontier between two firms' equity-weighted profits, by epsilon-constraint.

With the grand coalition's network, firm A's profit is maximised subject to
``profit_floor[B] = eps`` (:mod:`gpnopt.model.profit_floors`) for N values of eps evenly spaced
from B's profit at A's own optimum to B's own optimum. Each end is lexicographic: A's own
optimum is max A, then max B with A held at its optimum (and the other way round), so the ends
are the frontier's, not an arbitrary one of several optima.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from gpnopt.errors import SolveError
from gpnopt.solver import CoalitionSolve, CoalitionSolver

HOLD = 1e-7
"""Relative slack with which the first stage's optimum is held in the second."""


def _held(value: float) -> float:
    return value - HOLD * max(1.0, abs(value))


def lexicographic(
    solver: CoalitionSolver, members: Sequence[str], first: str, second: str
) -> CoalitionSolve:
    """max profit of ``first``, then max profit of ``second`` with ``first`` at its optimum."""
    top = solver.solve(members, objective_firms=[first])
    return solver.solve(
        members, objective_firms=[second], floors={first: _held(top.objective)}
    )


def frontier(
    solver: CoalitionSolver,
    members: Sequence[str],
    a: str,
    b: str,
    points: int,
    progress: Callable[[int, int, str], None] | None = None,
) -> pd.DataFrame:
    """``points`` points of the A-B frontier (columns ``point``, ``eps``, ``status`` and every
    firm's equity-weighted profit); infeasible points (none in exact arithmetic) are left out.
    """
    a_best = lexicographic(solver, members, a, b)
    b_best = lexicographic(solver, members, b, a)
    lo, hi = a_best.firm_profit[b], b_best.firm_profit[b]
    rows = []
    for k in range(points):
        eps = lo if points == 1 else lo + (hi - lo) * k / (points - 1)
        if k == 0:
            got = a_best
        elif k == points - 1:
            got = b_best
        else:
            try:
                got = solver.solve(members, objective_firms=[a], floors={b: _held(eps)})
            except SolveError:
                continue
        rows.append({"point": k, "eps": eps, "status": got.status, **got.firm_profit})
        if progress is not None:
            progress(k + 1, points, f"frontier point {k + 1}")
    return pd.DataFrame(rows)


def nash_point(
    points: pd.DataFrame, a: str, b: str, disagreement: Mapping[str, float]
) -> int | None:
    """The frontier point maximising (A - d_A)(B - d_B) among those where both gain, or None."""
    best, best_k = -math.inf, None
    for k, row in points.iterrows():
        ga, gb = row[a] - disagreement[a], row[b] - disagreement[b]
        if ga >= 0 and gb >= 0 and ga * gb > best:
            best, best_k = ga * gb, int(k)
    return best_k
