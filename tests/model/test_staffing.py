"""Family 18, technicians as an economic resource: hand-derived optima.

The network is family 8's (``tests/model/test_technicians.py``): firm F's home is A; market M
(in A) buys 20 units of m at 30; three plants, each line capped at 10 units: P at home (unit
cost 20, margin 10), P1 and P2 abroad in B (unit costs 10 and 12, margins 20 and 18). A
foreign line's 10 units earn 200 (P1) or 180 (P2), the home line's 10 units 100; no fixed
costs, no transport, no investment. Money at a 0% discount rate with a 10-year asset
lifetime, so a one-period hire of cost H is charged H / 10 a year. P is F's only plant in A,
wholly owned: it pays F's hires.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.model import build_model
from gpnopt.results import profit_parts, read_solution
from gpnopt.solver import ForcedSolver, ScenarioSolver
from gpnopt.solver.horizon import solve_horizon

from .conftest import MIP_GAP, line_open, merge, micro, solve
from .test_technicians import NETWORK

ZERO_RATE = {"finance": {"discount_rate": 0.0, "asset_lifetime": 10}}
TWO = {"periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}]}
THREE = {
    "periods": [
        {"id": "T1", "start": 2000},
        {"id": "T2", "start": 2001},
        {"id": "T3", "start": 2002, "length": 1},
    ]
}


def staffed(*periods: dict[str, Any], **policy: Any) -> dict[str, Any]:
    """The network with F's technicians ``policy`` (per_line and per_unit by the medium
    tier: ``per_line=1`` is ``{medium: 1}``)."""
    for key in ("per_line", "per_unit"):
        if key in policy:
            policy[key] = {"medium": policy[key]}
    return micro(NETWORK, ZERO_RATE, *periods, {"firms": {"F": {"technicians": policy}}})


def techs(res: Any, period: str | None = None) -> dict[str, Any]:
    """F's row of the technicians table (of ``period``, else the only one)."""
    df = res.tables["technicians"]
    df = df[df["firm"] == "F"]
    if period is not None:
        df = df[df["period"] == period]
    assert len(df) == 1
    return df.iloc[0].to_dict()


