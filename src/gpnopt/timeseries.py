"""Per-period instances: the values of a multi-period instance resolved period by period.

An instance with ``periods:`` may give any value per period (``docs/formulation.md``,
Periods). :func:`period_instances` returns one plain instance per period, in order, and
:func:`horizon` the periods' years and discount weights. An instance without ``periods:`` is
its own one period :data:`gpnopt.dynamics.ONE_PERIOD`.
"""

from __future__ import annotations

from gpnopt.dynamics import ONE_PERIOD, Horizon, make_horizon
from gpnopt.schema import Instance

__all__ = ["horizon", "period_instances"]


def horizon(instance: Instance) -> Horizon:
    """The :class:`gpnopt.dynamics.Horizon` of ``instance``."""
    return make_horizon(list(instance.periods), instance.finance)


def period_instances(instance: Instance) -> dict[str, Instance]:
    """One instance per period, in period order (one-period: ``{"P1": instance}``).

    Values given per period are resolved by the loader; an instance built in Python with
    ``periods`` gives the same instance for every period.
    """
    if not instance.periods:
        return {ONE_PERIOD: instance}
    return {p.id: instance for p in instance.periods}
