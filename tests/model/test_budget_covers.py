"""Family 11's budget covers (gpnopt.model.budget_covers): the rows, their validity at
every integer point, and a micro-instance whose LP relaxation they close."""

from __future__ import annotations

import itertools
import random

import pytest

from gpnopt.model.budget_covers import minimal_covers

from .conftest import lp_bound, micro, plant_open, produced, solve


def test_minimal_covers_of_a_small_knapsack():
    # 50 + 40 > 80; 50 + 30 + 20 = 100 > 80 (without the 20: 80, fits); 40 + 30 + 20 = 90
    # (without the 20: 70), extended by the 50 (at least the cover's largest, 40).
    assert minimal_covers([50, 40, 30, 20], 80) == [([0, 1], 1), ([0, 2, 3], 2), ([0, 1, 2, 3], 2)]


def test_an_asset_above_the_budget_is_a_cover_of_one():
    assert minimal_covers([30, 120], 100) == [([1], 0)]
    assert minimal_covers([60, 60, 30], 100) == [([0, 1], 1)]
    assert minimal_covers([60, 30], 100) == []


def test_rows_hold_at_every_point_that_fits():
    # Exhaustive over 0/1 points of random knapsacks: no cover cuts off a point within the
    # budget, and the rows are minimal covers (each is violated by the cover at 1).
    rng = random.Random(0)
    for _ in range(200):
        n = rng.randint(1, 7)
        weights = [rng.choice([5, 10, 20, 35, 50, 80]) for _ in range(n)]
        budget = rng.choice([30, 60, 90])
        rows = minimal_covers(weights, budget)
        for point in itertools.product((0, 1), repeat=n):
            if sum(w * u for w, u in zip(weights, point, strict=True)) <= budget:
                assert all(sum(point[j] for j in cols) <= rhs for cols, rhs in rows)
        for cols, rhs in rows:
            assert len(cols) > rhs


def test_the_row_limit_is_kept():
    weights = [10.0 + j for j in range(12)]  # distinct: each cover its own extended row
    assert len(minimal_covers(weights, 40)) > 5
    assert len(minimal_covers(weights, 40, max_rows=5)) == 5
    # equal weights: every cover of 4 extends to all 12 assets, one row
    assert minimal_covers([10.0] * 12, 35) == [(list(range(12)), 3)]


# P and Q (F alone) each assemble 10 of the 20 units M buys (margin 20 a unit) and cost 60
# to build; the capital charge of 60 is CHARGE a year (8% over 10 years, as
# test_ownership.py). F's budget of 100 pays for one plant.
CHARGE = 60 * 0.08 / (1 - 1.08**-10)
TWO_PLANTS = {
    "markets": {"M": {"demand": {"m": {"quantity": 20}}}},
    "plants": {
        "P": {"investment_cost": 60, "assembly_capacity": 10},
        "Q": {
            "country": "A",
            "owners": {"F": 1.0},
            "investment_cost": 60,
            "assembly_capacity": 10,
            "lines": {"m": {"unit_cost": 10}},
        },
    },
}


def test_cover_closes_the_budget_binding():
    # Binding: one plant, 10 units: 200 - CHARGE. The LP relaxation without the cover built
    # 5/6 of each (60 * 5/3 = 100) and sold 16 2/3 units: 333.33 - 100/60 * CHARGE; the cover
    # v_is_open[P] + v_is_open[Q] <= 1 leaves it the optimum.
    raw = micro(TWO_PLANTS, {"firms": {"F": {"capital_budget": 100}}})
    res = solve(raw)
    assert res.objective == pytest.approx(200 - CHARGE)
    assert plant_open(res, "P") != plant_open(res, "Q")
    assert produced(res) == pytest.approx(10)
    assert lp_bound(raw) == pytest.approx(200 - CHARGE)


def test_no_cover_when_the_budget_pays_for_both():
    # Not binding: 120 pays for both: 20 units, 400 - 2 * CHARGE, LP relaxation the same.
    raw = micro(TWO_PLANTS, {"firms": {"F": {"capital_budget": 120}}})
    res = solve(raw)
    assert res.objective == pytest.approx(400 - 2 * CHARGE)
    assert lp_bound(raw) == pytest.approx(400 - 2 * CHARGE)
