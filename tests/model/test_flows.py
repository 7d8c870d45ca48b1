"""Family 3, bill of materials and component flows: sources, access, offices, transfers."""

from __future__ import annotations

import pytest

from .conftest import channel_row, flow, in_house, micro, plant_profit, solve

# Product m needs 2 parts per unit: 10 units need 20 parts.
# S1 sells parts at 3, S2 at 2. Margin before parts: 10 * (30 - 10) = 200.
TWO_SUPPLIERS = {
    "firms": {"G": {}},
    "components": {"part": {}},
    "products": {"m": {"bom": {"part": 2}}},
    "suppliers": {
        "S1": {"country": "A", "components": {"part": {"unit_price": 3}}},
        "S2": {"country": "A", "components": {"part": {"unit_price": 2}}},
    },
}


def test_parts_bought_from_cheapest_source():
    # 20 parts from S2 at 2: 200 - 40 = 160.
    res = solve(micro(TWO_SUPPLIERS))
    assert res.objective == pytest.approx(160)
    assert flow(res, "S2", "P", "part") == pytest.approx(20)
    assert flow(res, "S1") == pytest.approx(0)


def test_supplier_access_for_another_firm_forces_dearer_source():
    # Binding: S2 sells only to plants of firm G, so P buys 20 parts from S1 at 3:
    # 200 - 60 = 140.
    res = solve(micro(TWO_SUPPLIERS, {"suppliers": {"S2": {"access": {"firms": ["G"]}}}}))
    assert res.objective == pytest.approx(140)
    assert flow(res, "S1", "P", "part") == pytest.approx(20)
    assert flow(res, "S2") == pytest.approx(0)


def test_supplier_access_listing_the_plant_allows_it():
    # Not binding: S2's access lists plant P: back to S2 at 2, 160.
    res = solve(micro(TWO_SUPPLIERS, {"suppliers": {"S2": {"access": {"plants": ["P"]}}}}))
    assert res.objective == pytest.approx(160)
    assert flow(res, "S2", "P", "part") == pytest.approx(20)


OFFICE = {
    "suppliers": {"S2": {"access": {"firms": ["G"]}}},
    "purchasing_offices": {
        "O": {"country": "A", "owners": {"F": 1.0}, "suppliers": ["S2"], "plants": ["P"]}
    },
}


def test_cheap_purchasing_office_opens_the_restricted_supplier():
    # Office O qualifies S2 for P at a fixed cost of 5; it saves 20 * (3 - 2) = 20 > 5:
    # it opens, P buys from S2: 200 - 40 - 5 = 155.
    res = solve(micro(TWO_SUPPLIERS, OFFICE, {"purchasing_offices": {"O": {"fixed_cost": 5}}}))
    assert res.objective == pytest.approx(155)
    assert channel_row(res, "O")["open"] == 1
    assert flow(res, "S2", "P", "part") == pytest.approx(20)


def test_dear_purchasing_office_stays_closed():
    # Binding (office_link): the office costs 25 > the saving 20, so it stays closed and
    # S2 cannot be used without it: S1 at 3, 140.
    res = solve(micro(TWO_SUPPLIERS, OFFICE, {"purchasing_offices": {"O": {"fixed_cost": 25}}}))
    assert res.objective == pytest.approx(140)
    assert channel_row(res, "O")["open"] == 0
    assert flow(res, "S2") == pytest.approx(0)


# Plant Q of firm G makes parts in-house at unit cost 1 (transfer price 2); the only
# supplier S1 sells at 4. P needs 20 parts.
CROSS_FIRM = {
    "firms": {"G": {}},
    "components": {"part": {"transfer_price": 2}},
    "products": {"m": {"bom": {"part": 2}}},
    "plants": {
        "Q": {"country": "A", "owners": {"G": 1.0}, "components": {"part": {"unit_cost": 1}}}
    },
    "suppliers": {"S1": {"country": "A", "components": {"part": {"unit_price": 4}}}},
}


def test_cross_firm_supply_forbidden_by_default():
    # Binding: P (firm F) and Q (firm G) share no owner, so Q may not supply P: P buys
    # 20 parts from S1 at 4: 200 - 80 = 120; Q makes nothing.
    res = solve(micro(CROSS_FIRM))
    assert res.objective == pytest.approx(120)
    assert flow(res, "Q") == pytest.approx(0)
    assert not in_house(res, "Q", "part")
    assert flow(res, "S1", "P", "part") == pytest.approx(20)


def test_cross_firm_supply_allowed_by_trade_flag():
    # Not binding: with trade.cross_firm_supply Q supplies P. Total 200 - 20 * 1 = 180;
    # the transfer price 2 splits it: P 200 - 40 = 160, Q 40 - 20 = 20.
    res = solve(micro(CROSS_FIRM, {"trade": {"cross_firm_supply": True}}))
    assert res.objective == pytest.approx(180)
    assert flow(res, "Q", "P", "part") == pytest.approx(20)
    assert plant_profit(res, "P") == pytest.approx(160)
    assert plant_profit(res, "Q") == pytest.approx(20)


def test_shared_owner_allows_supply_between_plants():
    # Not binding either: a JV Q owned by F and G shares owner F with P, so Q may supply P
    # without the flag: 180 as above.
    res = solve(micro(CROSS_FIRM, {"plants": {"Q": {"owners": {"F": 0.5, "G": 0.5}}}}))
    assert res.objective == pytest.approx(180)
    assert flow(res, "Q", "P", "part") == pytest.approx(20)


def test_multi_level_bill_of_materials():
    # m needs 1 core; P makes cores in-house at 1 each and each core needs 2 castings,
    # bought at 0.5. A bought core costs 5. Making: 10 * 1 + 20 * 0.5 = 20 < 50 buying:
    # 200 - 20 = 180, with 20 castings flowing into P.
    res = solve(
        micro(
            {
                "components": {"core": {"bom": {"casting": 2}}, "casting": {}},
                "products": {"m": {"bom": {"core": 1}}},
                "plants": {"P": {"components": {"core": {"unit_cost": 1}}}},
                "suppliers": {
                    "S": {
                        "country": "A",
                        "components": {"core": {"unit_price": 5}, "casting": {"unit_price": 0.5}},
                    }
                },
            }
        )
    )
    assert res.objective == pytest.approx(180)
    assert in_house(res, "P", "core")
    assert flow(res, "P", "P", "core") == pytest.approx(10)
    assert flow(res, "S", "P", "casting") == pytest.approx(20)
    assert flow(res, "S", "P", "core") == pytest.approx(0)


def test_office_qualifying_an_open_supplier_solves():
    # S2 sells to every plant, so office O (fixed cost 0) is never needed: S2 at 2, 160.
    res = solve(
        micro(
            TWO_SUPPLIERS,
            {"purchasing_offices": {"O": {"country": "A", "suppliers": ["S2"], "plants": ["P"]}}},
        )
    )
    assert res.objective == pytest.approx(160)
