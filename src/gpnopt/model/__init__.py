"""The production-network MILP, one module per constraint family.

:func:`build_model` reads like the formulation's table of contents (``docs/formulation.md``):
variables first, then each family in turn, then profits and the objective. A family whose
data the instance leaves out adds nothing. A multi-period instance (``periods:``) is built
by :mod:`gpnopt.model.periods`: one block per period holding the same families
(:func:`add_families`), the assets' state over time and the net present value.
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData, paused_gc
from gpnopt.horizon_data import HorizonData, build_horizon_data
from gpnopt.model.families import add_families, add_single_period
from gpnopt.model.ownership import add_ownership_and_objective
from gpnopt.model.periods import build_period_model
from gpnopt.model.variables import release_build_state

__all__ = ["DERIVED_ROWS", "add_families", "build_model"]

DERIVED_ROWS = ("line_market_link", "line_assembly_link", "capital_budget_cover")
"""Rows derived from others that cut off no integer point (family 1's sales links summed
over channels, family 5's per-line assembly link, family 11's budget covers): an elastic copy
that relaxes their source rows (:mod:`gpnopt.solver.diagnose`) drops them too, and the
shadow prices (:meth:`gpnopt.solver.ForcedSolver.lp_duals`) are read without them."""


def build_model(
    data: ModelData | HorizonData, objective: str | None = None
) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data``.

    Args:
        data: derived data of the instance (:func:`gpnopt.data.build_data`), or of a
            multi-period instance (:func:`gpnopt.horizon_data.build_horizon_data`; a
            ModelData of an instance with ``periods:`` is derived again that way).
        objective: ``alliance`` or ``firm:ID``; ``None`` takes the instance's own.

    Returns:
        A concrete model with objective ``m.objective`` (maximised) and, per profit centre,
        the expressions ``m.revenue[e]``, ``m.cost[e]`` and ``m.profit[e]``; for a
        multi-period instance the model of :func:`gpnopt.model.periods.build_period_model`
        (blocks ``m.period[t]``, ``m.npv_profit[e]``, ...).
    """
    if isinstance(data, HorizonData):
        if data.horizon.single:
            data = data.data[data.horizon.ids[0]]
        else:
            return build_period_model(data, objective)
    elif data.instance.periods:
        return build_period_model(build_horizon_data(data.instance), objective)
    with paused_gc():  # millions of long-lived objects: see gpnopt.data.paused_gc
        m = _build(data, objective)
        release_build_state(m)
        return m


def _build(data: ModelData, objective: str | None) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name=data.instance.name)
    add_families(m, data)
    add_single_period(m, data)  # families whose one-period form differs (15 learning, ...)
    add_ownership_and_objective(m, data, objective)  # 11 ownership, profits, objective
    return m
