"""Family 8, technicians: a firm's expatriate pool limits its foreign lines."""

from __future__ import annotations

import pytest

from .conftest import line_open, merge, micro, produced, solve

# Firm F's home is A. Market M (in A) buys 20 units of m at 30. Three plants, each line
# capped at 10 units: P at home (unit cost 20, margin 10), P1 and P2 abroad in B (unit costs
# 10 and 12, margins 20 and 18). Each open foreign line of a medium product needs
# `per_line` technicians, each unit made abroad `per_unit`.
NETWORK = {
    "countries": {"B": {}},
    "plants": {
        "P": {"lines": {"m": {"unit_cost": 20, "capacity": 10}}},
        "P1": {
            "country": "B",
            "owners": {"F": 1.0},
            "lines": {"m": {"unit_cost": 10, "capacity": 10}},
        },
        "P2": {
            "country": "B",
            "owners": {"F": 1.0},
            "lines": {"m": {"unit_cost": 12, "capacity": 10}},
        },
    },
    "markets": {"M": {"demand": {"m": {"quantity": 20}}}},
}


def _pool(pool: float, per_line: float = 0.0, per_unit: float = 0.0) -> dict:
    policy = {"pool": pool, "per_line": {"medium": per_line}, "per_unit": {"medium": per_unit}}
    return micro(NETWORK, {"firms": {"F": {"technicians": policy}}})


def _used(res) -> float:
    df = res.tables["technicians"]
    return float(df.loc[df["firm"] == "F", "used"].iloc[0])


def test_pool_of_one_opens_only_one_foreign_line():
    # Binding: one technician, one per foreign line: only the better foreign line P1 opens
    # (10 * 20 = 200); the home plant P, which needs no technicians, makes the other 10
    # (10 * 10 = 100): 300.
    res = solve(_pool(1, per_line=1))
    assert res.objective == pytest.approx(300)
    assert line_open(res, "P1")
    assert not line_open(res, "P2")
    assert produced(res, "P") == pytest.approx(10)
    assert _used(res) == pytest.approx(1)


def test_pool_of_two_opens_both_foreign_lines():
    # Not binding: two technicians: P1 and P2 serve all 20 (200 + 180 = 380); the dear home
    # plant is idle.
    res = solve(_pool(2, per_line=1))
    assert res.objective == pytest.approx(380)
    assert line_open(res, "P1")
    assert line_open(res, "P2")
    assert produced(res, "P") == pytest.approx(0)
    assert _used(res) == pytest.approx(2)


def test_empty_pool_keeps_production_at_home():
    # Binding to the end: no technicians: only the home plant, 10 * 10 = 100.
    res = solve(_pool(0, per_line=1))
    assert res.objective == pytest.approx(100)
    assert not line_open(res, "P1")
    assert not line_open(res, "P2")
    assert produced(res, "P") == pytest.approx(10)


def test_per_unit_technicians_limit_foreign_output():
    # Binding: 0.08 technicians per foreign unit and a pool of 1: at most 12.5 units abroad.
    # P1 makes 10 (200), P2 2.5 (45), the home plant the other 7.5 (75): 320.
    res = solve(_pool(1, per_unit=0.08))
    assert res.objective == pytest.approx(320)
    assert produced(res, "P1") == pytest.approx(10)
    assert produced(res, "P2") == pytest.approx(2.5)
    assert produced(res, "P") == pytest.approx(7.5)
    assert _used(res) == pytest.approx(1)


def test_per_unit_technicians_with_large_pool_do_not_bind():
    # Not binding: a pool of 2 covers 25 >= 20 foreign units: 380 as with two lines.
    res = solve(_pool(2, per_unit=0.08))
    assert res.objective == pytest.approx(380)
    assert produced(res, "P") == pytest.approx(0)
    assert _used(res) == pytest.approx(1.6)


def test_pool_counts_only_the_firms_own_products():
    # Not binding: m is designed by firm G (no pool stated = unlimited), so F's empty pool
    # does not restrict F's foreign plants making it: 380.
    res = solve(merge(_pool(0, per_line=1), {"firms": {"G": {}}, "products": {"m": {"firm": "G"}}}))
    assert res.objective == pytest.approx(380)
    assert line_open(res, "P2")
