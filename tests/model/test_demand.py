"""Family 16, price-responsive demand: demand curves of (quantity, price) steps.

Base micro-instance (tests/model/conftest.py): P makes m at a unit cost of 10 and sells in
M (10 at 30, optimum 200). Here M's demand is a curve; a unit sold at step s earns p_s - 10
(before channels and tariffs), so the optimum sells every step whose price is above 10,
dearest first, and no step below 10 unless min_served forces it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyomo.environ as pyo
import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.errors import InstanceError
from gpnopt.model import build_model
from gpnopt.model.bounds import upper
from gpnopt.model.demand import derive_demand
from gpnopt.results import profit_parts, read_solution
from gpnopt.solver import ForcedSolver, ScenarioSolver

from .conftest import MIP_GAP, channel_row, merge, micro, plant_profit, produced, solve
from .periods_helpers import Solved, years
from .showcase import only, raw_only


def curve(*steps: tuple[float, float], **extra) -> dict:
    """M's demand of m as a curve of (quantity, price) steps, the base's quantity and price
    left out (``extra``: min_served, or a quantity and price stated too)."""
    entry = {"quantity": None, "price": None,
             "curve": [{"quantity": q, "price": p} for q, p in steps], **extra}
    return {"markets": {"M": {"demand": {"m": entry}}}}


def demand_row(res, period: str = "P1") -> dict:
    """The demand table's row of (M, m) in ``period``."""
    df = res.tables["demand"]
    return df[(df["market"] == "M") & (df["product"] == "m") & (df["period"] == period)].iloc[0]


def test_without_a_curve_the_family_adds_nothing():
    data = build_data(gpnopt.instance_from_dict(micro(), name="micro"))
    m = build_model(data)
    for name in ("curve_steps", "v_curve_step", "curve_split", "curve_first", "curve_drop",
                 "v_curve_drop", "demand_curve"):
        assert m.component(name) is None, name
    res = solve(micro())
    assert "demand" not in res.tables or res.tables["demand"].empty


def test_quantity_and_price_come_from_the_curve():
    inst = gpnopt.instance_from_dict(micro(curve((10, 30), (5, 20), (7, 8))), name="micro")
    entry = inst.markets["M"].demand["m"]
    assert (entry.quantity, entry.price) == (22, 30)
    # given as well and agreeing: accepted
    agree = micro(curve((10, 30), (5, 20), quantity=15, price=30))
    assert gpnopt.instance_from_dict(agree, name="micro").markets["M"].demand["m"].quantity == 15


def test_only_the_first_step_pays():
    # Not binding beyond step 1: step 2 sells at 8 < the unit cost 10, so P sells the 10
    # units of step 1 only: 10 * (30 - 10) = 200, as without the curve's second step.
    res = solve(micro(curve((10, 30), (10, 8))))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)
    row = demand_row(res)
    assert row["quantity"] == pytest.approx(10)
    assert row["revenue"] == pytest.approx(300)
    assert row["average_price"] == pytest.approx(30)
    assert row["marginal_price"] == pytest.approx(30)
    assert row["steps_used"] == 1
    assert res.tables["production"]["price"].iloc[0] == pytest.approx(30)


def test_cheaper_production_sells_deeper_steps():
    # Binding. Steps (10 at 30, 10 at 15, 10 at 8). Unit cost 10: steps 1 and 2 pay,
    # 10 * 20 + 10 * 5 = 250 on 20 units. Unit cost 6: step 3 pays too (8 > 6):
    # 10 * 24 + 10 * 9 + 10 * 2 = 350 on 30 units, revenue 300 + 150 + 80 = 530, an
    # average price of 530 / 30 = 17.666667 and a marginal price of 8.
    steps = curve((10, 30), (10, 15), (10, 8))
    res = solve(micro(steps))
    assert res.objective == pytest.approx(250)
    assert produced(res, "P") == pytest.approx(20)
    assert demand_row(res)["steps_used"] == 2
    assert demand_row(res)["marginal_price"] == pytest.approx(15)
    cheap = solve(micro(steps, {"plants": {"P": {"lines": {"m": {"unit_cost": 6}}}}}))
    assert cheap.objective == pytest.approx(350)
    assert produced(cheap, "P") == pytest.approx(30)
    row = demand_row(cheap)
    assert row["quantity"] == pytest.approx(30)
    assert row["revenue"] == pytest.approx(530)
    assert row["average_price"] == pytest.approx(530 / 30, abs=1e-6)
    assert row["marginal_price"] == pytest.approx(8)
    assert row["steps_used"] == 3
    # the production table prices the arc at its average price
    assert cheap.tables["production"]["price"].iloc[0] == pytest.approx(530 / 30, abs=1e-6)
    assert plant_profit(cheap, "P") == pytest.approx(350)


