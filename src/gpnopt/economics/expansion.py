"""Family 17, capacity expansion and partner funding: the ``expansion`` of a plant, line or
make option (``docs/formulation.md``, section 17).

An expansion adds whole modules of capacity to an asset that has a capacity (a plant's
``assembly_capacity``, a line's or make option's ``capacity``), each module at an investment
and a yearly fixed cost. A plant's expansion may be funded by a partner firm, which pays a
share of the modules' investment and receives equity of the plant in return (the case's
TTC 2006). Shape only: that the asset has a capacity and the partner is a firm is checked in
:mod:`gpnopt.checks.expansion`. No Pyomo.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from gpnopt.fields import Base, Name, NonNeg, Positive, Provenance, Share


def _whole(value: Any) -> Any:
    """Refuse a boolean or a fractional number where a whole count is expected."""
    if isinstance(value, bool):
        msg = "a whole number is expected, not a boolean"
        raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into a field error
    if isinstance(value, float) and not value.is_integer():
        msg = f"a whole number of modules is expected, not {value:g}"
        raise ValueError(msg)
    return value


Modules = Annotated[int, Field(ge=0, le=1000), BeforeValidator(_whole)]
"""A whole number of modules, 0 to 1000."""


class Funding(Base):
    """A partner firm that funds a plant's expansion for equity of the plant."""

    firm: Name
    """The partner (a firm id; it may already be an owner, then its shares add)."""
    covers: Annotated[Share, Field(gt=0)] = 1.0
    """Share of the investment of the modules added while funded that the partner pays,
    above 0 and at most 1 (its capital budget bears it, the owners' budgets are relieved)."""
    equity: Annotated[Share, Field(gt=0)]
    """Equity of the plant the partner receives when funding, above 0 and at most 1, taken
    from the other owners pro rata (each keeps its share times 1 - equity)."""
    provenance: Provenance = None
    """Where the terms come from."""


class Expansion(Base):
    """Whole modules of capacity that may be added to a plant, a line or a make option."""

    module: Positive
    """Capacity one module adds (capacity units/year; for a line or make option: units/year),
    above 0; added to the plant's ``assembly_capacity`` or the line's or option's ``capacity``."""
    investment_cost: NonNeg = 0.0
    """Investment per module (money): a yearly annuity in a one-period instance, an outlay
    in the period a module is added in a multi-period one; counts in capital budgets."""
    fixed_cost: NonNeg = 0.0
    """Cost per module and year while the module is there (money/year)."""
    max_modules: Modules = 1
    """Most modules the asset may have (a whole number, 0 to 1000)."""
    lifetime: Annotated[float, Field(gt=0, le=200)] | None = None
    """Years a module's investment lasts (the annuity of a one-period instance); omitted =
    ``finance.asset_lifetime``."""
    funding: Funding | None = None
    """A partner that may fund the expansion for equity (plants only); omitted = none."""
    provenance: Provenance = None
    """Where the numbers come from."""
