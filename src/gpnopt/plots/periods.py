"""The periods of a Result for the pictures: each period's instance and rows, its label.

A multi-period Result holds the rows of every period (each row has its ``period``); a
picture of one period (its network, its specialization) reads that period's rows with that
period's instance (:func:`gpnopt.timeseries.period_instances`: its owners, prices, costs).
:func:`period_results` gives, for each period in order, that instance and a view of the
Result holding that period's rows only; a one-period Result is its own one period ``P1``
(the same objects, so its pictures are drawn exactly as before periods existed).
:func:`period_label` names a period with its years. No Pyomo.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from gpnopt.timeseries import horizon, period_instances

if TYPE_CHECKING:
    from gpnopt.results import Result
    from gpnopt.schema import Instance


def period_result(result: Result, period: str) -> Result:
    """A view of ``result`` holding the rows of ``period`` only: :meth:`Result.in_period`
    (kept here for the pictures' callers)."""
    return result.in_period(period)


def _not_yet_built(view: Result, seen: set[str]) -> Result:
    """``view`` without the plant_profit rows of plants that have not operated yet (in this
    period or before, ``seen``): the pictures draw them neither open nor closed."""
    pp = view.tables["plant_profit"]
    keep = (pp["open"] == 1) | pp["plant"].astype(str).isin(seen)
    if bool(keep.all()):
        return view
    return replace(view, tables={**view.tables, "plant_profit": pp[keep].reset_index(drop=True)})


def period_results(instance: Instance, result: Result) -> dict[str, tuple[Instance, Result]]:
    """Each period of ``result``, in order: (that period's instance, :func:`period_result`).

    A plant that has not operated yet (not ``existing``, not open in this period or an
    earlier one) has no ``plant_profit`` row in the period's view, so a period's network
    shows it neither open nor closed; a plant closed after operating keeps its row (drawn
    closed). A one-period Result gives ``{"P1": (instance, result)}`` (the objects
    themselves). A period the instance does not know (a Result of another instance) gets
    ``instance``.
    """
    if result.single:
        return {result.periods[0]: (instance, result)}
    insts = period_instances(instance)
    seen = {p for p, pl in instance.plants.items() if pl.existing}
    out: dict[str, tuple[Instance, Result]] = {}
    for t in result.periods:
        view = period_result(result, t)
        pp = view.tables["plant_profit"]
        seen |= set(pp.loc[pp["open"] == 1, "plant"].astype(str))
        out[t] = (insts.get(t, instance), _not_yet_built(view, seen))
    return out


def period_years(instance: Instance, periods: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Each period's first year and length in years, from the instance's horizon; periods
    the horizon does not date (one period, or a Result of another instance) are numbered
    0, 1, ... with length 1 instead (all of them, so the axis stays consistent)."""
    h = horizon(instance)
    if all(h.start.get(t) is not None for t in periods):
        return {t: (int(h.start[t]), int(h.length[t])) for t in periods}  # type: ignore[arg-type]
    return {t: (i, 1) for i, t in enumerate(periods)}


def period_label(instance: Instance, period: str) -> str:
    """``period`` with its years (``T2 (2006)``, ``T3 (2008-2009)``); a period named by its
    one year (``2005``) or one the instance does not date (the one period ``P1``) is its id
    alone."""
    h = horizon(instance)
    start = h.start.get(period)
    if start is None:
        return period
    n = h.length.get(period, 1)
    years = f"{start}" if n <= 1 else f"{start}-{start + n - 1}"
    return period if years == period else f"{period} ({years})"


__all__ = ["period_label", "period_result", "period_results", "period_years"]