# P in A sells into M in B through channel H (margin 20%, owned by F); machines from A pay
# a tariff of 10% of the price entering B. Curve: 10 at 30, 10 at 20; unit cost 10.
# A unit at step s: the plant earns 0.8 p_s - 0.1 p_s - 10 = 0.7 p_s - 10 (11 at 30, 4 at
# 20), the channel 0.2 p_s: both steps pay, 20 units.
#   plant: sales at the first step's price 0.8 * 30 * 20 = 480, tariffs 0.1 * 30 * 20 = 60,
#          unit cost 200, demand curve (0.1 - 0.8) * (30 - 20) * 10 = -70: profit 150
#          (= 10 * 11 + 10 * 4);
#   channel: margin 0.2 * 30 * 20 = 120, demand curve -0.2 * 10 * 10 = -20: profit 100
#          (= 0.2 * (300 + 200)); objective 250.
CHANNEL_AND_TARIFF = {
    "countries": {"B": {}},
    "markets": {"M": {"country": "B"}},
    "channels": {"H": {"owners": {"F": 1.0}, "markets": ["M"], "margin_rate": 0.2}},
    "trade": {"tariffs": [{"from_country": "A", "to_country": "B", "goods": "machine",
                           "rate": 0.1}]},
}


def test_value_based_transport_is_paid_on_each_step_price():
    # Family 20 with 16: the lane A -> B charges 10% of the machine's value. P sells both
    # steps (margins 30 - 10 and 20 - 10 cover 3 and 2 of transport): it pays 10 * 3 +
    # 10 * 2 = 50 of transport, not 20 * 3 = 60 at the first step's price.
    market = {"countries": {"B": {}}, "markets": {"M": {"country": "B"}}}
    lane = {"trade": {"transport": [{"from_country": "A", "to_country": "B", "goods": "machine",
                                     "unit_cost": 0, "value_rate": 0.1}]}}
    free = solve(micro(market, curve((10, 30), (10, 20))))
    carried = solve(micro(market, lane, curve((10, 30), (10, 20))))
    assert produced(carried, "P") == pytest.approx(20)
    assert free.objective - carried.objective == pytest.approx(50)


def test_a_channel_margin_and_a_tariff_on_a_curve_market():
    raw = micro(CHANNEL_AND_TARIFF, curve((10, 30), (10, 20)))
    res = solve(raw)
    assert res.objective == pytest.approx(250)
    assert produced(res, "P") == pytest.approx(20)
    assert plant_profit(res, "P") == pytest.approx(150)
    assert channel_row(res, "H")["profit"] == pytest.approx(100)
    assert channel_row(res, "H")["revenue"] == pytest.approx(100)
    # the correction terms, as profit_parts reports them, add up to each entity's profit
    inst = gpnopt.instance_from_dict(raw, name="micro")
    fs = ForcedSolver(inst)
    sol = read_solution(fs.model, fs.data)
    parts: dict[tuple[str, str], float] = {}
    for r in profit_parts(fs.model, fs.data):
        parts[r["entity"], r["type"]] = r["amount"]
    assert parts["P", "sales"] == pytest.approx(480)
    assert parts["P", "tariffs"] == pytest.approx(-60)
    assert parts["P", "unit"] == pytest.approx(-200)
    assert parts["P", "demand curve"] == pytest.approx(-70)
    assert parts["H", "sales"] == pytest.approx(120)
    assert parts["H", "demand curve"] == pytest.approx(-20)
    for e, profit in (("P", sol.plant_profit[0]["profit"]), ("H", sol.channel_profit[0]["profit"])):
        total = math.fsum(v for (who, _t), v in parts.items() if who == e)
        assert total == pytest.approx(profit)
    assert sol.plant_profit[0]["profit"] == pytest.approx(150)


