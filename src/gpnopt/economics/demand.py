"""Family 16, price-responsive demand: a market's demand curve for a product.

A curve is a list of steps, each a quantity (units/year) and the price those units fetch;
the steps come in order, dearest first: a step's price may not exceed the price of the one
before it. Selling into the market then fills the first step's units at its price, the next
step's at its (lower) price, and so on: revenue is concave in the quantity sold, so the
model (``gpnopt.model.demand``) fills the dearer steps first without integer variables.
A price that rose from one step to the next would make the revenue non-concave, and the
linear model would sell the later, dearer units without the earlier ones: such a curve is
refused.

:func:`fill_from_curve` gives a demand entry with a curve its ``quantity`` (the total of
the steps) and ``price`` (the first step's) when they are left out; a quantity or price that
disagrees with the curve is reported by :mod:`gpnopt.checks.demand` with its YAML path.
Foundation layer: no Pyomo.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

from gpnopt.fields import Base, NonNeg


class CurveStep(Base):
    """One step of a demand curve: the next ``quantity`` units sell at ``price``."""

    quantity: NonNeg
    """How many more units the market buys at this step's price (units/year, >= 0)."""
    price: NonNeg
    """Price per unit of this step's units (money/unit, >= 0); at most the price of the
    step before it."""


def _check_curve(steps: list[CurveStep]) -> list[CurveStep]:
    """Refuse an empty curve and a price that rises from one step to the next."""
    if not steps:
        msg = "a demand curve needs at least one step ({quantity: ..., price: ...})"
        raise ValueError(msg)
    for n in range(1, len(steps)):
        before, here = steps[n - 1].price, steps[n].price
        if here > before:
            msg = (
                f"step {n} has price {here:g}, above step {n - 1}'s {before:g}: prices may "
                "not rise from one step to the next (dearest first; a rising curve is not "
                "concave, and the model would sell its later units alone)"
            )
            raise ValueError(msg)
    return steps


Curve = Annotated[list[CurveStep], AfterValidator(_check_curve)]
"""A demand curve: its steps in order, prices not rising (at least one step)."""


def curve_total(steps: list[CurveStep]) -> float:
    """The curve's total quantity (units/year): the sum of its steps."""
    return float(sum(s.quantity for s in steps))


def fill_from_curve(entry: Any) -> Any:
    """Give a demand entry with a curve the curve's total as ``quantity`` and its first
    step's price as ``price`` where they are left out (``None``); an entry without a curve
    must state both. Returns the entry (a frozen model, set in place).

    Raises:
        ValueError: no curve and ``quantity`` or ``price`` missing.
    """
    curve = entry.curve
    if curve is None:
        missing = [k for k in ("quantity", "price") if getattr(entry, k) is None]
        if missing:
            msg = f"{' and '.join(missing)} required (or give a curve)"
            raise ValueError(msg)
        return entry
    if entry.quantity is None:
        object.__setattr__(entry, "quantity", curve_total(curve))  # frozen: filled once here
    if entry.price is None:
        object.__setattr__(entry, "price", float(curve[0].price))
    return entry


__all__ = ["Curve", "CurveStep", "curve_total", "fill_from_curve"]
