"""Sweeps: spec parsing, seeded draws, light records, resume, grid flips, backends, CLI."""

from __future__ import annotations

import json
import math
import random
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from gpnopt.cli.sweep import sweep as sweep_command
from gpnopt.sweep import (
    GridAxis,
    Perturbation,
    SweepError,
    SweepSpec,
    grid_flips,
    load_sweep,
    make_plan,
    numeric_leaves,
    run_sweep,
)
from gpnopt.sweep.worker import Worker

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"

# Heavy noise on the case: the pattern breaks in some draws, so roles and decisions vary.
HEAVY = ("*cost*:uniform:0.5", "*price*:uniform:0.4")

# A micro-instance whose flips are worked out by hand. One plant (fixed cost 10), one line
# (fixed cost 100, unit cost c), demand 10 at price P: the plant runs the line iff
# 10 * (P - c) - 100 - 10 > 0, i.e. c < P - 11. At P = 50: open for c in {20, 30, 38},
# closed for c in {40, 50} (flip between 38 and 40). At P = 60: open up to c = 40, closed at
# c = 50 (flip between 40 and 50). Along P, only c = 40 flips (closed at 50, open at 60).
MICRO = """
name: micro
countries:
  JP: {name: Japan}
firms:
  TM: {name: TM, home_country: JP}
components: {}
products:
  lathe: {tier: medium, firm: TM}
plants:
  JP_TM:
    country: JP
    owners: {TM: 1.0}
    fixed_cost: 10
    lines:
      lathe: {fixed_cost: 100, unit_cost: 20}
markets:
  JP:
    country: JP
    demand:
      lathe: {quantity: 10, price: 50}
expectations:
  - {id: makes_lathe, kind: makes, plant: JP_TM, product: lathe, description: makes lathes}
"""
COST = "plants.JP_TM.lines.lathe.unit_cost"
PRICE = "markets.JP.demand.lathe.price"


@pytest.fixture
def micro(tmp_path):
    path = tmp_path / "micro.yaml"
    path.write_text(textwrap.dedent(MICRO))
    return path


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def main() -> None:
        """gpnopt (test harness)."""

    app.command(name="sweep")(sweep_command)
    return app


runner = CliRunner()


# --- specs ------------------------------------------------------------------------------------


def test_perturbation_parse():
    p = Perturbation.parse("*cost*:uniform:0.2")
    assert (p.pattern, p.distribution, p.scale, p.shared) == ("*cost*", "uniform", 0.2, False)
    q = Perturbation.parse("plants.*.lines.*.unit_cost:normal:0.1:shared")
    assert q.shared
    assert q.distribution == "normal"
    assert q.pattern == "plants.*.lines.*.unit_cost"
    assert Perturbation.parse(q.text) == q


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("*cost*", "PATTERN:DISTRIBUTION:SCALE"),
        ("*cost*:uniform", "PATTERN:DISTRIBUTION:SCALE"),
        ("*cost*:gauss:0.1", "unknown distribution 'gauss'"),
        ("*cost*:uniform:abc", "not a number"),
        ("*cost*:uniform:1.5", "below 1"),
        ("*cost*:normal:-0.1", "must not be negative"),
    ],
)
def test_perturbation_errors(text, words):
    with pytest.raises(SweepError, match=words):
        Perturbation.parse(text)


def test_grid_parse():
    a = GridAxis.parse(f"{COST}=20, 30,38")
    assert a.values == (20, 30, 38)
    assert not a.scale
    assert a.numeric
    assert a.column == f"grid.{COST}"
    b = GridAxis.parse("*tariff*=x0.5,x1,x2")
    assert b.scale
    assert b.values == (0.5, 1.0, 2.0)
    assert GridAxis.parse("a.b=1e6,2").values == (1e6, 2)  # not YAML 1.1's string '1e6'
    c = GridAxis.parse("trade.cross_firm_supply=true,false")
    assert c.values == (True, False)
    assert not c.numeric
    for bad, words in [
        ("plants.X", "PATH=VALUE"),
        ("plants.X=", "at least one value"),
        ("plants.X=1,,2", "at least one value"),
        ("plants.X=x1,2", "either every value is a factor"),
        ("plants.X=1,1", "repeated"),
    ]:
        with pytest.raises(SweepError, match=words):
            GridAxis.parse(bad)


