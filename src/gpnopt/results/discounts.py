"""The ``discounts`` table (family 21, ``docs/formulation.md``): one row per purchasing
pool and period.

===========  ===============================================================================
column       meaning
===========  ===============================================================================
pool         the purchasing pool
period       the period
volume       units per year bought through the pool (its suppliers' sales of its components
             to its buyers)
tier         the tier reached (1 = the first, from 0); incremental: the highest segment used
discount     that tier's discount (a fraction: 0.05 is 5%); incremental: the rate of the
             highest segment, the one the last unit earns
saving       money per year the pool's buyers save together (the ``volume discount`` part
             of their profits)
===========  ===============================================================================

Read through the ``val`` the one reader of a solved model passes in; no Pyomo at module
level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["DISCOUNT_COLUMNS", "discount_rows"]

DISCOUNT_COLUMNS = ("pool", "period", "volume", "tier", "discount", "saving")
"""Columns of the ``discounts`` table."""

_EPS = 1e-6
"""Volumes and values at or below this are zero."""


def _clean(x: float) -> float:
    return 0.0 if abs(x) <= _EPS else round(float(x), 6)


def discount_rows(
    b: Any, data: Any, period: str, val: Callable[[Any], float]
) -> list[dict[str, Any]]:
    """The ``discounts`` rows of period ``period`` (block or one-period model ``b``, built
    from ``data``): one per purchasing pool of the instance, none without pools."""
    if not data.instance.purchasing_pools:
        return []
    from gpnopt.model.discounts import derive_discounts, saving_terms  # the model layer, lazily

    flow = b.v_flow
    tier_var = b.component("v_tier")
    saved: dict[str, float] = {}
    for g, _d, coef, x in saving_terms(b, data):
        saved[g] = saved.get(g, 0.0) + coef * val(x)
    rows = []
    for g in derive_discounts(data):
        volume = sum(val(flow[a]) for a in g.arcs)
        saving = saved.get(g.id, 0.0)
        if not g.modelled:  # no reachable tier pays: the tier the volume reaches
            tier = max(n for n, (f, _r) in enumerate(g.tiers, 1) if f <= volume + _EPS)
        elif g.scheme == "all_units":
            tier = next(t for t in range(1, g.reachable + 1) if val(tier_var[g.id, t]) > 0.5)
        else:
            tier = 1 + sum(1 for t in range(2, g.reachable + 1) if val(tier_var[g.id, t]) > 0.5)
        rows.append(
            {
                "pool": g.id,
                "period": period,
                "volume": _clean(volume),
                "tier": tier,
                "discount": g.tiers[tier - 1][1],
                "saving": _clean(saving),
            }
        )
    return rows
