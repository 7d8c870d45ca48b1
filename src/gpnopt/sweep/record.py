"""The per-draw record of a sweep: one flat row built from a solution's rows.

:func:`draw_record` reads the solved model once (:func:`gpnopt.results.read_solution`, the one
reader that ``make_result`` also uses) and evaluates expectations and plant roles on those
rows with the analysis's own functions (:mod:`gpnopt.analysis.expectations`,
:mod:`gpnopt.analysis.roles`): no DataFrames, no second reading of the model.
:func:`result_record` gives the same record from a full Result of ``gpnopt.solve`` (its
expectations and ``specialization`` table), the cross-check of the ``rebuild`` mode and of
the tests. No Pyomo here.

A multi-period draw (solved by ``gpnopt.solve``, the ``rebuild`` mode) has the net present
values as ``objective`` and ``profit.F``, its expectations as evaluated over the periods, and
one per-plant, line, in-house and open column per period: ``line.P.i@2008``
(:func:`gpnopt.sweep.plan.period_column`), and its timeline's events in the column ``events``
(``event.built.CN_FT@2005;...``, :func:`gpnopt.sweep.plan.event_column`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gpnopt.analysis.expectations import evaluate_expectations
from gpnopt.analysis.roles import plant_activity, plant_role
from gpnopt.results import read_solution, solution_of
from gpnopt.sweep.plan import event_column, period_column

if TYPE_CHECKING:
    from gpnopt.results import Result, Solution
    from gpnopt.schema import Instance
    from gpnopt.solver import Solved

ROLE_KEYS = ("h", "supply_share", "vs_share", "export_share")
"""Per-plant index columns of the record (``h`` is the horizontal index)."""


def record_roles(instance: Instance, solution: Solution) -> dict[str, dict[str, Any]]:
    """Role type and indices of every plant of ``instance`` (closed plants: role ``closed``
    and NaN indices), from :mod:`gpnopt.analysis.roles`."""
    acts = plant_activity(instance, solution)
    out: dict[str, dict[str, Any]] = {}
    for p in instance.plants:
        if p not in acts:
            out[p] = {"role": "closed", **dict.fromkeys(ROLE_KEYS, math.nan)}
            continue
        r = plant_role(acts[p])
        out[p] = {"role": r["role_type"], "h": r["horizontal_index"],
                  "supply_share": r["supply_share"], "vs_share": r["vs_share"],
                  "export_share": r["export_share"]}
    return out


def record_of(
    solution: Solution,
    outcome: Mapping[str, Any],
    holds: Mapping[str, bool],
    roles: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """The record's columns from a solution's rows, the solver's ``outcome`` (status,
    objective, bound, mip_gap), each expectation's ``holds`` and each plant's ``roles``.

    ``roles`` is keyed by plant, or for a multi-period solution by
    ``period_column(plant, period)``; every per-period row of a multi-period solution goes
    to the column of its period."""

    def col(name: str, row: Mapping[str, Any]) -> str:
        return name if solution.single else period_column(name, str(row["period"]))

    rec: dict[str, Any] = {
        "status": outcome["status"],
        "error": "",
        "objective": float(outcome["objective"]),
        "bound": float(outcome["bound"]),
        "mip_gap": float(outcome["mip_gap"]),
        "pattern": all(holds.values()),
    }
    for f, v in solution.firm_profit.items():
        rec[f"profit.{f}"] = float(v)
    for eid, ok in holds.items():
        rec[f"holds.{eid}"] = bool(ok)
    profit = {col(r["plant"], r): float(r["profit"]) for r in solution.plant_profit}
    for p, r in roles.items():
        rec[f"role.{p}"] = r["role"]
        for key in ROLE_KEYS:
            rec[f"{key}.{p}"] = r[key]
        rec[f"plant_profit.{p}"] = profit.get(p, math.nan)
    for r in solution.lines:
        rec[col(f"line.{r['plant']}.{r['product']}", r)] = int(r["open"])
        rec[col(f"production.{r['plant']}.{r['product']}", r)] = float(r["quantity"])
    for r in solution.make_or_buy:
        rec[col(f"in_house.{r['plant']}.{r['component']}", r)] = int(r["in_house"])
    for r in solution.channel_profit:
        rec[col(f"open.{r['channel']}", r)] = int(r["open"])
    if not solution.single:
        rec["events"] = ";".join(
            dict.fromkeys(event_column(str(r["event"]), str(r["entity"]), str(r["period"]))
                          for r in solution.timeline)
        )
    return rec


def solution_record(
    instance: Instance, solution: Solution, outcome: Mapping[str, Any]
) -> dict[str, Any]:
    """The record of ``solution``: expectations and roles evaluated on its rows."""
    holds = {e["id"]: bool(e["holds"]) for e in evaluate_expectations(instance, solution)}
    return record_of(solution, outcome, holds, record_roles(instance, solution))


def draw_record(instance: Instance, solved: Solved) -> dict[str, Any]:
    """The per-draw record of a solved model (:meth:`ScenarioSolver.solve_model`), from its
    :class:`gpnopt.results.Solution` (no DataFrames, no full tables)."""
    o = solved.outcome
    outcome = {"status": o.status, "objective": o.objective, "bound": o.bound,
               "mip_gap": o.mip_gap}
    return solution_record(instance, read_solution(solved.model, solved.data), outcome)


def result_record(instance: Instance, result: Result) -> dict[str, Any]:
    """The per-draw record of a full Result (``gpnopt.solve``): the rows of its tables, the
    expectations it carries and its ``specialization`` table; the same as
    :func:`draw_record` of the same solve."""
    del instance  # the Result carries what the record needs
    outcome = {"status": result.status, "objective": result.objective, "bound": result.bound,
               "mip_gap": result.mip_gap}
    holds = {e["id"]: bool(e["holds"]) for e in result.expectations}
    roles = {}
    for r in result.tables["specialization"].to_dict("records"):
        closed = int(r["open"]) != 1
        key = r["plant"] if result.single else period_column(r["plant"], str(r["period"]))
        roles[key] = {
            "role": "closed" if closed else r["role_type"],
            "h": float(r["horizontal_index"]),
            "supply_share": float(r["supply_share"]),
            "vs_share": float(r["vs_share"]),
            "export_share": float(r["export_share"]),
        }
    return record_of(solution_of(result), outcome, holds, roles)
