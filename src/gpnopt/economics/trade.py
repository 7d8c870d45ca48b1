"""The schema of trade: transport costs and lead times per lane, tariffs, who may trade.

Moved out of :mod:`gpnopt.schema` (which re-exports each class) when the economic families
(per-item transport and lead times, family 20) grew it; the keys are those of ``trade:``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from gpnopt.economics.lead_times import DefaultTransport
from gpnopt.fields import Base, NonNeg, Provenance, Rate


class TransportCost(Base):
    """Cost of moving one unit of goods along a lane.

    The origin is a country or a plant; the destination a country, a plant or a market.
    The most specific entry wins (plant or market before country; on one lane, an entry
    naming the item before one of its goods class before ``all``).
    """

    from_country: str | None = None
    """Origin country id."""
    from_plant: str | None = None
    """Origin plant id (overrides country entries)."""
    to_country: str | None = None
    """Destination country id."""
    to_plant: str | None = None
    """Destination plant id (components; overrides country entries)."""
    to_market: str | None = None
    """Destination market id (machines; overrides country entries)."""
    goods: Literal["machine", "component", "all"] = "all"
    """Goods class the cost applies to."""
    products: list[str] | None = None
    """Only these products (machines); wins over a goods-class entry of the same lane."""
    components: list[str] | None = None
    """Only these components; wins over a goods-class entry of the same lane."""
    unit_cost: NonNeg
    """Cost per unit moved (money/unit)."""
    value_rate: Rate = 0.0
    """Added cost as a share of the goods' value (0-1; market price of a machine, transfer or
    supplier price of a component): unit cost = unit_cost + value_rate * value."""
    lead_time: NonNeg | None = None
    """Days along the lane (>= 0); omitted = the next less specific entry's (then
    ``trade.default_transport``'s across a border, then 0)."""
    symmetric: bool = False
    """Also apply in the opposite direction (country-to-country entries only)."""
    provenance: Provenance = None
    """Where the number comes from."""

    @model_validator(mode="after")
    def _ends(self) -> TransportCost:
        origins = [x for x in (self.from_country, self.from_plant) if x is not None]
        dests = [x for x in (self.to_country, self.to_plant, self.to_market) if x is not None]
        if len(origins) != 1 or len(dests) != 1:
            msg = "give exactly one of from_country/from_plant and one of to_country/to_plant/to_market"
            raise ValueError(msg)
        if self.symmetric and (self.from_country is None or self.to_country is None):
            msg = "symmetric applies to country-to-country entries only"
            raise ValueError(msg)
        return self


class Tariff(Base):
    """Ad-valorem duty on goods crossing into a country."""

    from_country: str | None = None
    """Origin country id; omitted = every other country."""
    to_country: str
    """Importing country id."""
    goods: Literal["machine", "component", "all"] = "all"
    """Goods class."""
    rate: Rate
    """Duty as a fraction of the customs value (price in the market for machines, transfer or
    supplier price for components): 0.1 is 10%, at most 1."""
    provenance: Provenance = None
    """Where the number comes from."""


class Trade(Base):
    """Transport costs, tariffs and who may trade components with whom."""

    transport: list[TransportCost] = Field(default_factory=list)
    """Lane costs and lead times; lanes not listed take ``default_transport`` across a border,
    else cost nothing."""
    tariffs: list[Tariff] = Field(default_factory=list)
    """Duties; the entry naming the origin wins over one that does not."""
    cross_firm_supply: bool = False
    """Let plants that share no owner trade components (otherwise only within a firm's network)."""
    default_transport: DefaultTransport | None = None
    """Cost and lead time of cross-border lanes no entry covers; omitted = free and instant."""
