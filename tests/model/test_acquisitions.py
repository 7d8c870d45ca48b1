"""Family 26, acquisitions: one decision brings a target's plants at a price.

Micro-instances on the base of ``conftest.py`` (P in A: unit cost 10; M buys 10 units of m at
30, so P alone earns 200). The target's plant T in B makes m at unit cost 2 (10 units earn
280) and operates only if the acquisition ``buy`` is made. One period: the price is charged as
its annuity, A = annuity(8%, 1 year) = 1.08 with ``lifetime: 1``, so a price X costs 1.08 X.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

import gpnopt

from .conftest import micro, plant_open, plant_profit, produced, solve
from .periods_helpers import Solved, by_period, years

TARGET = {
    "countries": {"B": {}},
    "plants": {
        "T": {"country": "B", "owners": {"F": 1.0}, "existing": True,
              "lines": {"m": {"unit_cost": 2}}},
    },
}


def _buy(price: float, **fields) -> dict:
    return {"acquisitions": {"buy": {"plants": ["T"], "price": price, "lifetime": 1, **fields}}}


def _acquired(res) -> int:
    df = res.tables["acquisitions"]
    return int(df.loc[df["acquisition"] == "buy", "acquired"].iloc[0])


def test_the_price_decides_the_acquisition():
    # Binding: price 100 costs 108 a year; T would earn 280 against P's 200, a gain of 80 <
    # 108: no acquisition, T stays shut although it is the cheaper plant (objective 200).
    # Not binding: price 50 costs 54 < 80: acquired, T makes the 10 units: 280 - 54 = 226,
    # T's profit 300 - 20 - 54 = 226.
    res = solve(micro(TARGET, _buy(100)))
    assert res.objective == pytest.approx(200)
    assert _acquired(res) == 0
    assert not plant_open(res, "T")
    res = solve(micro(TARGET, _buy(50)))
    assert res.objective == pytest.approx(226)
    assert _acquired(res) == 1
    assert produced(res, "T") == pytest.approx(10)
    assert plant_profit(res, "T") == pytest.approx(226)


def test_without_the_acquisition_the_plant_is_free_to_run():
    # Control: the same existing T without an acquisition runs at no price: 280.
    assert solve(micro(TARGET)).objective == pytest.approx(280)


def test_one_decision_brings_several_plants_and_one_may_close():
    # The bundle holds T and T2 (in B, fixed cost 30, a line at unit cost 3). Market N (in B)
    # buys 5 units at 30. T serves M and N (15 units, 28 each: 420); T2 would add nothing
    # but its fixed cost, so the acquirer closes it (consolidation). Price 50: 420 - 54 =
    # 366 > P's 200. The price is charged to T2 (charged_to), whose profit is -54.
    raw = micro(TARGET, {
        "plants": {"T2": {"country": "B", "owners": {"F": 1.0}, "existing": True,
                          "fixed_cost": 30, "lines": {"m": {"unit_cost": 3}}}},
        "markets": {"N": {"country": "B", "demand": {"m": {"quantity": 5, "price": 30}}}},
    }, {"acquisitions": {"buy": {"plants": ["T", "T2"], "price": 50, "lifetime": 1,
                                 "charged_to": "T2"}}})
    res = solve(raw)
    assert res.objective == pytest.approx(366)
    assert plant_open(res, "T")
    assert produced(res, "T2") == pytest.approx(0)
    assert plant_profit(res, "T2") == pytest.approx(-54)
    row = res.tables["acquisitions"].iloc[0].to_dict()
    assert row["entities"] == "T, T2"
    assert row["charged_to"] == "T2"
    assert row["operating"] in ("T", "T, T2")


def test_the_price_counts_in_the_owners_capital_budget():
    # F's capital budget of 40 is below the price of 50: the acquisition worth 226 cannot
    # be made (objective 200); a budget of 50 allows it.
    res = solve(micro(TARGET, _buy(50), {"firms": {"F": {"capital_budget": 40}}}))
    assert res.objective == pytest.approx(200)
    assert _acquired(res) == 0
    res = solve(micro(TARGET, _buy(50), {"firms": {"F": {"capital_budget": 50}}}))
    assert res.objective == pytest.approx(226)


def test_the_payers_owners_bear_the_price():
    # T is a 50/50 JV of F and G; the price annuity 54 is T's cost, so each firm bears 27:
    # F = 0.5 * 226 = 113 (P's 0) and G the same; the alliance total is 226.
    raw = micro(TARGET, _buy(50), {"firms": {"G": {}}, "plants": {"T": {"owners": {"F": 0.5, "G": 0.5}}}})
    res = solve(raw)
    firms = dict(zip(res.tables["firm_profit"]["firm"], res.tables["firm_profit"]["profit"],
                     strict=True))
    assert firms == pytest.approx({"F": 113, "G": 113})


# Over periods T1 (2020) and T2 (2021, one year): weights W = D = 1 and 1/1.08. T is not
# existing (it is not the network's before the acquisition) and has no investment of its own.
PERIODS = micro(TARGET, {"periods": years(2020, 2021),
                         "plants": {"T": {"existing": False}}})


def _bought(s: Solved, t: str) -> float:
    return pyo.value(s.model.v_bought["buy", t])


def test_over_periods_the_price_is_paid_once_and_the_plant_kept():
    # Buying in T1 gains 80 + 80/1.08 = 154.07 over P alone. Price 150: bought in T1 (paid
    # once, outlay weight 1) and held in T2: NPV 280 + 280/1.08 - 150 = 389.26. Price 160:
    # not bought (154.07 < 160): P alone, 200 + 200/1.08 = 385.19.
    s = Solved(micro(PERIODS, {"acquisitions": {"buy": {"plants": ["T"], "price": 150}}}))
    assert s.objective == pytest.approx(280 + 280 / 1.08 - 150)
    assert _bought(s, "T1") == pytest.approx(1)
    assert _bought(s, "T2") == pytest.approx(0)
    assert s.open("T", "T2")
    s = Solved(micro(PERIODS, {"acquisitions": {"buy": {"plants": ["T"], "price": 160}}}))
    assert s.objective == pytest.approx(200 + 200 / 1.08)
    assert not s.open("T", "T1")
    assert not s.open("T", "T2")


def test_over_periods_a_cheaper_price_later_is_waited_for():
    # The price falls from 200 (T1) to 50 (T2), a crisis price: buying in T1 gains 154.07 -
    # 200 < 0; buying in T2 gains (80 - 50) / 1.08 = 27.8 > 0: bought in T2 only,
    # NPV 200 + (280 - 50) / 1.08.
    raw = micro(PERIODS, {"acquisitions": {"buy": {"plants": ["T"], "price": 200}}})
    s = Solved(by_period(raw, {"T2": {"acquisitions": {"buy": {"price": 50}}}}))
    assert s.objective == pytest.approx(200 + 230 / 1.08)
    assert _bought(s, "T1") == pytest.approx(0)
    assert _bought(s, "T2") == pytest.approx(1)
    assert not s.open("T", "T1")
    assert s.open("T", "T2")


def test_over_periods_a_bundled_plant_may_not_be_existing():
    raw = micro(TARGET, {"periods": years(2020, 2021)}, _buy(50))
    with pytest.raises(gpnopt.InstanceError, match="comes with acquisition"):
        gpnopt.instance_from_dict(raw, name="micro")
