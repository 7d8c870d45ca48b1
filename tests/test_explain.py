"""gpnopt explain: forced alternatives, limits in the way, shadow prices, thresholds.

Micro-instances whose differences are derived by hand (in the comments), an infeasible
alternative explained by the elastic diagnosis, and the case.
"""

from __future__ import annotations

import copy
import json
import math

import pytest
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.explain import explain_instance
from gpnopt.results import profit_parts, read_solution
from gpnopt.solver import ForcedSolver

# Firm F (home A) sells 20 units of m in market M (in A) at 30. Plant P at home: unit cost
# 20 (margin 10), no capacity limit. P1 and P2 abroad in B, lines capped at 10 units: unit
# costs 10 and 12 (margins 20 and 18). Each open foreign line of a medium product needs one
# technician; the pool holds one. Optimum: P1's line (10 x 20 = 200) and P at home
# (10 x 10 = 100): 300.
TECH = {
    "name": "micro",
    "countries": {"A": {}, "B": {}},
    "firms": {"F": {"home_country": "A",
                    "technicians": {"pool": 1, "per_line": {"medium": 1}}}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {
        "P": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 20}}},
        "P1": {"country": "B", "owners": {"F": 1.0},
               "lines": {"m": {"unit_cost": 10, "capacity": 10}}},
        "P2": {"country": "B", "owners": {"F": 1.0},
               "lines": {"m": {"unit_cost": 12, "capacity": 10}}},
    },
    "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 20, "price": 30}}}},
}


def _inst(raw: dict, name: str = "micro.yaml") -> gpnopt.Instance:
    return gpnopt.instance_from_dict(copy.deepcopy(raw), name=name)


@pytest.fixture(scope="module")
def tech():
    return explain_instance(
        _inst(TECH), ["line:P1:m"], vary=["plants.P1.lines.m.unit_cost"], mip_gap=1e-9
    )


def test_forced_alternative_differences_by_hand(tech):
    # Closing P1's line frees the technician for P2: 10 x 18 + 10 x 10 = 280, 20 less. Sales
    # are the same 20 units at 30; the unit costs rise by 10 x (12 - 10) = 20. P1 loses its
    # 200, P2 gains 180; F owns everything.
    (r,) = tech.reports
    assert r.chosen is True
    assert r.status == "feasible"
    assert r.objective_difference == pytest.approx(-20)
    assert r.profit_difference == pytest.approx(-20)
    assert r.by_type["unit"] == pytest.approx(-20)
    assert r.by_type["sales"] == pytest.approx(0, abs=1e-9)
    assert r.by_entity == pytest.approx({"P": 0.0, "P1": -200.0, "P2": 180.0})
    assert r.by_firm == pytest.approx({"F": -20.0})
    assert math.fsum(r.by_type.values()) == pytest.approx(r.objective_difference, rel=1e-6)
    assert "fall by 20.0" in r.sentence


def test_known_threshold_within_one_percent(tech):
    # P1 stays the better foreign line while its unit cost is below P2's 12: the decision
    # flips at 12 / 10 = x1.2 (at exactly 1.2 the two tie).
    (t,) = tech.reports[0].thresholds
    assert t["flips"]
    assert t["verified"]
    assert 1.2 < t["factor"] <= 1.2 * 1.01
    assert t["lower"] <= 1.2 + 1e-9
    assert t["upper"] / t["lower"] <= 1.01 + 1e-12
    row = tech.decisions.iloc[0]
    assert row["threshold_parameter"] == "plants.P1.lines.m.unit_cost"
    assert row["threshold_factor"] == pytest.approx(t["factor"])
    assert row["threshold_value"] == pytest.approx(10 * t["factor"])


def test_threshold_that_does_not_flip():
    # The home plant's cost only decides how dear the other 10 units are: P1 keeps its line
    # from x0.1 (unit cost 2, still above no cost) to x10.
    ex = explain_instance(_inst(TECH), ["line:P1:m"], vary=["plants.P.lines.m.unit_cost"])
    (t,) = ex.reports[0].thresholds
    assert t["flips"] is False
    assert "does not flip it within x0.1..x10" in ex.reports[0].sentence


def test_structural_threshold_on_the_pool():
    # With two technicians both foreign lines open (380): the line of P2 (closed at pool 1)
    # opens once the pool reaches 2, x2 (the pool is not an objective number: every step
    # is a solve of its own).
    ex = explain_instance(_inst(TECH), ["line:P2:m"], vary=["firms.F.technicians.pool"])
    (t,) = ex.reports[0].thresholds
    assert t["flips"]
    assert t["verified"]
    assert 2.0 <= t["factor"] <= 2.0 * 1.01


