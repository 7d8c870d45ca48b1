"""Family 15, learning and unlocks over periods: hand-derived optima.

Every instance is the base micro-instance (``tests/model/conftest.py``: P's line of m at a
unit cost of 10, M buys 10 at 30) over periods of one year each at a 0% discount rate
unless stated, so the NPV is the plain sum of the periods' profits. Nothing is invested,
so there is no salvage.
"""

from __future__ import annotations

from typing import Any

import pytest

import gpnopt
from gpnopt.solver.horizon import solve_horizon

from .conftest import MIP_GAP, micro

TWO = {
    "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}],
    "finance": {"discount_rate": 0.0},
}
THREE = {
    "periods": [
        {"id": "T1", "start": 2000},
        {"id": "T2", "start": 2001},
        {"id": "T3", "start": 2002, "length": 1},
    ],
    "finance": {"discount_rate": 0.0},
}


def solved(raw: dict[str, Any], foresight: str = "perfect") -> Any:
    """The model of ``raw`` solved to :data:`MIP_GAP` (values in its variables; objective
    value ``m.objective()``, the NPV)."""
    inst = gpnopt.instance_from_dict(raw, name="micro")
    m, _hdata, outcome = solve_horizon(inst, mip_gap=MIP_GAP, threads=1, foresight=foresight)
    assert outcome.status == "optimal"
    assert m.objective() == pytest.approx(outcome.objective)
    return m


def npv(raw: dict[str, Any], foresight: str = "perfect") -> float:
    """The optimal NPV of ``raw`` through the public ``gpnopt.solve``."""
    return result(raw, foresight).objective


def result(raw: dict[str, Any], foresight: str = "perfect") -> Any:
    """The :class:`gpnopt.results.Result` of ``raw`` (``gpnopt.solve``), optimal."""
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, threads=1, foresight=foresight)
    assert res.status == "optimal"
    return res


def value(block: Any, name: str, key: tuple) -> float:
    """Value of variable ``name[key]`` of ``block`` (0 if the variable has no value)."""
    return getattr(block, name)[key].value or 0.0


# --- a unit-cost step reached only if early output pays -------------------------------------
# m sells at 12 with a line fixed cost of 30: at the unit cost of 10 a year of the line earns
# 10 * 2 - 30 = -10. After 10 units the unit cost falls to 2: a year then earns
# 10 * 10 - 30 = 70.
STEP_LINE = ("line", "P", "m")


def cost_step(after: float) -> dict[str, Any]:
    """m at 12, the line's fixed cost 30, the unit cost 2 after ``after`` units."""
    line = {"fixed_cost": 30, "learning": [{"after": after, "unit_cost": 2}]}
    return {
        "markets": {"M": {"demand": {"m": {"price": 12}}}},
        "plants": {"P": {"lines": {"m": line}}},
    }


def test_early_output_that_reaches_a_cost_step_pays():
    # Not binding: run the line in T1 at a loss (-10), reach the step (10 units made), run
    # it in T2 at the lower cost (+70): NPV 60 (closing both years: 0).
    raw = micro(TWO, cost_step(10))
    assert npv(raw) == pytest.approx(60)
    m = solved(raw)
    assert value(m.period["T1"], "v_step", (*STEP_LINE, 1)) == pytest.approx(0)
    assert value(m.period["T2"], "v_step", (*STEP_LINE, 1)) == pytest.approx(1)
    assert value(m.period["T2"], "v_saving", (*STEP_LINE, 1)) == pytest.approx(10)
    # the saving is in P's yearly profit of T2 (and so in the NPV): 10 * (12 - 2) - 30
    assert m.period["T1"].profit["P"]() == pytest.approx(-10)
    assert m.period["T2"].profit["P"]() == pytest.approx(70)
    assert m.npv_profit["P"]() == pytest.approx(60)
    # each step a named row, per period: A_s * v_step <= cum
    assert (*STEP_LINE, 1, "T1") in m.learning_step
    assert (*STEP_LINE, 1, "T2") in m.learning_step
    assert (*STEP_LINE, 1, "T2") in m.learning_step_kept


