"""When an expectation is evaluated: in one period, or when its statement first holds.

An expectation (:class:`gpnopt.schema.Expectation`) states a fact about a solution (a plant
is open, a component is made in-house, ...). In a multi-period instance the fact may hold in
some periods and not in others; four optional fields say which truth is expected:

* ``in_period: ID``: the statement in that period (its rows, its instance's owners).
* ``first_period: {at_least: Y, at_most: Y}``: the statement holds in some period, and the
  first such period starts in the window (either end may be left out). ``Y`` is a year
  (``2008``) or a period id (``"2008"``, ``P3``: that period's start year).
* ``before: ID`` / ``after: ID``: the statement first holds in a period strictly earlier /
  strictly later than the period in which the statement of expectation ``ID`` first holds
  (``before`` also holds when that other statement never holds; ``after`` needs it to
  hold).

Without any of them the statement is evaluated in the last period (the network the horizon
ends with); a one-period instance has one period, ``P1``. ``in_period`` excludes the other
three, which may be combined (all must hold). ``holds: false`` expects the whole timed
statement to be false. Examples (the case's dated events)::

    - {id: ft_china_2005, kind: open, plant: CN_FT, in_period: "2005"}
    - {id: office_by_2007, kind: open, channel: CN_PO, first_period: {at_most: 2007}}
    - {id: casting_after_office, kind: in_house, plant: CN_FFG, component: casting,
       after: office_by_2007}

Shape rules only (here); that the ids name periods and expectations of the instance is
checked in :mod:`gpnopt.checks`; the evaluation is :mod:`gpnopt.analysis.expectations`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from gpnopt.fields import Base, Name

ALL_PERIODS = "all"
"""The ``period`` of a value over the whole horizon of a multi-period instance in the result
tables (its net present value): reserved, no period may be called so."""

PeriodOrYear = Annotated[int, Field(ge=1800, le=2300)] | Name
"""A year (a number) or a period id (text: that period's start year)."""


class Window(Base):
    """Years in which the first period of an event must start (both ends included)."""

    at_least: PeriodOrYear | None = None
    """Earliest start year (a year, or a period id); omitted = no lower end."""
    at_most: PeriodOrYear | None = None
    """Latest start year (a year, or a period id); omitted = no upper end."""

    @model_validator(mode="after")
    def _some_end(self) -> Any:
        if self.at_least is None and self.at_most is None:
            msg = "a first_period window names at_least, at_most or both"
            raise ValueError(msg)
        lo, hi = self.at_least, self.at_most
        if isinstance(lo, int) and isinstance(hi, int) and hi < lo:
            msg = f"first_period: at_most ({hi}) is before at_least ({lo})"
            raise ValueError(msg)
        return self


def check_timing(e: Any) -> Any:
    """An expectation's ``in_period`` excludes ``first_period``, ``before`` and ``after``,
    and ``before``/``after`` name another expectation (a model validator of
    :class:`gpnopt.schema.Expectation`)."""
    others = [k for k in ("first_period", "before", "after") if getattr(e, k) is not None]
    if e.in_period is not None and others:
        msg = (
            f"in_period evaluates the statement in one period; it cannot be combined with "
            f"{', '.join(others)} (when the statement first holds): drop one of them"
        )
        raise ValueError(msg)
    for k in ("before", "after"):
        if getattr(e, k) is not None and getattr(e, k) == e.id:
            msg = f"{k}: an expectation cannot be timed against itself ({e.id})"
            raise ValueError(msg)
    return e


def timed(e: Any) -> bool:
    """Whether an expectation asks when its statement first holds."""
    return any(getattr(e, k) is not None for k in ("first_period", "before", "after"))


__all__ = ["ALL_PERIODS", "PeriodOrYear", "Window", "check_timing", "timed"]