def test_spec_build_errors(micro):
    with pytest.raises(SweepError, match="nothing to sweep"):
        SweepSpec.build(micro)
    with pytest.raises(SweepError, match="needs --samples"):
        SweepSpec.build(micro, perturb=["*cost*:uniform:0.1"])
    with pytest.raises(SweepError, match="given twice"):
        SweepSpec.build(micro, grid=[f"{COST}=1,2", f"{COST}=3"])
    with pytest.raises(SweepError, match="alliance or firm:ID"):
        SweepSpec.build(micro, samples=2, objective="everyone")
    spec = SweepSpec.build(micro, samples=3)
    assert [p.text for p in spec.perturb] == ["*cost*:uniform:0.2", "*price*:uniform:0.2"]


def test_plan_errors(micro):
    with pytest.raises(SweepError, match="matches no number"):
        make_plan(SweepSpec.build(micro, samples=2, perturb=["unit_cost:uniform:0.1"]))
    with pytest.raises(SweepError, match="names no place"):
        make_plan(SweepSpec.build(micro, grid=["plants.NOWHERE.lines.lathe.unit_cost=1,2"]))
    with pytest.raises(SweepError, match="no firm 'XX'"):
        make_plan(SweepSpec.build(micro, samples=2, objective="firm:XX"))
    # An exact path may name a key the file leaves out (its parent exists).
    plan = make_plan(SweepSpec.build(micro, grid=["plants.JP_TM.lines.lathe.capacity=5,10"]))
    assert plan.total == 2


def test_leaves_skip_texts_and_non_parameters(micro):
    raw = {"name": "x", "plants": {"A": {"fixed_cost": 1, "provenance": {"fixed_cost": 3},
                                         "open": True}},
           "expectations": [{"min_quantity": 2}], "trade": {"transport": [{"unit_cost": 4}]}}
    assert numeric_leaves(raw) == [("plants", "A", "fixed_cost"),
                                   ("trade", "transport", 0, "unit_cost")]


# --- draws ------------------------------------------------------------------------------------


def test_draws_are_seeded_per_sample_not_per_worker():
    spec = SweepSpec.build(CASE, samples=6, perturb=["*cost*:uniform:0.2",
                                                     "*price*:normal:0.1:shared"], seed=3)
    plan = make_plan(spec)

    def numbers(worker, d):
        undo = worker.apply_draw(d)
        vals = [_get(worker.raw, p) for p in plan.perturb_places[0] + plan.perturb_places[1]]
        worker.restore(undo)
        return vals

    a, b = Worker(plan, "rebuild"), Worker(plan, "rebuild")
    first = [numbers(a, d) for d in range(6)]
    second = [numbers(b, d) for d in reversed(range(6))][::-1]
    assert first == second
    assert first[0] != first[1]
    base = [_get(plan.raw, p) for p in plan.perturb_places[0]]
    for vals in first:  # uniform +-20%
        for v, b0 in zip(vals, base, strict=False):
            assert 0.8 * b0 - 1e-9 <= v <= 1.2 * b0 + 1e-9
        # a shared factor: every price moved by the same ratio
        prices = vals[len(base):]
        ratios = {round(v / _get(plan.raw, p), 12) for v, p in zip(prices, plan.perturb_places[1], strict=True)}
        assert len(ratios) == 1
    assert a.raw == plan.raw  # restored


def _get(raw, place):
    for p in place:
        raw = raw[p]
    return raw


def test_normal_noise_never_changes_sign():
    p = Perturbation("x", "normal", 2.0)
    rng = random.Random(0)
    assert min(p.factor(rng) for _ in range(2000)) == 0.0
    q = Perturbation("x", "lognormal", 0.5)
    assert all(q.factor(rng) > 0 for _ in range(200))


