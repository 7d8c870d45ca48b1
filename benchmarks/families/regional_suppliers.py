"""Family 27 on a generated instance: every second supplier pool is a regional pool.

``enable(raw)`` lets every second pool (in order) also serve the next two countries of the
instance after its own (in the countries' order): a plant there buys from it on its own
country's lane. No rows of its own: the flow arcs' lanes, tariffs and lead times change in the
derived data (``tests/test_benchmark_families.py`` checks that they do).
"""

from __future__ import annotations

import copy
from typing import Any


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of generated instance ``raw`` in which every second pool serves two more
    countries."""
    out = copy.deepcopy(raw)
    countries = list(out.get("countries", {}))
    for n, sup in enumerate(out.get("suppliers", {}).values()):
        if n % 2 or sup.get("country") not in countries:
            continue
        at = countries.index(sup["country"])
        sup["serves"] = [countries[(at + k) % len(countries)] for k in (1, 2)
                         if countries[(at + k) % len(countries)] != sup["country"]]
    return out
