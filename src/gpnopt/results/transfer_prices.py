"""The ``transfer_prices`` table (family 23): the level each flow between plants is traded at.

===========  ===================================================================
column       meaning
===========  ===================================================================
component    the component
source       the selling plant
destination  the buying plant
period       the period
price        the transfer price level (money/unit)
quantity     units per year traded at that level
===========  ===================================================================

One row per flow and level with a quantity above zero (a flow may be split between
levels where that is optimal, e.g. at a tie). No Pyomo at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ZERO = 1e-6
"""Values at or below this are 0 (``gpnopt.results.solution.ZERO``; that module imports the
registry of this reader, so it is not imported here)."""


def clean(x: float) -> float:
    """Rounded to 6 digits, tiny values 0 (as ``gpnopt.results.solution.clean``)."""
    return 0.0 if abs(x) <= ZERO else round(float(x), 6)

TRANSFER_PRICE_COLUMNS = ("component", "source", "destination", "period", "price", "quantity")
"""Columns of the ``transfer_prices`` table."""


def transfer_price_rows(
    block: Any, data: Any, period: str, val: Callable[[Any], float]
) -> list[dict[str, Any]]:
    """The ``transfer_prices`` rows of one period's model or block (module docstring)."""
    from gpnopt.model.transfer_prices import derive_transfer_prices

    var = block.component("v_flow_at")
    if var is None:
        return []
    rows = []
    for (k, s, d), (levels, _rate) in derive_transfer_prices(data).items():
        for n, price in enumerate(levels):
            q = val(var[k, s, d, n])
            if q > ZERO:
                rows.append(
                    {"component": k, "source": s, "destination": d, "period": period,
                     "price": price, "quantity": clean(q)}
                )
    return rows
