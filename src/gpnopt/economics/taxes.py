"""Family 22, taxes: profit tax by country, with preferential rates and holidays.

``taxes.rates`` gives the profit tax of each country (a :data:`~gpnopt.fields.Rate`: 0.25 is
25%; 40 meaning 40% is refused). ``taxes.incentives`` lower the rate of some entities: those
of a country (optionally only those with an owner whose home country is listed, the
preferential rate of a joint venture with a Taiwanese headquarters, case 1.3) or the plants
listed. The lowest applicable rate wins. ``taxes.charged_to`` names entities (a purchasing
office that reports to its parent plant) whose profit before tax counts in another entity's
tax base instead of being taxed on their own. Per-period values (``{P2005: 0.0, P2010: 0.25}``)
make a holiday. Shape only here; cross-references in :mod:`gpnopt.checks.taxes`, the model
in :mod:`gpnopt.model.taxes`.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from gpnopt.fields import Base, Name, Provenance, Rate


class TaxIncentive(Base):
    """A preferential profit-tax rate (or a holiday: rate 0) for some entities."""

    id: Name
    """Id of the incentive (shown in the ``taxes`` result table)."""
    rate: Rate
    """Profit tax rate of the entities it covers (0-1: 0.15 is 15%)."""
    country: str | None = None
    """Country id: the plants, purchasing offices and channels (with a ``country``) in it."""
    plants: list[str] | None = None
    """Plant ids: these plants (with ``country`` too: those of them in the country)."""
    owner_home_countries: list[str] | None = None
    """Only entities with an owner (equity above 0) whose firm's ``home_country`` is one of
    these country ids."""

    @model_validator(mode="after")
    def _covers_something(self) -> TaxIncentive:
        if self.country is None and not self.plants:
            msg = "give country or plants (the entities the incentive covers)"
            raise ValueError(msg)
        return self


class Taxes(Base):
    """Profit tax: a rate per country and the incentives that lower it."""

    rates: dict[str, Rate] = Field(default_factory=dict)
    """Profit tax rate by country id (0-1: 0.25 is 25%); a country not listed is untaxed."""
    incentives: list[TaxIncentive] = Field(default_factory=list)
    """Preferential rates and holidays; for an entity the lowest applicable rate wins
    (its own country's rate included)."""
    charged_to: dict[Name, Name] = Field(default_factory=dict)
    """Entity id -> entity id (plants, purchasing offices, channels): a cost centre whose
    profit before tax counts in the second entity's tax base instead of being taxed on its
    own, so its costs lower that entity's taxable profit (a purchasing office that charges
    its costs to the plant it buys for); omitted = every entity is taxed on its own."""
    provenance: Provenance = None
    """Where the rates and incentives come from."""

    @field_validator("incentives")
    @classmethod
    def _unique_ids(cls, incentives: list[TaxIncentive]) -> list[TaxIncentive]:
        seen: set[str] = set()
        for inc in incentives:
            if inc.id in seen:
                msg = f"incentive id {inc.id!r} is given twice"
                raise ValueError(msg)
            seen.add(inc.id)
        return incentives
