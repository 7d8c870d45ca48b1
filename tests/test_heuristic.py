"""The start heuristic (gpnopt.solver.heuristic): feasible starts, unchanged optima.

Speed is measured by benchmarks/scale.py (docs/performance.md, Solve time at scale); here only
that the start is a feasible solution of the whole model and that a solve started from it ends
at the same optimum as one without.
"""

from __future__ import annotations

import logging

import highspy
import numpy as np
import pytest
from scipy.sparse import csc_array

import gpnopt
from gpnopt.data import build_data
from gpnopt.generate import generate
from gpnopt.model import build_model
from gpnopt.solver.heuristic import integer_columns, relax_and_fix
from gpnopt.solver.highs import (
    START_HEURISTIC,
    compile_model,
    new_highs,
    run_and_keep,
    run_highs,
)

SMALL = dict(countries=4, firms=2, plants=6, products=5, components=6, suppliers=8, markets=8)
TOL = 1e-6


def small_model(seed: int):
    inst = gpnopt.instance_from_dict(generate(seed, **SMALL), name=f"small-{seed}")
    return build_model(build_data(inst))


def quiet(limit):
    h = new_highs(1e-6, limit, 1)
    h.setOptionValue("output_flag", False)
    return h


def violation(lp: highspy.HighsLp, x: np.ndarray) -> float:
    """The largest bound, row or integrality violation of ``x`` in ``lp``."""
    m = lp.a_matrix_
    a = csc_array((m.value_, m.index_, m.start_), shape=(lp.num_row_, lp.num_col_))
    act = a @ x
    worst = [
        np.max(np.asarray(lp.row_lower_) - act, initial=0.0),
        np.max(act - np.asarray(lp.row_upper_), initial=0.0),
        np.max(np.asarray(lp.col_lower_) - x, initial=0.0),
        np.max(x - np.asarray(lp.col_upper_), initial=0.0),
    ]
    ints = integer_columns(lp)
    worst.append(np.max(np.abs(x[ints] - np.round(x[ints])), initial=0.0))
    return float(max(worst))


@pytest.mark.parametrize("seed", range(4))
def test_the_start_is_feasible_for_the_whole_model(seed):
    _info, lp, _nnz = compile_model(small_model(seed))
    start = relax_and_fix(lp, quiet, 30.0)
    assert start.x is not None
    assert start.n_integer > 0
    assert 0 < start.n_fixed <= start.n_integer
    assert violation(lp, start.x) <= TOL * max(1.0, np.max(np.abs(start.x)))
    # the relaxation bounds the start (HiGHS minimises the negated profit)
    assert start.lp_objective <= start.objective + TOL * abs(start.objective)


@pytest.mark.parametrize("seed", range(4))
def test_the_optimum_is_unchanged_by_the_start(seed):
    cold = run_highs(small_model(seed), start_heuristic=False, threads=1)
    warm = run_highs(small_model(seed), start_heuristic=True, threads=1)
    assert cold.status == warm.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize(("min_integers", "runs"), [(10**9, False), (0, True)])
def test_the_hook_runs_the_heuristic_on_timed_models_with_enough_integers(
    monkeypatch, caplog, min_integers, runs
):
    monkeypatch.setitem(START_HEURISTIC, "min_integers", min_integers)
    with caplog.at_level(logging.INFO, logger="gpnopt.solver.heuristic"):
        outcome = run_highs(small_model(0), threads=1, time_limit=60)
        untimed = run_highs(small_model(0), threads=1)  # no time limit: never on its own
    assert outcome.status == untimed.status == "optimal"
    assert outcome.objective == pytest.approx(untimed.objective, rel=1e-6)
    said = [r.getMessage() for r in caplog.records if r.name == "gpnopt.solver.heuristic"]
    assert len(said) == (1 if runs else 0)
    if runs:
        assert said[0].startswith("start heuristic: objective")


def test_a_kept_highs_gets_its_whole_time_limit_back(monkeypatch, caplog):
    # the heuristic's seconds come off the first solve only, not off re-solves
    monkeypatch.setitem(START_HEURISTIC, "min_integers", 0)
    with caplog.at_level(logging.INFO, logger="gpnopt.solver.heuristic"):
        outcome, kept = run_and_keep(small_model(1), threads=1, time_limit=60)
    assert any(r.name == "gpnopt.solver.heuristic" for r in caplog.records)  # it ran
    assert outcome.status == "optimal"
    _status, limit = kept.highs.getOptionValue("time_limit")
    assert limit == pytest.approx(60.0)
