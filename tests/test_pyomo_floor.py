"""``benchmarks/pyomo_floor.py`` measures Pyomo's floor on the very matrix gpnopt hands HiGHS.

Its model of the saved standard form must be gpnopt's model, not a smaller or easier one: the
same rows, columns and nonzeros, the same integer columns, and the same LP relaxation
optimum, here on the ``xs`` network of ``benchmarks/scale.py`` (fast). Not timed: the script
prints the figures (``docs/performance.md``, "Pyomo's own floor for item 3").
"""

from __future__ import annotations

from pathlib import Path

import highspy
import pytest

from bench_helpers import load_script
from gpnopt import solver

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def floor_module():
    return load_script(ROOT / "benchmarks" / "pyomo_floor.py", "gpnopt_pyomo_floor")


def _relaxation(lp) -> float:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solve_relaxation", True)
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value


def test_the_floor_model_is_gpnopts_model(floor_module, tmp_path):
    lp, nnz = floor_module.network_lp("xs", 1)
    shape = floor_module.export("xs", 1, tmp_path / "arrays.npz")
    assert shape == {"rows": lp.num_row_, "cols": lp.num_col_, "nnz": nnz}
    model = floor_module.floor_model(floor_module.load_arrays(tmp_path / "arrays.npz"))
    _info, floor_lp, floor_nnz = solver.compile_model(model, "floor")
    assert (floor_lp.num_row_, floor_lp.num_col_, floor_nnz) == (lp.num_row_, lp.num_col_, nnz)
    assert sum(int(t) for t in floor_lp.integrality_) == sum(int(t) for t in lp.integrality_) > 0
    assert _relaxation(floor_lp) == pytest.approx(_relaxation(lp), rel=1e-9)
