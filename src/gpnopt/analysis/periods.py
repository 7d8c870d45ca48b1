"""The analysis period by period: each period's rows with that period's instance.

A multi-period solution holds the rows of every period (each row has its ``period``); the
analysis of one period reads that period's rows (:meth:`gpnopt.results.Solution.in_period`)
with that period's instance (:func:`gpnopt.timeseries.period_instances`: its owners, prices
and costs). A one-period solution is its own one period ``P1``. No Pyomo, no pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gpnopt.timeseries import period_instances

if TYPE_CHECKING:
    from gpnopt.results import Solution
    from gpnopt.schema import Instance


def period_views(instance: Instance, solution: Solution) -> dict[str, tuple[Instance, Solution]]:
    """Each period of ``solution``, in order: (that period's instance, its rows).

    A period the instance does not know (a Solution of another instance) gets ``instance``.
    """
    if solution.single:
        return {solution.periods[0]: (instance, solution)}
    insts = period_instances(instance)
    return {t: (insts.get(t, instance), solution.in_period(t)) for t in solution.periods}


def period_view(
    instance: Instance, solution: Solution, period: str | None = None
) -> tuple[Instance, Solution]:
    """One period of ``solution``: (its instance, its rows); ``None``: the last period.

    Raises:
        KeyError: ``period`` is not a period of ``solution``.
    """
    t = solution.periods[-1] if period is None else period
    if t not in solution.periods:
        msg = f"period {t!r} is not one of {', '.join(solution.periods)}"
        raise KeyError(msg)
    if solution.single:
        return instance, solution
    return period_instances(instance).get(t, instance), solution.in_period(t)


__all__ = ["period_view", "period_views"]
