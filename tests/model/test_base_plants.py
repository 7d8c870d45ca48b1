"""Family 19, base plants: a foreign line runs only while its firm's base plant is open.

Micro-instances on the base of ``conftest.py``: firm F (home A) designs m (medium); P in A
is F's base plant; Q in B is a foreign plant with a cheap line of m (unit cost 5, capacity
10). Market M (in A) buys 10 units of m at 30 unless a test says otherwise.
"""

from __future__ import annotations

import math

import pytest

import gpnopt
from gpnopt.results import profit_parts, read_solution
from gpnopt.solver import ForcedSolver

from .conftest import MIP_GAP, line_open, micro, plant_open, plant_profit, produced, solve
from .showcase import only

FOREIGN = {
    "countries": {"B": {}},
    "plants": {
        "Q": {
            "country": "B",
            "owners": {"F": 1.0},
            "lines": {"m": {"unit_cost": 5, "capacity": 10}},
        }
    },
}


def _base(**fields) -> dict:
    return {"firms": {"F": {"base_plant": {"plant": "P", **fields}}}}


def _parts(raw: dict, entity: str, kind: str) -> float:
    """``entity``'s profit part of type ``kind`` (results.profit_parts) at the optimum of
    ``raw``; its parts add up to its profit."""
    fs = ForcedSolver(gpnopt.instance_from_dict(raw, name="micro"))
    profit = {r["plant"]: r["profit"] for r in read_solution(fs.model, fs.data).plant_profit}
    rows = [r for r in profit_parts(fs.model, fs.data) if r["entity"] == entity]
    assert math.fsum(r["amount"] for r in rows) == pytest.approx(profit[entity])
    return math.fsum(r["amount"] for r in rows if r["type"] == kind)


def test_base_stays_open_for_its_foreign_line():
    # P: fixed cost 40, line at unit cost 25 (margin 5). Without a base plant Q alone makes
    # the 10 units (10 * 25 = 250) and P closes. With P as F's base, Q's line needs P open:
    # 250 - 40 = 210, P open and idle (its own line would earn less than Q's); P alone would
    # give 10 * 5 - 40 = 10.
    raw = micro(FOREIGN, {"plants": {"P": {"fixed_cost": 40, "lines": {"m": {"unit_cost": 25}}}}})
    free = solve(raw)
    assert free.objective == pytest.approx(250)
    assert not plant_open(free, "P")
    res = solve(micro(raw, _base()))
    assert res.objective == pytest.approx(210)
    assert plant_open(res, "P")
    assert line_open(res, "Q")
    assert produced(res, "Q") == pytest.approx(10)
    assert produced(res, "P") == pytest.approx(0)


def test_base_worth_opening_anyway():
    # Not binding: M buys 20. P (fixed 40, unit cost 10, capacity 10) earns 10 * 20 - 40 =
    # 160 on its own and Q 10 * 25 = 250: 410 with or without the base rule.
    raw = micro(FOREIGN, {
        "plants": {"P": {"fixed_cost": 40, "lines": {"m": {"unit_cost": 10, "capacity": 10}}}},
        "markets": {"M": {"demand": {"m": {"quantity": 20}}}},
    })
    assert solve(raw).objective == pytest.approx(410)
    res = solve(micro(raw, _base()))
    assert res.objective == pytest.approx(410)
    assert produced(res, "P") == pytest.approx(10)
    assert produced(res, "Q") == pytest.approx(10)


def test_support_fee_moves_profit_from_the_jv_to_the_base():
    # Q is a JV of F and G (50/50). P (no fixed cost, unit cost 25) stays open for Q's line
    # and makes nothing: Q makes 10. A fee of 2 per medium unit moves 20 from Q to P:
    # Q = 10 * (30 - 5) - 20 = 230, P = 20; the alliance total stays 250. Firm profits:
    # F = 20 + 0.5 * 230 = 135, G = 0.5 * 230 = 115 (without the fee 125 each).
    raw = micro(FOREIGN, {
        "firms": {"G": {"home_country": "B"}},
        "plants": {"P": {"lines": {"m": {"unit_cost": 25}}}, "Q": {"owners": {"F": 0.5, "G": 0.5}}},
    })
    plain = solve(micro(raw, _base()))
    assert dict(zip(plain.tables["firm_profit"]["firm"], plain.tables["firm_profit"]["profit"],
                    strict=True)) == pytest.approx({"F": 125, "G": 125})
    fee = micro(raw, _base(support_fee={"medium": 2.0, "high": 9.0}))
    res = solve(fee)
    assert res.objective == pytest.approx(250)
    assert plant_profit(res, "Q") == pytest.approx(230)
    assert plant_profit(res, "P") == pytest.approx(20)
    firms = dict(zip(res.tables["firm_profit"]["firm"], res.tables["firm_profit"]["profit"],
                     strict=True))
    assert firms == pytest.approx({"F": 135, "G": 115})
    assert _parts(fee, "P", "base support") == pytest.approx(20)
    assert _parts(fee, "Q", "base support") == pytest.approx(-20)


