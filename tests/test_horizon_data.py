"""gpnopt.horizon_data: the derived data of every period and the assets over time."""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.dynamics import ONE_PERIOD
from gpnopt.horizon_data import build_horizon_data, truncated_horizon

RAW = {
    "name": "three periods",
    "periods": [{"id": "A1", "start": 2000}, {"id": "A2", "start": 2002},
                {"id": "A3", "start": 2005, "length": 5}],
    "finance": {"discount_rate": 0.1},
    "countries": {"A": {}},
    "firms": {"F": {"home_country": "A"}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {
        "P": {"country": "A", "owners": {"F": 1.0}, "existing": True, "closure_cost": 7,
              "lines": {"m": {"unit_cost": 10, "investment_cost": 5}}},
        "Q": {"country": "A", "owners": {"F": 1.0}, "investment_cost": 50, "lifetime": 4,
              "available_from": 2002, "lines": {"m": {"unit_cost": 9}}},
    },
    "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
}


def test_assets_in_kind_order_with_their_costs_and_availability():
    hdata = build_horizon_data(gpnopt.instance_from_dict(RAW, name="h"))
    assert list(hdata.horizon.ids) == ["A1", "A2", "A3"]
    assert list(hdata.assets) == [("plant", "P", ""), ("plant", "Q", ""), ("line", "P", "m"),
                                  ("line", "Q", "m")]
    p, q = hdata.assets["plant", "P", ""], hdata.assets["plant", "Q", ""]
    assert p.existing
    assert p.lifetime == 10.0  # finance.asset_lifetime's default
    assert p.periods["A1"].closure == 7
    assert not q.existing
    assert q.lifetime == 4
    assert [q.periods[t].usable for t in ("A1", "A2", "A3")] == [False, True, True]
    assert q.periods["A2"].investment == 50
    assert hdata.assets["line", "P", "m"].entity == "P"


def test_equal_periods_share_their_derived_data():
    hdata = build_horizon_data(gpnopt.instance_from_dict(RAW, name="h"))
    assert hdata.data["A1"] is hdata.data["A2"] is hdata.data["A3"]


def test_first_periods_keep_the_weights_and_move_the_end():
    hdata = build_horizon_data(gpnopt.instance_from_dict(RAW, name="h"))
    part = hdata.first_periods(2)
    assert list(part.horizon.ids) == ["A1", "A2"]
    assert part.horizon.end_year == 2005  # A2 runs 2002-2004 (up to A3's start)
    assert part.horizon.end_weight == pytest.approx(1.1**-5)
    assert part.horizon.operating_weight == {t: hdata.horizon.operating_weight[t] for t in ("A1", "A2")}
    assert set(part.assets["plant", "Q", ""].periods) == {"A1", "A2"}
    assert truncated_horizon(hdata.horizon, 3) is hdata.horizon
    with pytest.raises(ValueError, match="no first 4"):
        truncated_horizon(hdata.horizon, 4)


def test_one_period_instance_is_its_own_period():
    raw = {k: v for k, v in RAW.items() if k != "periods"}
    raw["plants"] = {"P": {**RAW["plants"]["P"]}}
    hdata = build_horizon_data(gpnopt.instance_from_dict(raw, name="h"))
    assert hdata.horizon.single
    assert list(hdata.data) == [ONE_PERIOD]


def test_instances_must_match_the_periods():
    inst = gpnopt.instance_from_dict(RAW, name="h")
    with pytest.raises(ValueError, match="the horizon has"):
        build_horizon_data(inst, instances={"A1": inst})
