"""Family 18 on a generated instance: technicians that cost money, local managers, hires.

:func:`enable` turns family 18 on in a raw instance of :func:`gpnopt.generate.generate`
(the ``l`` size of ``benchmarks/scale.py``): every firm the generator gives a technician pool
(about 60 % of the firms, those with foreign lines) gets a cost per expatriate-year, local
managers at every foreign plant (a quarter of the need, cheaper than expatriates) and, where
it owns a plant, hiring paid by the plant it owns most of in its home country (or anywhere),
usable in the period hired (lag 0: the generated instance has one period).
"""

from __future__ import annotations

import copy
from typing import Any

EXPAT_COST = 60.0
"""Money per expatriate-year (the generated lines' margins are tens to hundreds a unit)."""


def _payer(raw: dict[str, Any], firm: str) -> str | None:
    """The plant of ``firm`` that pays its hires: the one it owns most of, home first."""
    home = raw["firms"][firm].get("home_country")
    owned = [
        (p.get("country") == home, p.get("owners", {}).get(firm, 0.0), pid)
        for pid, p in raw["plants"].items()
        if p.get("owners", {}).get(firm, 0.0) > 0
    ]
    return max(owned)[2] if owned else None


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with family 18 on for every firm that has a technician pool (for
    every firm with a home country, with a pool of 4, when the generator gave none)."""
    out = copy.deepcopy(raw)
    pooled = any(firm.get("technicians") for firm in out["firms"].values())
    for f, firm in out["firms"].items():
        pol = firm.get("technicians")
        if pol is None and not pooled and firm.get("home_country"):
            # a small generated network may give no firm a pool: give each firm one
            pol = firm["technicians"] = {"pool": 4, "per_line": {"high": 2, "medium": 1}}
        if pol is None:
            continue
        pol["cost"] = EXPAT_COST
        pol["local_managers"] = {"max_share": 0.25, "cost": EXPAT_COST / 3}
        payer = _payer(out, f)
        if payer is not None:
            pol["hiring"] = {"cost": 5 * EXPAT_COST, "max_per_period": 3, "lag": 0,
                             "paid_by": payer}
    return out


__all__ = ["enable"]
