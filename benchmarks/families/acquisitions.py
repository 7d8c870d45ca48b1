"""Family 26 on a generated instance: every third plant comes with an acquisition.

``enable(raw)`` groups the plants, in order, in threes: the second and third plant of each
group (existing, their investment waived: the target's plants) come with one acquisition
whose price is the investment they would have cost, charged to the first of them. So a
third of the plants gain an ``acquisition_opens`` row and each acquisition a binary.
"""

from __future__ import annotations

import copy
from typing import Any

USES = ("acquisition_opens", "v_acquired")
"""Components the family adds (tests/test_benchmark_families.py)."""


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of generated instance ``raw`` with an acquisition per group of three plants."""
    out = copy.deepcopy(raw)
    plants = list(out.get("plants", {}).items())
    acquisitions: dict[str, Any] = {}
    for n in range(0, len(plants) - 2, 3):
        bundle = [p for p, _rec in plants[n + 1:n + 3]]
        price = 0.0
        for _p, rec in plants[n + 1:n + 3]:
            price += float(rec.get("investment_cost", 0.0))
            rec["existing"] = True
        acquisitions[f"acq{n // 3}"] = {"plants": bundle, "price": price}
    out["acquisitions"] = acquisitions
    return out
