"""Family 1, product lines: fixed costs, line capacity, lines need an open plant."""

from __future__ import annotations

import pytest

from .conftest import line_open, micro, plant_open, produced, solve


def test_base_instance_sells_all_demand():
    # 10 units at a margin of 30 - 10 = 20: profit 200.
    res = solve(micro())
    assert res.objective == pytest.approx(200)
    assert line_open(res, "P")
    assert produced(res, "P", market="M") == pytest.approx(10)


def test_line_fixed_cost_above_margin_keeps_line_closed():
    # Binding: the line's fixed cost 250 exceeds the whole margin 10 * 20 = 200, so the
    # best plan is to do nothing: profit 0, line closed, nothing sold.
    res = solve(micro({"plants": {"P": {"lines": {"m": {"fixed_cost": 250}}}}}))
    assert res.objective == pytest.approx(0)
    assert not line_open(res, "P")
    assert produced(res) == pytest.approx(0)


def test_line_fixed_cost_below_margin_opens_line():
    # Not binding: fixed cost 150 < margin 200, so the line opens: 200 - 150 = 50.
    res = solve(micro({"plants": {"P": {"lines": {"m": {"fixed_cost": 150}}}}}))
    assert res.objective == pytest.approx(50)
    assert line_open(res, "P")
    assert produced(res, "P") == pytest.approx(10)


def test_line_capacity_caps_production():
    # Binding: line capacity 6 < demand 10: 6 units at a margin of 20 = 120.
    res = solve(micro({"plants": {"P": {"lines": {"m": {"capacity": 6}}}}}))
    assert res.objective == pytest.approx(120)
    assert produced(res, "P") == pytest.approx(6)


def test_line_capacity_above_demand_does_not_bind():
    # Not binding: capacity 15 > demand 10: all 10 units, 200.
    res = solve(micro({"plants": {"P": {"lines": {"m": {"capacity": 15}}}}}))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)


def test_plant_fixed_cost_above_margin_keeps_plant_and_line_closed():
    # Binding (line_requires_plant): the line can only run at an open plant; the plant's
    # fixed cost 250 exceeds the margin 200, so plant and line stay closed: profit 0.
    res = solve(micro({"plants": {"P": {"fixed_cost": 250}}}))
    assert res.objective == pytest.approx(0)
    assert not plant_open(res, "P")
    assert not line_open(res, "P")


def test_plant_fixed_cost_below_margin_opens_plant_and_line():
    # Not binding: plant fixed cost 150 < 200: both open, profit 50.
    res = solve(micro({"plants": {"P": {"fixed_cost": 150}}}))
    assert res.objective == pytest.approx(50)
    assert plant_open(res, "P")
    assert line_open(res, "P")

