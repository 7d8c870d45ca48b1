"""Family 17, capacity expansion and partner funding: hand-derived optima.

Every instance is the base micro-instance (``tests/model/conftest.py``: P's line of m at a
unit cost of 10, M buys 10 at 30, so each unit earns 20) with P's assembly capacity 4 (one
unit takes one capacity unit) unless stated, and a 0% discount rate: a module's annuity is
its investment / lifetime. Multi-period instances have periods of one year each, so the net
present value is the plain sum of the periods' profits less the outlays.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import gpnopt
from gpnopt.errors import InstanceError
from gpnopt.results import profit_parts
from gpnopt.solver import ForcedSolver

from .conftest import MIP_GAP, micro, produced, solve
from .showcase import only

ZERO_RATE = {"finance": {"discount_rate": 0.0}}


def capped(expansion: dict[str, Any], **plant: Any) -> dict[str, Any]:
    """The base micro-instance with P's assembly capacity 4 and ``expansion``."""
    return micro(ZERO_RATE, {"plants": {"P": {"assembly_capacity": 4, "expansion": expansion,
                                              **plant}}})


def rows(res: Any) -> list[dict[str, Any]]:
    return res.tables["expansions"].to_dict("records")


def modules(res: Any, entity: str = "P", asset: str = "plant", period: str | None = None) -> int:
    df = res.tables["expansions"]
    df = df[(df["entity"] == entity) & (df["asset"] == asset)]
    if period is not None:
        df = df[df["period"] == period]
    return int(df["modules"].iloc[0])


def test_expansion_not_worth_it():
    # Not binding: a module adds 3 units (+60 a year) but costs 70 a year: none is added.
    # P makes its 4 units: 4 * 20 = 80.
    res = solve(capped({"module": 3, "fixed_cost": 70, "max_modules": 2}))
    assert res.objective == pytest.approx(80)
    assert produced(res, "P") == pytest.approx(4)
    assert rows(res) == [{"entity": "P", "asset": "plant", "sub": "", "period": "P1",
                          "modules": 0, "capacity_added": 0.0, "funded": 0, "partner": ""}]
    assert not any(res.tables["timeline"]["event"] == "expanded")


def test_one_module_worth_it():
    # Modules of 4 at 40 fixed + 100/10 = 10 annuity = 50 a year. The first adds 4 units
    # (+80 > 50), the second only the last 2 of demand (+40 < 50): one module, 8 units,
    # 8 * 20 - 50 = 110 (40 fixed under "expansion", 10 under "capital").
    raw = capped({"module": 4, "fixed_cost": 40, "investment_cost": 100, "lifetime": 10,
                  "max_modules": 3})
    res = solve(raw)
    assert res.objective == pytest.approx(110)
    assert modules(res) == 1
    assert produced(res, "P") == pytest.approx(8)
    fs = ForcedSolver(gpnopt.instance_from_dict(raw, name="micro"))  # solved as built
    parts = {r["type"]: r["amount"] for r in profit_parts(fs.model, fs.data) if r["entity"] == "P"}
    assert parts["expansion"] == pytest.approx(-40)
    assert parts["capital"] == pytest.approx(-10)
    assert math.fsum(parts.values()) == pytest.approx(110)
    events = res.tables["timeline"]
    assert events[events["event"] == "expanded"]["detail"].tolist() == ["+1 module (+4)"]


def test_two_modules_worth_it():
    # Modules of 3 at 20 fixed + 10 annuity = 30 a year, each +60: 4 + 2 * 3 = 10 units =
    # demand, a third would add nothing (max_modules 3 does not bind): 200 - 60 = 140.
    res = solve(capped({"module": 3, "fixed_cost": 20, "investment_cost": 100, "lifetime": 10,
                        "max_modules": 3}))
    assert res.objective == pytest.approx(140)
    assert modules(res) == 2
    assert res.tables["expansions"]["capacity_added"].tolist() == [6.0]
    assert produced(res, "P") == pytest.approx(10)


