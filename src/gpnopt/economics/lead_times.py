"""Schema of family 20, transport per item and lead times (``docs/formulation.md``).

The per-item keys (``products``, ``components``, ``value_rate``, ``lead_time``) are fields of
:class:`gpnopt.schema.TransportCost`; the lead-time limits are fields of
:class:`gpnopt.schema.Market` and :class:`gpnopt.schema.Plant`. This module holds the one
class of its own: the default of lanes no entry covers.
"""

from __future__ import annotations

from gpnopt.fields import Base, NonNeg, Provenance, Rate


class DefaultTransport(Base):
    """Cost and lead time of a cross-border lane no ``trade.transport`` entry applies to.

    Without it such a lane costs nothing and takes no time (and ``gpnopt validate`` warns
    of a goods class no entry covers); with it, every unlisted cross-border lane costs
    ``unit_cost + value_rate * value`` per unit and takes ``lead_time`` days. Lanes within a
    country that no entry names stay free and instant.
    """

    unit_cost: NonNeg = 0.0
    """Cost per unit moved (money/unit, >= 0)."""
    value_rate: Rate = 0.0
    """Cost as a share of the goods' value (0-1: 0.02 is 2%; the value is the market price of
    a machine, the transfer or supplier price of a component)."""
    lead_time: NonNeg = 0.0
    """Days a unit takes along the lane (>= 0)."""
    provenance: Provenance = None
    """Where these numbers come from."""
