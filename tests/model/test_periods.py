"""Family 14, periods: assets over time, capital in the net present value, foresight.

Each test is a micro-instance (tests/model/conftest.py: plant P, market M buying 10 units of
m at 30, unit cost 10: 200 a year when P runs) over a few one-year periods, its optimum
derived by hand in the docstring. W_t and D_t are the operating and outlay weights
(gpnopt.dynamics.Horizon): with one-year periods both are (1+r)^-(start_t - y0).
"""

from __future__ import annotations

import pytest

from .periods_helpers import Solved, periods_micro

NO_DISCOUNT = {"finance": {"discount_rate": 0.0, "salvage": False}}


def test_two_periods_build_once_and_operate_both():
    """P costs 150 to build; at r = 0, two years of 200 less 150: 250. P is built in T1 and
    operates in both periods (building again in T2 would cost 150 more)."""
    res = Solved(periods_micro((2000, 2001), NO_DISCOUNT, {"plants": {"P": {"investment_cost": 150}}}))
    assert res.objective == pytest.approx(250)
    assert res.open("P", "T1")
    assert res.open("P", "T2")
    assert res.built("T1")
    assert not res.built("T2")
    assert res.npv("P") == pytest.approx(250)
