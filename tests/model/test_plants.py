"""Family 2, plants and entry modes: exclusive groups of alternative plants."""

from __future__ import annotations

import pytest

from .conftest import micro, plant_open, produced, solve

# Two candidate plants for market M (demand 10 at 30), each line capped at 6 units:
# P1: fixed cost 50, unit cost 10 -> alone 6 * 20 - 50 = 70
# P2: fixed cost 20, unit cost 12 -> alone 6 * 18 - 20 = 88
TWO_PLANTS = {
    "plants": {
        "P": None,
        "P1": {
            "country": "A",
            "owners": {"F": 1.0},
            "fixed_cost": 50,
            "lines": {"m": {"unit_cost": 10, "capacity": 6}},
        },
        "P2": {
            "country": "A",
            "owners": {"F": 1.0},
            "fixed_cost": 20,
            "lines": {"m": {"unit_cost": 12, "capacity": 6}},
        },
    }
}


def test_exclusive_group_picks_the_better_plant():
    # Binding: at most one of P1, P2 opens. P1 alone earns 70, P2 alone 88 (its lower
    # fixed cost outweighs its dearer units), so P2 opens and sells 6: profit 88.
    res = solve(micro(TWO_PLANTS, {"exclusive_groups": {"entry": ["P1", "P2"]}}))
    assert res.objective == pytest.approx(88)
    assert plant_open(res, "P2")
    assert not plant_open(res, "P1")
    assert produced(res, "P2") == pytest.approx(6)


def test_without_exclusive_group_both_plants_open():
    # Not binding: without the group both open: P1 sells 6 (120 - 50) and P2 the other 4
    # (4 * 18 - 20 = 52): 70 + 52 = 122.
    res = solve(micro(TWO_PLANTS))
    assert res.objective == pytest.approx(122)
    assert plant_open(res, "P1")
    assert plant_open(res, "P2")
    assert produced(res, "P1") == pytest.approx(6)
    assert produced(res, "P2") == pytest.approx(4)


def test_exclusive_group_with_one_member_does_not_restrict():
    # A group of P1 alone restricts nothing (one member may always open): 122 as above.
    res = solve(micro(TWO_PLANTS, {"exclusive_groups": {"solo": ["P1"]}}))
    assert res.objective == pytest.approx(122)


def test_idle_plant_with_fixed_cost_stays_closed():
    # A candidate plant Q with no lines and no make options earns nothing; its fixed cost 5
    # keeps it closed: the optimum is the base 200.
    res = solve(micro({"plants": {"Q": {"country": "A", "owners": {"F": 1.0}, "fixed_cost": 5}}}))
    assert res.objective == pytest.approx(200)
    assert not plant_open(res, "Q")


def test_idle_plant_without_fixed_cost_solves():
    # The same idle plant at fixed cost 0 changes nothing: optimum 200.
    res = solve(micro({"plants": {"Q": {"country": "A", "owners": {"F": 1.0}}}}))
    assert res.objective == pytest.approx(200)