def test_support_cost_can_make_a_foreign_line_not_worth_it():
    # P (no fixed cost, unit cost 15) earns 15 a unit; Q earns 25 less the support cost its
    # base bears per unit made abroad. Support 8: Q still earns 17 > 15, makes the 10 units:
    # 170, P's profit -80 (the support). Support 12: 13 < 15, P makes them: 150.
    raw = micro(FOREIGN, {"plants": {"P": {"lines": {"m": {"unit_cost": 15}}}}})
    costly = micro(raw, _base(support_cost={"medium": 8.0, "low": 1.0}))
    res = solve(costly)
    assert res.objective == pytest.approx(170)
    assert produced(res, "Q") == pytest.approx(10)
    assert plant_profit(res, "P") == pytest.approx(-80)
    assert _parts(costly, "P", "base support") == pytest.approx(-80)
    res = solve(micro(raw, _base(support_cost={"medium": 12.0})))
    assert res.objective == pytest.approx(150)
    assert produced(res, "Q") == pytest.approx(0)
    assert produced(res, "P") == pytest.approx(10)


def test_products_outside_the_list_need_no_base():
    # The base supports only the products listed: a list without m leaves Q's line free
    # (250, P closed), as without a base plant.
    raw = micro(FOREIGN, {
        "products": {"m2": {"tier": "medium", "firm": "F"}},
        "plants": {"P": {"fixed_cost": 40, "lines": {"m": {"unit_cost": 25}, "m2": {}}}},
    })
    res = solve(micro(raw, _base(products=["m2"])))
    assert res.objective == pytest.approx(250)
    assert not plant_open(res, "P")


def test_closing_an_existing_base_costs_its_annuity():
    # No foreign line: R (in A, unit cost 8, capacity 10) serves M best (220). P is existing,
    # fixed cost 50. At a discount rate of 0 and a lifetime of 10 years the annuity of a
    # closure cost C is C / 10. C = 300: closing costs 30 a year, keeping P idle 50: close,
    # 220 - 30 = 190. C = 600: closing costs 60 > 50: P stays open (idle), 220 - 50 = 170.
    raw = micro({
        "plants": {
            "P": {"existing": True, "fixed_cost": 50},
            "R": {"country": "A", "owners": {"F": 1.0},
                  "lines": {"m": {"unit_cost": 8, "capacity": 10}}},
        },
        "finance": {"discount_rate": 0.0, "asset_lifetime": 10},
    })
    assert solve(raw).objective == pytest.approx(220)
    closing = micro(raw, _base(closure_cost=300))
    res = solve(closing)
    assert res.objective == pytest.approx(190)
    assert not plant_open(res, "P")
    assert _parts(closing, "P", "base closure") == pytest.approx(-30)
    kept = micro(raw, _base(closure_cost=600))
    res = solve(kept)
    assert res.objective == pytest.approx(170)
    assert plant_open(res, "P")
    assert _parts(kept, "P", "base closure") == pytest.approx(0)


def _open_in(res, plant: str, period: str) -> bool:
    df = res.tables["plant_profit"]
    return bool(df.loc[(df["plant"] == plant) & (df["period"] == period), "open"].iloc[0])


@pytest.mark.parametrize(("closure", "total", "open_t2"), [(100, 180, True), (5, 185, False)])
def test_two_periods_base_rows_per_period_and_closure_through_the_plant(closure, total, open_t2):
    # Two one-year periods, no discounting (W_t = 1, D_t = 1). P is existing, fixed cost 60,
    # line at unit cost 25 (margin 5); Q (foreign, unit cost 5) exists only in T1. T1: Q's
    # line needs its base: 10 * 25 - 60 = 190, P open and idle. T2: P alone: producing
    # gives 10 * 5 - 60 = -10, closing costs P's own closure cost once. Closure 100: P stays
    # and produces, 190 - 10 = 180. Closure 5: P closes in T2, 190 - 5 = 185.
    raw = micro(FOREIGN, _base(), {
        "periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2021, "length": 1}],
        "finance": {"discount_rate": 0.0, "salvage": False},
        "plants": {
            "P": {"existing": True, "fixed_cost": 60, "closure_cost": closure,
                  "lines": {"m": {"unit_cost": 25}}},
            "Q": {"available_until": 2020},
        },
    })
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(total)
    assert _open_in(res, "P", "T1")
    df = res.tables["production"]
    assert float(df[(df["plant"] == "Q") & (df["period"] == "T1")]["quantity"].sum()) == (
        pytest.approx(10))
    assert _open_in(res, "P", "T2") is open_t2