def test_scenario_solver_re_solves_do_not_depend_on_history():
    """A re-solve hands HiGHS the cost vector a fresh build would (bit for bit) and starts
    from scratch, so the solution does not depend on the scenarios solved before."""
    import numpy as np

    from gpnopt.solver import ScenarioSolver, compile_model

    plan = make_plan(SweepSpec.build(CASE, samples=4, perturb=HEAVY, seed=9))
    w = Worker(plan, "rebuild")
    insts = []
    for d in range(4):
        undo = w.apply_draw(d)
        insts.append(w.build_instance())
        w.restore(undo)

    def solve_all(order):
        s = ScenarioSolver(threads=1)
        out = {}
        for k in order:
            solved = s.solve_model(insts[k])
            out[k] = (np.asarray(s.highs.getLp().col_cost_).copy(),
                      np.asarray(s.highs.getSolution().col_value).copy(), solved.reused)
        return out, s

    forward, s1 = solve_all([0, 1, 2, 3])
    backward, _ = solve_all([3, 2, 1, 0])
    assert s1.persistent == 3
    assert s1.rebuilt == 1
    for k in range(4):
        _, lp, _ = compile_model(ScenarioSolver(threads=1).solve_model(insts[k]).model, "x")
        assert np.array_equal(forward[k][0], np.asarray(lp.col_cost_))
        assert np.array_equal(forward[k][1], backward[k][1])


# --- records ----------------------------------------------------------------------------------


def _assert_same(a: pd.DataFrame, b: pd.DataFrame, rel: float = 0.0) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c], b[c]
        if x.dtype.kind == "f" and rel:
            ok = ((x - y).abs() <= rel * (1 + y.abs())) | (x.isna() & y.isna())
            assert ok.all(), c
        else:
            pd.testing.assert_series_equal(x, y, check_exact=True, obj=c)


@pytest.mark.slow
def test_light_records_equal_full_results(tmp_path):
    """The persistent path's light record equals the record of a full gpnopt.solve."""
    spec = SweepSpec.build(CASE, samples=12, perturb=HEAVY, seed=1)
    fast = run_sweep(spec, tmp_path / "fast", workers=1).table
    full = run_sweep(spec, tmp_path / "full", workers=1, mode="rebuild").table
    assert 0 < fast["pattern"].mean() < 1  # the noise breaks the pattern sometimes
    assert fast["role.CN_FT"].nunique() > 1
    _assert_same(fast, full, rel=1e-9)


# --- runs, resume, folders --------------------------------------------------------------------


def test_grid_flips_micro_by_hand(micro, tmp_path):
    spec = SweepSpec.build(micro, grid=[f"{COST}=20,30,38,40,50", f"{PRICE}=50,60"])
    run = run_sweep(spec, tmp_path / "out", workers=1)
    t = run.table
    assert len(t) == 10
    assert (t["status"] == "optimal").all()
    assert list(t[f"grid.{COST}"]) == [20, 20, 30, 30, 38, 38, 40, 40, 50, 50]
    f = run.flips
    line = f[f["column"] == "line.JP_TM.lathe"]
    got = sorted(zip(line["parameter"], line["from_value"], line["to_value"], line["before"],
                     line["after"], line["at"], strict=True))
    assert got == sorted([
        (f"grid.{COST}", 38.0, 40.0, "1", "0", f"grid.{PRICE}=50.0"),
        (f"grid.{COST}", 40.0, 50.0, "1", "0", f"grid.{PRICE}=60.0"),
        (f"grid.{PRICE}", 50.0, 60.0, "0", "1", f"grid.{COST}=40.0"),
    ])
    roles = f[f["column"] == "role.JP_TM"]
    assert set(zip(roles["before"], roles["after"], strict=True)) == {
        ("horizontal", "closed"), ("closed", "horizontal")}
    assert run.summary["pattern"] == pytest.approx(0.7)
    points = {(p[f"grid.{COST}"], p[f"grid.{PRICE}"]): p["pattern"] for p in run.summary["points"]}
    assert points[(40.0, 50.0)] == 0.0
    assert points[(40.0, 60.0)] == 1.0
    assert (run.out / "flips.csv").exists()
    # profits by hand: c = 20, P = 60: 10 * 40 - 110 = 290
    row = t[(t[f"grid.{COST}"] == 20) & (t[f"grid.{PRICE}"] == 60)].iloc[0]
    assert row["objective"] == pytest.approx(290.0)
    assert row["profit.TM"] == pytest.approx(290.0)


