"""Family 26, acquisitions: one decision that buys a target's plants and channels at a price.

An acquisition (``acquisitions.Q``) bundles entities of a target firm or business: its plants
and channels open only if the acquisition is made, and the acquisition costs its ``price``
once, as an investment of the entity it is charged to (``charged_to``, default the first
plant listed, else the first channel): in a one-period instance its annuity over
``lifetime`` years is in that entity's capital charge and the price counts in its owners'
capital budgets; over periods the price is an outlay in the period the acquisition is made
(``docs/formulation.md``, section 26). The target's existing plants come with the bundle:
write them with ``existing: true`` (one period) or without an ``investment_cost``. Shape
only; the references are checked in :mod:`gpnopt.checks.acquisitions`. No Pyomo here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from gpnopt.fields import Base, NonNeg, Provenance


class Acquisition(Base):
    """One acquisition: the entities it brings and the price it costs."""

    name: str | None = None
    """Readable name (the target, e.g. ``Sankyo Motor``)."""
    plants: list[str] = Field(default_factory=list)
    """Plant ids that come with the acquisition: each may operate only once it is made."""
    channels: list[str] = Field(default_factory=list)
    """Channel ids that come with the acquisition."""
    price: NonNeg
    """What the acquisition costs, once (money); a period mapping may change it by period."""
    charged_to: str | None = None
    """The entity of the bundle (plant or channel id) whose owners pay the price; omitted =
    the first plant listed, else the first channel."""
    lifetime: Annotated[float, Field(gt=0, le=200)] | None = None
    """One period: years over which the price is charged as an annuity; omitted =
    ``finance.asset_lifetime``."""
    provenance: Provenance = None
    """Where this record's numbers come from."""

    @model_validator(mode="after")
    def _bundles_something(self) -> Any:
        if not self.plants and not self.channels:
            msg = "an acquisition brings at least one plant or channel; this one lists none"
            raise ValueError(msg)
        bundle = [*self.plants, *self.channels]
        twice = sorted({e for e in bundle if bundle.count(e) > 1})
        if twice:
            msg = f"listed twice: {', '.join(twice)}"
            raise ValueError(msg)
        if self.charged_to is not None and self.charged_to not in bundle:
            msg = (f"charged_to {self.charged_to!r} is not one of the acquisition's plants or "
                   "channels; the price is paid by an entity of the bundle")
            raise ValueError(msg)
        return self

    @property
    def payer(self) -> str:
        """The entity charged with the price."""
        return self.charged_to or (self.plants or self.channels)[0]
