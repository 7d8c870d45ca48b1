"""Solver choice (``solver=``, ``--solver``): SCIP gives HiGHS's tables; errors exit 2.

SCIP (``pyscipopt``, installed by the ``test`` extra) solves the same Pyomo model through
Pyomo's ``scip_direct`` interface, so on instances whose optimum is unique every result table
must match HiGHS's. Tolerances: objective, bound and every number of every table within
1e-6 relative (or 1e-6 absolute near zero): both solvers stop at a relative gap of 1e-9 here,
and their feasibility tolerances (1e-6 in SCIP, 1e-7 in HiGHS) bound the remaining noise.
Commercial solvers (Gurobi, CPLEX) and CBC are compared on the tiny instance where they are
installed, and skipped, with the reason, where not.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.cli.common import SOLVERS as CLI_SOLVERS
from gpnopt.solver import interfaces
from gpnopt.solver.interfaces import SOLVERS, check_solver, relative_gap
from model.conftest import micro

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "instances"

runner = CliRunner()
GAP = 1e-9
REL = 1e-6

needs_scip = pytest.mark.skipif(
    importlib.util.find_spec("pyscipopt") is None,
    reason="pyscipopt is not installed (pip install -e '.[test]' installs it)",
)


def assert_same_result(a: gpnopt.Result, b: gpnopt.Result) -> None:
    """Every table of ``a`` equals ``b``'s: the same columns and rows (in a sorted order),
    numbers within :data:`REL` (module docstring)."""
    assert a.status == b.status == "optimal"
    assert b.objective == pytest.approx(a.objective, rel=REL, abs=REL)
    assert b.firm_profit == pytest.approx(a.firm_profit, rel=REL, abs=REL)
    assert set(a.tables) == set(b.tables)
    for name, x in a.tables.items():
        y = b.tables[name]
        assert list(x.columns) == list(y.columns), name
        assert len(x) == len(y), name
        if x.empty:
            continue
        keys = [c for c in x.columns if not pd.api.types.is_float_dtype(x[c])]
        xs = x.sort_values(keys, kind="stable").reset_index(drop=True) if keys else x
        ys = y.sort_values(keys, kind="stable").reset_index(drop=True) if keys else y
        pd.testing.assert_frame_equal(xs, ys, check_exact=False, rtol=REL, atol=REL, obj=name)


def test_cli_and_solver_list_the_same_names():
    assert CLI_SOLVERS == SOLVERS
    assert SOLVERS[0] == "highs"


def test_relative_gap_as_highs_defines_it():
    assert relative_gap(100.0, 100.0) == 0.0
    assert relative_gap(100.0, 110.0) == pytest.approx(0.1)
    assert relative_gap(-100.0, -90.0) == pytest.approx(0.1)
    assert relative_gap(100.0, None) == math.inf
    assert relative_gap(None, 5.0) == math.inf
    assert relative_gap(0.0, 1.0) == math.inf


def test_unknown_solver_is_a_usage_error(tiny_path, tiny):
    res = runner.invoke(app, ["solve", str(tiny_path), "--solver", "glpk"])
    assert res.exit_code == 2
    text = " ".join(res.output.replace("│", " ").split())  # rich's box wraps the message
    assert "'glpk': use one of highs, scip, gurobi, cplex, cbc" in text
    with pytest.raises(gpnopt.SolveError, match="unknown solver 'glpk'") as info:
        gpnopt.solve(tiny, solver="glpk")
    assert info.value.exit_code == 2


def test_solver_not_installed_exits_2_with_what_to_install(tiny_path, tiny, monkeypatch):
    missing = interfaces.Interface("scip_direct", "contrib", "module:gpnopt_no_such_module",
                                   "pip install 'gpnopt[scip]' (pyscipopt)")
    monkeypatch.setitem(interfaces.INTERFACES, "scip", missing)
    res = runner.invoke(app, ["solve", str(tiny_path), "--solver", "scip"])
    assert res.exit_code == 2
    assert "solver scip is not installed: pip install 'gpnopt[scip]'" in res.output
    assert "Traceback" not in res.output
    with pytest.raises(gpnopt.SolveError, match="not installed") as info:
        gpnopt.solve(tiny, solver="scip")
    assert (info.value.status, info.value.exit_code) == ("unavailable", 2)
    res = runner.invoke(app, ["compare", str(tiny_path), "-S", "base", "--solver", "scip"])
    assert res.exit_code == 2


@pytest.mark.parametrize("command", ["explain", "alliance"])
def test_kept_model_studies_refuse_another_solver(tiny_path, command):
    extra = ["--all"] if command == "explain" else []
    res = runner.invoke(app, [command, str(tiny_path), *extra, "--solver", "scip"])
    assert res.exit_code == 2
    assert "runs on highs only" in res.output


def test_highs_by_name_is_the_default_path(tiny, solved_tiny):
    r = gpnopt.solve(tiny, solver="highs")
    assert r.highs_status == solved_tiny.highs_status == "Optimal"
    assert_same_result(solved_tiny, r)


@needs_scip
@pytest.mark.parametrize("name", ["tiny.yaml", "tm_ffg.yaml", "showcase.yaml"])
def test_scip_gives_highs_tables_on_the_instances(name):
    inst = gpnopt.load(INSTANCES / name)
    highs = gpnopt.solve(inst, mip_gap=GAP)
    scip = gpnopt.solve(inst, mip_gap=GAP, solver="scip")
    assert scip.highs_status == "scip: optimal"
    assert_same_result(highs, scip)
    assert [e["holds"] for e in scip.expectations] == [e["holds"] for e in highs.expectations]


MICRO = {
    # base: P makes 10 m at cost 10 for 30: 10 * (30 - 10) = 200
    "base": micro(),
    # a second plant Q, unit cost 5 and fixed cost 30: 10 * (30 - 5) - 30 = 220 beats P's
    # 200, so Q opens and P stays closed
    "fixed cost": micro({"plants": {"Q": {"country": "A", "owners": {"F": 1.0},
                                          "fixed_cost": 30,
                                          "lines": {"m": {"unit_cost": 5}}}}}),
    # P's line holds 6: P makes 6 (6 * 20 = 120), Q the other 4 at unit cost 12 (4 * 18 =
    # 72): 192
    "capacity binds": micro({"plants": {
        "P": {"lines": {"m": {"capacity": 6}}},
        "Q": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 12}}},
    }}),
}
OPTIMA = {"base": 200.0, "fixed cost": 220.0, "capacity binds": 192.0}


@needs_scip
@pytest.mark.parametrize("case", list(MICRO))
def test_scip_gives_highs_tables_on_micro_instances(case):
    inst = gpnopt.instance_from_dict(MICRO[case], name="micro")
    highs = gpnopt.solve(inst, mip_gap=GAP)
    scip = gpnopt.solve(inst, mip_gap=GAP, solver="scip")
    assert_same_result(highs, scip)
    assert scip.objective == pytest.approx(OPTIMA[case], rel=1e-9)


@needs_scip
def test_scip_firm_objective():
    # the second stage (the alliance's best among the firm's optima) runs on SCIP too
    inst = gpnopt.load(INSTANCES / "tiny.yaml")
    firm = next(iter(inst.firms))
    assert_same_result(
        gpnopt.solve(inst, objective=f"firm:{firm}", mip_gap=GAP),
        gpnopt.solve(inst, objective=f"firm:{firm}", mip_gap=GAP, solver="scip"),
    )


@needs_scip
def test_scip_multi_period():
    # the base micro-instance over 2020 and 2021 (the last period one year long): P makes
    # 10 m for 200 a year in each; the two periods' tables match HiGHS's
    raw = micro({"periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2021,
                                                          "length": 1}]})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    highs = gpnopt.solve(inst, mip_gap=GAP)
    scip = gpnopt.solve(inst, mip_gap=GAP, solver="scip")
    assert scip.periods == ("T1", "T2")
    assert_same_result(highs, scip)


@needs_scip
def test_scip_infeasible_exits_3_with_the_diagnosis():
    # all 10 units must be served, P's only line holds 4
    raw = micro({"markets": {"M": {"demand": {"m": {"min_served": 1}}}},
                 "plants": {"P": {"lines": {"m": {"capacity": 4}}}}})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    with pytest.raises(gpnopt.SolveError) as info:
        gpnopt.solve(inst, solver="scip")
    assert (info.value.status, info.value.exit_code) == ("infeasible", 3)


@needs_scip
def test_scip_on_the_command_line_and_in_compare(tiny_path):
    res = runner.invoke(app, ["solve", str(tiny_path), "--solver", "scip", "--json"])
    assert res.exit_code == 0, res.output
    assert '"highs_status": "scip: optimal"' in res.output
    comp = gpnopt.compare(tiny_path, ["base"], solver="scip", mip_gap=GAP)
    ref = gpnopt.compare(tiny_path, ["base"], mip_gap=GAP)
    assert_same_result(ref.results["base"], comp.results["base"])


COMMERCIAL = {
    "gurobi": "gurobipy is not installed (Gurobi is commercial: pip install gurobipy, licence)",
    "cplex": "IBM's cplex package is not installed (CPLEX is commercial)",
    "cbc": "the cbc program is not on the PATH",
}


@pytest.mark.parametrize("solver", list(COMMERCIAL))
def test_other_solvers_where_installed(solver, tiny, solved_tiny):
    kind, what = interfaces.INTERFACES[solver].needs.split(":")
    found = importlib.util.find_spec(what) if kind == "module" else shutil.which(what)
    if not found:
        pytest.skip(COMMERCIAL[solver])
    assert check_solver(solver) == solver
    assert_same_result(solved_tiny, gpnopt.solve(tiny, solver=solver))


@needs_scip
def test_scip_sweep_draws_match_highs(tiny_path, tmp_path):
    from gpnopt.sweep import SweepSpec, run_sweep

    tables = {}
    for solver in ("highs", "scip"):
        spec = SweepSpec.build(tiny_path, samples=3, seed=1, mip_gap=GAP, solver=solver)
        run = run_sweep(spec, tmp_path / solver, workers=1)
        tables[solver] = run.table.sort_values("draw").reset_index(drop=True)
    assert list(tables["scip"]["status"]) == ["optimal"] * 3
    pd.testing.assert_series_equal(tables["highs"]["objective"], tables["scip"]["objective"],
                                   rtol=REL, atol=REL)
    assert list(tables["highs"]["pattern"]) == list(tables["scip"]["pattern"])


def test_sweep_refuses_a_missing_solver_before_solving(tiny_path, tmp_path, monkeypatch):
    missing = interfaces.Interface("scip_direct", "contrib", "module:gpnopt_no_such_module",
                                   "pip install 'gpnopt[scip]' (pyscipopt)")
    monkeypatch.setitem(interfaces.INTERFACES, "scip", missing)
    res = runner.invoke(app, ["sweep", str(tiny_path), "--samples", "2", "--solver", "scip",
                              "--workers", "1", "--out", str(tmp_path / "s"), "-q"])
    assert res.exit_code == 2
    assert "solver scip is not installed" in res.output
    assert not (tmp_path / "s" / "draws.parquet").exists()


@needs_scip
def test_scip_log_goes_to_its_logger(tiny, caplog):
    with caplog.at_level(logging.INFO, logger="gpnopt.scip"):
        gpnopt.solve(tiny, solver="scip")
    assert "SCIP Status" in caplog.text