def test_max_modules_binds():
    # Modules of 2 at 30 a year each +40: three would fill demand (4 + 6), max_modules 2
    # stops at 8 units: 160 - 60 = 100.
    res = solve(capped({"module": 2, "fixed_cost": 30, "max_modules": 2}))
    assert res.objective == pytest.approx(100)
    assert modules(res) == 2
    assert produced(res, "P") == pytest.approx(8)


def test_line_expansion():
    # The line's capacity 4 (the plant has none) grows by modules of 3 at 10 a year: two
    # fill demand, 200 - 20 = 180.
    res = solve(micro(ZERO_RATE, {"plants": {"P": {"lines": {"m": {
        "capacity": 4, "expansion": {"module": 3, "fixed_cost": 10, "max_modules": 2}}}}}}))
    assert res.objective == pytest.approx(180)
    assert rows(res) == [{"entity": "P", "asset": "line", "sub": "m", "period": "P1",
                          "modules": 2, "capacity_added": 6.0, "funded": 0, "partner": ""}]


def test_make_option_expansion():
    # m needs 2 parts (20 for 10 units): P makes them at 1 (capacity 5) or buys at 3. Modules
    # of 5 parts at 4 a year save 5 * 2 = 10 each: three make all 20 in-house:
    # 200 - 20 * 1 - 3 * 4 = 168.
    raw = micro(ZERO_RATE, {
        "components": {"part": {}},
        "products": {"m": {"bom": {"part": 2}}},
        "suppliers": {"S": {"country": "A", "components": {"part": {"unit_price": 3}}}},
        "plants": {"P": {"components": {"part": {
            "unit_cost": 1, "capacity": 5,
            "expansion": {"module": 5, "fixed_cost": 4, "max_modules": 5}}}}},
    })
    res = solve(raw)
    assert res.objective == pytest.approx(168)
    assert modules(res, asset="make") == 3


def test_closed_plant_has_no_modules():
    # A market that pays 11 makes P not worth operating with its fixed cost 50 (margin 1 on
    # 10 units): closed, so no module operates (expansion_operates) and the optimum is 0.
    raw = capped({"module": 3, "max_modules": 2}, fixed_cost=50)
    raw["markets"]["M"]["demand"]["m"]["price"] = 11
    res = solve(raw)
    assert res.objective == pytest.approx(0)
    assert modules(res) == 0


# Funding: P (owned by F) may add modules of 3 (investment 100 each, lifetime 10: 10 a year;
# no fixed cost) up to 2, each +60 - 10 = +50. F's capital budget is 50 (less than a module).
# The partner T may fund: it pays all of the modules' investment for 20% of P.
FUNDED = {"module": 3, "investment_cost": 100, "lifetime": 10, "max_modules": 2,
          "funding": {"firm": "T", "covers": 1.0, "equity": 0.2}}


def funded(budget: float, *, equity: float = 0.2, firms: list[str] | None = None,
           partner_budget: float | None = None) -> dict[str, Any]:
    exp = {**FUNDED, "funding": {**FUNDED["funding"], "equity": equity}}
    raw = capped(exp)
    raw["firms"]["F"]["capital_budget"] = budget
    raw["firms"]["T"] = {"home_country": "A"}
    if partner_budget is not None:
        raw["firms"]["T"]["capital_budget"] = partner_budget
    if firms:
        raw["objective"] = {"mode": "alliance", "firms": firms}
    return raw


