"""Family 23, transfer prices as a choice: micro-instances with hand-derived optima.

S (in B, unit cost 1 a casting) supplies P (in A, the base micro-instance's assembler of m,
one casting per machine; no supplier, P cannot cast). M buys 10 machines at 30, P's unit
cost is 10. At a transfer price L the 10 castings move 10 * L from P's profit to S's:
S earns 10 * (L - 1), P 10 * (20 - L); the alliance 190 whatever L.
"""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.errors import InstanceError

from .conftest import MIP_GAP, flow, micro, plant_profit, solve
from .showcase import only

SUPPLY = {
    "countries": {"B": {}},
    "components": {"casting": {"transfer_price": 5, "transfer_prices": [2, 5, 8]}},
    "products": {"m": {"bom": {"casting": 1}}},
    "plants": {
        "S": {"country": "B", "owners": {"F": 1.0}, "lines": {},
              "components": {"casting": {"unit_cost": 1}}},
    },
}


def levels(res) -> list[tuple[float, float]]:
    """(price, quantity) rows of the transfer_prices table."""
    df = res.tables["transfer_prices"]
    return [(float(r.price), float(r.quantity)) for r in df.itertuples()]


def test_with_taxes_the_level_moves_profit_to_the_low_tax_plant():
    # A taxes 40%, B 10%. After tax: 0.9 * 10 (L - 1) + 0.6 * 10 (20 - L) = 111 + 3 L:
    # the highest level, 8: 135 (S 0.9 * 70 = 63, P 0.6 * 120 = 72).
    res = solve(micro(SUPPLY, {"taxes": {"rates": {"A": 0.4, "B": 0.1}}}))
    assert res.objective == pytest.approx(135)
    assert levels(res) == [(8.0, 10.0)]
    assert plant_profit(res, "S") == pytest.approx(63)
    assert plant_profit(res, "P") == pytest.approx(72)
    row = res.tables["component_flows"].iloc[0]
    assert (row["source"], row["unit_value"]) == ("S", 8.0)


def test_reversed_rates_pick_the_lowest_level():
    # A 10%, B 40%: 0.6 * 10 (L - 1) + 0.9 * 10 (20 - L) = 174 - 3 L: level 2, 168.
    res = solve(micro(SUPPLY, {"taxes": {"rates": {"A": 0.1, "B": 0.4}}}))
    assert res.objective == pytest.approx(168)
    assert levels(res) == [(2.0, 10.0)]


def test_without_taxes_the_level_does_not_change_the_alliance_objective():
    # The 10 * L S earns, P pays: 190 with the levels, as with the single price 5.
    with_levels = solve(micro(SUPPLY))
    single = solve(micro(SUPPLY, {"components": {"casting": {"transfer_prices": None}}}))
    assert with_levels.objective == pytest.approx(190)
    assert single.objective == pytest.approx(190)
    assert flow(with_levels, "S", "P", "casting") == pytest.approx(10)
    assert sum(q for _p, q in levels(with_levels)) == pytest.approx(10)
    assert plant_profit(with_levels, "S") + plant_profit(with_levels, "P") == pytest.approx(190)


def test_a_tariff_is_paid_on_the_customs_value_at_the_chosen_level():
    # A levies 10% on components from B: the duty is 0.1 * L * 10, so the alliance takes
    # L = 2: 190 - 2 = 188, P's tariffs 2. At the single price 5: 190 - 5 = 185.
    tariff = {"trade": {"tariffs": [{"from_country": "B", "to_country": "A", "rate": 0.1}]}}
    res = solve(micro(SUPPLY, tariff))
    assert res.objective == pytest.approx(188)
    assert levels(res) == [(2.0, 10.0)]
    single = solve(micro(SUPPLY, tariff, {"components": {"casting": {"transfer_prices": None}}}))
    assert single.objective == pytest.approx(185)


def test_value_based_transport_is_paid_on_the_chosen_level():
    # Family 20 with 23: the lane B -> A charges 10% of the castings' value. At the single
    # price 5 that is 0.5 a casting (190 - 5 = 185); with the levels the value is the level
    # traded at, so the alliance takes L = 2: 0.2 a casting, 190 - 2 = 188, P's transport 2.
    lane = {"trade": {"transport": [{"from_country": "B", "to_country": "A", "goods": "component",
                                     "unit_cost": 0, "value_rate": 0.1}]}}
    res = solve(micro(SUPPLY, lane))
    assert res.objective == pytest.approx(188)
    assert levels(res) == [(2.0, 10.0)]
    single = solve(micro(SUPPLY, lane, {"components": {"casting": {"transfer_prices": None}}}))
    assert single.objective == pytest.approx(185)


