"""Family 5, capacity: assembly per plant, in-house components, supplier pools."""

from __future__ import annotations

import pytest

from .conftest import flow, lp_bound, micro, plant_open, produced, solve

# P (unit cost 10) and P2 (unit cost 14) both serve M (10 units at 30). One unit of m takes
# 2 capacity units.
TWO_PLANTS = {
    "products": {"m": {"capacity_use": 2}},
    "plants": {
        "P2": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 14}}},
    },
}


def test_assembly_capacity_splits_production():
    # Binding: P's capacity 12 fits 12 / 2 = 6 units (margin 20); the other 4 come from P2
    # (margin 16): 120 + 64 = 184.
    res = solve(micro(TWO_PLANTS, {"plants": {"P": {"assembly_capacity": 12}}}))
    assert res.objective == pytest.approx(184)
    assert produced(res, "P") == pytest.approx(6)
    assert produced(res, "P2") == pytest.approx(4)


def test_assembly_capacity_above_need_does_not_split():
    # Not binding: capacity 20 fits all 10 units: P makes everything, 200; P2 idle.
    res = solve(micro(TWO_PLANTS, {"plants": {"P": {"assembly_capacity": 20}}}))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)
    assert produced(res, "P2") == pytest.approx(0)


def test_zero_assembly_capacity_closes_the_plant():
    # Binding to the end: capacity 0 means P cannot make anything: P2 makes 10 at a
    # margin of 16: 160 (P stays closed; the row is <= capacity * v_is_open).
    res = solve(micro(TWO_PLANTS, {"plants": {"P": {"assembly_capacity": 0}}}))
    assert res.objective == pytest.approx(160)
    assert produced(res, "P") == pytest.approx(0)
    assert produced(res, "P2") == pytest.approx(10)


# m needs 2 parts: 20 parts for 10 units. S1 sells at 2, S2 at 3.
SUPPLIERS = {
    "components": {"part": {}},
    "products": {"m": {"bom": {"part": 2}}},
    "suppliers": {
        "S1": {"country": "A", "components": {"part": {"unit_price": 2}}},
        "S2": {"country": "A", "components": {"part": {"unit_price": 3}}},
    },
}


def test_supplier_capacity_splits_purchases():
    # Binding: S1 can deliver 12 only; the other 8 come from S2:
    # 200 - 12 * 2 - 8 * 3 = 152.
    res = solve(micro(SUPPLIERS, {"suppliers": {"S1": {"components": {"part": {"capacity": 12}}}}}))
    assert res.objective == pytest.approx(152)
    assert flow(res, "S1", "P", "part") == pytest.approx(12)
    assert flow(res, "S2", "P", "part") == pytest.approx(8)


def test_supplier_capacity_above_need_does_not_bind():
    # Not binding: S1 can deliver 30 >= 20: all from S1, 200 - 40 = 160.
    res = solve(micro(SUPPLIERS, {"suppliers": {"S1": {"components": {"part": {"capacity": 30}}}}}))
    assert res.objective == pytest.approx(160)
    assert flow(res, "S1", "P", "part") == pytest.approx(20)
    assert flow(res, "S2") == pytest.approx(0)


def test_component_capacity_caps_in_house_output():
    # Binding: P makes parts at 1 each but at most 5; 15 more from S2 at 3 (S1 removed):
    # 200 - 5 - 45 = 150.
    res = solve(
        micro(
            SUPPLIERS,
            {
                "suppliers": {"S1": None},
                "plants": {"P": {"components": {"part": {"unit_cost": 1, "capacity": 5}}}},
            },
        )
    )
    assert res.objective == pytest.approx(150)
    assert flow(res, "P", "P", "part") == pytest.approx(5)
    assert flow(res, "S2", "P", "part") == pytest.approx(15)
    assert plant_open(res, "P")


def test_component_capacity_above_need_does_not_bind():
    # Not binding: capacity 25 >= 20: all 20 in-house at 1: 200 - 20 = 180.
    res = solve(
        micro(
            SUPPLIERS,
            {
                "suppliers": {"S1": None},
                "plants": {"P": {"components": {"part": {"unit_cost": 1, "capacity": 25}}}},
            },
        )
    )
    assert res.objective == pytest.approx(180)
    assert flow(res, "P", "P", "part") == pytest.approx(20)
    assert flow(res, "S2") == pytest.approx(0)


# P assembles at most 6 units (capacity 12, 2 capacity units a unit) of the 10 M buys; its
# line has a fixed cost and the plant none. The plant's row bounds production by
# 6 * v_is_open[P] only, so the LP relaxation opened the plant whole and the line at 0.6
# (6 units, 60% of the line's fixed cost); line_assembly_link bounds it by 6 * v_line_open.
def _line_cost(fixed: float) -> dict:
    return micro(
        {"products": {"m": {"capacity_use": 2}}},
        {"plants": {"P": {"assembly_capacity": 12, "lines": {"m": {"fixed_cost": fixed}}}}},
    )


def test_line_assembly_link_binding():
    # The line opens: 6 units at 20 less 100: 20; the relaxation 120 x - 100 x is at most 20
    # (x = 1), the optimum (without the link: x = 0.6, 120 - 60 = 60).
    raw = _line_cost(100)
    res = solve(raw)
    assert res.objective == pytest.approx(20)
    assert produced(res, "P") == pytest.approx(6)
    assert lp_bound(raw) == pytest.approx(20)


def test_line_assembly_link_not_binding():
    # Fixed cost 130 above the margin 120: nothing opens, 0; the relaxation's 120 x - 130 x
    # is 0 at best (without the link: x = 0.6, 120 - 78 = 42).
    raw = _line_cost(130)
    res = solve(raw)
    assert res.objective == pytest.approx(0)
    assert not plant_open(res, "P") or produced(res, "P") == pytest.approx(0)
    assert lp_bound(raw) == pytest.approx(0)
