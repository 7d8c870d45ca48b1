"""Family 19, base plants: a firm's mother plant that supports its lines abroad.

A firm may name one of its plants its *base plant* (``firms.F.base_plant``): the plant that
holds the firm's know-how. A line of one of the base's products at a plant outside the
firm's home country (a *foreign* line) may run only while the base is open; the base bears
a support cost per unit made abroad and may charge a support fee for it
(``docs/formulation.md``, section 19). Shape only; the plant and products are checked in
:mod:`gpnopt.checks.base_plants`. No Pyomo here.
"""

from __future__ import annotations

from pydantic import Field

from gpnopt.fields import Base, NonNeg, Provenance, Tier


class BasePlant(Base):
    """A firm's base (mother) plant and what supporting its foreign lines costs."""

    plant: str
    """Plant id of the base; a plant the firm owns (any share)."""
    products: list[str] | None = None
    """Products whose foreign lines the base supports; omitted = every product the firm
    designs (``products.X.firm``)."""
    support_cost: dict[Tier, NonNeg] = Field(default_factory=dict)
    """Cost the base bears per unit of those products made abroad, by the product's tier
    (money/unit); a tier left out costs nothing."""
    support_fee: dict[Tier, NonNeg] = Field(default_factory=dict)
    """Fee the foreign plant pays the base per unit it makes, by tier (money/unit); a tier
    left out pays nothing. It moves profit between the plants (and so their owners)."""
    closure_cost: NonNeg = 0.0
    """One-period instances: one-off cost of closing an existing base (money), charged as
    its yearly annuity when the base is closed. A multi-period instance refuses it: there the
    base's own ``plants.X.closure_cost`` is paid in the period it closes."""
    provenance: Provenance = None
    """Where this record's numbers come from."""