def test_min_served_forces_a_loss_making_step():
    # Binding: curve 10 at 30, 10 at 8 (total 20); min_served 0.75 asks for 15 units, so 5
    # sell at step 2's price 8 below the unit cost 10: 10 * 20 + 5 * (8 - 10) = 190.
    res = solve(micro(curve((10, 30), (10, 8), min_served=0.75)))
    assert res.objective == pytest.approx(190)
    assert produced(res, "P") == pytest.approx(15)
    row = demand_row(res)
    assert row["quantity"] == pytest.approx(15)
    assert row["revenue"] == pytest.approx(340)
    assert row["marginal_price"] == pytest.approx(8)
    assert row["steps_used"] == 2
    # not binding below the first step: min_served 0.25 (5 units) leaves 10 sold, 200
    assert solve(micro(curve((10, 30), (10, 8), min_served=0.25))).objective == pytest.approx(200)


def test_two_competing_plants_share_one_curve():
    # The step rows hold for the market, not per arc: Q (unit cost 12) and P (10) both
    # sell m into M; steps 10 at 30, 10 at 14. P alone could fill both steps, so Q sells
    # nothing; P: 10 * 20 + 10 * 4 = 240. Q's curve_split rows exist, its volume is 0.
    two = {"plants": {"Q": {"country": "A", "owners": {"F": 1.0},
                            "lines": {"m": {"unit_cost": 12}}}}}
    res = solve(micro(two, curve((10, 30), (10, 14))))
    assert res.objective == pytest.approx(240)
    assert produced(res, "P") == pytest.approx(20)
    assert produced(res, "Q") == pytest.approx(0)
    # P's capacity 10 binds: Q sells 10 more, step 2 pays 14 - 12 = 2 a unit: 200 + 20 = 220.
    # Which plant's units sell at which step is not determined (the market's revenue is,
    # 300 + 140 = 440: docs/formulation.md, family 16); the production table's average
    # prices say how this optimum split it.
    capped = {"plants": {"P": {"lines": {"m": {"capacity": 10}}}}}
    res = solve(micro(two, capped, curve((10, 30), (10, 14))))
    assert res.objective == pytest.approx(220)
    assert produced(res, "P") == pytest.approx(10)
    assert produced(res, "Q") == pytest.approx(10)
    prod = res.tables["production"]
    assert float((prod["price"] * prod["quantity"]).sum()) == pytest.approx(440)
    assert demand_row(res)["revenue"] == pytest.approx(440)
    assert plant_profit(res, "P") + plant_profit(res, "Q") == pytest.approx(220)


