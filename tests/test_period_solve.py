"""Solved multi-period micro-instances read into tables: periods, NPV, timeline (issue 13).

The base (tests/model/conftest.py): plant P in A owned by F, a line of m at unit cost 10,
market M buying 10 units of m at 30: 200 a year when P runs. Periods here are one year each
(2000, 2001), no discounting and no salvage, so each net present value is a plain sum and
each timeline can be read off by hand.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import gpnopt
from gpnopt.analysis.compare import compare_results
from gpnopt.cli import app
from model.conftest import MIP_GAP, micro

TWO_YEARS = {
    "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}],
    "finance": {"discount_rate": 0.0, "salvage": False},
}

# demand only from T2; P costs 150 to build and 20 a year to run: running it in T1 would
# lose 20, so P is built in T2: 300 - 100 - 20 - 150 = 30
LATE = micro(TWO_YEARS, {
    "plants": {"P": {"investment_cost": 150, "fixed_cost": 20}},
    "markets": {"M": {"demand": {"m": {"quantity": {"T1": 0, "T2": 10}}}}},
    "expectations": [
        {"id": "built_2001", "kind": "open", "plant": "P",
         "first_period": {"at_least": 2001, "at_most": 2001}},
        {"id": "not_in_t1", "kind": "open", "plant": "P", "in_period": "T1", "holds": False},
        {"id": "sells_last", "kind": "sells", "market": "M"},
    ],
})

# P exists with its line and demand ends in T2: closing (5) is cheaper than running (20):
# 300 - 100 - 20 = 180 in T1, then -5
CLOSE = micro(TWO_YEARS, {
    "plants": {"P": {"existing": True, "closure_cost": 5, "fixed_cost": 20,
                     "lines": {"m": {"existing": True}}}},
    "markets": {"M": {"demand": {"m": {"quantity": {"T1": 10, "T2": 0}}}}},
})

# G buys 40% of P from T2: F earns 200 + 120, G 80
EQUITY = micro(TWO_YEARS, {"plants": {"P": {"owners": None}}}, {
    "firms": {"G": {"home_country": "A"}},
    "plants": {"P": {"owners": {"T1": {"F": 1.0}, "T2": {"F": 0.6, "G": 0.4}}}},
})


def solve(raw, **options):
    result = gpnopt.solve(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP,
                          **options)
    assert result.status == "optimal"
    return result


def events(result) -> list[tuple[str, str, str, str]]:
    tl = result.tables["timeline"]
    return list(zip(tl["period"], tl["event"], tl["entity"], tl["detail"], strict=True))


@pytest.fixture(scope="module")
def late():
    return solve(LATE)


def test_investment_timing_shows_in_the_tables_and_the_timeline(late):
    assert late.periods == ("T1", "T2")
    assert not late.single
    assert late.objective == pytest.approx(30)
    assert late.firm_profit == {"F": pytest.approx(30)}
    pp = late.tables["plant_profit"]
    assert list(zip(pp["period"], pp["open"], strict=True)) == [("T1", 0), ("T2", 1)]
    assert pp["profit"].tolist() == [pytest.approx(0), pytest.approx(180)]
    assert events(late) == [("T2", "built", "P", "investment 150"), ("T2", "line opened", "P/m", "")]
    # firm_profit: the NPV (period all); by period: yearly profits and their weights
    assert late.tables["firm_profit"].to_dict("records") == [
        {"firm": "F", "period": "all", "profit": pytest.approx(30)}]
    by = late.tables["firm_profit_by_period"]
    assert by["profit"].tolist() == [pytest.approx(0), pytest.approx(180)]
    assert by["weight"].tolist() == [1.0, 1.0]
    # the NPV is the weighted profits less the investment (r = 0, no salvage)
    assert by["value"].sum() - 150 == pytest.approx(late.objective)
    assert set(late.tables["production"]["period"]) == {"T2"}


def test_expectations_are_evaluated_per_period(late):
    got = {e["id"]: e for e in late.expectations}
    assert all(e["holds"] for e in got.values()), got
    assert got["built_2001"]["period"] == "T2"
    assert got["sells_last"]["detail"] == "T2: 10 units"


def test_specialization_has_a_row_per_plant_and_period(late):
    spec = late.tables["specialization"]
    assert list(zip(spec["plant"], spec["period"], spec["open"], strict=True)) == [
        ("P", "T1", 0), ("P", "T2", 1)]
    assert spec["role_type"].tolist() == ["none", "horizontal"]


def test_closure_is_an_event_with_its_cost():
    res = solve(CLOSE)
    assert res.objective == pytest.approx(175)
    # the existing plant and line open in T1 without an event; both close in T2
    assert events(res) == [("T2", "closed", "P", "closure cost 5"), ("T2", "line closed", "P/m", "")]


def test_equity_change_and_firm_profits_by_period():
    res = solve(EQUITY)
    assert res.firm_profit == {"F": pytest.approx(320), "G": pytest.approx(80)}
    assert ("T2", "equity changed", "P", "F 1 -> F 0.6, G 0.4") in events(res)
    by = res.tables["firm_profit_by_period"]
    got = {(r.firm, r.period): r.profit for r in by.itertuples()}
    assert got == {("F", "T1"): pytest.approx(200), ("G", "T1"): 0.0,
                   ("F", "T2"): pytest.approx(120), ("G", "T2"): pytest.approx(80)}
    assert res.tables["specialization"]["owners"].tolist() == ["F:1", "F:0.6;G:0.4"]


def test_compare_of_two_multi_period_results_diffs_period_by_period(late):
    early = solve({**LATE, "markets": {"M": {"country": "A", "demand": {"m": {
        "quantity": 10, "price": 30}}}}})
    # demand in both periods: P is built in T1 (300 - 100 - 20 a year, twice, less 150)
    assert early.objective == pytest.approx(210)
    insts = {n: gpnopt.instance_from_dict(r, name="micro") for n, r in
             (("late", LATE), ("early", LATE))}
    comp = compare_results({"late": late, "early": early}, insts)
    diff = comp.diff
    opened = diff[(diff["kind"] == "plant")]
    assert opened[["entity", "period", "change"]].values.tolist() == [["P", "T1", "opened"]]
    kpis = comp.kpis
    assert set(kpis[kpis["section"] == "objective"]["period"]) == {"all"}
    assert set(kpis[kpis["section"] == "plant profit"]["period"]) == {"T1", "T2"}
    wide = comp.kpis_wide
    assert list(wide.columns) == ["section", "item", "period", "late", "early"]


def test_cli_solve_writes_the_timeline_and_prints_each_period(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(LATE))
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = res.output
    assert "net present value 30.0" in text
    assert "Period T1" in text
    assert "Period T2" in text
    assert "Timeline" in text
    assert "3 of 3 expectations hold" in text
    timeline = pd.read_csv(out / "timeline.csv", keep_default_na=False)
    assert timeline.to_dict("records") == [
        {"period": "T2", "event": "built", "kind": "plant", "entity": "P",
         "detail": "investment 150"},
        {"period": "T2", "event": "line opened", "kind": "line", "entity": "P/m", "detail": ""},
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["periods"] == ["T1", "T2"]
    assert summary["objective"] == pytest.approx(30)
    lines = pd.read_csv(out / "lines.csv")
    assert lines["period"].tolist() == ["T1", "T2"]


def test_cli_compare_of_a_multi_period_file_diffs_by_period(tmp_path):
    raw = {**LATE, "overrides": {"all_years": {"markets": {"M": {"demand": {"m": {
        "quantity": 10}}}}}}, "scenarios": {"early": ["all_years"]}}
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", str(path), "--scenarios", "base,early",
                                   "--out", str(out)], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    diff = pd.read_csv(out / "diff.csv")
    plants = diff[diff["kind"] == "plant"]
    assert plants[["entity", "period", "change"]].values.tolist() == [["P", "T1", "opened"]]
    kpis = pd.read_csv(out / "kpis.csv")
    objective = kpis[kpis["section"] == "objective"]
    assert objective[["period", "scenario", "value"]].values.tolist() == [
        ["all", "base", "30.0"], ["all", "early", "210.0"]]
    assert (out / "early" / "timeline.csv").exists()


@pytest.mark.parametrize("foresight", ["perfect", "myopic"])
def test_the_one_reader_and_the_result_tables_agree_over_periods(foresight):
    """The Solution read from the solved blocks is the one the Result's tables give back
    (the analysis reads either), for both foresights."""
    from gpnopt.results import make_result, read_solution, solution_of
    from gpnopt.solver.horizon import solve_horizon

    inst = gpnopt.instance_from_dict(EQUITY, name="micro")
    model, hdata, outcome = solve_horizon(inst, mip_gap=MIP_GAP, foresight=foresight)
    direct = read_solution(model, hdata)
    back = solution_of(make_result(model, hdata, outcome))
    assert direct.periods == back.periods == ("T1", "T2")
    for name in ("lines", "production", "make_or_buy", "component_flows", "plant_profit",
                 "channel_profit", "technicians", "firm_profit_by_period", "timeline"):
        assert list(getattr(back, name)) == list(getattr(direct, name)), name
    assert back.firm_profit == direct.firm_profit
    assert direct.objective == pytest.approx(outcome.objective)
    assert direct.in_period("T2").firm_profit == {"F": pytest.approx(120), "G": pytest.approx(80)}


def test_three_periods_weights_and_npv_by_hand():
    """Periods 2000 (1 year), 2001 (2 years), 2003 (1 year) at r = 10%: W = 1,
    1/1.1 + 1/1.21 = 1.735537, 1/1.331 = 0.751315. P (150, lifetime 10) is built in 2000 and
    runs throughout (200 a year); salvage at the end (2004): 150 * (1 - 4/10) / 1.1^4 =
    61.471213. NPV = 200 * 3.486852 - 150 + 61.471213 = 608.841609."""
    raw = micro({
        "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001},
                    {"id": "T3", "start": 2003, "length": 1}],
        "finance": {"discount_rate": 0.1},
        "plants": {"P": {"investment_cost": 150}},
    })
    res = solve(raw)
    by = res.tables["firm_profit_by_period"]
    assert by["weight"].tolist() == pytest.approx([1.0, 1 / 1.1 + 1 / 1.21, 1 / 1.331])
    assert by["value"].tolist() == pytest.approx([200, 200 * 1.7355372, 200 * 0.7513148])
    assert res.objective == pytest.approx(608.841609, abs=1e-5)
    assert res.firm_profit["F"] == pytest.approx(608.841609, abs=1e-5)
    assert events(res) == [("T1", "built", "P", "investment 150"), ("T1", "line opened", "P/m", "")]


def test_cli_validate_checks_every_period_and_names_the_horizon(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(LATE))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert "2 periods (2000-2001, NPV at 0%)" in res.output
    assert "1 lines" in res.output


def test_result_in_period_is_the_periods_rows_and_yearly_profits(late):
    # LATE: nothing in T1 (P not built); T2 earns 300 - 100 - 20 = 180 a year.
    t2 = late.in_period("T2")
    assert t2.periods == ("T2",)
    assert set(t2.tables["lines"]["period"]) == {"T2"}
    assert t2.objective == pytest.approx(180)
    assert t2.firm_profit == {"F": pytest.approx(180)}
    assert late.in_period("T1").objective == pytest.approx(0)
    with pytest.raises(KeyError, match="T9"):
        late.in_period("T9")
