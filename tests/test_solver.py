"""Termination mapping, determinism and the numbers of the tiny instance."""

from __future__ import annotations

import math

import highspy
import numpy as np
import pytest

import gpnopt
from gpnopt.errors import GpnoptWarning, SolveError
from gpnopt.solver import classify_termination

MS = highspy.HighsModelStatus


@pytest.mark.parametrize(
    ("status", "has_solution", "gap", "expected"),
    [
        (MS.kOptimal, True, 0.0, "optimal"),
        (MS.kUnknown, True, 1e-9, "optimal"),
        (MS.kUnknown, True, 0.05, "feasible"),
        (MS.kTimeLimit, True, 0.02, "feasible"),
        (MS.kSolutionLimit, True, math.inf, "feasible"),
    ],
)
def test_classify_solutions(status, has_solution, gap, expected):
    assert classify_termination(status, has_solution, gap, 1e-6) == expected


@pytest.mark.parametrize(
    ("status", "word", "code"),
    [
        (MS.kInfeasible, "infeasible", 3),
        (MS.kUnboundedOrInfeasible, "infeasible", 3),
        (MS.kTimeLimit, "no_solution", 4),
        (MS.kUnknown, "no_solution", 4),
        (MS.kSolveError, "no_solution", 4),
    ],
)
def test_classify_failures(status, word, code):
    with pytest.raises(SolveError) as info:
        classify_termination(status, False, math.inf, 1e-6, name="x", time_limit=1.0)
    assert info.value.status == word
    assert info.value.exit_code == code


def test_time_limit_without_incumbent(tiny):
    with pytest.raises(SolveError, match="no feasible solution found") as info:
        gpnopt.solve(tiny, time_limit=0)
    assert info.value.exit_code == 4


def test_tiny_optimum_by_hand(solved_tiny):
    # CN_TM: 110 medium (80 CN at 25, 30 JP at 30) + 50 castings sold to JP_TM at 2
    #   revenue 2000 + 900 + 100 = 3000; cost 30 + 5 + 6*110 + 40 + 0.5*160 + 2*30 = 875
    # JP_TM: 50 high (40 JP at 60, 10 CN at 55): revenue 2950;
    #   cost 50 + 10 + 20*50 + castings 2*50 + freight 2*50 + 2*10 + tariff 0.1*55*10 = 1335
    r = solved_tiny
    assert r.status == "optimal"
    assert r.objective == pytest.approx(3740.0)
    pp = r.tables["plant_profit"].set_index("plant")
    assert pp.loc["CN_TM", "profit"] == pytest.approx(2125.0)
    assert pp.loc["JP_TM", "profit"] == pytest.approx(1615.0)
    mob = r.tables["make_or_buy"].set_index("plant")
    assert mob.loc["CN_TM", "in_house"] == 1
    assert mob.loc["CN_TM", "quantity"] == pytest.approx(160.0)


