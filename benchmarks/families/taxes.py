"""Turn family 22 (taxes) on in a raw generated instance (``benchmarks/families_build.py``).

:func:`enable` gives every country a profit-tax rate (15% to 30%, by the country's position),
every channel the country of its first market (so channels are taxed too), and incentives
as an instance of the case would state them: for every third country a preferential rate
for entities with an owner from one of two other countries (the JV pattern of case 1.3),
and a holiday (rate 0) for every tenth plant. Deterministic: the same raw instance gives the
same result. Every plant, office and channel is then taxed: one ``tax_base`` row and one
``v_taxable`` column per entity.
"""

from __future__ import annotations

import copy
from typing import Any


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` (a :func:`gpnopt.generate.generate` instance) with taxes."""
    out = copy.deepcopy(raw)
    countries = list(out["countries"])
    rates = {c: round(0.15 + 0.01 * (n % 16), 2) for n, c in enumerate(countries)}
    markets = out["markets"]
    for channel in (out.get("channels") or {}).values():
        if channel.get("markets"):
            channel["country"] = markets[channel["markets"][0]]["country"]
    incentives: list[dict[str, Any]] = []
    for n, c in enumerate(countries[::3]):
        homes = [countries[(3 * n + 1) % len(countries)], countries[(3 * n + 2) % len(countries)]]
        incentives.append(
            {"id": f"jv_{c}", "country": c, "rate": round(rates[c] - 0.1, 2),
             "owner_home_countries": homes}
        )
    holiday = list(out["plants"])[::10]
    if holiday:
        incentives.append({"id": "holiday", "plants": holiday, "rate": 0.0})
    out["taxes"] = {"rates": rates, "incentives": incentives}
    return out
