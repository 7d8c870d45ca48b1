"""The registry of the families' revenue, cost and outlay parts (plain Python, no Pyomo).

:mod:`gpnopt.model.parts` explains the contract: a family builds ``b.<name>[e]`` (money per
year) on a model or period block and names it here; family 11 adds it to ``revenue[e]`` or
``cost[e]``, :func:`gpnopt.results.profit_parts` reports it under its ``label``. Outlays
``m.<name>[e, t]`` (money spent once in period t) of multi-period families are named in
:data:`OUTLAYS`. Parts are listed in the formulation's family order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Part:
    """One family's contribution to the profits of the entities it touches."""

    name: str
    """Component name of the Expression ``b.<name>[e]`` on a model or period block."""
    kind: Literal["revenue", "cost"]
    """Added to ``revenue[e]`` or to ``cost[e]``."""
    label: str
    """Its type in :func:`gpnopt.results.profit_parts` (signed there: costs negative)."""


PARTS: tuple[Part, ...] = (
    Part("learning_cost", "cost", "learning"),  # family 15
    Part("demand_curve", "revenue", "demand curve"),  # family 16
    Part("expansion_cost", "cost", "expansion"),  # family 17: fixed cost of the modules
    Part("technician_cost", "cost", "technicians"),  # family 18
    Part("base_support_cost", "cost", "base support"),  # family 19: cost of a base, fee of a plant
    Part("base_support_fee", "revenue", "base support"),  # family 19: fees a base receives
    Part("base_closure_cost", "cost", "base closure"),  # family 19: one period, a base closed
    Part("volume_discount", "cost", "volume discount"),  # family 21 (negative: a saving)
    Part("tax", "cost", "tax"),  # family 22: profit tax (gpnopt.model.taxes)
)
"""Every family's revenue and cost parts, in family order."""

OUTLAYS: tuple[str, ...] = (
    "learning_outlay", "expansion_outlay", "technician_outlay", "acquisition_outlay",  # 26
)
"""Names of the multi-period families' outlay Expressions ``m.<name>[e, t]``."""
