"""Schema of family 18, technicians as an economic resource (``docs/formulation.md``).

A firm's ``technicians`` entry (:class:`gpnopt.schema.TechnicianPolicy`) may state a
``cost`` per expatriate-year, a way to ``hiring`` (train or hire) more technicians,
``local_managers`` that substitute for part of what a foreign plant's lines need, and
``whole_persons: true`` (crews counted in whole persons). A firm that states none of the
four keeps family 8 exactly (a pool that limits its foreign lines).
Shape only here; the cross-references (plants, owners) are checked in
:mod:`gpnopt.checks.staffing`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import Field

from gpnopt.fields import Base, Name, NonNeg, Provenance, Share


class Hiring(Base):
    """Technicians a firm may train or hire, at a cost, a few per period, after a lag."""

    cost: NonNeg
    """One-off cost per person hired (money): an outlay in the period hired (a one-period
    instance pays its annuity over ``lifetime`` years instead)."""
    max_per_period: Annotated[int, Field(ge=0, le=1_000_000)]
    """Most persons hired in one period, a whole number at least 0 (persons)."""
    lag: Annotated[int, Field(ge=0, le=50)] = 0
    """Periods from the hire to the first period the person can work abroad (0 = the
    period hired; a one-period instance can use hires only with lag 0)."""
    paid_by: Name | None = None
    """Plant (profit centre) that pays for the hires; omitted = the firm's only plant in its
    home country that it owns wholly (an error if it has none or several)."""
    lifetime: Annotated[float, Field(gt=0, le=200)] | None = None
    """Years a hire's cost is spread over in a one-period instance (annuity); omitted =
    ``finance.asset_lifetime``."""
    provenance: Provenance = None
    """Where the cost, limit and lag come from."""


class LocalManagers(Base):
    """Local managers that substitute for part of the technicians a foreign plant needs."""

    plants: list[Name] | None = None
    """Plants where local managers may work; omitted = every foreign plant of the firm."""
    max_share: Share
    """Most local managers as a share of the technicians a plant's lines need (0-1)."""
    cost: NonNeg = 0.0
    """Cost per local manager-year (money/year), borne by the plant."""
    provenance: Provenance = None
    """Where the share and cost come from."""


def states_staffing(policy: Any) -> bool:
    """Whether a firm's technician ``policy`` (a :class:`gpnopt.schema.TechnicianPolicy` or
    ``None``) states ``cost``, ``hiring``, ``local_managers`` or ``whole_persons: true``
    (family 18 instead of 8)."""
    return policy is not None and (
        policy.cost is not None
        or policy.hiring is not None
        or policy.local_managers is not None
        or policy.whole_persons
    )


def usable_pool(pool: float, whole_persons: bool) -> float:
    """A ``pool`` as persons can use it: ``floor(pool)`` when the firm counts in whole persons
    (4.5 technicians are 4 persons), else ``pool``. What the ``binding`` expectation and
    explain's conditions on it compare the expatriates abroad with."""
    return float(math.floor(pool + 1e-9)) if whole_persons else float(pool)


__all__ = ["Hiring", "LocalManagers", "states_staffing", "usable_pool"]
