"""Family 20 (transport per item and lead times) turned on in a generated instance.

:func:`enable` is what ``benchmarks/families_build.py`` calls on the raw ``l`` instance of
``benchmarks/scale.py`` (from :func:`gpnopt.generate.generate`) to time the build with the
family on against off.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any


def _days(entry: dict[str, Any]) -> float:
    """A lane's lead time from its generated cost, which grows with the distance
    (machines 0.3 + 0.02 d, components 0.01 + 0.001 d): 2 days plus a day per 10 units."""
    if entry.get("goods") == "machine":
        d = (entry["unit_cost"] - 0.3) / 0.02
    else:
        d = (entry["unit_cost"] - 0.01) / 0.001
    return round(2 + max(d, 0.0) / 10, 1)


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of generated instance ``raw`` with the family's keys on a realistic share.

    Every lane gets a lead time by distance and a default lane (the generator lists every
    country pair, so the default covers nothing and only its lookup is timed); every third
    product gets a value-based entry of its own on the machine lanes out of the first three
    countries; every fourth market a ``max_average_lead_time`` (the median lead time into
    its country) and every fifth a ``max_lead_time`` (the 75th percentile: the slowest
    quarter of its lanes is not offered); every fourth plant a just-in-time limit on the
    first component its first line uses (the median lead time into its country).
    """
    out = copy.deepcopy(raw)
    trade = out.setdefault("trade", {})
    lanes = trade.setdefault("transport", [])
    into: dict[tuple[str, str], list[float]] = defaultdict(list)  # (goods, country) -> days
    for entry in lanes:
        entry["lead_time"] = _days(entry)
        into[entry.get("goods", "all"), entry["to_country"]].append(entry["lead_time"])
    trade["default_transport"] = {"unit_cost": 1.0, "value_rate": 0.01, "lead_time": 30}
    origins = list(out["countries"])[:3]
    for product in list(out["products"])[::3]:
        lanes += [
            {**e, "products": [product], "value_rate": 0.02, "goods": "machine"}
            for e in lanes
            if e.get("goods") == "machine" and e["from_country"] in origins and "products" not in e
        ]

    def quantile(goods: str, country: str, q: float) -> float:
        days = sorted(into.get((goods, country), [0.0]))
        return days[min(len(days) - 1, int(q * len(days)))]

    for n, market in enumerate(out["markets"].values()):
        if n % 4 == 0:
            market["max_average_lead_time"] = quantile("machine", market["country"], 0.5)
        if n % 5 == 0:
            market["max_lead_time"] = quantile("machine", market["country"], 0.75)
    for n, plant in enumerate(out["plants"].values()):
        lines = list(plant.get("lines", {}))
        bom = out["products"][lines[0]].get("bom", {}) if lines else {}
        if n % 4 == 0 and bom:
            plant["max_lead_time"] = {next(iter(bom)): quantile("component", plant["country"], 0.5)}
    return out
