"""Helpers for the multi-period micro-instances (tests/model/test_periods.py and others).

:class:`Solved` solves a multi-period micro-instance with
:func:`gpnopt.solver.horizon.solve_horizon_data` and keeps the solved model, so the tests
read the decisions straight from the model's shape (``docs/formulation.md``, Periods):
``m.period[t].v_is_open[p]``, ``m.v_build[a, t]``, ``m.v_close[a, t]``. An instance whose
numbers change by period is given as one raw mapping per period (:func:`by_period`), each
validated on its own, so the tests do not depend on the loader's per-period values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyomo.environ as pyo

import gpnopt
from gpnopt.horizon_data import build_horizon_data
from gpnopt.solver.horizon import solve_horizon_data

from .conftest import MIP_GAP, merge, micro


def years(*starts: int, ids: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Periods starting in ``starts`` (ids T1, T2, ... unless given), the last one year long."""
    names = ids or tuple(f"T{n + 1}" for n in range(len(starts)))
    out: list[dict[str, Any]] = [{"id": n, "start": s} for n, s in zip(names, starts, strict=True)]
    out[-1]["length"] = 1
    return out


def periods_micro(starts: tuple[int, ...], *patches: Mapping[str, Any]) -> dict[str, Any]:
    """The base micro-instance over periods starting in ``starts``, with ``patches``."""
    return micro({"periods": years(*starts)}, *patches)


def by_period(
    raw: Mapping[str, Any], changes: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """One raw instance per period of ``raw``: ``raw`` with ``changes[t]`` merged in (a
    period not in ``changes`` takes the previous period's values)."""
    out: dict[str, dict[str, Any]] = {}
    current = merge(raw)
    for period in raw["periods"]:
        t = period["id"]
        if t in changes:
            current = merge(current, changes[t])
        out[t] = current
    return out


class Solved:
    """A solved multi-period model with small accessors for its decisions.

    ``raw`` is one instance for every period, or a mapping period id -> raw instance
    (:func:`by_period`).
    """

    def __init__(self, raw: Mapping[str, Any], **options: Any) -> None:
        raws = raw if "periods" not in raw else {p["id"]: raw for p in raw["periods"]}
        instances = {t: gpnopt.instance_from_dict(r, name="micro") for t, r in raws.items()}
        self.instance = next(iter(instances.values()))
        self.hdata = build_horizon_data(self.instance, instances=instances)
        self.model, self.outcome = solve_horizon_data(self.hdata, mip_gap=MIP_GAP, **options)
        assert self.outcome.status == "optimal"

    @property
    def objective(self) -> float:
        """The net present value the solver reported."""
        return self.outcome.objective

    def open(self, plant: str, t: str) -> bool:
        """Whether ``plant`` operates in period ``t``."""
        return round(pyo.value(self.model.period[t].v_is_open[plant])) == 1

    def built(self, t: str, kind: str = "plant", name: str = "P", sub: str = "") -> bool:
        """Whether the asset is built in ``t``."""
        return round(pyo.value(self.model.v_build[kind, name, sub, t])) == 1

    def closed(self, t: str, kind: str = "plant", name: str = "P", sub: str = "") -> bool:
        """Whether the asset closes in ``t``."""
        return round(pyo.value(self.model.v_close[kind, name, sub, t])) == 1

    def sold(self, t: str, plant: str = "P") -> float:
        """Units ``plant`` sells in period ``t``."""
        block = self.model.period[t]
        return sum(pyo.value(x) for (p, *_rest), x in block.v_sales.items() if p == plant)

    def npv(self, entity: str) -> float:
        """``npv_profit[entity]`` at the solution."""
        return pyo.value(self.model.npv_profit[entity])

    def firm_npv(self, firm: str) -> float:
        """``npv_firm_profit[firm]`` at the solution."""
        return pyo.value(self.model.npv_firm_profit[firm])
