"""Family 21, volume discounts and joint purchasing: the ``purchasing_pools`` section.

A purchasing pool counts the purchases of some buyers (plants) from some supplier pools as
one volume per year; the volume reaches discount tiers, and the discount is taken off the
supplier unit price (``docs/formulation.md``, section 21). Shape only here; the references
(suppliers, components, firms, plants) and overlapping pools are checked in
:mod:`gpnopt.checks.discounts`. No Pyomo.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from gpnopt.fields import Base, NonNeg, Provenance, Rate

__all__ = ["DiscountTier", "PoolBuyers", "PurchasingPool"]


class DiscountTier(Base):
    """One discount tier: from this volume on, this discount off the supplier unit price."""

    model_config = ConfigDict(populate_by_name=True)  # ``from`` in YAML, ``from_`` in Python

    from_: NonNeg = Field(alias="from")
    """Volume (units/year, summed over the pool's components) at which the tier starts, >= 0;
    the first tier starts at 0."""
    discount: Rate
    """Discount off the supplier unit price, a fraction from 0 to 1 (0.05 is 5%)."""


class PoolBuyers(Base):
    """Whose purchases count in a pool's volume (plants matching any filter given)."""

    firms: list[str] | None = None
    """Plants with equity of any of these firms."""
    plants: list[str] | None = None
    """These plants."""

    @model_validator(mode="after")
    def _not_empty(self) -> PoolBuyers:
        if not (self.firms or self.plants):
            msg = "give at least one firm or plant (omit buyers for every plant)"
            raise ValueError(msg)
        return self


class PurchasingPool(Base):
    """Purchases pooled into one volume that earns volume discounts (joint purchasing)."""

    name: str | None = None
    """Readable name."""
    suppliers: list[str] = Field(min_length=1)
    """Supplier pools whose sales count (at least one)."""
    components: list[str] | None = None
    """Components that count; omitted = every component these suppliers offer."""
    buyers: PoolBuyers | None = None
    """Plants whose purchases count; omitted = every plant."""
    scheme: Literal["all_units", "incremental"] = "all_units"
    """``all_units``: the whole volume at the discount of the highest tier it reaches;
    ``incremental``: each tier's segment of the volume at that tier's discount."""
    tiers: list[DiscountTier] = Field(min_length=1)
    """The tiers, ``from`` strictly increasing and the first 0; discounts never decrease."""
    provenance: Provenance = None
    """Where this record's numbers come from."""

    @field_validator("tiers")
    @classmethod
    def _tiers_in_order(cls, tiers: list[DiscountTier]) -> list[DiscountTier]:
        if tiers[0].from_ != 0:
            msg = f"the first tier must start from 0 (it starts from {tiers[0].from_:g})"
            raise ValueError(msg)
        for n in range(1, len(tiers)):
            lo, hi = tiers[n - 1], tiers[n]
            if hi.from_ <= lo.from_:
                msg = (
                    f"tiers.{n} starts from {hi.from_:g}, not above tiers.{n - 1}'s "
                    f"{lo.from_:g}: 'from' must increase strictly"
                )
                raise ValueError(msg)
            if hi.discount < lo.discount:
                msg = (
                    f"tiers.{n}'s discount {hi.discount:g} is below tiers.{n - 1}'s "
                    f"{lo.discount:g}: a discount never decreases with volume"
                )
                raise ValueError(msg)
        return tiers