def test_no_base_plant_adds_nothing():
    # A firm without base_plant: no row, no part.
    from gpnopt.data import build_data
    from gpnopt.model import build_model

    m = build_model(build_data(gpnopt.instance_from_dict(micro(FOREIGN), name="micro")))
    assert m.component("base_supports") is None
    assert m.component("base_support_cost") is None
    m = build_model(build_data(gpnopt.instance_from_dict(micro(FOREIGN, _base()), name="micro")))
    assert list(m.base_supports) == [("Q", "m")]
    assert m.component("base_support_cost") is None  # no cost or fee stated


def test_persistent_re_solve_rebuilds_the_support_and_closure_parts():
    # support_cost and closure_cost enter only the objective: the kept model is re-used and
    # its parts rebuilt, giving the fresh solves' optima (170 -> 150 as above; closure 600
    # -> 300: 170 -> 190).
    from gpnopt.solver import ScenarioSolver

    raw = micro(FOREIGN, {"plants": {"P": {"lines": {"m": {"unit_cost": 15}}}}})
    kept = ScenarioSolver(threads=1, mip_gap=MIP_GAP)
    for cost, value in ((8.0, 170), (12.0, 150)):
        inst = gpnopt.instance_from_dict(micro(raw, _base(support_cost={"medium": cost})))
        assert kept.solve(inst).objective == pytest.approx(value)
    assert kept.persistent == 1
    raw = micro({
        "plants": {
            "P": {"existing": True, "fixed_cost": 50},
            "R": {"country": "A", "owners": {"F": 1.0},
                  "lines": {"m": {"unit_cost": 8, "capacity": 10}}},
        },
        "finance": {"discount_rate": 0.0, "asset_lifetime": 10},
    })
    kept = ScenarioSolver(threads=1, mip_gap=MIP_GAP)
    for closure, value in ((600, 170), (300, 190)):
        inst = gpnopt.instance_from_dict(micro(raw, _base(closure_cost=closure)))
        assert kept.solve(inst).objective == pytest.approx(value)
    assert kept.persistent == 1


def test_showcase_mother_plant_charges_the_jv():
    # instances/showcase.yaml: TM's base plant JP_TM supports the JV's lathe_medium line
    # (80 units for CN): the JV pays a fee of 2 a unit (160) and JP_TM bears 0.5 a unit (40).
    # Decisions stay as without a base plant, the alliance earns 40 less; the JV's profit
    # falls by 160, JP_TM's rises by 120, so FFG (half the JV) earns 80 less and TM 40 more.
    # The showcase with family 19's keys alone (tests/model/showcase.py: a profit tax, say,
    # would scale each shift by 1 - rate).
    res = gpnopt.solve(only("base_plants"), mip_gap=MIP_GAP)
    plain = gpnopt.solve(only(), mip_gap=MIP_GAP)
    assert plain.objective == pytest.approx(6498)
    assert produced(res, "CN_JV", product="lathe_medium") == pytest.approx(80)
    assert res.objective == pytest.approx(plain.objective - 40)
    assert plant_profit(res, "CN_JV") == pytest.approx(plant_profit(plain, "CN_JV") - 160)
    assert plant_profit(res, "JP_TM") == pytest.approx(plant_profit(plain, "JP_TM") + 120)
    firms = {r.firm: r.profit for r in res.tables["firm_profit"].itertuples()}
    before = {r.firm: r.profit for r in plain.tables["firm_profit"].itertuples()}
    assert firms["FFG"] == pytest.approx(before["FFG"] - 80)
    assert firms["TM"] == pytest.approx(before["TM"] + 40)


def test_two_periods_myopic_and_a_fee_by_period():
    # The instance above (closure 100) solved period by period: T1 alone keeps P open for Q
    # (190), T2 as before (-10): 180 again. A fee of 2 in T1 only (a period mapping) moves
    # 20 from Q to P in T1 and nothing in T2.
    raw = micro(FOREIGN, _base(support_fee={"medium": {"T1": 2.0, "T2": 0.0}}), {
        "periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2021, "length": 1}],
        "finance": {"discount_rate": 0.0, "salvage": False},
        "plants": {
            "P": {"existing": True, "fixed_cost": 60, "closure_cost": 100,
                  "lines": {"m": {"unit_cost": 25}}},
            "Q": {"available_until": 2020},
        },
    })
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, foresight="myopic")
    assert res.status == "optimal"
    assert res.objective == pytest.approx(180)
    df = res.tables["plant_profit"]
    profit = {(r.plant, r.period): r.profit for r in df.itertuples()}
    assert profit["P", "T1"] == pytest.approx(-60 + 20)
    assert profit["Q", "T1"] == pytest.approx(250 - 20)
    assert profit["P", "T2"] == pytest.approx(-10)
