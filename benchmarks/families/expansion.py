"""Family 17 on a generated network: capacity expansion and partner funding.

:func:`enable` turns the family on in a raw instance of :func:`gpnopt.generate.generate`
(the ``l`` size of ``benchmarks/scale.py``), deterministically, over a realistic share of
the network:

* every plant with an ``assembly_capacity``: modules of a quarter of it, at most 2, each at
  a third of the plant's investment (at least 100) and a tenth of its fixed cost a year;
  every third of them may be funded by the next firm of the instance (covers half, 15%
  equity);
* every second line with a ``capacity``: modules of a third of it, at most 2, at a fifth of
  the line's fixed cost a year and an investment of 2 per unit of the module;
* every make option with a ``capacity``: modules of half of it, at most 1.

``benchmarks/families_build.py`` times the build of ``l`` with each family on against off.
"""

from __future__ import annotations

import copy
from typing import Any


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with expansions (and some partner funding) on (module docstring)."""
    out = copy.deepcopy(raw)
    firms = list(out.get("firms", {}))
    n_plant = 0
    n_line = 0
    for plant in out.get("plants", {}).values():
        cap = plant.get("assembly_capacity")
        if cap:
            exp: dict[str, Any] = {
                "module": round(max(cap / 4, 1.0), 1),
                "investment_cost": round(max(plant.get("investment_cost", 0.0) / 3, 100.0), 1),
                "fixed_cost": round(plant.get("fixed_cost", 0.0) / 10, 1),
                "max_modules": 2,
            }
            owners = [f for f, s in plant.get("owners", {}).items() if s > 0]
            if n_plant % 3 == 0 and firms and owners:
                partner = firms[(firms.index(owners[0]) + 1) % len(firms)]
                exp["funding"] = {"firm": partner, "covers": 0.5, "equity": 0.15}
            plant["expansion"] = exp
            n_plant += 1
        for line in plant.get("lines", {}).values():
            lcap = line.get("capacity")
            if lcap:
                if n_line % 2 == 0:
                    module = round(max(lcap / 3, 1.0), 1)
                    line["expansion"] = {
                        "module": module,
                        "investment_cost": round(2 * module, 1),
                        "fixed_cost": round(line.get("fixed_cost", 0.0) / 5, 1),
                        "max_modules": 2,
                    }
                n_line += 1
        for opt in plant.get("components", {}).values():
            ocap = opt.get("capacity")
            if ocap:
                opt["expansion"] = {"module": round(max(ocap / 2, 1.0), 1),
                                    "fixed_cost": round(opt.get("fixed_cost", 0.0) / 5, 1)}
    return out