def test_the_saving_is_in_the_plant_profit_table_of_its_period():
    # The Result's plant_profit rows: P earns -10 in T1 (cost 100 + 30) and 70 in T2
    # (cost 10 * 2 + 30 = 50).
    df = result(micro(TWO, cost_step(10))).tables["plant_profit"].set_index("period")
    assert df.loc["T1", "profit"] == pytest.approx(-10)
    assert df.loc["T2", "cost"] == pytest.approx(50)
    assert df.loc["T2", "profit"] == pytest.approx(70)


def test_a_cost_step_out_of_reach_leaves_the_line_closed():
    # Binding: 11 units are needed, T1 can make 10 at most: no step, each year -10: NPV 0.
    raw = micro(TWO, cost_step(11))
    assert npv(raw) == pytest.approx(0)
    m = solved(raw)
    assert value(m.period["T2"], "v_step", (*STEP_LINE, 1)) == pytest.approx(0)


def test_cumulative_output_counts_every_year_of_a_period():
    # T1 lasts 2 years (T2 starts in 2002): 2 * 10 = 20 >= 15 units before T2, so the step
    # is reached: 2 * (-10) + 70 = 50. With T1 of one year 10 < 15: 0.
    long_t1 = {
        "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2002, "length": 1}]
    }
    assert npv(micro(TWO, cost_step(15), long_t1)) == pytest.approx(50)
    assert npv(micro(TWO, cost_step(15))) == pytest.approx(0)


# --- a quality step that lets a plant supply a high-quality use later ------------------------
# m needs a casting of any quality, h (also F's, medium tier) one of high quality. P casts
# at 0.5 a unit, of medium quality, high after 10 castings; S sells high castings at 5.
# M buys 10 m and 10 h at 30. Each year: m earns 10 * (30 - 10 - 0.5) = 195; h earns
# 10 * (30 - 10 - 5) = 150 with S's castings, 195 with P's once they are high.
def quality_step(after: float) -> dict[str, Any]:
    """P's castings turn from medium to high after ``after`` castings."""
    casting = {
        "unit_cost": 0.5,
        "quality": "medium",
        "learning": [{"after": after, "quality": "high"}],
    }
    return {
        "components": {"casting": {"transfer_price": 1}},
        "products": {
            "m": {"bom": {"casting": 1}},
            "h": {"tier": "medium", "firm": "F", "bom": {"casting": {"quantity": 1, "min_quality": "high"}}},
        },
        "plants": {"P": {"lines": {"h": {"unit_cost": 10}}, "components": {"casting": casting}}},
        "suppliers": {
            "S": {"country": "A", "components": {"casting": {"unit_price": 5, "quality": "high"}}}
        },
        "markets": {"M": {"demand": {"h": {"quantity": 10, "price": 30}}}},
    }


def test_a_quality_step_lets_the_plant_supply_the_high_use_later():
    # Not binding: T1's 10 castings for m reach the step; in T2 P's castings serve h too:
    # T1 195 + 150 = 345, T2 195 + 195 = 390: NPV 735.
    raw = micro(TWO, quality_step(10))
    assert npv(raw) == pytest.approx(735)
    m = solved(raw)
    t2 = m.period["T2"]
    assert value(t2, "v_step", ("make", "P", "casting", 1)) == pytest.approx(1)
    assert value(t2, "v_output", ("P", "casting")) == pytest.approx(20)
    assert value(t2, "v_quality_flow", ("casting", "P", "P", 2)) >= 10 - 1e-6
    assert value(t2, "v_flow", ("casting", "S", "P")) == pytest.approx(0)


def test_a_quality_step_out_of_reach_keeps_buying_high_castings():
    # Binding: 11 castings needed; in T1 P may cast only for m (10: h needs high ones):
    # 345 in each period, NPV 690.
    raw = micro(TWO, quality_step(11))
    assert npv(raw) == pytest.approx(690)
    m = solved(raw)
    assert value(m.period["T2"], "v_flow", ("casting", "S", "P")) == pytest.approx(10)