def parts(raw: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each plant's profit parts by type, from a solve as built (``explain``'s way)."""
    inst = gpnopt.instance_from_dict(raw, name="micro")
    fs = ForcedSolver(inst)
    out: dict[str, dict[str, float]] = {}
    for r in profit_parts(fs.model, fs.data):
        out.setdefault(r["entity"], {})[r["type"]] = r["amount"]
    profit = {r["plant"]: r["profit"] for r in read_solution(fs.model, fs.data).plant_profit}
    for p, by_type in out.items():
        if p in profit:
            assert math.fsum(by_type.values()) == pytest.approx(profit[p], abs=1e-6)
    return out


# --- the cost of an expatriate ----------------------------------------------------------------
def test_expatriates_too_dear_for_any_foreign_line():
    # Binding by cost, not by the pool: 5 technicians, 1 per foreign line, 250 per
    # expatriate-year. A foreign line earns 200 - 250 < 0 at P1 and 180 - 250 at P2, so only
    # the home line runs: 100. The pool is not used at all.
    res = solve(staffed(pool=5, per_line=1, cost=250))
    assert res.objective == pytest.approx(100)
    assert not line_open(res, "P1")
    assert not line_open(res, "P2")
    row = techs(res)
    assert (row["expatriates"], row["used"], row["cost"]) == (0, 0, 0)


def test_expatriate_cost_closes_the_second_foreign_line():
    # 150 per expatriate-year: P + P1 earn 100 + 200 - 150 = 150, P1 + P2 earn
    # 380 - 300 = 80, P alone 100: P1 runs with one expatriate of five; P2 stays closed
    # by its cost (the pool would allow it).
    res = solve(staffed(pool=5, per_line=1, cost=150))
    assert res.objective == pytest.approx(150)
    assert line_open(res, "P1")
    assert not line_open(res, "P2")
    row = techs(res)
    assert (row["expatriates"], row["available"], row["cost"]) == (1, 5, 150)


def test_cheap_expatriates_run_both_foreign_lines():
    # Not binding: 50 per expatriate-year: P1 + P2 earn 380 - 100 = 280 > P + P1's 250.
    res = solve(staffed(pool=5, per_line=1, cost=50))
    assert res.objective == pytest.approx(280)
    assert line_open(res, "P1")
    assert line_open(res, "P2")
    row = techs(res)
    assert (row["expatriates"], row["used"], row["cost"]) == (2, 2, 100)


def test_expatriate_cost_is_the_plants_technicians_part():
    # The 50 per expatriate is borne by each foreign plant: P1 200 - 50, P2 180 - 50.
    by_plant = parts(staffed(pool=5, per_line=1, cost=50))
    assert by_plant["P1"]["technicians"] == pytest.approx(-50)
    assert by_plant["P2"]["technicians"] == pytest.approx(-50)
    assert "technicians" not in by_plant["P"]


def test_per_unit_need_is_paid_per_unit():
    # 0.05 technicians per foreign unit at 100 per expatriate-year: 5 per unit abroad, so
    # margins 15 (P1) and 13 (P2) still beat the home line's 10: 150 + 130 = 280, one
    # expatriate (20 units * 0.05), cost 100.
    res = solve(staffed(pool=5, per_unit=0.05, cost=100))
    assert res.objective == pytest.approx(280)
    row = techs(res)
    assert (row["expatriates"], row["cost"]) == (pytest.approx(1), pytest.approx(100))


# --- local managers ----------------------------------------------------------------------------
def test_local_managers_cover_their_share_of_the_need():
    # Pool 2, two technicians per foreign line. Without locals one foreign line runs: P1 +
    # P = 300. Local managers may cover half of each plant's need at 30 a year: both lines
    # with one expatriate and one local each, 380 - 2 * 30 = 320 > 300. Locals = 0.5 * 4.
    res = solve(staffed(pool=2, per_line=2, local_managers={"max_share": 0.5, "cost": 30}))
    assert res.objective == pytest.approx(320)
    assert line_open(res, "P1")
    assert line_open(res, "P2")
    row = techs(res)
    assert (row["expatriates"], row["locals"], row["used"], row["cost"]) == (2, 2, 4, 60)


def test_local_managers_dearer_than_the_line_is_worth():
    # Not worth it: at 90 a local the second foreign line earns 180 - 90 against the home
    # line's 100 it displaces: P1 (two expatriates) + P = 300, no locals.
    res = solve(staffed(pool=2, per_line=2, local_managers={"max_share": 0.5, "cost": 90}))
    assert res.objective == pytest.approx(300)
    assert not line_open(res, "P2")
    assert techs(res)["locals"] == 0


def test_local_managers_only_at_the_plants_listed():
    # Locals only at P1: P1 with one local leaves one expatriate, but P2 needs two: three of
    # a pool of two. The best is P1 on two expatriates (no local cost) and P: 300.
    lm = {"plants": ["P1"], "max_share": 0.5, "cost": 30}
    res = solve(staffed(pool=2, per_line=2, local_managers=lm))
    assert res.objective == pytest.approx(300)
    assert not line_open(res, "P2")
    assert techs(res)["locals"] == 0


# --- whole persons ----------------------------------------------------------------------------
def test_whole_persons_round_a_crew_share_up_and_close_a_line():
    # Binding. Pool 3, crews of 3, local managers up to half a crew at no cost. Averages:
    # each foreign line needs 1.5 expatriates, both run on the pool of 3: 200 + 180 = 380.
    # Whole persons: ceil(1.5) = 2 expatriates a line, 4 > 3, so one foreign line (P1, the
    # better, on 2 or 3 expatriates) and the home line: 200 + 100 = 300.
    lm = {"max_share": 0.5}
    averaged = solve(staffed(pool=3, per_line=3, local_managers=lm))
    assert averaged.objective == pytest.approx(380)
    assert techs(averaged)["expatriates"] == pytest.approx(3)
    whole = solve(staffed(pool=3, per_line=3, local_managers=lm, whole_persons=True))
    assert whole.objective == pytest.approx(300)
    assert line_open(whole, "P1")
    assert not line_open(whole, "P2")
    row = techs(whole)
    assert row["expatriates"] == round(row["expatriates"])
    assert row["locals"] == round(row["locals"])


def test_whole_persons_not_binding_when_the_pool_covers_the_rounded_crews():
    # Not binding: pool 4 covers 2 + 2 whole expatriates; both foreign lines run, 380, as
    # with averages; 2 local managers beside them.
    lm = {"max_share": 0.5}
    res = solve(staffed(pool=4, per_line=3, local_managers=lm, whole_persons=True))
    assert res.objective == pytest.approx(380)
    row = techs(res)
    assert (row["expatriates"], row["locals"]) == (4, 2)


def test_whole_persons_cost_a_whole_expatriate_year():
    # Binding by cost: pool 5, crews of 2, locals up to 0.6 of a crew at 30, expatriates at
    # 100. Averages: 0.8 expatriate + 1.2 locals = 116 a line, P1 earns 84, P2 64, so P + P1
    # = 184. Whole persons: 1 expatriate + 1 local = 130 a line, P1 70: P + P1 = 170.
    lm = {"max_share": 0.6, "cost": 30}
    averaged = solve(staffed(pool=5, per_line=2, cost=100, local_managers=lm))
    assert averaged.objective == pytest.approx(184)
    whole = solve(staffed(pool=5, per_line=2, cost=100, local_managers=lm, whole_persons=True))
    assert whole.objective == pytest.approx(170)
    assert (techs(whole)["expatriates"], techs(whole)["locals"]) == (1, 1)


def test_whole_persons_alone_make_the_pool_family_18s():
    # Only per-unit needs, 0.05 a unit: 10 units abroad need 0.5 persons a plant. Family 8
    # (averages) runs both foreign lines on a pool of 1: 380. Whole persons alone (no cost,
    # no locals, no hiring) need a whole expatriate at each, 2 > 1: P1 + P = 300.
    assert solve(staffed(pool=1, per_unit=0.05)).objective == pytest.approx(380)
    res = solve(staffed(pool=1, per_unit=0.05, whole_persons=True))
    assert res.objective == pytest.approx(300)
    assert techs(res)["expatriates"] == 1


# --- hiring in one period -------------------------------------------------------------------------
def test_a_hire_with_lag_zero_opens_the_second_foreign_line():
    # Pool 1: P1 + P = 300. A hire costs 300, an annuity of 30 a year: P1 + P2 earn
    # 380 - 30 = 350. One person hired (not the two allowed); P pays the 30.
    raw = staffed(pool=1, per_line=1, hiring={"cost": 300, "max_per_period": 2})
    res = solve(raw)
    assert res.objective == pytest.approx(350)
    assert line_open(res, "P2")
    row = techs(res)
    assert (row["hired"], row["available"], row["expatriates"]) == (1, 2, 2)
    tl = res.tables["timeline"]
    hired = tl[tl["event"] == "technicians hired"]
    assert hired[["period", "kind", "entity", "detail"]].values.tolist() == [
        ["P1", "firm", "F", "+1 (cost 300, usable from P1)"]
    ]
    assert parts(raw)["P"]["technicians"] == pytest.approx(-30)


def test_a_hire_dearer_than_the_line_is_not_made():
    # Not worth it: a hire's annuity of 100 exceeds the 80 the second foreign line adds.
    res = solve(staffed(pool=1, per_line=1, hiring={"cost": 1000, "max_per_period": 2}))
    assert res.objective == pytest.approx(300)
    assert techs(res)["hired"] == 0


def test_a_hire_with_a_lag_never_works_in_one_period():
    # With lag 1 nobody hired can work in the one period: 300, whatever the cost (warned).
    raw = staffed(pool=1, per_line=1, hiring={"cost": 0, "max_per_period": 2, "lag": 1})
    with pytest.warns(gpnopt.GpnoptWarning, match="hiring.lag: 1, but the instance has one"):
        res = solve(raw)
    assert res.objective == pytest.approx(300)
    assert (techs(res)["hired"], techs(res)["available"]) == (0, 1)


def test_hires_are_paid_by_the_plant_named():
    # paid_by P1: P1 bears the 30.
    raw = staffed(pool=1, per_line=1, hiring={"cost": 300, "max_per_period": 2, "paid_by": "P1"})
    by_plant = parts(raw)
    assert by_plant["P1"]["technicians"] == pytest.approx(-30)
    assert "technicians" not in by_plant["P"]


# --- hiring over periods ------------------------------------------------------------------------------
def hiring_over(periods: dict[str, Any], cost: float) -> dict[str, Any]:
    """Pool 1, one technician per foreign line, at most one hire per period at ``cost``,
    usable one period later."""
    hire = {"cost": cost, "max_per_period": 1, "lag": 1}
    return staffed(periods, pool=1, per_line=1, hiring=hire)


def npv(raw: dict[str, Any], foresight: str = "perfect") -> Any:
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, threads=1, foresight=foresight)
    assert res.status == "optimal"
    return res


def test_a_hire_in_the_first_period_opens_a_line_in_the_second():
    # Two one-year periods at 0%: without a hire 300 + 300 = 600. A hire in T1 (outlay 50)
    # works from T2 (lag 1): T2 runs P1 + P2 for 380: 300 + 380 - 50 = 630.
    res = npv(hiring_over(TWO, 50))
    assert res.objective == pytest.approx(630)
    assert (techs(res, "T1")["hired"], techs(res, "T1")["available"]) == (1, 1)
    assert (techs(res, "T2")["hired"], techs(res, "T2")["available"]) == (0, 2)
    assert not line_open(res.in_period("T1"), "P2")
    assert line_open(res.in_period("T2"), "P2")
    tl = res.tables["timeline"]
    assert tl[tl["event"] == "technicians hired"]["detail"].tolist() == [
        "+1 (cost 50, usable from T2)"
    ]


def test_a_hire_dearer_than_the_line_is_worth_over_two_periods():
    # The hire (100) costs more than the one year of the second line (80): 600, no hire.
    res = npv(hiring_over(TWO, 100))
    assert res.objective == pytest.approx(600)
    assert techs(res, "T1")["hired"] == 0


def test_a_hire_stays_for_the_later_periods():
    # Three periods: the hire of T1 works in T2 and T3 (no attrition): 300 + 2 * 380 - 100
    # = 960 > 900; dearer than one year's 80 but not than two.
    res = npv(hiring_over(THREE, 100))
    assert res.objective == pytest.approx(960)
    assert [techs(res, t)["available"] for t in ("T1", "T2", "T3")] == [1, 2, 2]


def test_myopic_foresight_fixes_the_hires_of_earlier_periods():
    # Myopic: T1 alone sees no use for a hire usable in T2, so none is made; the next step
    # keeps T1's decision (v_hired fixed at 0) and a hire in T2 would work after the horizon:
    # 600 against perfect foresight's 630.
    raw = hiring_over(TWO, 50)
    assert npv(raw, "myopic").objective == pytest.approx(600)
    inst = gpnopt.instance_from_dict(raw, name="micro")
    m, _hdata, outcome = solve_horizon(inst, mip_gap=MIP_GAP, threads=1, foresight="myopic")
    assert outcome.status == "optimal"
    assert m.period["T1"].v_hired["F"].fixed
    assert m.period["T1"].v_hired["F"].value == 0
    assert not m.period["T2"].v_hired["F"].fixed


def test_hires_count_in_the_paying_plants_npv():
    # The outlay of the T1 hire (50) is P's, at the outlay weight 1: P runs its home line in
    # T1 (100) and is idle in T2 (P1 and P2 serve all 20): P's NPV is 100 - 50 = 50.
    inst = gpnopt.instance_from_dict(hiring_over(TWO, 50), name="micro")
    m, _hdata, _outcome = solve_horizon(inst, mip_gap=MIP_GAP, threads=1)
    assert m.technician_outlay["P", "T1"]() == pytest.approx(50)
    assert m.npv_profit["P"]() == pytest.approx(50)


# --- family 8 stays as it was ------------------------------------------------------------------
def test_firms_without_the_new_keys_keep_family_8():
    raw = staffed(pool=1, per_line=1)
    inst = gpnopt.instance_from_dict(raw, name="micro")
    m = ForcedSolver(inst).model
    assert m.component("v_expats") is None
    assert m.component("technician_cost") is None
    # family 8's row, term for term (its zero per_unit terms included)
    assert str(m.technician_pool["F"].expr) == (
        "(v_line_open[P1,m] + 0.0*v_sales[P1,m,direct,M] + v_line_open[P2,m] "
        "+ 0.0*v_sales[P2,m,direct,M])  <=  1.0"
    )
    res = solve(raw)
    row = techs(res)
    assert (row["used"], row["expatriates"], row["locals"], row["hired"]) == (1, 1, 0, 0)
    assert (row["available"], row["cost"]) == (1, 0)


def test_persistent_re_solve_with_a_new_expatriate_cost_equals_a_fresh_solve():
    # From 50 (both lines, 280) to 150 (P1 only, 150): the cost part is rebuilt.
    kept = ScenarioSolver(threads=1)
    assert kept.solve(gpnopt.instance_from_dict(staffed(pool=5, per_line=1, cost=50))).objective \
        == pytest.approx(280)
    dear = gpnopt.instance_from_dict(staffed(pool=5, per_line=1, cost=150))
    again = kept.solve(dear)
    assert kept.persistent == 1
    assert again.objective == pytest.approx(150) == pytest.approx(gpnopt.solve(dear).objective)


def test_stating_a_cost_rebuilds_the_model():
    # cost None (family 8) and cost 0 (family 18) have different rows: no re-use.
    kept = ScenarioSolver(threads=1)
    kept.solve(gpnopt.instance_from_dict(staffed(pool=5, per_line=1)))
    kept.solve(gpnopt.instance_from_dict(staffed(pool=5, per_line=1, cost=0)))
    assert (kept.rebuilt, kept.persistent) == (2, 0)


# --- meaning checks -------------------------------------------------------------------------------
def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="micro")
    return info.value.problems


def test_paid_by_a_plant_of_another_firm_is_refused():
    raw = staffed(pool=1, per_line=1, hiring={"cost": 1, "max_per_period": 1, "paid_by": "Q"})
    raw = merge(raw, {"firms": {"G": {"home_country": "A"}},
                      "plants": {"Q": {"country": "A", "owners": {"G": 1.0}}}})
    assert any(
        "firms.F.technicians.hiring.paid_by: plant Q is not owned by F" in p
        for p in problems(raw)
    )


def test_several_home_plants_need_paid_by():
    raw = staffed(pool=1, per_line=1, hiring={"cost": 1, "max_per_period": 1})
    raw = merge(raw, {"plants": {"Q": {"country": "A", "owners": {"F": 1.0}}}})
    assert any(
        "firms.F.technicians.hiring: F owns several plants wholly in A (P, Q)" in p
        for p in problems(raw)
    )
    paid = merge(raw, {"firms": {"F": {"technicians": {"hiring": {"paid_by": "Q"}}}}})
    assert gpnopt.instance_from_dict(paid, name="micro").firms["F"].technicians.hiring.paid_by == "Q"


def test_local_managers_at_home_are_warned_about():
    lm = {"plants": ["P"], "max_share": 0.5}
    with pytest.warns(gpnopt.GpnoptWarning, match="local_managers.plants.0: P is in F's home"):
        gpnopt.instance_from_dict(staffed(pool=1, per_line=1, local_managers=lm), name="micro")


# --- the showcase instance ------------------------------------------------------------------------
def test_showcase_tm_hires_one_technician_for_the_jv():
    # instances/showcase.yaml: TM has 2 technicians; the JV's lathe_medium line (CN_JV, in
    # CN, foreign to TM) needs 3 and is worth far more than the technicians cost. Local
    # managers (40 a year) are cheaper than expatriates (150): they cover their most, a
    # quarter of 3 = 0.75, leaving 2.25 expatriates, more than the pool: TM hires one (300,
    # an annuity of 300 * annuity(8%, 10 years) = 44.71 a year, paid by JP_TM). The JV bears
    # 2.25 * 150 + 0.75 * 40 = 367.5 a year.
    from pathlib import Path

    from gpnopt.dynamics import annuity

    path = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"
    inst = gpnopt.load(path)
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, threads=1)
    assert line_open(res, "CN_JV", "lathe_medium")
    df = res.tables["technicians"]
    row = df[df["firm"] == "TM"].iloc[0]
    assert (row["pool"], row["used"], row["hired"], row["available"]) == (2, 3, 1, 3)
    assert row["expatriates"] == pytest.approx(2.25)
    assert row["locals"] == pytest.approx(0.75)
    assert row["cost"] == pytest.approx(367.5)
    fs = ForcedSolver(inst)
    by_plant = {(r["entity"], r["type"]): r["amount"] for r in profit_parts(fs.model, fs.data)}
    assert by_plant["CN_JV", "technicians"] == pytest.approx(-367.5)
    fin = inst.finance
    assert by_plant["JP_TM", "technicians"] == pytest.approx(
        -300 * annuity(fin.discount_rate, fin.asset_lifetime)
    )


def test_solve_prints_the_expatriates_locals_and_hires():
    from pathlib import Path

    from typer.testing import CliRunner

    from gpnopt.cli import app

    path = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"
    res = CliRunner().invoke(app, ["solve", str(path)])
    assert res.exit_code == 0, res.output
    assert ("technicians of TM: 3 needed, 2.25 expatriates of 3 available (1 hired), 0.75 "
            "local managers, cost 367.5") in " ".join(res.output.split())


def test_the_timeline_pictures_take_a_hire():
    # A "technicians hired" event is a firm's, not an asset's: the pictures' rows stay the
    # assets (before, the firm's event made a row of an unknown kind and broke them).
    from gpnopt.plots import timeline_cells, timeline_chart, timeline_figure

    inst = gpnopt.instance_from_dict(hiring_over(TWO, 50), name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP, threads=1)
    assert "technicians hired" in set(res.tables["timeline"]["event"])
    cells = timeline_cells(inst, res)
    assert "firm" not in set(cells["kind"])
    assert timeline_chart(inst, res) is not None
    assert timeline_figure(inst, res) is not None


# --- the binding expectation under family 18 -------------------------------------------------------
def _binding(raw: dict[str, Any]) -> tuple[bool, str]:
    from gpnopt.analysis.expectations import evaluate_expectations

    raw = merge(raw, {"expectations": [{"id": "b", "kind": "binding", "firm": "F"}]})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    (row,) = evaluate_expectations(inst, solve(raw))
    return row["holds"], row["detail"]


def test_binding_counts_expatriates_against_the_pool_hires_beyond_it():
    # The hire case above: pool 1 plus one hire, both abroad: the pool is used up.
    holds, detail = _binding(staffed(pool=1, per_line=1, hiring={"cost": 300, "max_per_period": 2}))
    assert (holds, detail) == (True, "2 expatriates abroad, pool 1 and 1 hired")
    # Dearer hires are not made: the pool's one expatriate runs P1: used up too.
    holds, detail = _binding(staffed(pool=1, per_line=1, hiring={"cost": 1000, "max_per_period": 2}))
    assert (holds, detail) == (True, "1 expatriates abroad, pool 1")


def test_binding_leaves_local_managers_out():
    # Locals at 30: both lines, two expatriates and two locals; 4 persons at work, the pool
    # of 2 used up. Expatriates cost nothing here, so pool 3 sends three and one local (still
    # used up), and pool 5 sends the four the lines need, one at home: not binding.
    lm = {"max_share": 0.5, "cost": 30}
    holds, detail = _binding(staffed(pool=2, per_line=2, local_managers=lm))
    assert (holds, detail) == (True, "2 expatriates abroad, pool 2; 2 local managers beside them")
    holds, detail = _binding(staffed(pool=3, per_line=2, local_managers=lm))
    assert (holds, detail) == (True, "3 expatriates abroad, pool 3; 1 local managers beside them")
    holds, detail = _binding(staffed(pool=5, per_line=2, local_managers=lm))
    assert (holds, detail) == (False, "4 expatriates abroad, pool 5")


def test_binding_with_whole_persons_compares_whole_persons():
    # Crews of 2 at both foreign lines, no locals: 4 persons abroad. A pool of 4.5 leaves
    # half a person at home: with averages the pool is not used up (4 < 4.5); in whole
    # persons the pool is 4 persons, all abroad: used up. A pool of 5 leaves a whole person
    # at home: not binding either way.
    holds, detail = _binding(staffed(pool=4.5, per_line=2, cost=1))
    assert (holds, detail) == (False, "4 expatriates abroad, pool 4.5")
    holds, _ = _binding(staffed(pool=4.5, per_line=2, cost=1, whole_persons=True))
    assert holds
    holds, _ = _binding(staffed(pool=5, per_line=2, cost=1, whole_persons=True))
    assert not holds


def test_explain_frees_a_technician_by_hiring():
    # explain's "a technician spare" on the binding expectation negates what the expectation
    # states: expatriates abroad <= pool - 1 = 0 (hires lie beyond the pool, so they cannot
    # make up for it). The hire case (350: pool 1 and one hire for P1 and P2) then sends
    # nobody abroad: only the home line P, 100, 250 less.
    from gpnopt.explain import explain_instance

    raw = merge(staffed(pool=1, per_line=1, hiring={"cost": 300, "max_per_period": 2}),
                {"expectations": [{"id": "b", "kind": "binding", "firm": "F"}]})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    ex = explain_instance(inst, ["expectation:b"], vary=[], mip_gap=1e-9)
    (r,) = ex.reports
    assert r.chosen is True
    assert r.objective_difference == pytest.approx(-250)


def test_explain_states_why_a_firm_with_no_site_cannot_bind():
    # G states family 18's keys (pool 2, a cost of 50 per expatriate-year, one per medium
    # line) but owns no plant abroad: no line needs G's technicians, so
    # technicians_abroad[G] is the constant 0 in every solution. The binding expectation on G is false (0 < 2), and its opposite
    # (0 >= 2) cannot hold whatever the solve: explain says so instead of imposing a row
    # on a constant (which the solver would drop, reporting a tie). F's network is
    # unchanged: pool 1 for the two foreign lines.
    from gpnopt.explain import explain_instance

    raw = merge(staffed(pool=1, per_line=1, cost=50),
                {"firms": {"G": {"technicians": {"pool": 2, "per_line": {"medium": 1}, "cost": 50}}}},
                {"expectations": [{"id": "g", "kind": "binding", "firm": "G"}]})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    m = build_model(build_data(inst))
    assert list(m.technicians_abroad) == ["F", "G"]
    assert m.technicians_abroad["G"].expr == 0
    ex = explain_instance(inst, ["expectation:g"], vary=[], mip_gap=1e-9)
    (r,) = ex.reports
    assert (r.chosen, r.status) == (False, "impossible")
    assert r.limits == ["no line abroad needs G's technicians, so none of them can be abroad "
                        "(0 against a pool of 2)"]
    assert "cannot be stated on the model: no line abroad needs G's" in r.sentence
