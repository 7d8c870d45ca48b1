"""Checks of family 16, price-responsive demand (``docs/formulation.md``, section 16).

A demand entry with a ``curve`` may leave ``quantity`` and ``price`` out (the schema fills
them: the curve's total and its first step's price); given as well, they must agree with
the curve. The shape of a curve itself (at least one step, quantities >= 0, prices not
rising) is the schema's (:mod:`gpnopt.economics.demand`).
"""

from __future__ import annotations

import math

from gpnopt.economics.demand import curve_total
from gpnopt.schema import Instance


def check_demand(inst: Instance) -> list[str]:
    """A curve's market entry states no other quantity or price than the curve's."""
    out = []
    for mid, market in inst.markets.items():
        for iid, dem in market.demand.items():
            if dem.curve is None:
                continue
            where = f"markets.{mid}.demand.{iid}"
            total, first = curve_total(dem.curve), float(dem.curve[0].price)
            if not math.isclose(float(dem.quantity or 0.0), total, rel_tol=1e-9, abs_tol=1e-9):
                out.append(
                    f"{where}.quantity: {dem.quantity:g} disagrees with the curve, whose steps "
                    f"total {total:g}; leave quantity out or make it the total"
                )
            if not math.isclose(float(dem.price or 0.0), first, rel_tol=1e-9, abs_tol=1e-9):
                out.append(
                    f"{where}.price: {dem.price:g} disagrees with the curve, whose first step "
                    f"sells at {first:g}; leave price out or make it the first step's"
                )
    return out


__all__ = ["check_demand"]