def test_grid_scale_and_samples_use_common_random_numbers(micro, tmp_path):
    spec = SweepSpec.build(micro, samples=3, perturb=["*price*:uniform:0.1"],
                           grid=[f"{COST}=x1,x2"], seed=5)
    t = run_sweep(spec, tmp_path / "out", workers=1).table
    assert list(t["point"]) == [0, 0, 0, 1, 1, 1]
    assert list(t["sample"]) == [0, 1, 2] * 2
    # same sample, same price noise at both points: revenue differs only through the cost
    a, b = t.iloc[:3], t.iloc[3:]
    for (_, ra), (_, rb) in zip(a.iterrows(), b.iterrows(), strict=True):
        if ra["line.JP_TM.lathe"] == 1 and rb["line.JP_TM.lathe"] == 1:
            assert ra["objective"] - rb["objective"] == pytest.approx(10 * 20)


def test_infeasible_and_invalid_draws_are_recorded(micro, tmp_path):
    # a negative price fails validation; a minimum above demand makes the draw infeasible
    spec = SweepSpec.build(micro, grid=[f"{PRICE}=50,-5",
                                        "markets.JP.demand.lathe.min_served=0,20"])
    t = run_sweep(spec, tmp_path / "out", workers=1).table
    status = dict(zip(zip(t[f"grid.{PRICE}"], t["grid.markets.JP.demand.lathe.min_served"],
                          strict=True), t["status"], strict=True))
    assert status[(50.0, 0.0)] == "optimal"
    assert status[(-5.0, 0.0)] == "invalid"
    assert status[(50.0, 20.0)] in ("infeasible", "invalid")
    bad = t[t["status"] != "optimal"]
    assert bad["error"].str.len().gt(0).all()
    assert bad["objective"].isna().all()
    assert bad["pattern"].isna().all()


def test_resume_after_interruption(micro, tmp_path):
    spec = SweepSpec.build(micro, samples=20, perturb=["*cost*:uniform:0.5"], chunk=4, seed=2)
    whole = run_sweep(spec, tmp_path / "whole", workers=1)
    assert whole.computed == 20

    def stop_half_way(done, total):
        if done >= total // 2:
            raise KeyboardInterrupt

    out = tmp_path / "part"
    first = run_sweep(spec, out, workers=1, progress=stop_half_way)
    # progress is called after each chunk of 4: it stops the run once 12 of 20 are done
    assert first.interrupted
    assert first.computed == 12
    assert len(list((out / "parts").glob("*.parquet"))) == 3
    assert not (out / "draws.parquet").exists()
    second = run_sweep(spec, out, workers=1)
    assert not second.interrupted
    assert second.computed == 20 - first.computed
    _assert_same(second.table, whole.table)
    table, manifest = load_sweep(out)
    _assert_same(table, whole.table)
    assert manifest["draws"] == 20
    assert manifest["chunk"] == 4
    again = run_sweep(spec, out, workers=1)
    assert again.computed == 0
    assert len(again.table) == 20


def test_another_spec_in_the_folder_is_an_error(micro, tmp_path):
    out = tmp_path / "out"
    run_sweep(SweepSpec.build(micro, samples=2, seed=1), out, workers=1)
    other = SweepSpec.build(micro, samples=2, seed=2)
    with pytest.raises(SweepError, match="holds another sweep.*seed"):
        run_sweep(other, out, workers=1)
    run = run_sweep(other, out, workers=1, overwrite=True)
    assert run.computed == 2
    assert json.loads((out / "manifest.json").read_text())["spec"]["seed"] == 2


def test_unknown_pattern_id(micro, tmp_path):
    with pytest.raises(SweepError, match="unknown expectation 'nope'"):
        run_sweep(SweepSpec.build(micro, samples=2), tmp_path / "o", pattern=["nope"])


