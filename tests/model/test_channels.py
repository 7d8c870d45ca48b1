"""Family 6, markets and channels: filters, margins, fixed costs, capacity, demand."""

from __future__ import annotations

import pytest

from .conftest import channel_row, micro, produced, solve

# Channel D reaches M at a fixed cost of 1, with one filter taken from the test; the
# fallback channel "slow" reaches M too but costs 5 per unit sold. Plant Q (firm G, no
# lines) and product m2 (no demand) exist only so that the filters can name them.
# (D and Q get a fixed cost of 1 so that their binaries appear in the objective even when
# nothing can use them: see test_plants.py::test_idle_plant_without_fixed_cost_solves.)
FILTERED = {
    "firms": {"G": {}},
    "products": {"m2": {"tier": "high", "firm": "F"}},
    "plants": {
        "P": {"lines": {"m2": {}}},
        "Q": {"country": "A", "owners": {"G": 1.0}, "fixed_cost": 1},
    },
}


def _filtered(flt: dict) -> dict:
    return micro(
        FILTERED,
        {
            "channels": {
                "D": {"owners": {"F": 1.0}, "markets": ["M"], "fixed_cost": 1, **flt},
                "slow": {"owners": {"F": 1.0}, "markets": ["M"], "unit_cost": 5},
            }
        },
    )


@pytest.mark.parametrize(
    "flt",
    [
        {"plants": ["Q"]},
        {"plant_owners": ["G"]},
        {"product_firms": ["G"]},
        {"products": ["m2"]},
        {"tiers": ["high"]},
    ],
    ids=["plants", "plant_owners", "product_firms", "products", "tiers"],
)
def test_channel_filter_stops_plant_reaching_market(flt):
    # Binding: D's filter excludes P's m, so P sells through "slow": 10 * (30 - 10 - 5) = 150
    # (D stays closed).
    res = solve(_filtered(flt))
    assert res.objective == pytest.approx(150)
    assert produced(res, "P", channel="slow") == pytest.approx(10)
    assert produced(res, channel="D") == pytest.approx(0)


@pytest.mark.parametrize(
    "flt",
    [
        {"plants": ["P"]},
        {"plant_owners": ["F"]},
        {"product_firms": ["F"]},
        {"products": ["m"]},
        {"tiers": ["medium"]},
    ],
    ids=["plants", "plant_owners", "product_firms", "products", "tiers"],
)
def test_channel_filter_passing_the_plant(flt):
    # Not binding: D's filter admits P's m: all 10 through D, 200 - D's fixed cost 1 = 199
    # (better than 150 through "slow").
    res = solve(_filtered(flt))
    assert res.objective == pytest.approx(199)
    assert produced(res, "P", channel="D") == pytest.approx(10)


def test_channel_filter_forces_the_dearer_plant():
    # Binding: the only channel into M carries P2's output only, so the cheap plant P
    # (unit cost 10) cannot reach M; P2 (unit cost 15) sells 10: 10 * 15 = 150.
    res = solve(
        micro(
            {
                "plants": {
                    "P2": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 15}}}
                },
                "channels": {"C": {"markets": ["M"], "plants": ["P2"]}},
            }
        )
    )
    assert res.objective == pytest.approx(150)
    assert produced(res, "P2") == pytest.approx(10)
    assert produced(res, "P") == pytest.approx(0)


# Channel C, owned by firm G, is the only way into M.
MARGIN = {
    "firms": {"G": {}},
    "channels": {"C": {"owners": {"G": 1.0}, "markets": ["M"]}},
}


def test_channel_margin_rate_splits_revenue():
    # Binding: C keeps 20% of the price 30 = 6 per unit. Plant P: 10 * (24 - 10) = 140;
    # channel C: 10 * 6 = 60. The total (alliance objective) is still 200; F earns 140
    # (owns P), G 60 (owns C).
    res = solve(micro(MARGIN, {"channels": {"C": {"margin_rate": 0.2}}}))
    assert res.objective == pytest.approx(200)
    assert channel_row(res, "C")["profit"] == pytest.approx(60)
    assert channel_row(res, "C")["revenue"] == pytest.approx(60)
    res_p = res.tables["plant_profit"].set_index("plant")
    assert res_p.loc["P", "revenue"] == pytest.approx(240)
    assert res_p.loc["P", "profit"] == pytest.approx(140)
    assert res.firm_profit["F"] == pytest.approx(140)
    assert res.firm_profit["G"] == pytest.approx(60)