def test_funding_taken_when_the_budget_binds_and_the_profit_split():
    # F alone could not pay a module (100 > 50); funded, F's budget bears nothing, so two
    # modules: P earns 200 - 20 = 180, F keeps 80% (144), T gets 20% (36). Unfunded F would
    # earn 80 (no module), so F's objective takes funding: 144.
    res = solve(funded(50, firms=["F"]))
    assert res.objective == pytest.approx(144)
    assert res.firm_profit == pytest.approx({"F": 144, "T": 36})
    assert rows(res) == [{"entity": "P", "asset": "plant", "sub": "", "period": "P1",
                          "modules": 2, "capacity_added": 6.0, "funded": 1, "partner": "T"}]
    events = res.tables["timeline"]
    changed = events[events["event"] == "equity changed"]["detail"].tolist()
    assert changed == ["F 1 -> F 0.8, T 0.2 (funding by T)"]


def test_funding_not_taken_when_the_budget_does_not_bind():
    # F's budget 1000 pays both modules itself: F keeps all of 180; funding would cost it
    # 20% (36) for nothing.
    res = solve(funded(1000, firms=["F"]))
    assert res.objective == pytest.approx(180)
    assert res.firm_profit == pytest.approx({"F": 180, "T": 0})
    assert rows(res)[0]["funded"] == 0
    assert not any(res.tables["timeline"]["event"] == "equity changed")


def test_funding_too_dear_is_refused():
    # Equity 0.6: funded, F would keep 40% of 180 = 72 < 80 unfunded without a module.
    res = solve(funded(50, equity=0.6, firms=["F"]))
    assert res.objective == pytest.approx(80)
    assert rows(res)[0]["modules"] == 0
    assert rows(res)[0]["funded"] == 0


def test_partner_budget_bears_the_funded_investment():
    # The alliance objective (all profits) gains 50 per module; T's budget 150 bears one
    # funded module only (two would need 200): one module, P earns 7 * 20 - 10 = 130, of
    # which F 104, T 26 (unfunded: no module, 80).
    res = solve(funded(50, partner_budget=150))
    assert res.objective == pytest.approx(130)
    assert res.firm_profit == pytest.approx({"F": 104, "T": 26})
    assert rows(res)[0]["modules"] == 1


def test_partner_that_already_owns_adds_its_shares():
    # P owned F 0.5, T 0.5 (T without a budget); F's budget 50 pays its half of one module
    # only: unfunded one module, 7 * 20 - 10 = 130. Funded (covers 1) F bears nothing: two
    # modules, 180, and T's share 0.5 * 0.8 + 0.2 = 0.6, F's 0.5 * 0.8 = 0.4: F 72, T 108.
    raw = funded(50)
    raw["plants"]["P"]["owners"] = {"F": 0.5, "T": 0.5}
    res = solve(raw)
    assert res.objective == pytest.approx(180)
    assert res.firm_profit == pytest.approx({"F": 72, "T": 108})


def test_funding_needs_a_module():
    # A module not worth it (fixed cost 70 > 60): no module, so no funding either, even when
    # the alliance objective is indifferent to equity.
    raw = funded(50)
    raw["plants"]["P"]["expansion"]["fixed_cost"] = 70
    res = solve(raw)
    assert res.objective == pytest.approx(80)
    assert rows(res)[0]["funded"] == 0


def test_expansion_needs_a_capacity():
    raw = micro({"plants": {"P": {"expansion": {"module": 3}}}})
    with pytest.raises(InstanceError, match=r"plants\.P\.expansion: the plant has no "
                                            r"assembly_capacity"):
        gpnopt.instance_from_dict(raw, name="micro")


def test_funding_only_on_plants():
    raw = micro({"firms": {"T": {"home_country": "A"}}, "plants": {"P": {"lines": {"m": {
        "capacity": 4, "expansion": {"module": 3, "funding": {"firm": "T", "equity": 0.2}}}}}}})
    with pytest.raises(InstanceError, match=r"plants\.P\.lines\.m\.expansion\.funding: "
                                            r"funding gives equity of a plant"):
        gpnopt.instance_from_dict(raw, name="micro")