def test_infeasible_alternative_names_the_technician_pool():
    # A high-tier line at P2 needs 6 technicians; the pool holds 4 (the medium line at P1
    # needs 2). Forcing P2's high line open cannot be staffed: the elastic diagnosis says the
    # pool is 6 - 4 = 2 technicians short.
    raw = copy.deepcopy(TECH)
    raw["firms"]["F"]["technicians"] = {"pool": 4, "per_line": {"medium": 2, "high": 6}}
    raw["products"]["h"] = {"tier": "high", "firm": "F"}
    raw["plants"]["P2"]["lines"]["h"] = {"unit_cost": 5, "capacity": 10, "fixed_cost": 1000}
    raw["markets"]["M"]["demand"]["h"] = {"quantity": 5, "price": 40}
    ex = explain_instance(_inst(raw), ["line:P2:h"], parameters=0)
    (r,) = ex.reports
    assert r.chosen is False
    assert r.status == "infeasible"
    assert any("technician_pool[F]" in x and "2 technicians short" in x
               and "F's lines need 6, 4 are available" in x for x in r.limits)
    assert "cannot be" in r.sentence
    assert math.isnan(ex.decisions.iloc[0]["profit_difference"])


def test_shadow_price_of_demand_matches_a_re_solve():
    # One more unit of demand for m in M is made at home (margin 10): the LP's shadow price
    # of demand_limit[M,m] is 10, and the MIP with demand 21 is worth exactly 10 more.
    ex = explain_instance(_inst(TECH), ["line:P1:m"], parameters=0)
    sp = ex.tables["shadow_prices"]
    row = sp[(sp["family"] == "demand_limit") & (sp["index"] == "M,m")]
    assert row["value"].tolist() == pytest.approx([10.0])
    raw = copy.deepcopy(TECH)
    raw["markets"]["M"]["demand"]["m"]["quantity"] = 21
    more = gpnopt.solve(_inst(raw))
    assert more.objective - ex.objective == pytest.approx(10.0)


def test_unknown_decision_lists_the_closest(tmp_path):
    with pytest.raises(gpnopt.InstanceError, match=r"closest: line:P1:m"):
        explain_instance(_inst(TECH), ["line:P1:n"])
    with pytest.raises(gpnopt.InstanceError, match=r"--vary .*closest: plants\.P1\.lines\.m\."):
        explain_instance(_inst(TECH), ["line:P1:m"], vary=["plants.P1.lines.m.unit_cst"])


def test_cli_unknown_decision_exit_1(tiny_path):
    res = CliRunner().invoke(app, ["explain", str(tiny_path), "--decision", "plant:JP"])
    assert res.exit_code == 1
    assert "closest: plant:JP_TM" in res.output
    assert str(tiny_path) in res.output
    assert "Traceback" not in res.output
    res = CliRunner().invoke(app, ["explain", str(tiny_path)])
    assert res.exit_code == 2


