"""Family 25 on: sourcing rules over several plants and tied to customers.

For every third country with two or more plants, a local-content rule over all the plants in
the country (``plants:``), at least 30% of their parts by units from sources in the country;
for every firm with two or more wholly-owned plants, a keiretsu rule over them tied to the
markets of its home country (``customers:``), at least half of what goes into those sales
from plants with the firm's equity.
"""

from __future__ import annotations

import copy
from typing import Any

USES = ("sourcing_customer_min",)
"""The family's own rows (the several-plants rows share family 9's names)."""


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with family 25's rules added (see the module docstring)."""
    out = copy.deepcopy(raw)
    plants = out["plants"]
    rules = list(out.get("sourcing_rules") or [])
    by_country: dict[str, list[str]] = {}
    for pid, p in plants.items():
        by_country.setdefault(p["country"], []).append(pid)
    for n, (c, pids) in enumerate(sorted(by_country.items())):
        if n % 3 == 0 and len(pids) >= 2:
            rules.append({"id": f"f25_local_{c}", "plants": pids,
                          "sources": {"countries": [c]}, "min_share": 0.3})
    for fid, firm in sorted(out["firms"].items()):
        own = [pid for pid, p in plants.items() if p["owners"].get(fid, 0) >= 1]
        home = [mid for mid, m in out["markets"].items() if m["country"] == firm["home_country"]]
        if len(own) >= 2 and home:
            rules.append({"id": f"f25_keiretsu_{fid}", "plants": own,
                          "customers": {"markets": home},
                          "sources": {"firms": [fid]}, "min_share": 0.5})
    out["sourcing_rules"] = rules
    return out