@pytest.mark.parametrize(
    ("expansion", "where"),
    [
        ({"module": 0}, "plants.P.expansion.module"),
        ({"module": -2}, "plants.P.expansion.module"),
        ({"module": 3, "max_modules": -1}, "plants.P.expansion.max_modules"),
        ({"module": 3, "max_modules": 1.5}, "plants.P.expansion.max_modules"),
        ({"module": 3, "max_modules": True}, "plants.P.expansion.max_modules"),
        ({"module": 3, "funding": {"firm": "F", "equity": 20}}, "plants.P.expansion.funding.equity"),
        ({"module": 3, "funding": {"firm": "F", "equity": 0.2, "covers": 1.5}},
         "plants.P.expansion.funding.covers"),
        ({"module": 3, "funding": {"firm": "F", "equity": 0}}, "plants.P.expansion.funding.equity"),
        ({"module": 3, "funding": {"firm": "TX", "equity": 0.2}},
         "plants.P.expansion.funding.firm: unknown firm"),
        ({"module": 3, "modules": 2}, "plants.P.expansion.modules"),
    ],
)
def test_bad_expansion_is_refused(expansion, where):
    raw = micro({"plants": {"P": {"assembly_capacity": 4, "expansion": expansion}}})
    with pytest.raises(InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="micro")
    assert any(where in p for p in info.value.problems), info.value.problems


def test_whole_float_max_modules_is_taken():
    raw = micro({"plants": {"P": {"assembly_capacity": 4, "expansion": {"module": 3,
                                                                         "max_modules": 2.0}}}})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    assert inst.plants["P"].expansion.max_modules == 2


# Many periods: T1, T2, T3 of one year each; demand 4, 10, 4. Modules of 3 (investment 20
# each, an outlay when added; fixed 5 a year while there), at most 2.
THREE = [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001},
         {"id": "T3", "start": 2002, "length": 1}]
GROWING = {"module": 3, "investment_cost": 20, "fixed_cost": 5, "max_modules": 2}


def over_time(expansion: dict[str, Any], **firm: Any) -> dict[str, Any]:
    raw = capped(expansion)
    raw["periods"] = THREE
    raw["markets"]["M"]["demand"]["m"]["quantity"] = {"T1": 4, "T2": 10, "T3": 4}
    raw["firms"]["F"].update(firm)
    return raw


def result(raw: dict[str, Any], foresight: str = "perfect") -> Any:
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, threads=1, foresight=foresight)
    assert res.status == "optimal"
    return res


@pytest.mark.parametrize("foresight", ["perfect", "myopic"])
def test_module_added_when_demand_grows_and_kept(foresight):
    # T1: 4 units, no module (80). T2: two modules fill demand 10: 200 - 10 fixed - 40
    # outlay = 150. T3: demand 4 again, but the modules stay while P operates
    # (expansion_kept) and cost 10: 80 - 10 = 70 (closing P would lose more). NPV 300 (one
    # module only: 80 + 115 + 75 = 270). Myopic foresight (T1 alone adds nothing) agrees.
    res = result(over_time(GROWING), foresight)
    assert res.objective == pytest.approx(300)
    df = res.tables["expansions"]
    assert df["modules"].tolist() == [0, 2, 2]
    assert df["period"].tolist() == ["T1", "T2", "T3"]
    events = res.tables["timeline"]
    grown = events[events["event"] == "expanded"]
    assert grown[["period", "detail"]].values.tolist() == [["T2", "+2 modules (+6)"]]


