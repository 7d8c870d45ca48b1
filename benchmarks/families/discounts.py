"""Family 21 on a generated instance: joint purchasing pools with volume discounts.

:func:`enable` turns volume discounts on in a raw instance from
:func:`gpnopt.generate.generate` (the ``l`` size of ``benchmarks/scale.py``): the firms are
paired (F01 with F02, F03 with F04, ...) and each pair buys jointly from its own share of
the supplier pools (half of all pools, dealt out in turn, so no flow counts in two pools),
with three tiers; every third pool is incremental, the others all-units. Used by
``benchmarks/families_build.py`` (build time with each family on against off).
"""

from __future__ import annotations

import copy
from typing import Any

TIERS = [
    {"from": 0, "discount": 0.0},
    {"from": 500, "discount": 0.03},
    {"from": 2000, "discount": 0.06},
]
"""Tiers of every pool (units/year: a generated supplier sells hundreds to thousands)."""


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with ``purchasing_pools``: one pool per pair of firms over every
    other supplier pool (module docstring)."""
    out = copy.deepcopy(raw)
    firms = sorted(out["firms"])
    pairs = [firms[n : n + 2] for n in range(0, len(firms) - 1, 2)]
    if not pairs:
        return out
    suppliers = sorted(out.get("suppliers", {}))[::2]
    pools: dict[str, Any] = {}
    for n, pair in enumerate(pairs):
        mine = suppliers[n :: len(pairs)]
        if not mine:
            continue
        pools[f"joint_{'_'.join(pair)}"] = {
            "suppliers": mine,
            "buyers": {"firms": pair},
            "scheme": "incremental" if n % 3 == 2 else "all_units",
            "tiers": copy.deepcopy(TIERS),
        }
    out["purchasing_pools"] = pools
    return out
