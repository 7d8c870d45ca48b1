"""Meaning checks of family 19, base plants (``firms.F.base_plant``)."""

from __future__ import annotations

import warnings

from gpnopt.errors import GpnoptWarning, show
from gpnopt.hints import did_you_mean
from gpnopt.schema import Instance


def check_base_plants(inst: Instance) -> list[str]:
    """A firm's base plant is a plant the firm owns, its products are the firm's designs,
    and ``closure_cost`` is stated only where it is charged (one period, an existing base;
    a multi-period instance refuses it, a base that is not existing is warned of)."""
    out: list[str] = []
    for f, firm in inst.firms.items():
        base = firm.base_plant
        if base is None:
            continue
        where = f"firms.{f}.base_plant"
        plant = inst.plants.get(base.plant)
        if plant is None:
            out.append(f"{where}.plant: unknown plant {show(base.plant)}"
                       f"{did_you_mean(base.plant, inst.plants)}")
        elif plant.owners.get(f, 0.0) <= 0:
            owners = ", ".join(show(o) for o in plant.owners) or "none"
            out.append(f"{where}.plant: {show(base.plant)} is not a plant of firm {show(f)} "
                       f"(its owners: {owners}); a base plant is one the firm owns")
        for n, i in enumerate(base.products or ()):
            prod = inst.products.get(i)
            if prod is None:
                out.append(f"{where}.products.{n}: unknown product {show(i)}"
                           f"{did_you_mean(i, inst.products)}")
            elif prod.firm != f:
                out.append(f"{where}.products.{n}: {show(i)} is designed by "
                           f"{show(prod.firm) if prod.firm else 'no firm'}, not by {show(f)}; a "
                           "base supports only its own firm's products")
        if base.closure_cost and inst.periods:
            out.append(f"{where}.closure_cost: a multi-period instance charges the closure of "
                       f"the base as the plant's own closure cost, in the period it closes: "
                       f"state plants.{base.plant}.closure_cost instead")
        elif base.closure_cost and plant is not None and not plant.existing:
            warnings.warn(f"{where}.closure_cost: plant {base.plant} is not existing, so it "
                          "cannot be closed and the closure cost is never paid",
                          GpnoptWarning, stacklevel=2)
    return out