def test_funding_over_periods():
    # F's budget 30 a period pays one module (20) a period, not two (40). Unfunded the best
    # is a module in T1 and one in T2: (80 - 5 - 20) + (200 - 10 - 20) + 70 = 295. Funded in
    # T2 (T pays both modules, 40) the plan of the test above, 300: taken, and kept in T3.
    # F: 80 + 0.8 * 150 + 0.8 * 70 = 256; T: 0.2 * (150 + 70) = 44.
    raw = over_time(GROWING | {"funding": {"firm": "T", "equity": 0.2}}, capital_budget=30)
    raw["firms"]["T"] = {"home_country": "A"}
    res = result(raw)
    assert res.objective == pytest.approx(300)
    assert res.firm_profit == pytest.approx({"F": 256, "T": 44})
    df = res.tables["expansions"]
    assert df["funded"].tolist() == [0, 1, 1]
    assert df["partner"].tolist() == ["", "T", "T"]
    by = res.tables["firm_profit_by_period"]
    t = by[by["firm"] == "T"].set_index("period")["profit"]
    assert t.to_dict() == pytest.approx({"T1": 0, "T2": 38, "T3": 14})  # 0.2 * 190, 0.2 * 70
    events = res.tables["timeline"]
    changed = events[events["event"] == "equity changed"]
    assert changed["period"].tolist() == ["T2"]


def test_persistent_re_solve_sees_a_new_module_cost():
    # A module's fixed cost enters only the objective: a kept model re-solved with 70
    # instead of 20 must give the fresh optimum (no module: 80), not the old plan.
    from gpnopt.solver import ScenarioSolver

    cheap = gpnopt.instance_from_dict(capped({"module": 3, "fixed_cost": 20, "max_modules": 2}),
                                      name="micro")
    dear = gpnopt.instance_from_dict(capped({"module": 3, "fixed_cost": 70, "max_modules": 2}),
                                     name="micro")
    kept = ScenarioSolver(threads=1)
    assert kept.solve(cheap).objective == pytest.approx(160)
    again = kept.solve(dear)
    assert kept.persistent == 1
    assert again.objective == pytest.approx(gpnopt.solve(dear).objective) == pytest.approx(80)


def test_showcase_expansion_funded_by_ttc():
    # instances/showcase.yaml: CN_JV (TM 0.5, FFG 0.5) is full (100 capacity units); modules
    # of 50 cost 400 each, but TM and FFG have capital budgets of 150, less than their half
    # of one module (200). TTC funds the expansion for 20% of the JV: two modules are added,
    # and TTC's profit is 20% of the JV's, TM's and FFG's 40% each (plus their own plants).
    # Without the funding, no module: the alliance earns 6498 (its optimum before family 17).
    # (the showcase with family 17's keys alone: tests/model/showcase.py)
    inst = only("expansion")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, threads=1)
    assert rows(res) == [{"entity": "CN_JV", "asset": "plant", "sub": "", "period": "P1",
                          "modules": 2, "capacity_added": 100.0, "funded": 1,
                          "partner": "TTC"}]
    profit = res.tables["plant_profit"].set_index("plant")["profit"]
    assert res.firm_profit["TTC"] == pytest.approx(0.2 * profit["CN_JV"])
    assert res.firm_profit["TM"] == pytest.approx(0.4 * profit["CN_JV"] + profit["JP_TM"])
    assert res.firm_profit["FFG"] == pytest.approx(0.4 * profit["CN_JV"] + profit["TW_FFG"])
    raw = inst.model_dump(exclude_none=True)
    del raw["plants"]["CN_JV"]["expansion"]["funding"]
    unfunded = solve(raw)
    assert unfunded.objective == pytest.approx(6498)
    assert modules(unfunded, "CN_JV") == 0
    assert res.objective > unfunded.objective + 700


def test_a_coalition_without_the_partner_gets_no_funding():
    # The setting of test_funding_taken_when_the_budget_binds...: F alone (without T) cannot
    # be funded (closed_funding), so v({F}) = 80 (no module); with T, F and T earn 180
    # together, and F's objective alone in {F, T} is its 80% of it, 144.
    from gpnopt.solver import CoalitionSolver

    cs = CoalitionSolver(gpnopt.instance_from_dict(funded(50), name="micro"), mip_gap=MIP_GAP,
                         threads=1)
    assert cs.solve({"F"}).objective == pytest.approx(80)
    both = cs.solve({"F", "T"})
    assert both.objective == pytest.approx(180)
    assert cs.solve({"F", "T"}, objective_firms={"F"}).objective == pytest.approx(144)