def test_flips_without_grid_is_empty():
    assert grid_flips(pd.DataFrame({"draw": [0]}), []).empty


@pytest.mark.slow
def test_same_table_with_one_worker_two_processes_and_dask(tmp_path):
    """Determinism across backends: 1 worker, 2 local processes, a local Dask cluster."""
    distributed = pytest.importorskip("distributed")
    spec = SweepSpec.build(CASE, samples=16, perturb=HEAVY, seed=4, chunk=3)
    one = run_sweep(spec, tmp_path / "one", workers=1)
    two = run_sweep(spec, tmp_path / "two", workers=2)
    assert two.workers == 2
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        dask = run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert 0 < one.table["pattern"].mean() < 1
    _assert_same(one.table, two.table)
    _assert_same(one.table, dask.table)
    assert one.summary["expectations"] == dask.summary["expectations"]


# --- command line -----------------------------------------------------------------------------


def test_cli_sweep_writes_and_reports(micro, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(_app(), ["sweep", str(micro), "--grid", f"{COST}=20,40", "--samples",
                                 "3", "--perturb", "*price*:uniform:0.01", "--out", str(out),
                                 "--csv", "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "The pattern (all 1 expectation) holds in 50.0% of 6 solved draws" in res.output
    assert "Grid flips" in res.output
    for name in ("draws.parquet", "draws.csv", "summary.json", "flips.csv", "manifest.json"):
        assert (out / name).exists(), name
    csv = pd.read_csv(out / "draws.csv")
    assert len(csv) == 6
    # the same command again resumes: nothing to solve, the same table
    again = runner.invoke(_app(), ["sweep", str(micro), "--grid", f"{COST}=20,40", "--samples",
                                   "3", "--perturb", "*price*:uniform:0.01", "--out", str(out),
                                   "--workers", "1"])
    assert again.exit_code == 0, again.output
    assert "already done" in again.output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--samples", "2", "--perturb", "*cost*:gauss:1"], 2, "unknown distribution"),
        (["--samples", "2", "--perturb", "zzz:uniform:0.1"], 2, "matches no number"),
        (["--grid", "plants.JP_TM"], 2, "PATH=VALUE"),
        ([], 2, "nothing to sweep"),
        (["--samples", "2", "--scenario", "nope"], 1, "neither a scenario nor an override"),
        (["--samples", "2", "--pattern", "nope"], 2, "unknown expectation"),
    ],
)
def test_cli_errors(micro, tmp_path, args, code, words):
    res = runner.invoke(_app(), ["sweep", str(micro), "--out", str(tmp_path / "o"), *args])
    assert res.exit_code == code, res.output
    assert words in res.output


def test_cli_missing_file_is_exit_1(tmp_path):
    res = runner.invoke(_app(), ["sweep", str(tmp_path / "none.yaml"), "--samples", "2"])
    assert res.exit_code == 1
    assert "cannot read the file" in res.output


def test_summary_shares_are_of_solved_draws(micro, tmp_path):
    spec = SweepSpec.build(micro, grid=[f"{COST}=20,40", f"{PRICE}=50,-5"])
    s = run_sweep(spec, tmp_path / "o", workers=1).summary
    assert s["draws"] == 4
    assert s["solved"] == 2
    assert s["status"] == {"invalid": 2, "optimal": 2}
    assert s["pattern"] == pytest.approx(0.5)
    assert s["roles"]["JP_TM"] == {"horizontal": 0.5, "closed": 0.5}
    assert math.isclose(s["profits"]["objective"]["max"], 10 * 30 - 110)


def test_a_malformed_scheduler_address_is_refused_at_once(tiny_path, tmp_path):
    # refused as a usage error before a Dask client exists (a client whose constructor
    # failed spent 40 s closing itself and printed a traceback when collected)
    spec = SweepSpec.build(tiny_path, samples=2)
    with pytest.raises(SweepError, match="not an address such as tcp://host:8786"):
        run_sweep(spec, tmp_path / "out", scheduler="nope")
