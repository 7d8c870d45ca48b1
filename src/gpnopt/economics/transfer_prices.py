"""Family 23, transfer prices as a choice: the levels a component may be traded at.

``components.K.transfer_prices: [80, 100, 120]`` lists the transfer prices (money/unit)
within the arm's-length range at which plants may trade component K with each other; the
model picks the level of every flow (:mod:`gpnopt.model.transfer_prices`). Without the key
the component's ``transfer_price`` is the one level, as before. Shape only: every level is a
finite number >= 0, at least one, no level twice. No Pyomo.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from gpnopt.fields import NonNeg


def _distinct_levels(levels: list[float]) -> list[float]:
    """No level twice (a repeated level is a typo: it adds nothing to the choice)."""
    seen: set[float] = set()
    for level in levels:
        if level in seen:
            msg = f"level {level:g} is listed twice; list each transfer price once"
            raise ValueError(msg)
        seen.add(level)
    return levels


TransferLevels = Annotated[
    list[NonNeg], Field(min_length=1), AfterValidator(_distinct_levels)
]
"""Transfer price levels (money/unit, each >= 0), at least one, none twice."""
