"""Family 24, exchange rates: the currencies money numbers of a record may be stated in.

``currencies`` gives each currency's rate (model money per unit of the currency); a country
may name its currency, and plants, suppliers, markets, channels and purchasing offices may
state ``currency: local`` or a currency id. The conversion to the model's money is an
input transformation (:mod:`gpnopt.currency`, ``docs/formulation.md`` section 24), not part
of the model. Shape only; references are checked by :func:`gpnopt.currency.currency_problems`.
No Pyomo here.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from gpnopt.fields import ID_PATTERN, Base, Positive, Provenance

LOCAL = "local"
"""The ``currency`` of a record whose money is in its country's currency."""

CurrencyRef = Annotated[str, Field(pattern=ID_PATTERN)]
"""A record's currency: ``local`` (its country's) or a currency id of ``currencies``."""


class Currency(Base):
    """A currency and its exchange rate."""

    name: str | None = None
    """Readable name."""
    rate: Positive
    """Model money (``units.money``) per unit of the currency, above 0; a value per period
    like any value (``{P2005: 0.0090, P2008: 0.0105}``)."""
    provenance: Provenance = None
    """Where the rates come from."""