def test_cli_writes_the_files_and_json(tiny_path, tmp_path):
    out = tmp_path / "ex"
    args = ["explain", str(tiny_path), "-d", "in_house:CN_TM:casting", "-d",
            "expectation:jp_high_for_jp", "--out", str(out), "--quiet"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "in_house:CN_TM:casting" in res.output
    names = {p.name for p in out.iterdir()}
    assert {"explain.csv", "explain.md", "explain.json",
            "waterfall_in_house-CN_TM-casting.png"} <= names
    res = CliRunner().invoke(app, [*args[:-3], "--json"])
    doc = json.loads(res.stdout)
    assert [d["name"] for d in doc["decisions"]] == ["in_house:CN_TM:casting",
                                                     "expectation:jp_high_for_jp"]
    # a second run into the same folder is not refused (gpnopt wrote every file there)
    assert CliRunner().invoke(app, args).exit_code == 0


def test_gpnopt_explain_is_callable_once_imported(tiny):
    import gpnopt.explain

    ex = gpnopt.explain(tiny, ["plant:CN_TM"], parameters=0)
    assert ex.reports[0].name == "plant:CN_TM"


# --- the case ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def case():
    inst = gpnopt.load("instances/tm_ffg.yaml")
    names = ["line:CN_FT:tm_lathe_high", "in_house:CN_FFG:casting", "flow:lathe_kit:CN_FT:TH_TM",
             "expectation:tm_technicians_binding", "expectation:ft_key_parts_japan",
             "serves:JP_TM:CN", "office:TM_IPO"]
    return inst, explain_instance(inst, names, parameters=1)


def test_case_profit_parts_add_up(case):
    inst, _ex = case
    fs = ForcedSolver(inst)
    sol = read_solution(fs.model, fs.data)
    parts = profit_parts(fs.model, fs.data)
    for row in (*sol.plant_profit, *sol.channel_profit):
        e = row.get("plant", row.get("channel"))
        total = math.fsum(p["amount"] for p in parts if p["entity"] == e)
        assert total == pytest.approx(row["profit"], abs=1e-5)


def test_case_decisions(case):
    _inst_, ex = case
    by = {r.name: r for r in ex.reports}
    # FT-China keeps to the medium tier: its high line can be staffed only by taking TM's
    # expatriates from a medium line, so forcing it open closes Thailand (its 4,392 a year)
    high = by["line:CN_FT:tm_lathe_high"]
    assert (high.chosen, high.status) == (False, "feasible")
    assert high.profit_difference < 0
    assert high.by_entity["TH_TM"] < 0
    # FFG-China casts in-house, Thailand's kits come from FT-China: both cost profit to undo
    for name in ("in_house:CN_FFG:casting", "flow:lathe_kit:CN_FT:TH_TM",
                 "expectation:tm_technicians_binding", "serves:JP_TM:CN", "office:TM_IPO"):
        r = by[name]
        assert r.chosen, name
        assert r.status == "feasible", name
        assert r.profit_difference < 0, name
        assert math.fsum(r.by_type.values()) == pytest.approx(
            r.objective_difference, rel=1e-6, abs=1e-6
        ), name
    # the pool of 4 is exactly the expatriates the two medium lines need (half of 2 x 4, the
    # rest local managers, who cost less): it binds when it shrinks (TM trains what it lacks)
    # and stops binding once it holds a fifth whole person (TM counts whole persons,
    # whole_persons), who stays at home: the flip lies at a pool of 5, x1.25
    (t,) = by["expectation:tm_technicians_binding"].thresholds
    assert t["parameter"] == "firms.TM.technicians.pool"
    assert t["flips"]
    assert 1.24 < t["factor"] <= 1.25 * 1.01


def test_case_high_line_flips_when_the_pool_staffs_it():
    """The high line at FT-China needs 8 + 0.05 x 80 = 12 persons, half of them TM's
    expatriates (6), beside the medium lines' 2 + 2: 10 expatriates, of which TM may train 2
    (hiring.max_per_period). It opens once pool + 2 >= 10, i.e. at a pool of 8 (x2 of 4)."""
    inst = gpnopt.load("instances/tm_ffg.yaml")
    ex = explain_instance(inst, ["line:CN_FT:tm_lathe_high"], vary=["firms.TM.technicians.pool"])
    (t,) = ex.reports[0].thresholds
    assert t["parameter"] == "firms.TM.technicians.pool"
    assert t["flips"]
    assert 1.75 < t["factor"] <= 2.0 * 1.01


def test_case_all_covers_every_binary_and_expectation(case):
    inst, _ex = case
    fs = ForcedSolver(inst)
    ex = explain_instance(inst, None, parameters=0)
    names = [r.name for r in ex.reports]
    assert len(names) == (len(fs.data.plants) + len(fs.data.lines) + len(fs.data.make)
                          + len(fs.data.channels) + len(fs.data.offices)
                          + len(inst.expectations))
    assert all(r.sentence for r in ex.reports)


def test_forced_solver_puts_the_model_back():
    # A forced solve (a bound and an added row) leaves the kept model as it was: the next
    # free solve is the optimum again (300), with the same rows and bounds.
    from gpnopt.solver import Condition

    fs = ForcedSolver(_inst(TECH), mip_gap=1e-9)
    rows = fs.highs.getNumRow()
    closed = Condition((("v_line_open", ("P1", "m"), 1.0),), "<=", 0.0)
    both = Condition((("v_line_open", ("P", "m"), 1.0), ("v_line_open", ("P2", "m"), 1.0)),
                     "<=", 1.0)
    forced = fs.solve((closed, both))
    # P1 closed and at most one of P and P2: P2 alone sells 10 at margin 18 (180), P alone,
    # without a capacity limit, all 20 at margin 10 (200)
    assert forced.objective == pytest.approx(200)
    assert fs.highs.getNumRow() == rows
    assert fs.solve().objective == pytest.approx(300)


def test_tiny_flow_and_service_by_hand(tiny):
    # CN_TM casts in-house at 0.5 a unit; forcing one casting from the pool (1.5) costs 1.0:
    # purchases -1.5, unit costs +0.5.
    # CN_TM sends Japan its 30 medium lathes: unit cost 6, casting 0.5, machine transport 2
    # (8.5 a unit). Without it JP_TM opens its medium line (fixed 10) and makes them at 12
    # with castings from CN_TM (0.5 and transport 2: 14.5 a unit): 30 x 6 + 10 = 190 less.
    # The castings' transfer revenue and purchase (30 x 2) cancel, and so do the transports
    # (the machines' 30 x 2 saved, the castings' 30 x 2 paid).
    ex = explain_instance(tiny, ["flow:casting:CN_POOL:CN_TM", "serves:CN_TM:JP"], parameters=0)
    flow, serve = ex.reports
    assert flow.chosen is False
    assert flow.profit_difference == pytest.approx(-1.0)
    assert flow.by_type["purchases"] == pytest.approx(-1.5)
    assert flow.by_type["unit"] == pytest.approx(0.5)
    assert serve.chosen is True
    assert serve.profit_difference == pytest.approx(-190.0)
    assert serve.by_type["unit"] == pytest.approx(-180.0)
    assert serve.by_type["fixed"] == pytest.approx(-10.0)
    assert serve.by_type["transfer revenue"] == pytest.approx(60.0)
    assert serve.by_type["purchases"] == pytest.approx(-60.0)
    assert serve.by_type["transport"] == pytest.approx(0.0, abs=1e-9)
    assert ex.by_firm["difference"].tolist() == pytest.approx([-1.0, -190.0])


def test_firm_objective_two_stages(tiny):
    # tiny has one firm: TM's objective is the alliance's, so the explanation is the same
    # (the 190 of the service above), through fresh two-stage solves.
    ex = explain_instance(tiny, ["serves:CN_TM:JP"], objective="firm:TM", parameters=0)
    (r,) = ex.reports
    assert ex.objective == pytest.approx(gpnopt.solve(tiny, objective="firm:TM").objective)
    assert r.objective_difference == pytest.approx(-190.0)
    assert r.by_firm == pytest.approx({"TM": -190.0})
    assert ex.tables["shadow_prices"].empty
    with pytest.raises(gpnopt.InstanceError, match="firm:XX"):
        explain_instance(tiny, ["serves:CN_TM:JP"], objective="firm:XX")


# TECH with M's demand a curve (10 at 30, 10 at 25) and a fixed cost of 10 on P's line.
# P1 (cost 10, capacity 10) sells 10; P's units sell at the second step, 25 - 20 = 5 each.
# Scaling the entry's quantity by f scales the curve's steps (a demand entry's quantity is
# the curve's total): P sells 20f - 10 units, worth 5 * (20f - 10) - 10 > 0 for f > 0.6, so
# P's line closes below x0.6.
CURVE = copy.deepcopy(TECH)
CURVE["markets"]["M"]["demand"]["m"] = {"curve": [{"quantity": 10, "price": 30},
                                                  {"quantity": 10, "price": 25}]}
CURVE["plants"]["P"]["lines"]["m"]["fixed_cost"] = 10


def test_a_curve_quantity_threshold_scales_its_steps():
    ex = explain_instance(_inst(CURVE), ["line:P:m"], vary=["markets.M.demand.m.quantity"],
                          mip_gap=1e-9)
    (r,) = ex.reports
    assert r.chosen is True
    (t,) = r.thresholds
    assert t["flips"]
    assert 0.6 / 1.01 - 1e-9 <= t["factor"] <= 0.6 + 1e-9


def test_linked_numbers_move_with_their_path():
    from gpnopt.explain.thresholds import Scaler

    sc = Scaler(_inst(CURVE))
    v = sc.variant(["markets.M.demand.m.quantity"], 0.5)
    entry = v.markets["M"].demand["m"]
    assert [s.quantity for s in entry.curve] == [5, 5]
    assert entry.quantity == 10
    v = sc.variant(["markets.M.demand.m.price"], 0.5)
    assert [s.price for s in v.markets["M"].demand["m"].curve] == [15, 12.5]
    levels = copy.deepcopy(CURVE)
    levels["components"] = {"k": {"transfer_price": 4.0, "transfer_prices": [3.0, 5.0]}}
    sc = Scaler(_inst(levels))
    assert sc.linked("components.k.transfer_price") == ["components.k.transfer_prices.0",
                                                        "components.k.transfer_prices.1"]
    v = sc.variant(["components.k.transfer_price"], 2.0)
    assert v.components["k"].transfer_price == 8.0
    assert list(v.components["k"].transfer_prices) == [6.0, 10.0]


# Family 23 under explain's thresholds. F's assembler P (in A) needs one casting per machine
# (10 machines sold at 30, unit cost 10); it casts at 3 a unit, or S (in B) casts at 1 and
# ships at a transfer-price level: [2, 5, 8] (transfer_price 5). Components from B into A
# pay a 50% tariff on the level traded at, and nothing else depends on the level (no taxes,
# S's revenue is P's purchase), so S ships at the lowest level 2: 1 + 0.5 * 2 = 2 a casting
# against 3 in-house (alliance 10 * 20 - 10 * 2 = 180 against 170).
LEVELS = {
    "name": "micro",
    "countries": {"A": {}, "B": {}},
    "firms": {"F": {"home_country": "A"}},
    "components": {"casting": {"transfer_price": 5, "transfer_prices": [2, 5, 8]}},
    "products": {"m": {"tier": "medium", "firm": "F", "bom": {"casting": 1}}},
    "plants": {
        "P": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 10}},
              "components": {"casting": {"unit_cost": 3}}},
        "S": {"country": "B", "owners": {"F": 1.0}, "lines": {},
              "components": {"casting": {"unit_cost": 1}}},
    },
    "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
    "trade": {"tariffs": [{"from_country": "B", "to_country": "A", "goods": "component",
                           "rate": 0.5}]},
}


