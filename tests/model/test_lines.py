"""Family 1, product lines: fixed costs, line capacity, lines need an open plant."""

from __future__ import annotations

import pytest

from .conftest import line_open, lp_bound, micro, plant_open, produced, solve


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


# Two channels, D1 and D2 (no costs, no margin), both reach market M: P's line can sell its
# 10 units through either. A row per arc (sales <= 10 * v_line_open on each) let the LP
# relaxation open the line at 1/2 and still sell 5 + 5 units; the row per plant, product
# and market sums the two channels, so the relaxation pays the whole fixed cost for them.
TWO_CHANNELS = {
    "channels": {
        "D1": {"owners": {"F": 1.0}, "markets": ["M"]},
        "D2": {"owners": {"F": 1.0}, "markets": ["M"]},
    }
}


def test_sales_link_sums_the_channels_into_a_market_binding():
    # Fixed cost 150 below the margin 10 * 20 = 200: the line opens, profit 50. The LP
    # relaxation: 20 * s - 150 * x with s <= 10 * x gives 50 * x, at most 50 (x = 1): the
    # optimum itself. With a row per arc it was 200 - 150 / 2 = 125 (x = 1/2, 5 units each way).
    raw = micro(TWO_CHANNELS, {"plants": {"P": {"lines": {"m": {"fixed_cost": 150}}}}})
    res = solve(raw)
    assert res.objective == pytest.approx(50)
    assert line_open(res, "P")
    assert produced(res, "P") == pytest.approx(10)
    assert lp_bound(raw) == pytest.approx(50)


def test_sales_link_sums_the_channels_into_a_market_not_binding():
    # Fixed cost 250 above the margin 200: nothing opens, profit 0; the relaxation's 50 - 100
    # per unit of x is negative, so its bound is 0 too (a row per arc: 200 - 250 / 2 = 75).
    raw = micro(TWO_CHANNELS, {"plants": {"P": {"lines": {"m": {"fixed_cost": 250}}}}})
    res = solve(raw)
    assert res.objective == pytest.approx(0)
    assert not line_open(res, "P")
    assert lp_bound(raw) == pytest.approx(0)


def test_one_channel_keeps_the_row_per_arc():
    # One channel into the market: the row per plant, product and market is the arc's row,
    # so the relaxation is the one the per-arc form gave: x = 1, profit 50.
    raw = micro({"plants": {"P": {"lines": {"m": {"fixed_cost": 150}}}}})
    assert lp_bound(raw) == pytest.approx(50)
    assert solve(raw).objective == pytest.approx(50)
