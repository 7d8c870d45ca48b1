"""Family 13, profit floors: a lower bound on a firm's equity-weighted profit.

    profit_floor[f]:   firm_profit[f] >= floor[f]        (firms given a floor)

(a multi-period model: npv_firm_profit[f] >= floor[f], :mod:`gpnopt.model.periods`)

Used by the participation of a ``firm:F`` objective (floor[g] = v({g}), g's stand-alone value,
for every firm g other than F) and by the epsilon-constraint Pareto frontier between two firms
(floor[B] = eps). The row is built from ``m.firm_profit`` (family 11), so the family comes last.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyomo.core as pyo

from gpnopt.errors import InstanceError
from gpnopt.model.periods import firm_value


def add_profit_floors(m: pyo.ConcreteModel, floors: Mapping[str, float]) -> None:
    """Add ``firm_profit[f] >= floors[f]`` for each firm in ``floors`` (none: nothing).

    Raises:
        InstanceError: a floor names a firm the model does not have.
    """
    if not floors:
        return
    unknown = sorted(set(floors) - set(m.firms))
    if unknown:
        msg = f"profit floor for unknown firm(s) {', '.join(unknown)}"
        raise InstanceError(msg)

    @m.Constraint(list(floors), doc="firm_profit[f] >= floor[f]")
    def profit_floor(m, f):
        return firm_value(m, f) >= float(floors[f])
