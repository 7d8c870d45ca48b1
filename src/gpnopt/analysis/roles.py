"""The role rule of a plant (horizontal, vertical, both, none), free of pandas.

:mod:`gpnopt.analysis.specialization` computes the shares and indices from Result tables;
sweep workers compute them from the model directly. Both classify with this one rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

ROLE_MIN_SHARE = 0.10
"""Least share of a plant's gross output value that makes a side of its activity a role:
final sales (horizontal) or components shipped to other plants (vertical)."""

HORIZONTAL_MIN_INDEX = 0.25
"""Least horizontal index (Herfindahl of final sales over tier x market-country cells) of a
plant with a horizontal role: its sales are worth at most 4 equal cells. Below it the plant
sells everything everywhere, a generalist."""

EPS = 1e-9
"""Values (money) at or below this count as zero."""

ROLE_TYPES = ("horizontal", "vertical", "both", "none")
"""Values of the ``role_type`` column."""


def share(num: float, den: float) -> float:
    """num / den, NaN when den is zero (an undefined share)."""
    return num / den if den > EPS else math.nan


def herfindahl(values: Iterable[float]) -> float:
    """Herfindahl index of the shares of ``values``; NaN when they sum to zero."""
    vals = [v for v in values if v > EPS]
    total = sum(vals)
    if total <= EPS:
        return math.nan
    return sum((v / total) ** 2 for v in vals)


def classify(final_share: float, supply_share: float, horizontal_index: float) -> str:
    """The role type from a plant's shares.

    Args:
        final_share: final (machine) sales / gross output.
        supply_share: components shipped to other plants / gross output.
        horizontal_index: Herfindahl of final sales over tier x market-country cells.

    Returns:
        ``horizontal``, ``vertical``, ``both`` or ``none``.
    """
    horizontal = (
        final_share >= ROLE_MIN_SHARE - EPS
        and not math.isnan(horizontal_index)
        and horizontal_index >= HORIZONTAL_MIN_INDEX - EPS
    )
    vertical = supply_share >= ROLE_MIN_SHARE - EPS
    if horizontal and vertical:
        return "both"
    if horizontal:
        return "horizontal"
    if vertical:
        return "vertical"
    return "none"