def test_channel_without_margin_leaves_revenue_to_plant():
    # Not binding: margin 0: P gets the full 30 per unit (profit 200), C earns 0.
    res = solve(micro(MARGIN))
    assert res.objective == pytest.approx(200)
    assert channel_row(res, "C")["profit"] == pytest.approx(0)
    assert channel_row(res, "C")["quantity"] == pytest.approx(10)
    assert res.firm_profit["F"] == pytest.approx(200)
    assert res.firm_profit["G"] == pytest.approx(0)


def test_channel_fixed_cost_above_margin_keeps_channel_closed():
    # Binding: C costs 250 to run > the margin 200 it would carry: closed, nothing sold, 0.
    res = solve(micro(MARGIN, {"channels": {"C": {"fixed_cost": 250}}}))
    assert res.objective == pytest.approx(0)
    assert channel_row(res, "C")["open"] == 0
    assert produced(res) == pytest.approx(0)


def test_channel_fixed_cost_below_margin_opens_channel():
    # Not binding: fixed cost 150 < 200: open, 10 sold, 200 - 150 = 50 (C's profit -150).
    res = solve(micro(MARGIN, {"channels": {"C": {"fixed_cost": 150}}}))
    assert res.objective == pytest.approx(50)
    assert channel_row(res, "C")["open"] == 1
    assert channel_row(res, "C")["profit"] == pytest.approx(-150)
    assert produced(res, channel="C") == pytest.approx(10)


def test_channel_unit_cost_is_borne_by_channel():
    # C pays 5 per unit sold: total 10 * (30 - 10 - 5) = 150; C's profit -50.
    res = solve(micro(MARGIN, {"channels": {"C": {"unit_cost": 5}}}))
    assert res.objective == pytest.approx(150)
    assert channel_row(res, "C")["profit"] == pytest.approx(-50)


# Two channels into M: "fast" at no cost, "slow" at 5 per unit.
TWO_CHANNELS = {
    "channels": {
        "fast": {"markets": ["M"]},
        # owned: a channel with costs and no owners is refused (its costs would count for
        # no firm); the objective, every entity's profit, is the same
        "slow": {"owners": {"F": 1.0}, "markets": ["M"], "unit_cost": 5},
    }
}


def test_channel_capacity_spills_to_second_channel():
    # Binding: "fast" carries at most 6: 6 * 20 + 4 * 15 = 180.
    res = solve(micro(TWO_CHANNELS, {"channels": {"fast": {"capacity": 6}}}))
    assert res.objective == pytest.approx(180)
    assert produced(res, channel="fast") == pytest.approx(6)
    assert produced(res, channel="slow") == pytest.approx(4)


def test_channel_capacity_above_demand_does_not_bind():
    # Not binding: "fast" carries up to 20 >= 10: all through it, 200.
    res = solve(micro(TWO_CHANNELS, {"channels": {"fast": {"capacity": 20}}}))
    assert res.objective == pytest.approx(200)
    assert produced(res, channel="fast") == pytest.approx(10)
    assert produced(res, channel="slow") == pytest.approx(0)


def test_min_served_forces_loss_making_sales():
    # Binding: price 8 < unit cost 10 loses 2 per unit, but half the demand must be
    # served: 5 units, -10.
    res = solve(micro({"markets": {"M": {"demand": {"m": {"price": 8, "min_served": 0.5}}}}}))
    assert res.objective == pytest.approx(-10)
    assert produced(res, market="M") == pytest.approx(5)


def test_loss_making_market_left_unserved_without_min_served():
    # Not binding: without a minimum nothing is sold at a loss: 0.
    res = solve(micro({"markets": {"M": {"demand": {"m": {"price": 8}}}}}))
    assert res.objective == pytest.approx(0)
    assert produced(res) == pytest.approx(0)


def test_no_channels_section_sells_direct():
    # The family's channel part is empty: every plant sells straight into every market,
    # reported as channel "direct"; no channel rows in channel_profit. Profit 200.
    res = solve(micro())
    assert res.objective == pytest.approx(200)
    prod = res.tables["production"]
    assert list(prod["channel"]) == ["direct"]
    assert produced(res, "P", channel="direct", market="M") == pytest.approx(10)
    assert res.tables["channel_profit"].empty


def test_channel_that_can_carry_nothing_solves():
    # Channel X admits only products of firm G (there are none): it carries nothing and,
    # at fixed cost 0, changes nothing. C carries P's 10 units: 200.
    res = solve(
        micro(
            {
                "firms": {"G": {}},
                "channels": {
                    "C": {"markets": ["M"]},
                    "X": {"markets": ["M"], "product_firms": ["G"]},
                },
            }
        )
    )
    assert res.objective == pytest.approx(200)
    assert produced(res, channel="C") == pytest.approx(10)
