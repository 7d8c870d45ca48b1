"""The schema of an expectation: a declarative check of a solution.

The field reference is ``docs/reference.md``, section "Expectation".

Part of :mod:`gpnopt.schema` (``gpnopt.schema.Expectation`` keeps working); its own module so
that the kinds can grow. Evaluated in :mod:`gpnopt.analysis.expectations`; periods:
:mod:`gpnopt.timing`. No Pyomo here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from gpnopt.fields import Base, Id, Name, NonNeg, Provenance, Share, Tier
from gpnopt.timing import Window, check_timing

__all__ = ["Expectation"]


class Expectation(Base):
    """A declarative check of a solution, reported by ``gpnopt solve`` with each result.

    Kinds and the fields they use:

    * ``makes``: ``plant`` makes ``product`` (or any product of ``tier``), optionally for
      ``market`` and/or through ``channel``; ``firm`` restricts to products of that firm.
    * ``in_house``: ``plant`` makes ``component`` in-house.
    * ``flow``: ``component`` (or any) flows from ``source`` (plant or supplier, or any
      source in ``source_country``) to ``destination``.
    * ``share``: the share of ``destination``'s supply of ``components`` (or all) coming from
      ``source``/``source_country``/``source_firm`` lies in [``min``, ``max``].
    * ``sells``: products (of ``firm``/``tier``/``product``) reach ``market``, optionally only
      through ``channel`` (``only_channel: true``).
    * ``binding``: the technician pool of ``firm`` is used up: at least the pool's number of
      expatriates works abroad (hires under family 18 add to them: a firm hires only past
      its pool); local managers, who stand in for part of a crew, do not count. A firm that
      counts ``whole_persons`` uses its pool up with floor(pool) abroad.
    * ``open``: entity ``plant`` or ``channel`` is open.
    * ``sales_share``: the share of sales (``basis``: revenue, the default, or quantity)
      that goes to the customer segment ``markets`` lies in [``min``, ``max``]; the sales
      counted are those of ``plant`` (or of the plants with equity of ``source_firm``, or
      all), optionally of ``product``/``tier``/``firm`` (the designer) only.
    * ``margin``: profit over revenue of ``plant`` or ``channel`` (its table row), or of
      ``firm`` (its equity-weighted profit over what the markets pay for its plants' sales,
      by its equity in each plant), lies in [``min``, ``max``].
    * ``largest``: ``plant`` makes the most (``basis``: quantity, the default for this kind,
      or revenue) of the plants compared: those of which ``source_firm`` holds more than half
      (its group: the plants it consolidates), or every plant.
    * ``discount``: purchasing pool ``pool`` (family 21) reaches a tier whose discount is at
      least ``min`` (omitted: any discount above 0): its buyers' pooled volume earns it.

    ``holds``: the expected truth (``false``: must not be true); periods: :mod:`gpnopt.timing`.
    """

    id: Id
    """Unique id."""
    description: str = ""
    """The stylized fact in words."""
    kind: Literal["makes", "in_house", "flow", "share", "sells", "binding", "open",
                  "sales_share", "margin", "largest", "discount"]
    """What is checked."""
    holds: bool = True
    """Whether the statement is expected to be true."""
    plant: str | None = None
    """Plant id."""
    product: str | None = None
    """Product id."""
    tier: Tier | None = None
    """Product tier."""
    firm: str | None = None
    """Firm id (product designer for makes/sells, pool owner for binding)."""
    market: str | None = None
    """Market id."""
    channel: str | None = None
    """Channel id."""
    only_channel: bool = False
    """With ``sells``: every unit must go through ``channel``."""
    component: str | None = None
    """Component id."""
    components: list[str] | None = None
    """Component ids (share)."""
    source: str | None = None
    """Source plant or supplier id."""
    source_country: str | None = None
    """Source country id."""
    source_firm: str | None = None
    """Source: plants with equity of this firm."""
    destination: str | None = None
    """Destination plant id."""
    markets: list[str] | None = None
    """Market ids: the customer segment of ``sales_share``."""
    pool: str | None = None
    """Purchasing pool id (``discount``)."""
    basis: Literal["revenue", "quantity"] | None = None
    """``sales_share``: shares of revenue (units times price, the default) or of units;
    ``largest``: output in units (the default) or revenue."""
    min: Share | None = None
    """Least share (share)."""
    max: Share | None = None
    """Largest share (share)."""
    min_quantity: NonNeg = 1e-6
    """Quantity above which something counts as happening."""
    in_period: Name | None = None
    """Evaluate the statement in this period (an id); omitted: the last period."""
    first_period: Window | None = None
    """The statement first holds in a period starting in this window of years."""
    before: Id | None = None
    """The statement first holds earlier than expectation ``before``'s statement."""
    after: Id | None = None
    """The statement first holds later than expectation ``after``'s statement."""
    provenance: Provenance = None
    """Where the fact comes from (case-facts section)."""

    _timing = model_validator(mode="after")(check_timing)

    @model_validator(mode="after")
    def _kind_fields(self) -> Expectation:
        if self.kind == "sales_share" and not self.markets:
            msg = "a sales_share expectation names its customer segment: markets: [..]"
            raise ValueError(msg)
        if self.kind == "margin" and [self.plant, self.channel, self.firm].count(None) != 2:
            msg = "a margin expectation names exactly one of plant, channel and firm"
            raise ValueError(msg)
        if self.kind == "largest" and self.plant is None:
            msg = "a largest expectation names its plant: plant: ID"
            raise ValueError(msg)
        if (self.kind == "discount") != (self.pool is not None):
            msg = ("a discount expectation names its purchasing pool: pool: ID" if self.pool is None
                   else "pool is read by discount expectations only")
            raise ValueError(msg)
        if self.kind in ("sales_share", "margin") and self.min is None and self.max is None:
            msg = f"a {self.kind} expectation states min, max or both"
            raise ValueError(msg)
        return self
