"""Family 2, plants and entry modes: which candidate plants open.

Indices: p plant, g exclusive group.

    entry_mode_exclusive[g]:   sum_{p in group g} v_is_open[p] <= 1

Alternatives for the same market (a wholly owned plant versus a JV plant) form a group.
Cost (family 11): fixed_cost[p] * v_is_open[p]; capital: investment_cost[p] * v_is_open[p].
A plant that runs no line and makes nothing stays closed at the optimum whenever its fixed
cost is positive.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData


def add_plants(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the plants and entry-modes family to ``m`` in place."""
    groups = data.instance.exclusive_groups
    if not groups:
        return

    @m.Constraint(list(groups), doc="sum_{p in g} v_is_open[p] <= 1")
    def entry_mode_exclusive(m, g):
        return sum(m.v_is_open[p] for p in groups[g]) <= 1