def test_a_second_period_with_a_larger_curve_sells_more():
    # Two periods, T1 (2020) and T2 (2021, one year). T1's curve is 10 at 30; T2's adds
    # 10 at 15 (a period mapping of the curve): P sells 10 in T1 (profit 200) and 20 in
    # T2 (200 + 50 = 250). Each period's block has its own step rows (T1's curve of one
    # step is a fixed demand: family 6's rows alone).
    periods = {"periods": years(2020, 2021)}
    raw = micro(periods, {"markets": {"M": {"demand": {"m": {"quantity": None, "price": None, "curve": {
        "T1": [{"quantity": 10, "price": 30}],
        "T2": [{"quantity": 10, "price": 30}, {"quantity": 10, "price": 15}],
    }}}}}})
    res = gpnopt.solve(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP)
    assert res.status == "optimal"
    rows = res.tables["demand"].set_index("period")
    assert rows.loc["T1", "quantity"] == pytest.approx(10)
    assert rows.loc["T2", "quantity"] == pytest.approx(20)
    assert rows.loc["T2", "revenue"] == pytest.approx(450)
    assert rows.loc["T2", "steps_used"] == 2
    pp = res.tables["plant_profit"].set_index("period")
    assert pp.loc["T1", "profit"] == pytest.approx(200)
    assert pp.loc["T2", "profit"] == pytest.approx(250)
    # myopic foresight solves period by period: no row links the periods, the same sales
    myopic = gpnopt.solve(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP,
                          foresight="myopic")
    assert list(myopic.tables["demand"]["quantity"]) == pytest.approx([10, 20])
    # the same through the model: per-period instances, blocks read directly
    t1 = micro(periods, curve((10, 30)))
    t2 = micro(periods, curve((10, 30), (10, 15)))
    solved = Solved({"T1": t1, "T2": t2})
    assert solved.sold("T1") == pytest.approx(10)
    assert solved.sold("T2") == pytest.approx(20)
    assert solved.model.period["T1"].component("curve_first") is None  # one step: fixed
    assert len(solved.model.period["T2"].curve_first) == 1
    assert len(solved.model.period["T2"].v_curve_step) == 1
    assert len(solved.model.period["T2"].v_curve_drop) == 1


def test_the_step_index_skips_steps_of_zero_width():
    inst = gpnopt.instance_from_dict(micro(curve((10, 30), (0, 20), (5, 12))), name="micro")
    curves = derive_demand(build_data(inst))
    assert curves.steps["M", "m"] == [(10, 30), (0, 20), (5, 12)]
    assert curves.index == [("M", "m", 2)]  # step 0 is implied, step 1 empty
    assert curves.drop == {("M", "m"): 18}  # delta_max = 30 - 12
    res = solve(micro(curve((10, 30), (0, 20), (5, 12))))
    assert res.objective == pytest.approx(210)  # 10 * 20 + 5 * 2
    assert demand_row(res)["steps_used"] == 3


def test_a_persistent_re_solve_of_new_curve_prices_equals_a_fresh_solve():
    # Step prices are coefficients of curve_drop and curve_split: a new price rebuilds the
    # model (no persistent re-use), a new unit cost re-uses it (the demand_curve part is
    # rebuilt with the objective). Steps 10 at 30, 10 at 15: 250; with the second step at
    # 12: 200 + 20 = 220; then a unit cost of 8: 10 * 22 + 10 * 4 = 260.
    first = gpnopt.instance_from_dict(micro(curve((10, 30), (10, 15))), name="micro")
    second = gpnopt.instance_from_dict(micro(curve((10, 30), (10, 12))), name="micro")
    cost = {"plants": {"P": {"lines": {"m": {"unit_cost": 8}}}}}
    third = gpnopt.instance_from_dict(micro(curve((10, 30), (10, 12)), cost), name="micro")
    kept = ScenarioSolver(threads=1)
    assert kept.solve(first).objective == pytest.approx(250)
    again = kept.solve(second)
    assert kept.persistent == 0
    assert again.objective == pytest.approx(220)
    assert again.objective == pytest.approx(gpnopt.solve(second).objective)
    cheaper = kept.solve(third)
    assert kept.persistent == 1
    assert cheaper.objective == pytest.approx(260)
    assert cheaper.objective == pytest.approx(gpnopt.solve(third).objective)


@pytest.mark.parametrize(
    ("entry", "where", "words"),
    [
        ({"curve": [{"quantity": 5, "price": 20}, {"quantity": 5, "price": 25}]},
         "markets.M.demand.m.curve", "may not rise"),
        ({"curve": []}, "markets.M.demand.m.curve", "at least one step"),
        ({"curve": [{"quantity": -5, "price": 20}]}, "markets.M.demand.m.curve.0.quantity",
         "greater than or equal to 0"),
        ({"curve": [{"quantity": 5, "price": 20}], "quantity": 8},
         "markets.M.demand.m.quantity", "disagrees with the curve"),
        ({"curve": [{"quantity": 5, "price": 20}], "price": 25},
         "markets.M.demand.m.price", "disagrees with the curve"),
        ({"price": 20}, "markets.M.demand.m", "quantity required"),
    ],
)
def test_bad_curves_are_refused_with_their_path(entry, where, words):
    raw = micro()
    raw["markets"]["M"]["demand"]["m"] = entry
    with pytest.raises(InstanceError) as err:
        gpnopt.instance_from_dict(raw, name="micro.yaml")
    text = str(err.value)
    assert where in text, text
    assert words in text, text