def test_same_input_same_bytes(tiny, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    gpnopt.solve(tiny).write(a, timings=False)
    gpnopt.solve(tiny).write(b, timings=False)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


def test_result_tables_as_attributes(solved_tiny):
    assert solved_tiny.production is solved_tiny.tables["production"]
    with pytest.raises(AttributeError):
        _ = solved_tiny.nonexistent_table


def _tiny_raw(tiny_path):
    from gpnopt.io import read_yaml

    return read_yaml(tiny_path)


def _diagnosis(raw):
    with pytest.raises(SolveError) as info:
        gpnopt.solve(gpnopt.instance_from_dict(raw, name="t.yaml"))
    assert info.value.exit_code == 3
    return str(info.value)


def test_infeasible_capacity_is_named(tiny_path):
    raw = _tiny_raw(tiny_path)
    raw["markets"]["JP"]["demand"]["lathe_high"].update(quantity=120, min_served=1)
    # JP_TM alone may make the high tier and holds 100 capacity units: 20 short
    text = _diagnosis(raw)
    assert "assembly_capacity[JP_TM]" in text
    assert "20 capacity units short" in text


def test_infeasible_technicians_are_named(tiny_path):
    raw = _tiny_raw(tiny_path)
    raw["markets"]["CN"]["demand"]["lathe_high"]["min_served"] = 1
    del raw["plants"]["JP_TM"]["lines"]["lathe_high"]
    raw["plants"]["CN_TM"].update(max_tier="high")
    raw["plants"]["CN_TM"]["lines"]["lathe_high"] = {}
    raw["firms"]["TM"]["technicians"] = {"pool": 1, "per_line": {"high": 2, "medium": 1}}
    # the only high-tier line is foreign and needs 2 technicians; the pool holds 1
    text = _diagnosis(raw)
    assert "technician_pool[TM]" in text
    assert "1 technicians short" in text


def test_unreachable_minimum_demand_is_named(tiny_path):
    raw = _tiny_raw(tiny_path)
    raw["markets"]["CN"]["demand"]["lathe_high"]["min_served"] = 0.5
    raw["channels"] = {"JP_ONLY": {"markets": ["JP"]}}
    with pytest.warns(GpnoptWarning, match=r"markets\.CN: the market has demand, but no "
                      r"channel lists it"):  # the trap is warned of before the solve too
        text = _diagnosis(raw)
    assert "demand_minimum[CN,lathe_high]" in text
    assert "5 units of product lathe_high" in text


def test_interrupted_write_keeps_the_old_table(solved_tiny, tmp_path, monkeypatch):
    import os

    solved_tiny.write(tmp_path)
    before = (tmp_path / "production.csv").read_bytes()

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        solved_tiny.write(tmp_path)
    monkeypatch.undo()
    assert (tmp_path / "summary.json").exists()
    assert (tmp_path / "production.csv").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


def test_scenario_solver_re_uses_until_reset(tiny_path):
    """Re-solves keep the model; reset() drops it, so the next solve builds afresh, and
    solve_instance(keep=...) hands its model to the solver."""
    from gpnopt.solver import ScenarioSolver, solve_instance

    inst = gpnopt.load(tiny_path)
    s = ScenarioSolver(threads=1)
    first = s.solve(inst).objective
    assert s.solve(inst).objective == first
    assert (s.rebuilt, s.persistent) == (1, 1)
    s.reset()
    assert s.solve(inst).objective == first
    assert (s.rebuilt, s.persistent) == (2, 1)

    kept = ScenarioSolver(threads=1)
    assert solve_instance(inst, threads=1, keep=kept).objective == first
    assert kept.solve(inst).objective == first
    assert (kept.rebuilt, kept.persistent) == (0, 1)


def test_thread_counts_can_change_within_one_process(tiny):
    """HiGHS starts one task scheduler per process; a later solve with another thread count
    stopped at once with no solution ("Not Set") until gpnopt restarted the scheduler."""
    from gpnopt.solver import ScenarioSolver

    inst = tiny
    kept = ScenarioSolver(threads=1)
    assert kept.solve(inst).status == "optimal"
    for threads in (2, 1, None, 2):
        result = gpnopt.solve(inst, threads=threads)
        assert (result.status, result.objective) == ("optimal", 3740.0), threads
    again = kept.solve(inst)  # the kept HiGHS object (1 thread) after a 2-thread solve
    assert (again.status, again.objective) == ("optimal", 3740.0)
    assert kept.persistent == 1


def _showcase(*families: str, **overrides):
    """instances/showcase.yaml with only ``families``' economic keys (tests/model/showcase.py)
    and ``overrides`` deep-merged onto it."""
    from gpnopt.patches import deep_merge
    from model.showcase import raw_only

    raw = raw_only(*families)
    assert not deep_merge(raw, overrides)
    return gpnopt.instance_from_dict(raw, name="showcase")


def test_taxes_are_re_solved_with_their_rows_updated():
    """The tax base rows (family 22) hold prices and costs: a new price is re-solved on the
    kept model with the rows' new coefficients handed to HiGHS (gpnopt.solver.row_updates;
    an objective-only update would keep the old tax rows), so the kept solver's answer is a
    fresh solve's, and its HiGHS object holds the fresh build's matrix."""
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.solver import ScenarioSolver
    from gpnopt.solver.highs import compile_model

    kept = ScenarioSolver(threads=1)
    kept.solve(_showcase("taxes"))
    dearer = _showcase("taxes", markets={"CN": {"demand": {"lathe_medium": {"price": 40}}}})
    again = kept.solve(dearer)
    assert (kept.rebuilt, kept.persistent) == (1, 1)
    fresh = gpnopt.solve(dearer, threads=1)
    assert again.objective == pytest.approx(fresh.objective, rel=1e-9)
    assert again.firm_profit == pytest.approx(fresh.firm_profit, rel=1e-9)
    _info, lp, _nnz = compile_model(build_model(build_data(dearer)))
    held = kept.highs.getLp()
    assert np.array_equal(np.asarray(held.a_matrix_.value_), np.asarray(lp.a_matrix_.value_))
    assert np.array_equal(np.asarray(held.row_lower_), np.asarray(lp.row_lower_))
    assert np.array_equal(np.asarray(held.col_cost_), np.asarray(lp.col_cost_))


def test_transfer_price_levels_re_solve_like_a_fresh_solve():
    """Without taxes the levels (family 23) are only in the objective: a new unit cost is
    re-solved on the kept model, new levels (other columns) rebuild it; both as fresh."""
    from gpnopt.solver import ScenarioSolver

    def tariffs(rate: float) -> dict:
        return {"tariffs": [
            {"to_country": "CN", "goods": "machine", "rate": 0.1},
            {"to_country": "JP", "goods": "component", "rate": rate},
        ]}

    kept = ScenarioSolver(threads=1)
    kept.solve(_showcase("transfer_prices", trade=tariffs(0.1)))
    cheaper = _showcase("transfer_prices", trade=tariffs(0.5))
    again = kept.solve(cheaper)
    assert (kept.rebuilt, kept.persistent) == (1, 1)
    assert again.objective == pytest.approx(gpnopt.solve(cheaper, threads=1).objective, rel=1e-9)
    more = _showcase("transfer_prices", trade=tariffs(0.5),
                     components={"casting": {"transfer_prices": [2.0, 6.0]}})
    assert kept.solve(more).objective == pytest.approx(
        gpnopt.solve(more, threads=1).objective, rel=1e-9
    )
    assert kept.rebuilt == 2