# --- an output requirement that unlocks in-house making --------------------------------------
# m needs 1 casting; S sells castings at 2; P may cast at 0.5 once R units of m were made.
# A year earns 300 - 100 - 20 = 180 buying, 300 - 100 - 5 = 195 casting.
def output_requirement(quantity: float) -> dict[str, Any]:
    """P's in-house casting requires ``quantity`` units of m made at P before."""
    req = {"output": {"plant": "P", "product": "m", "quantity": quantity}}
    return {
        "components": {"casting": {"transfer_price": 1}},
        "products": {"m": {"bom": {"casting": 1}}},
        "plants": {"P": {"components": {"casting": {"unit_cost": 0.5, "requires": req}}}},
        "suppliers": {"S": {"country": "A", "components": {"casting": {"unit_price": 2}}}},
    }


def test_output_made_before_unlocks_in_house_making():
    # Not binding: 10 units of m in T1 meet the requirement: buy in T1 (180), cast in T2
    # (195): NPV 375.
    raw = micro(TWO, output_requirement(10))
    assert npv(raw) == pytest.approx(375)
    m = solved(raw)
    assert value(m.period["T1"], "v_in_house", ("P", "casting")) == pytest.approx(0)
    assert value(m.period["T2"], "v_unlocked", ("make", "P", "casting")) == pytest.approx(1)
    assert value(m.period["T2"], "v_output", ("P", "casting")) == pytest.approx(10)


def test_an_output_requirement_out_of_reach_keeps_buying():
    # Binding: 11 units are required, 10 can be made: buy in both periods, NPV 360.
    assert npv(micro(TWO, output_requirement(11))) == pytest.approx(360)


@pytest.mark.parametrize(("quantity", "period"), [(10, "T2"), (20, "T3"), (31, None)])
def test_the_required_output_decides_when_the_plant_in_sources(quantity, period):
    # Over three periods P makes 10 of m a year: 10 units are made by T2, 20 by T3, never 31.
    # P casts in-house from the first period the requirement is met (each year cast saves
    # 15): the timeline's in-sourcing moves with the threshold.
    res = result(micro(THREE, output_requirement(quantity)))
    df = res.tables["timeline"]
    rows = df[(df["event"] == "in-sourced") & (df["kind"] == "make")]
    assert list(rows["period"]) == ([period] if period else [])
    casting_years = {"T2": 2, "T3": 1, None: 0}[period]
    assert res.objective == pytest.approx(3 * 180 + 15 * casting_years)


# --- a training programme with a cost and a lag ----------------------------------------------
# As above without the output requirement: P may cast once trained; the programme costs C
# and makes casting usable `lag` periods after it starts. Casting saves 15 a year.
def training(cost: float, lag: int) -> dict[str, Any]:
    """P's in-house casting needs a training programme of ``cost`` and ``lag``."""
    raw = output_requirement(1)
    raw["plants"]["P"]["components"]["casting"]["requires"] = {
        "training": {"cost": cost, "lag": lag}
    }
    return raw


def test_a_training_that_pays_starts_at_once():
    # Not binding: train in T1 (20), cast in T2 and T3 (2 * 15 = 30 saved):
    # 3 * 180 + 30 - 20 = 550.
    raw = micro(THREE, training(20, lag=1))
    assert npv(raw) == pytest.approx(550)
    m = solved(raw)
    assert value(m.period["T1"], "v_train", ("make", "P", "casting")) == pytest.approx(1)
    assert value(m.period["T1"], "v_in_house", ("P", "casting")) == pytest.approx(0)
    assert value(m.period["T3"], "v_output", ("P", "casting")) == pytest.approx(10)


def test_a_training_dearer_than_its_savings_is_not_started():
    # Binding: 40 > 30 of savings: buy throughout, 540.
    assert npv(micro(THREE, training(40, lag=1))) == pytest.approx(540)


def test_the_lag_decides_whether_a_training_pays():
    # Lag 0: cast in all three periods, 540 + 45 - 20 = 565. Lag 2: only T3, 15 < 20: 540.
    assert npv(micro(THREE, training(20, lag=0))) == pytest.approx(565)
    assert npv(micro(THREE, training(20, lag=2))) == pytest.approx(540)


