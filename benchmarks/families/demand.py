"""Family 16 on a generated instance: demand curves on a third of the demand entries.

:func:`enable` turns a raw instance of :func:`gpnopt.generate.generate` (the ``l`` size of
``benchmarks/scale.py``) into one where every third demand entry (in market and product
order) is a three-step curve around its fixed quantity and price: the entry's quantity at
its price, then half as much again at 85% of it, then as much again at 70%, so more of the
market opens to cheaper supply. ``min_served`` keeps its share (of the curve's total now).
``benchmarks/families_build.py`` times the build with the family on against off.
"""

from __future__ import annotations

import copy
from typing import Any

SHARE = 3
"""Every SHARE-th demand entry gets a curve."""


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with demand curves on every third demand entry (module docstring)."""
    out = copy.deepcopy(raw)
    n = 0
    for market in out.get("markets", {}).values():
        for entry in market.get("demand", {}).values():
            n += 1
            if n % SHARE:
                continue
            q, p = float(entry.pop("quantity")), float(entry.pop("price"))
            entry["curve"] = [
                {"quantity": q, "price": p},
                {"quantity": round(q / 2, 6), "price": round(0.85 * p, 6)},
                {"quantity": q, "price": round(0.7 * p, 6)},
            ]
    return out


__all__ = ["enable"]
