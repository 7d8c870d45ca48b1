"""Family 10, trade: transport costs and tariffs change which plant serves a market."""

from __future__ import annotations

import pytest

from .conftest import flow, micro, produced, solve

# Market M lies in B (10 units at 30). Plant P in A makes m at 10 (margin 20 before trade
# costs), plant PB in B at 12 (margin 18, no border to cross).
TWO_COUNTRIES = {
    "countries": {"B": {}},
    "plants": {
        "PB": {"country": "B", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 12}}},
    },
    "markets": {"M": {"country": "B"}},
}


def _trade(**trade) -> dict:
    return micro(TWO_COUNTRIES, {"trade": trade})


def test_free_trade_serves_from_cheapest_plant():
    # No trade costs: P serves M: 10 * 20 = 200.
    res = solve(_trade())
    assert res.objective == pytest.approx(200)
    assert produced(res, "P", market="M") == pytest.approx(10)


def test_transport_cost_shifts_supply_to_local_plant():
    # Binding: shipping A -> B costs 3: P's margin 17 < PB's 18: PB serves, 180.
    res = solve(_trade(transport=[{"from_country": "A", "to_country": "B", "unit_cost": 3}]))
    assert res.objective == pytest.approx(180)
    assert produced(res, "PB", market="M") == pytest.approx(10)
    assert produced(res, "P") == pytest.approx(0)


def test_small_transport_cost_keeps_cheap_plant():
    # Not binding: transport 1: P's margin 19 > 18: P serves, 190.
    res = solve(_trade(transport=[{"from_country": "A", "to_country": "B", "unit_cost": 1}]))
    assert res.objective == pytest.approx(190)
    assert produced(res, "P", market="M") == pytest.approx(10)


def test_transport_in_other_direction_does_not_apply():
    # Not binding: only B -> A costs 3 (not symmetric): P still serves M in B free, 200.
    res = solve(_trade(transport=[{"from_country": "B", "to_country": "A", "unit_cost": 3}]))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)


def test_symmetric_transport_applies_both_ways():
    # Binding: B -> A at 3, symmetric, so A -> B costs 3 too: PB serves, 180.
    lane = {"from_country": "B", "to_country": "A", "unit_cost": 3, "symmetric": True}
    res = solve(_trade(transport=[lane]))
    assert res.objective == pytest.approx(180)
    assert produced(res, "PB") == pytest.approx(10)


def test_most_specific_transport_entry_wins():
    # Not binding: the country lane A -> B costs 3, but the plant-to-market lane P -> M
    # costs 0.5 and wins: P's margin 19.5 > 18: 195.
    res = solve(
        _trade(
            transport=[
                {"from_country": "A", "to_country": "B", "unit_cost": 3},
                {"from_plant": "P", "to_market": "M", "unit_cost": 0.5},
            ]
        )
    )
    assert res.objective == pytest.approx(195)
    assert produced(res, "P") == pytest.approx(10)


def test_tariff_shifts_supply_to_local_plant():
    # Binding: a 10% duty into B on machines costs 0.1 * 30 = 3 per unit: margin 17 < 18:
    # PB serves, 180.
    res = solve(_trade(tariffs=[{"to_country": "B", "goods": "machine", "rate": 0.1}]))
    assert res.objective == pytest.approx(180)
    assert produced(res, "PB") == pytest.approx(10)


def test_low_tariff_keeps_cheap_plant():
    # Not binding: a 5% duty costs 1.5: margin 18.5 > 18: P serves, 185.
    res = solve(_trade(tariffs=[{"to_country": "B", "goods": "machine", "rate": 0.05}]))
    assert res.objective == pytest.approx(185)
    assert produced(res, "P") == pytest.approx(10)


def test_tariff_naming_the_origin_wins():
    # Not binding: the generic duty into B is 50%, but the entry for origin A says 5%:
    # 1.5 per unit, margin 18.5 > 18: P serves, 185.
    res = solve(
        _trade(
            tariffs=[
                {"to_country": "B", "goods": "machine", "rate": 0.5},
                {"from_country": "A", "to_country": "B", "goods": "machine", "rate": 0.05},
            ]
        )
    )
    assert res.objective == pytest.approx(185)
    assert produced(res, "P") == pytest.approx(10)


def test_tariff_on_components_only_spares_machines():
    # Not binding: a component-only duty does not touch machines: 200.
    res = solve(_trade(tariffs=[{"to_country": "B", "goods": "component", "rate": 0.5}]))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)


def test_tariff_from_another_origin_does_not_apply():
    # Not binding: the duty names origin B (into B: never a border crossing here): 200.
    res = solve(
        _trade(tariffs=[{"from_country": "B", "to_country": "B", "goods": "machine", "rate": 0.5}])
    )
    assert res.objective == pytest.approx(200)


# Components: plant PB (in B) needs 1 part per unit; SA in A sells at 2, SB in B at 2.5.
# Only PB makes m here (P has no line); M in B; margin before parts 10 * 18 = 180.
PARTS = {
    "countries": {"B": {}},
    "components": {"part": {}},
    "products": {"m": {"bom": {"part": 1}}},
    "plants": {
        "P": None,
        "PB": {"country": "B", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 12}}},
    },
    "suppliers": {
        "SA": {"country": "A", "components": {"part": {"unit_price": 2}}},
        "SB": {"country": "B", "components": {"part": {"unit_price": 2.5}}},
    },
    "markets": {"M": {"country": "B"}},
}


def test_component_tariff_on_supplier_price_shifts_source():
    # Binding: 50% duty into B on components, customs value the supplier price 2: SA's part
    # costs 2 + 1 = 3 > SB's 2.5: buy from SB: 180 - 25 = 155.
    res = solve(micro(PARTS, {"trade": {"tariffs": [{"to_country": "B", "rate": 0.5}]}}))
    assert res.objective == pytest.approx(155)
    assert flow(res, "SB", "PB", "part") == pytest.approx(10)


def test_component_tariff_too_low_to_shift_source():
    # Not binding: a 10% duty makes SA's part 2.2 < 2.5: buy from SA: 180 - 22 = 158.
    res = solve(micro(PARTS, {"trade": {"tariffs": [{"to_country": "B", "rate": 0.1}]}}))
    assert res.objective == pytest.approx(158)
    assert flow(res, "SA", "PB", "part") == pytest.approx(10)


def test_component_transport_cost_shifts_source():
    # Binding: moving parts A -> B costs 1 (components only): SA's part 3 > 2.5: SB, 155.
    lane = {"from_country": "A", "to_country": "B", "goods": "component", "unit_cost": 1}
    res = solve(micro(PARTS, {"trade": {"transport": [lane]}}))
    assert res.objective == pytest.approx(155)
    assert flow(res, "SB", "PB", "part") == pytest.approx(10)