def test_a_training_outlay_is_discounted_and_shared_by_equity():
    # At 10% the weights are 1, 1/1.1, 1/1.21: savings 15 * (1/1.1 + 1/1.21) = 26.03 > 20,
    # so P trains in T1 (outlay weight 1). NPV = 180 * (1 + 1/1.1 + 1/1.21) + 26.03 - 20
    # = 492.40 + 6.03 = 498.43.
    # P is F's 60% and G's 40%: G's NPV profit is 40% of it.
    jv = {
        "finance": {"discount_rate": 0.1},
        "firms": {"G": {"home_country": "A"}},
        "plants": {"P": {"owners": {"F": 0.6, "G": 0.4}}},
    }
    raw = micro(THREE, training(20, lag=1), jv)
    weights = 1 + 1 / 1.1 + 1 / 1.21
    expected = 180 * weights + 15 * (weights - 1) - 20
    assert expected == pytest.approx(498.43, abs=0.01)
    assert npv(raw) == pytest.approx(expected)
    m = solved(raw)
    assert value(m.period["T1"], "v_train", ("make", "P", "casting")) == pytest.approx(1)
    assert m.learning_outlay["P", "T1"]() == pytest.approx(20)
    assert pytest.approx(0.4 * expected) == m.npv_firm_profit["G"]()
    assert pytest.approx(0.6 * expected) == m.npv_firm_profit["F"]()


# --- myopic versus perfect foresight -----------------------------------------------------------
def test_myopic_foresight_misses_the_learning_that_early_output_buys():
    # Perfect foresight runs the line at a loss in T1 to reach the step (60, above). Myopic
    # solves T1 alone first: -10 < 0, the line stays closed; T2 then has no step: 0.
    raw = micro(TWO, cost_step(10))
    assert npv(raw, foresight="perfect") == pytest.approx(60)
    assert npv(raw, foresight="myopic") == pytest.approx(0)


def test_myopic_foresight_does_not_train_for_later_periods():
    # Perfect: 550 (train in T1). Myopic: in T1 a training of lag 1 only costs; in T2 it
    # would pay back 15 in T3 for 20: never trained, 540.
    raw = micro(THREE, training(20, lag=1))
    assert npv(raw, foresight="perfect") == pytest.approx(550)
    assert npv(raw, foresight="myopic") == pytest.approx(540)



def test_a_training_outlay_is_borne_by_the_owners_of_its_period():
    # P is F's alone in T1 and half G's from T2. The training (20) starts in T1: F bears it
    # all. Profits 180 (T1), 195 (T2), 195 (T3): G gets half of T2 and T3, 195; F gets
    # 180 - 20 + 195 = 355; together 550.
    owners = {
        "firms": {"G": {"home_country": "A"}},
        "plants": {"P": {"owners": {"T1": {"F": 1.0}, "T2": {"F": 0.5, "G": 0.5}}}},
    }
    drop = {"plants": {"P": {"owners": None}}}  # replace the base's owners, not merge
    raw = micro(THREE, training(20, lag=1), drop, owners)
    inst = gpnopt.instance_from_dict(raw, name="micro")
    m, _hdata, outcome = solve_horizon(inst, mip_gap=MIP_GAP, threads=1)
    assert outcome.objective == pytest.approx(550)
    assert m.npv_firm_profit["G"]() == pytest.approx(195)
    assert m.npv_firm_profit["F"]() == pytest.approx(355)


# --- learning_from: the steps count another option's output (a spillover) --------------------
# Beside P (line of m, unit cost 10; M buys 10 m at 30 a year), plant Q has a line of n with a
# fixed cost of 30 and a unit cost of 10; N buys 10 n at 12. At the cost of 10 a year of Q
# earns 10 * (12 - 10) - 30 = -10; at the learned cost of 2 it earns 10 * (12 - 2) - 30 = 70.
# Q's step counts P's output of m (``learning_from``), not Q's own.
def spillover(after: float, m_price: float = 30, source: dict | None = None) -> dict[str, Any]:
    """Q's unit cost of n falls to 2 after ``after`` units of P's m (or of ``source``)."""
    line = {
        "fixed_cost": 30,
        "unit_cost": 10,
        "learning": [{"after": after, "unit_cost": 2}],
        "learning_from": source or {"plant": "P", "product": "m"},
    }
    return {
        "products": {"n": {"tier": "medium", "firm": "F"}},
        "plants": {"Q": {"country": "A", "owners": {"F": 1.0}, "lines": {"n": line}}},
        "markets": {
            "M": {"demand": {"m": {"price": m_price}}},
            "N": {"country": "A", "demand": {"n": {"quantity": 10, "price": 12}}},
        },
    }


