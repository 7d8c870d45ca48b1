"""Family 25, sourcing across plants and customers: the shape of a sourcing rule's new keys.

A sourcing rule (``sourcing_rules`` entries, :class:`gpnopt.schema.SourcingRule`) names the
plant whose supply it bounds (``plant``) or several plants whose supply counts together
(``plants``), and may tie its requirement to the customers the plants sell to
(``customers``, a :class:`SourcingCustomers`). Shape only: cross-references are checked in
:mod:`gpnopt.checks.sourcing`; the rows are in :mod:`gpnopt.model.sourcing`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from gpnopt.fields import Base

__all__ = ["SourcingCustomers", "rule_shape_problem"]


class SourcingCustomers(Base):
    """The customers a sourcing rule's requirement is tied to (keiretsu-style sourcing).

    The rule then counts only the components that go into what its plant(s) sell to these
    markets: the requirement is ``sum bom[i,k] * v_sales[p,i,h,m]`` over the rule's plants
    p, the markets m listed, every product i and channel h, and the qualifying sources must
    supply at least ``min_share`` of it (units).
    """

    markets: Annotated[list[str], Field(min_length=1)]
    """Markets whose purchases the requirement counts (market ids, at least one)."""


def rule_shape_problem(
    *,
    plant: str | None,
    plants: list[str] | None,
    customers: SourcingCustomers | None,
    max_share: float,
    basis: str,
) -> str | None:
    """What is wrong with a sourcing rule's plant, plants and customers keys, or None.

    Exactly one of ``plant`` and ``plants`` (not empty); with ``customers`` only a least
    share by units is meaningful (``max_share`` below 1 or ``basis: value`` refused).
    """
    if (plant is None) == (plants is None):
        return "give exactly one of plant (one plant) and plants (several counted together)"
    if plants is not None and not plants:
        return "plants: name at least one plant"
    if plants is not None and len(set(plants)) != len(plants):
        return "plants: a plant is named twice"
    if customers is not None and max_share < 1:
        return (
            "max_share with customers: a rule tied to customers bounds only the least share "
            "of their requirement (min_share); use a rule without customers for a most share"
        )
    if customers is not None and basis != "quantity":
        return "basis: value with customers: the customers' requirement is counted in units"
    return None