def test_objective_rebuild_keeps_funding_rows_and_refuses_cost_vectors():
    # explain's ForcedSolver rebuilds the objective's components on a kept model: the
    # funded_profit rows (on profit[p]) are rebuilt with them, once; a variant with other
    # prices is never priced through the kept rows (their bounds come from the prices).
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.solver.persistent import rebuild_objective

    inst = gpnopt.instance_from_dict(funded(50), name="micro")
    data = build_data(inst)
    m = build_model(data)
    rebuild_objective(m, data, None)
    assert len(m.funded_profit_lo) == 1
    assert m.funded_profit_lo["P"].body.polynomial_degree() == 1
    fs = ForcedSolver(inst)
    raw = funded(50)
    raw["markets"]["M"]["demand"]["m"]["price"] = 31
    assert fs.cost_vector(gpnopt.instance_from_dict(raw, name="micro")) is None


def test_myopic_fixes_the_modules_and_funding_of_earlier_periods():
    # solver/horizon.py carries every integer of an earlier block: the last myopic model has
    # T1's and T2's v_modules, v_added and v_funded fixed at the earlier solves' values.
    from gpnopt.solver.horizon import solve_horizon

    raw = over_time(GROWING | {"funding": {"firm": "T", "equity": 0.2}}, capital_budget=30)
    raw["firms"]["T"] = {"home_country": "A"}
    m, _hdata, outcome = solve_horizon(gpnopt.instance_from_dict(raw, name="micro"),
                                       mip_gap=MIP_GAP, threads=1, foresight="myopic")
    assert outcome.status == "optimal"
    a = ("plant", "P", "")
    for t, mods, added, fund in (("T1", 0, 0, 0), ("T2", 2, 2, 1)):
        b = m.period[t]
        assert b.v_modules[a].fixed
        assert b.v_added[a].fixed
        assert b.v_funded["P"].fixed
        assert (b.v_modules[a].value, b.v_added[a].value, b.v_funded["P"].value) == (
            mods, added, fund)
    assert not m.period["T3"].v_modules[a].fixed


def test_participation_counts_the_partners_equity():
    # F's budget does not bind (1000) and F alone would keep all of 180; but T asks for a
    # reservation profit of 30, which only funding's 20% of 180 = 36 gives it: F funds and
    # keeps 144.
    raw = funded(1000, firms=["F"])
    raw["firms"]["T"]["reservation_profit"] = 30
    res = solve(raw)
    assert res.objective == pytest.approx(144)
    assert res.firm_profit == pytest.approx({"F": 144, "T": 36})
    assert rows(res)[0]["funded"] == 1


def test_firm_objective_with_funding():
    # objective firm:F (T's stand-alone value is 0): as test_funding_taken_when_the_budget_
    # binds..., F funds two modules and keeps 144.
    raw = funded(50)
    raw["objective"] = {"mode": "firm:F"}
    res = solve(raw)
    assert res.objective == pytest.approx(144)
    assert rows(res)[0]["modules"] == 2
    assert rows(res)[0]["funded"] == 1


def test_persistent_solver_rebuilds_a_funded_instance():
    # The funded-profit rows hold bounds derived from prices: a kept model is never re-used
    # for a funded instance, so a dearer price gives the fresh optimum.
    from gpnopt.solver import ScenarioSolver

    kept = ScenarioSolver(threads=1)
    first = kept.solve(gpnopt.instance_from_dict(funded(50), name="micro"))
    raw = funded(50)
    raw["markets"]["M"]["demand"]["m"]["price"] = 40  # each unit earns 30: 300 - 20 = 280
    again = kept.solve(gpnopt.instance_from_dict(raw, name="micro"))
    assert (first.objective, again.objective) == (pytest.approx(180), pytest.approx(280))
    assert (kept.rebuilt, kept.persistent) == (2, 0)