def test_a_step_reached_by_another_plants_output():
    # Binding: P makes 10 m in T1 (200 a year, in both years), which reaches Q's step by T2;
    # Q stays closed in T1 (it would lose 10) and earns 70 in T2: NPV 200 + 200 + 70 = 470.
    # Counting Q's own output instead, Q would have to run at a loss in T1: 400 + 60 = 460.
    raw = micro(TWO, spillover(10))
    assert npv(raw) == pytest.approx(470)
    m = solved(raw)
    q = ("line", "Q", "n")
    assert value(m.period["T1"], "v_line_open", ("Q", "n")) == pytest.approx(0)
    assert value(m.period["T2"], "v_step", (*q, 1)) == pytest.approx(1)
    assert m.period["T2"].profit["Q"]() == pytest.approx(70)
    own = micro(TWO, spillover(10))
    del own["plants"]["Q"]["lines"]["n"]["learning_from"]
    assert npv(own) == pytest.approx(460)


def test_a_spillover_out_of_reach_is_never_taken():
    # Binding: 11 units of P's m are needed, P sells 10 a year at most: Q never learns and never
    # opens (each year -10): NPV 400.
    raw = micro(TWO, spillover(11))
    assert npv(raw) == pytest.approx(400)
    m = solved(raw)
    assert value(m.period["T2"], "v_step", ("line", "Q", "n", 1)) == pytest.approx(0)


def test_the_source_runs_at_a_loss_for_the_spillover():
    # A link between decisions: m sells at 9.5, so P's line loses 10 * 0.5 = 5 a year. Running
    # P in T1 only (-5) gives Q its step in T2 (+70): 65, better than Q learning by itself
    # (-10 + 70 = 60), both (-15 + 70 = 55) or nothing (0).
    res = result(micro(TWO, spillover(10, m_price=9.5)))
    assert res.objective == pytest.approx(65)
    prod = res.tables["production"]
    assert float(prod[(prod["plant"] == "P") & (prod["period"] == "T1")]["quantity"].sum()) == 10
    assert float(prod[(prod["plant"] == "P") & (prod["period"] == "T2")]["quantity"].sum()) == 0
    assert float(prod[(prod["plant"] == "Q") & (prod["period"] == "T1")]["quantity"].sum()) == 0
    # the learning table counts P's output for Q's line: 10 before T2, step 1, unit cost 2
    table = res.tables["learning"]
    row = table[(table["entity"] == "Q/n") & (table["period"] == "T2")].iloc[0]
    assert row["cumulative"] == pytest.approx(10)
    assert row["step"] == 1
    assert row["unit_cost"] == pytest.approx(2)


def test_learning_from_names_a_line_or_make_option():
    bad = micro(TWO, spillover(10, source={"plant": "P", "product": "x"}))
    no_line = r"lines\.n\.learning_from\.product: plant P has no line"
    with pytest.raises(gpnopt.InstanceError, match=no_line):
        gpnopt.instance_from_dict(bad, name="micro")
    bad = micro(TWO, spillover(10, source={"plant": "R", "product": "m"}))
    with pytest.raises(gpnopt.InstanceError, match=r"learning_from\.plant"):
        gpnopt.instance_from_dict(bad, name="micro")
    lone = micro(TWO, spillover(10))
    lone["plants"]["Q"]["lines"]["n"]["learning"] = []
    with pytest.raises(gpnopt.InstanceError, match="no learning steps to count it for"):
        gpnopt.instance_from_dict(lone, name="micro")