def test_a_transfer_price_threshold_scales_its_levels():
    # Scaling components.casting.transfer_price by x scales its levels to [2x, 5x, 8x]: S's
    # casting then costs the alliance 1 + 0.5 * 2x, P's own 3, so S stops shipping once
    # 1 + x > 3: x2 (at exactly 2 they tie). Were the levels left alone, the arc would go
    # on trading at 2 (transfer_price is not used where levels are) and nothing would flip
    # within x0.1..x10. Scaled down, S only gets cheaper: the flip is upwards.
    ex = explain_instance(_inst(LEVELS), ["flow:casting:S:P"],
                          vary=["components.casting.transfer_price"], mip_gap=1e-9)
    (r,) = ex.reports
    assert r.chosen is True
    assert r.objective_difference == pytest.approx(-10)  # 170 - 180: P casts its own
    (t,) = r.thresholds
    assert t["flips"]
    assert t["verified"]
    assert 2.0 < t["factor"] <= 2.0 * 1.01
    assert t["lower"] <= 2.0 + 1e-9
    # the same threshold as a single transfer price of 2 (no levels): 1 + 0.5 * 2x > 3
    single = copy.deepcopy(LEVELS)
    single["components"]["casting"] = {"transfer_price": 2}
    (t2,) = explain_instance(_inst(single), ["flow:casting:S:P"],
                             vary=["components.casting.transfer_price"],
                             mip_gap=1e-9).reports[0].thresholds
    assert 2.0 < t2["factor"] <= 2.0 * 1.01


def test_a_firms_margin_is_opposed_on_the_plants_it_holds():
    # F holds plant P, which makes G's product m: 20 units at 30, unit cost 20, so F's
    # margin is 200 / 600 = 1/3, inside [0.2, 0.5]. Its opposite cuts the sales of F's plants
    # (those the margin counts, whoever designs the product): profit 0, a difference of -200.
    raw = copy.deepcopy(TECH)
    raw["firms"]["G"] = {"home_country": "A"}
    raw["products"]["m"]["firm"] = "G"
    raw["plants"] = {"P": raw["plants"]["P"]}
    raw["expectations"] = [{"id": "fm", "kind": "margin", "firm": "F", "min": 0.2, "max": 0.5}]
    (r,) = explain_instance(_inst(raw), ["expectation:fm"], mip_gap=1e-9).reports
    assert r.chosen is True
    assert r.status == "feasible"
    assert r.objective_difference == pytest.approx(-200)
    assert r.by_entity == pytest.approx({"P": -200.0})
