"""The ``acquisitions`` table (family 26): which acquisitions are made and what they bring.

==========  ===================================================================================
column      meaning
==========  ===================================================================================
acquisition id of the acquisition
period      the period
acquired    1 if the acquisition is made (owned in the period), else 0
price       its price (money, once; in one period charged as its annuity)
charged_to  the entity whose owners pay the price
entities    the bundle's plants and channels, in order, comma-separated
operating   those of them that operate in the period, comma-separated
==========  ===================================================================================

One row per acquisition and period (``docs/formulation.md``, section 26). No Pyomo at module
level (values are read through ``val``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ACQUISITION_COLUMNS = (
    "acquisition", "period", "acquired", "price", "charged_to", "entities", "operating",
)
"""Columns of the ``acquisitions`` table."""


def acquisition_rows(
    block: Any, data: Any, period: str, val: Callable[[Any], float]
) -> list[dict[str, Any]]:
    """The ``acquisitions`` rows of one period's model or block (module docstring)."""
    from gpnopt.model.acquisitions import bundle_binaries

    acquired = block.component("v_acquired")
    if acquired is None:
        return []
    running: dict[str, list[str]] = {}
    for q, e, u in bundle_binaries(block, data):
        if val(u) > 0.5:
            running.setdefault(q, []).append(e)
    rows = []
    for q, acq in data.instance.acquisitions.items():
        rows.append({
            "acquisition": q,
            "period": period,
            "acquired": int(val(acquired[q]) > 0.5),
            "price": float(acq.price),
            "charged_to": acq.payer,
            "entities": ", ".join([*acq.plants, *acq.channels]),
            "operating": ", ".join(running.get(q, [])),
        })
    return rows