def test_the_tariff_is_in_the_profit_parts_at_the_level():
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.results import profit_parts
    from gpnopt.solver.highs import run_highs

    tariff = {"trade": {"tariffs": [{"from_country": "B", "to_country": "A", "rate": 0.1}]}}
    inst = gpnopt.instance_from_dict(micro(SUPPLY, tariff), name="micro")
    data = build_data(inst)
    m = build_model(data)
    run_highs(m, mip_gap=MIP_GAP)
    parts = {(r["entity"], r["type"]): r["amount"] for r in profit_parts(m, data)}
    # P buys 10 castings at 2 and pays 2 of duty; S sells them at 2 and casts at 1
    assert parts["P", "purchases"] == pytest.approx(-20)
    assert parts["P", "tariffs"] == pytest.approx(-2)
    assert parts["S", "transfer revenue"] == pytest.approx(20)
    assert parts["S", "unit"] == pytest.approx(-10)


def test_a_firm_objective_moves_profit_to_its_own_plant():
    # S is a 50/50 JV of F and G; P is F's. F earns 10 (20 - L) + 0.5 * 10 (L - 1) =
    # 195 - 5 L: firm:F takes the lowest level, 185.
    raw = micro(SUPPLY, {"firms": {"G": {}}, "plants": {"S": {"owners": {"F": 0.5, "G": 0.5}}}},
                {"trade": {"cross_firm_supply": True}})
    res = solve(raw, objective="firm:F", participation=False)
    assert res.objective == pytest.approx(185)
    assert levels(res) == [(2.0, 10.0)]


def test_levels_over_periods():
    # The taxed case over 6 years (T1 5 years, T2 one, 0%): 6 * 135 = 810, level 8 in both.
    periods = {
        "finance": {"discount_rate": 0.0, "salvage": False},
        "periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2025, "length": 1}],
    }
    raw = micro(SUPPLY, periods, {"taxes": {"rates": {"A": 0.4, "B": 0.1}}})
    res = gpnopt.solve(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP)
    assert res.objective == pytest.approx(810)
    df = res.tables["transfer_prices"]
    assert list(df["period"]) == ["T1", "T2"]
    assert list(df["price"]) == [8.0, 8.0]


def test_no_levels_add_nothing():
    from gpnopt.data import build_data
    from gpnopt.model import build_model

    raw = micro(SUPPLY, {"components": {"casting": {"transfer_prices": None}}})
    m = build_model(build_data(gpnopt.instance_from_dict(raw, name="micro")))
    assert m.component("v_flow_at") is None
    assert m.component("transfer_split") is None


@pytest.mark.parametrize(
    ("levels_given", "text"),
    [
        ([], "at least 1 item"),
        ([2, -1], "greater than or equal to 0"),
        ([2, 2], "level 2 is listed twice"),
    ],
)
def test_bad_levels_are_refused(levels_given, text):
    raw = micro(SUPPLY, {"components": {"casting": {"transfer_prices": levels_given}}})
    with pytest.raises(InstanceError) as err:
        gpnopt.instance_from_dict(raw, name="micro")
    assert "components.casting.transfer_prices" in str(err.value)
    assert text in str(err.value)


def test_showcase_levels_move_profit_to_the_jv():
    # instances/showcase.yaml with families 22 and 23 alone (tests/model/showcase.py): CN_JV
    # (15%) sells 70 castings to JP_TM (30%) and 180 to TW_FFG (17%), at 5 rather than the
    # single price 4: after tax the alliance gains 70 * (0.30 - 0.15) + 180 * (0.17 - 0.15)
    # = 10.5 + 3.6 = 14.1 (no decision changes).
    res = gpnopt.solve(only("taxes", "transfer_prices"), mip_gap=MIP_GAP)
    rows = {(r.destination, r.price, r.quantity) for r in res.tables["transfer_prices"].itertuples()}
    assert rows == {("JP_TM", 5.0, 70.0), ("TW_FFG", 5.0, 180.0)}
    single = gpnopt.solve(only("taxes"), mip_gap=MIP_GAP)
    assert res.objective - single.objective == pytest.approx(14.1)
