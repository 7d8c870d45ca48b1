"""Family 4, make-or-buy with a minimum production quantity (the casting mechanism)."""

from __future__ import annotations

import pytest

from .conftest import flow, in_house, micro, plant_profit, solve

# m needs 1 casting per unit. Castings cost 2 from supplier S; plant P may cast in-house at
# a fixed cost of 40 plus 0.5 per unit, with a minimum production quantity (MPQ) of 60.
# Margin before castings: 20 per unit.
CASTING = {
    "components": {"casting": {"transfer_price": 1}},
    "products": {"m": {"bom": {"casting": 1}}},
    "plants": {
        "P": {"components": {"casting": {"fixed_cost": 40, "unit_cost": 0.5, "min_quantity": 60}}}
    },
    "suppliers": {"S": {"country": "A", "components": {"casting": {"unit_price": 2}}}},
    "markets": {"M": {"demand": {"m": {"quantity": 40}}}},
}

# A second assembly plant P2 (same firm) and demand for both; each line is capped at 40 so
# that each plant assembles 40 and needs 40 castings (80 pooled).
POOLED = {
    "plants": {
        "P": {"lines": {"m": {"capacity": 40}}},
        "P2": {
            "country": "A",
            "owners": {"F": 1.0},
            "lines": {"m": {"unit_cost": 10, "capacity": 40}},
        },
    },
    "markets": {"M": {"demand": {"m": {"quantity": 80}}}},
}


def test_one_plant_need_below_mpq_buys():
    # Binding: P needs 40 castings < MPQ 60, and output must go somewhere (no stock), so
    # in-house is infeasible: buy 40 at 2: 40 * 20 - 80 = 720.
    res = solve(micro(CASTING))
    assert res.objective == pytest.approx(720)
    assert not in_house(res, "P", "casting")
    assert flow(res, "S", "P", "casting") == pytest.approx(40)


def test_one_plant_without_mpq_makes():
    # Not binding: MPQ 0. Making costs 40 + 0.5 * 40 = 60 < buying 80: 800 - 60 = 740.
    res = solve(micro(CASTING, {"plants": {"P": {"components": {"casting": {"min_quantity": 0}}}}}))
    assert res.objective == pytest.approx(740)
    assert in_house(res, "P", "casting")
    assert flow(res, "P", "P", "casting") == pytest.approx(40)


def test_two_plants_pooled_need_above_mpq_makes():
    # Not binding: pooled need 80 >= MPQ 60. Making x in [60, 80] and buying 80 - x costs
    # 40 + 0.5x + 2(80 - x) = 200 - 1.5x, least at x = 80: cost 80 < 160 buying all.
    # Profit 80 * 20 - 80 = 1520; P casts 80 and ships 40 to P2. At transfer price 1:
    # P earns 800 + 40 - 80 = 760, P2 800 - 40 = 760.
    res = solve(micro(CASTING, POOLED))
    assert res.objective == pytest.approx(1520)
    assert in_house(res, "P", "casting")
    assert flow(res, "P", "P", "casting") == pytest.approx(40)
    assert flow(res, "P", "P2", "casting") == pytest.approx(40)
    assert flow(res, "S") == pytest.approx(0)
    assert plant_profit(res, "P") == pytest.approx(760)
    assert plant_profit(res, "P2") == pytest.approx(760)


def test_two_plants_pooled_need_below_mpq_buys():
    # Binding: MPQ 100 > pooled need 80: both plants buy, 1600 - 160 = 1440.
    res = solve(
        micro(
            CASTING, POOLED, {"plants": {"P": {"components": {"casting": {"min_quantity": 100}}}}}
        )
    )
    assert res.objective == pytest.approx(1440)
    assert not in_house(res, "P", "casting")
    assert flow(res, "S") == pytest.approx(80)


def test_pooling_needs_a_shared_owner():
    # Binding via flows: P2 owned by another firm G cannot take P's castings, so P's own
    # need 40 < MPQ 60 and both buy: 1440 as above.
    res = solve(
        micro(
            CASTING,
            POOLED,
            {"firms": {"G": {}}, "plants": {"P2": {"owners": {"F": None, "G": 1.0}}}},
        )
    )
    assert res.objective == pytest.approx(1440)
    assert not in_house(res, "P", "casting")
