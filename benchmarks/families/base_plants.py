"""Family 19 on a generated instance: every firm gets a base plant (benchmarks/families_build.py).

``enable(raw)`` names, for each firm that owns a plant, its base plant: its first wholly
owned plant in its home country, else its first plant in its home country, else its first
plant anywhere; the base supports every product the firm designs (so each foreign line of
them gains a ``base_supports`` row and support parts), with a support cost and a fee by tier.
Exchange rates (family 24) add nothing to the build: they are converted on input.
"""

from __future__ import annotations

import copy
from typing import Any

SUPPORT_COST = {"high": 2.0, "medium": 1.0, "low": 0.5}
"""Support cost per unit made abroad, by tier (money/unit; about 2-5% of a unit cost)."""

SUPPORT_FEE = {"high": 4.0, "medium": 2.0, "low": 1.0}
"""Support fee per unit paid by the foreign plant to the base, by tier (money/unit)."""


def _base_of(firm: str, home: str | None, plants: dict[str, Any]) -> str | None:
    owned = [(p, rec) for p, rec in plants.items() if rec.get("owners", {}).get(firm, 0) > 0]
    for rank in (
        lambda rec: rec.get("country") == home and rec["owners"].get(firm) == 1.0,
        lambda rec: rec.get("country") == home,
        lambda rec: True,
    ):
        for p, rec in owned:
            if rank(rec):
                return p
    return None


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of generated instance ``raw`` with a base plant for every firm owning a plant."""
    out = copy.deepcopy(raw)
    plants = out.get("plants", {})
    for f, firm in out.get("firms", {}).items():
        base = _base_of(f, firm.get("home_country"), plants)
        if base is not None:
            firm["base_plant"] = {
                "plant": base,
                "support_cost": dict(SUPPORT_COST),
                "support_fee": dict(SUPPORT_FEE),
            }
    return out


if __name__ == "__main__":  # how many rows the family adds on the l size
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from scale import SIZES

    import gpnopt
    from gpnopt.data import build_data
    from gpnopt.generate import generate
    from gpnopt.model.base_plants import derive_base_plants

    raw = generate(0, min_served_share=0.0, name="synthetic-l", **SIZES["l"])
    t0 = time.perf_counter()
    data = build_data(gpnopt.instance_from_dict(enable(raw), name="synthetic-l"))
    lines = derive_base_plants(data)
    print(f"base plants: {sum(1 for f in enable(raw)['firms'].values() if 'base_plant' in f)} "
          f"firms, {len(lines)} supported foreign lines of {len(data.lines)} lines "
          f"({time.perf_counter() - t0:.1f} s to load and derive)")
