"""The production-network MILP, one module per constraint family.

:func:`build_model` reads like the formulation's table of contents (``docs/formulation.md``):
variables first, then each family in turn, then profits and the objective. A family whose
data the instance leaves out adds nothing.
"""

from __future__ import annotations

import pyomo.environ as pyo

from gpnopt.data import ModelData, paused_gc
from gpnopt.model.capacity import add_capacity
from gpnopt.model.channels import add_markets_and_channels
from gpnopt.model.flows import add_bom_and_flows
from gpnopt.model.learning import add_learning_single
from gpnopt.model.lines import add_lines
from gpnopt.model.make_or_buy import add_make_or_buy
from gpnopt.model.ownership import add_ownership_and_objective
from gpnopt.model.plants import add_plants
from gpnopt.model.quality import add_quality
from gpnopt.model.sourcing import add_sourcing_rules
from gpnopt.model.technicians import add_technicians
from gpnopt.model.trade import add_trade
from gpnopt.model.variables import add_variables, release_build_state

__all__ = ["build_model"]


def build_model(data: ModelData, objective: str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data``.

    Args:
        data: derived data of the instance (:func:`gpnopt.data.build_data`).
        objective: ``alliance`` or ``firm:ID``; ``None`` takes the instance's own.

    Returns:
        A concrete model with objective ``m.objective`` (maximised) and, per profit centre,
        the expressions ``m.revenue[e]``, ``m.cost[e]`` and ``m.profit[e]``.
    """
    with paused_gc():  # millions of long-lived objects: see gpnopt.data.paused_gc
        m = _build(data, objective)
        release_build_state(m)
        return m


def _build(data: ModelData, objective: str | None) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name=data.instance.name)
    add_variables(m, data)
    add_lines(m, data)  # 1 product lines
    add_plants(m, data)  # 2 plants and entry modes
    add_bom_and_flows(m, data)  # 3 bill of materials and flows
    add_make_or_buy(m, data)  # 4 make-or-buy with minimum production quantity
    add_capacity(m, data)  # 5 capacity
    add_markets_and_channels(m, data)  # 6 markets and channels
    add_quality(m, data)  # 7 capability and quality
    add_technicians(m, data)  # 8 technicians
    add_sourcing_rules(m, data)  # 9 sourcing-share rules
    add_trade(m, data)  # 10 trade costs
    add_learning_single(m, data)  # 14 learning and unlocks (cumulative output before: 0)
    add_ownership_and_objective(m, data, objective)  # 11 ownership, profits, objective
    return m