def test_the_bounds_hold_each_step_to_its_width():
    # one step variable per market (step 1; step 0 is the sales less the rest) bounded by
    # its width, one drop variable per arc bounded by curve_split (no bound of its own, as
    # v_sales has none); the bound family 17's rows use is stated from the data:
    # delta_max * min(demand, capacity) = 15 * 14 = 210 (the micro's line has no capacity
    # below the curve's total 14)
    inst = gpnopt.instance_from_dict(micro(curve((10, 30), (4, 15))), name="micro")
    data = build_data(inst)
    m = build_model(data)
    assert list(m.v_curve_step) == [("M", "m", 1)]
    assert m.v_curve_step["M", "m", 1].bounds == (0, 4)
    assert list(m.curve_first) == [("M", "m")]
    assert m.curve_first["M", "m"].upper == 10
    assert list(m.v_curve_drop) == [("P", "m", "direct", "M")]
    assert m.v_curve_drop["P", "m", "direct", "M"].bounds == (0, None)
    assert upper(m.v_curve_drop["P", "m", "direct", "M"], data) == 210
    assert list(m.curve_split) == [("P", "m", "direct", "M")]
    # a curve of one step is a fixed demand: no variable, no row
    one = gpnopt.instance_from_dict(micro(curve((10, 30))), name="micro")
    assert build_model(build_data(one)).component("v_curve_step") is None
    assert all(x.domain is pyo.NonNegativeReals for x in m.v_curve_step.values())
    # steps of one price: the step variable, no drop (nothing to split)
    flat = gpnopt.instance_from_dict(micro(curve((10, 30), (4, 30))), name="micro")
    fm = build_model(build_data(flat))
    assert list(fm.v_curve_step) == [("M", "m", 1)]
    assert fm.component("v_curve_drop") is None


SHOWCASE = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"


def test_the_showcase_curve_sells_deeper_into_china():
    # instances/showcase.yaml: CN buys lathe_medium along 80 at 32, 40 at 26, 40 at 20. The
    # JV (assembly capacity 100) is full; a lathe made in Japan for China costs the alliance
    # 14 + 3 (a casting the JV makes at 1, shipped for 2) + 2 transport + the 10% tariff on
    # its step's price: 21.6 at 26 (it pays), 21 at 20 (it does not). So CN buys 120
    # (revenue 80 * 32 + 40 * 26 = 3600, marginal price 26), part of it from Japan; with the
    # first step alone as a fixed demand (80 at 32) it buys 80, none from Japan.
    # (the showcase with family 16's keys alone: tests/model/showcase.py)
    res = gpnopt.solve(only("demand"), mip_gap=MIP_GAP)
    row = res.tables["demand"].set_index(["market", "product"]).loc[("CN", "lathe_medium")]
    assert row["quantity"] == pytest.approx(120)
    assert row["revenue"] == pytest.approx(3600)
    assert row["marginal_price"] == pytest.approx(26)
    assert row["steps_used"] == 2
    assert produced(res, "JP_TM", market="CN", product="lathe_medium") > 1
    flat = {"markets": {"CN": {"demand": {"lathe_medium": {"curve": None, "quantity": 80,
                                                              "price": 32}}}}}
    raw = merge(raw_only("demand"), flat)
    fixed = gpnopt.solve(gpnopt.instance_from_dict(raw, name="showcase"), mip_gap=MIP_GAP)
    assert produced(fixed, market="CN", product="lathe_medium") == pytest.approx(80)
    assert produced(fixed, "JP_TM", market="CN", product="lathe_medium") == pytest.approx(0)
    assert res.objective > fixed.objective + 1
