"""The field types of the instance schema: bounded numbers, rates, ids, tiers.

Every number of an instance is finite and within :data:`MAX_MAGNITUDE`, and never a YAML
boolean (``yes``, ``on`` and ``true`` are refused rather than read as 1); rates and shares
are fractions; every id follows :data:`ID_PATTERN`. :mod:`gpnopt.schema` builds its models
from these types and re-exports them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Tier = Literal["low", "medium", "high"]
"""Value tier of a product, and quality level of a component source (ordered)."""

TIER_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}
"""Order of tiers and quality levels: low < medium < high."""

MAX_MAGNITUDE = 1e12
"""Largest magnitude of any number of an instance (money, quantities, capacities, ...).

Beyond it the solver's arithmetic is no longer reliable (a price times a quantity must stay
far inside double precision); a bigger number is almost always a unit mistake."""

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
"""Every id (entity, expectation, sourcing rule, scenario, override): letters, digits, ``_``
and ``-``, starting with a letter or digit, at most 64 characters. No dots (they separate the
parts of a YAML path) and nothing a spreadsheet reads as a formula."""

ID_RULE = "letters, digits, _ and -, starting with a letter or digit, at most 64 characters"
""":data:`ID_PATTERN` in words (for messages)."""


def _not_bool(value: Any) -> Any:
    """Refuse a boolean where a number is expected (YAML reads ``yes``/``on`` as true)."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        msg = (
            f"a number is expected, not the boolean {word} (YAML reads unquoted "
            "yes/no, on/off and true/false as booleans)"
        )
        raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into a field error
    return value


_BOUND = Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)

Number = Annotated[float, _BOUND, BeforeValidator(_not_bool)]
"""Any finite number of at most :data:`MAX_MAGNITUDE` in magnitude; ints are taken, booleans
refused."""
NonNeg = Annotated[float, _BOUND, Field(ge=0), BeforeValidator(_not_bool)]
"""A :data:`Number` of at least 0."""
Positive = Annotated[float, _BOUND, Field(gt=0), BeforeValidator(_not_bool)]
"""A :data:`Number` above 0."""


def _fraction(value: Any) -> Any:
    """Refuse a share or rate above 1, naming the likely slip (``10`` meant as 10%)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
        slip = (
            f"{value:g} means {100 * value:g}%; write {value / 100:g} for {value:g}%"
            if value >= 2
            else "0.1 is 10%"
        )
        msg = f"Input should be less than or equal to 1 (shares and rates are fractions: {slip})"
        raise ValueError(msg)
    return value


Rate = Annotated[
    float,
    Field(ge=0, le=1, allow_inf_nan=False),
    BeforeValidator(_fraction),
    BeforeValidator(_not_bool),
]
"""A fraction from 0 to 1 (a rate: 0.1 is 10%); above 1 is refused as a likely percentage."""
Share = Rate
"""A :data:`Number` from 0 to 1 (a fraction, as :data:`Rate`)."""
Provenance = str | dict[str, str] | None
"""Where numbers come from: one text, or a text per field name."""
Name = Annotated[str, Field(pattern=ID_PATTERN)]
"""An id: see :data:`ID_PATTERN`."""
Id = Name
"""An expectation id (the same rule as every other id)."""


class Base(BaseModel):
    """Base config of every schema model (Calliope style): unknown keys refused, frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        strict=False,
        validate_default=True,
    )
