"""Sweeps of multi-period instances (issue 13): each draw solved afresh over its periods.

The micro-instance (two one-year periods T1 = 2000, T2 = 2001, no discounting, no salvage):
plant P (build 150, fixed cost 20 a year) with a line of m at unit cost 10; market M buys q1
units of m at 30 in T1 and 10 in T2. Built in T2 only: 300 - 100 - 20 - 150 = 30. Built in
T1: T1 earns 20*q1 - 20, so the net present value is 20*q1 - 20 + 180 - 150 = 20*q1 + 10:
for q1 = 5, 110; for q1 = 10, 210; for q1 = 0 the build waits for T2 (30). Under myopic
foresight T1 is decided alone: 20*q1 - 20 - 150 < 0 for q1 <= 8, so the build waits for T2
at q1 = 5 (30).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.sweep import SweepSpec, make_plan, run_sweep
from gpnopt.sweep.record import result_record

ROOT = Path(__file__).resolve().parents[1]
TIMELINE = ROOT / "instances" / "tm_ffg_timeline.yaml"
Q1 = "markets.M.demand.m.quantity.T1"

RAW = {
    "name": "two periods",
    "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}],
    "finance": {"discount_rate": 0.0, "salvage": False},
    "countries": {"A": {}},
    "firms": {"F": {"home_country": "A"}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {"P": {"country": "A", "owners": {"F": 1.0}, "investment_cost": 150,
                     "fixed_cost": {"value": 20, "growth": 0.0},
                     "lines": {"m": {"unit_cost": 10}}}},
    "markets": {"M": {"country": "A",
                      "demand": {"m": {"quantity": {"T1": 0, "T2": 10}, "price": 30}}}},
    "expectations": [
        {"id": "built_2001", "kind": "open", "plant": "P",
         "first_period": {"at_least": 2001, "at_most": 2001}},
    ],
}

runner = CliRunner()


@pytest.fixture
def periods_file(tmp_path: Path) -> Path:
    path = tmp_path / "periods.yaml"
    path.write_text(yaml.safe_dump(RAW, sort_keys=False), encoding="utf-8")
    return path


def test_plan_has_a_column_per_period(periods_file):
    plan = make_plan(SweepSpec.build(periods_file, grid=[f"{Q1}=0,5"]))
    assert plan.periods == ["T1", "T2"]
    for t in ("T1", "T2"):
        for col in (f"role.P@{t}", f"plant_profit.P@{t}", f"line.P.m@{t}", f"production.P.m@{t}"):
            assert col in plan.columns
    assert "role.P" not in plan.columns
    assert "line.P.m" not in plan.columns
    assert plan.manifest()["periods"] == ["T1", "T2"]


def test_perturbations_reach_per_period_values(periods_file):
    plan = make_plan(SweepSpec.build(periods_file, samples=2,
                                     perturb=["*quantity*:uniform:0.5", "*fixed_cost*:uniform:0.1",
                                              "*growth*:uniform:0.1"]))
    quantity, fixed, growth = plan.perturb_places
    # a mapping by period: every period's number
    assert quantity == [("markets", "M", "demand", "m", "quantity", "T1"),
                        ("markets", "M", "demand", "m", "quantity", "T2")]
    # {value, growth}: the value; the rate only for a pattern that names growth
    assert fixed == [("plants", "P", "fixed_cost", "value")]
    assert growth == [("plants", "P", "fixed_cost", "growth")]
    # the periods' years are never drawn
    with pytest.raises(gpnopt.errors.GpnoptError, match="matches no number"):
        make_plan(SweepSpec.build(periods_file, samples=2, perturb=["periods.*:uniform:0.1"]))


def test_the_build_period_moves_with_the_demand(periods_file, tmp_path):
    run = run_sweep(SweepSpec.build(periods_file, grid=[f"{Q1}=0,5,10"]), tmp_path / "o",
                    workers=1)
    t = run.table.sort_values("draw")
    assert t["status"].tolist() == ["optimal"] * 3
    assert t["objective"].tolist() == pytest.approx([30, 110, 210])
    assert t["profit.F"].tolist() == pytest.approx([30, 110, 210])  # net present values
    assert t["line.P.m@T1"].tolist() == [0, 1, 1]
    assert t["line.P.m@T2"].tolist() == [1, 1, 1]
    assert t["production.P.m@T1"].tolist() == pytest.approx([0, 5, 10])
    assert t["role.P@T1"].tolist()[0] == "closed"
    assert t["role.P@T1"].tolist()[1:] == ["horizontal", "horizontal"]
    assert t["role.P@T2"].tolist() == ["horizontal"] * 3
    assert t["plant_profit.P@T1"].tolist() == pytest.approx([0, 80, 180])  # yearly
    assert t["plant_profit.P@T2"].tolist() == pytest.approx([180, 180, 180])
    assert t["holds.built_2001"].tolist() == [True, False, False]
    s = run.summary
    assert s["periods"] == ["T1", "T2"]
    assert s["roles"]["P@T1"] == pytest.approx({"closed": 1 / 3, "horizontal": 2 / 3})
    assert s["roles"]["P@T2"] == {"horizontal": 1.0}
    assert {d["column"]: d["share"] for d in s["decisions"]} == {"line.P.m@T1": pytest.approx(2 / 3)}
    flips = {(f["column"], f["before"], f["after"]) for f in s["flips"]}
    assert ("line.P.m@T1", "0", "1") in flips
    assert ("holds.built_2001", "True", "False") in flips
    assert not any(c.endswith("@T2") for c, _, _ in flips)
    # the timeline's events: the build moves from T2 to T1
    assert t["events"].tolist() == (["event.built.P@T2;event.line_opened.P.m@T2"]
                                    + ["event.built.P@T1;event.line_opened.P.m@T1"] * 2)
    assert s["events"] == [
        {"event": "event.built.P@T1", "share": pytest.approx(2 / 3)},
        {"event": "event.line_opened.P.m@T1", "share": pytest.approx(2 / 3)},
        {"event": "event.built.P@T2", "share": pytest.approx(1 / 3)},
        {"event": "event.line_opened.P.m@T2", "share": pytest.approx(1 / 3)},
    ]


def test_a_draw_equals_the_solve_of_its_instance(periods_file, tmp_path):
    run = run_sweep(SweepSpec.build(periods_file, grid=[f"{Q1}=5"]), tmp_path / "o", workers=1)
    raw = json.loads(json.dumps(RAW))
    raw["markets"]["M"]["demand"]["m"]["quantity"]["T1"] = 5
    inst = gpnopt.instance_from_dict(raw, name="periods")
    rec = result_record(inst, gpnopt.solve(inst))
    row = run.table.iloc[0].to_dict()
    for col, v in rec.items():
        if isinstance(v, float) and math.isnan(v):
            assert math.isnan(row[col]), col
        elif isinstance(v, float):
            assert row[col] == pytest.approx(v, abs=1e-6), col
        else:
            assert row[col] == v, col


def test_myopic_foresight_waits(periods_file, tmp_path):
    spec = SweepSpec.build(periods_file, grid=[f"{Q1}=5"], foresight="myopic")
    assert spec.as_dict()["foresight"] == "myopic"
    assert "foresight" not in SweepSpec.build(periods_file, grid=[f"{Q1}=5"]).as_dict()
    t = run_sweep(spec, tmp_path / "o", workers=1).table
    assert t["objective"].tolist() == pytest.approx([30])
    assert t["line.P.m@T1"].tolist() == [0]


def test_cli_sweeps_periods(periods_file, tmp_path):
    out = tmp_path / "o"
    res = runner.invoke(app, ["sweep", str(periods_file), "--grid", f"{Q1}=0,5", "--foresight",
                              "perfect", "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "works on one-period instances for now" not in text
    assert "P@T1" in text
    assert "net present values" in text
    assert "Timeline events" in text
    assert "event.built.P@T1" in text
    assert json.loads((out / "manifest.json").read_text())["periods"] == ["T1", "T2"]
    bad = runner.invoke(app, ["sweep", str(periods_file), "--grid", f"{Q1}=0", "--foresight",
                              "hindsight", "--out", str(tmp_path / "b")])
    assert bad.exit_code == 2, bad.output
    assert "perfect or myopic" in bad.output


def test_one_period_sweeps_have_no_period_columns(tmp_path):
    raw = {k: v for k, v in RAW.items() if k not in ("periods", "finance", "expectations")}
    raw = json.loads(json.dumps(raw))
    raw["plants"]["P"]["fixed_cost"] = 20
    raw["markets"]["M"]["demand"]["m"]["quantity"] = 10
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    plan = make_plan(SweepSpec.build(path, grid=["markets.M.demand.m.quantity=10"]))
    assert plan.periods == []
    assert "periods" not in plan.manifest()
    assert not any("@" in c for c in plan.columns)
    assert "events" not in plan.columns
    assert "line.P.m" in plan.columns


def test_timeline_case_sweeps(tmp_path):
    """Two draws of the case over time: the plain one is the case's solve, column for column;
    with China's demand 20% higher in every period FFG-China in-sources casting a period
    earlier (docs/sweep.md)."""
    run = run_sweep(SweepSpec.build(TIMELINE, grid=["markets.CN.demand.*.quantity.value=x1,x1.2"]),
                    tmp_path / "o", workers=1)
    t = run.table.sort_values("draw")
    assert t["status"].tolist() == ["optimal", "optimal"]
    inst = gpnopt.load(TIMELINE)
    rec = result_record(inst, gpnopt.solve(inst, threads=1))  # as a sweep worker solves
    row = t.iloc[0].to_dict()
    assert row["objective"] == pytest.approx(rec["objective"], rel=1e-6)
    per_period = [c for c in rec if "@" in c]
    assert {c.rsplit("@", 1)[1] for c in per_period} == {"2005", "2006", "2007", "2008", "2010",
                                                         "2012"}
    for col in per_period:
        if col.startswith(("line.", "in_house.", "open.", "role.")):
            assert row[col] == rec[col], col
    assert "event.built.CN_FT@2005" in row["events"].split(";")
    assert row["events"] == rec["events"]
    # more demand: a higher net present value, and casting in-sourced from 2007, not 2008
    assert t["objective"].iloc[1] > t["objective"].iloc[0]
    casting = [f"in_house.CN_FFG.casting@{p}" for p in ("2006", "2007", "2008")]
    assert t[casting].iloc[0].tolist() == [0, 0, 1]
    assert t[casting].iloc[1].tolist() == [0, 1, 1]


def test_worker_processes_give_the_same_table(periods_file, tmp_path):
    spec = SweepSpec.build(periods_file, grid=[f"{Q1}=0,5,10"], chunk=1)
    one = run_sweep(spec, tmp_path / "one", workers=1).table
    two = run_sweep(spec, tmp_path / "two", workers=2).table
    assert list(one.columns) == list(two.columns)
    for col in one.columns:
        assert one[col].astype(str).tolist() == two[col].astype(str).tolist(), col
