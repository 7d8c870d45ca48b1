"""The ``taxes`` table (family 22): each taxed entity's profit before tax, taxable profit,
rate and tax, period by period.

==================  ===========================================================================
column              meaning
==================  ===========================================================================
entity              plant, purchasing office or channel (with a ``country``)
country             the country whose rate applies
period              the period
profit_before_tax   revenue less every cost but the tax (a period's block: less the capital
                    allowance too, ``docs/formulation.md`` section 22), money/year
taxable             the taxable profit: max(0, profit_before_tax plus that of the entities
                    ``taxes.charged_to`` charges to this one), money/year
rate                the rate in force (the lowest of the country's and the incentives')
tax                 rate * taxable, money/year (the "tax" part of the entity's profit)
incentive           id of the incentive giving the rate, empty for the country's own rate
==================  ===========================================================================

One row per entity in a country ``taxes.rates`` lists or that an incentive covers (an entity
charged to another has none: it is taxed in that one's base). No
Pyomo at module level (values are read through ``val``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ZERO = 1e-6
"""Values at or below this are 0 (``gpnopt.results.solution.ZERO``; that module imports the
registry of this reader, so it is not imported here)."""


def clean(x: float) -> float:
    """Rounded to 6 digits, tiny values 0 (as ``gpnopt.results.solution.clean``)."""
    return 0.0 if abs(x) <= ZERO else round(float(x), 6)

TAX_COLUMNS = (
    "entity", "country", "period", "profit_before_tax", "taxable", "rate", "tax", "incentive",
)
"""Columns of the ``taxes`` table."""


def tax_rows(
    block: Any, data: Any, period: str, val: Callable[[Any], float]
) -> list[dict[str, Any]]:
    """The ``taxes`` rows of one period's model or block (module docstring)."""
    from gpnopt.model.taxes import derive_taxes

    rates = derive_taxes(data)
    before = block.component("profit_before_tax")
    if not rates or before is None:
        return []
    taxable_var = block.component("v_taxable")
    rows = []
    for e, r in rates.items():
        pbt = val(before[e])
        if taxable_var is not None and e in taxable_var:
            taxable = val(taxable_var[e])
        else:
            taxable = max(0.0, pbt)
        rows.append(
            {
                "entity": e, "country": r.country, "period": period,
                "profit_before_tax": clean(pbt), "taxable": clean(taxable),
                "rate": r.rate, "tax": clean(r.rate * taxable), "incentive": r.incentive,
            }
        )
    return rows
