"""What ``gpnopt solve`` of the case loads: the rule behind issue 22's end-to-end target.

The command's start-up is most of its time (``docs/performance.md``, "The case end to end"),
so the packages only other commands need must stay out of it: pandas and pyarrow (the
result tables are made DataFrames only when read), scipy (the hand-over's matrices are
numpy, ``solver/sparse.py``), matplotlib (``report``), dask (``sweep --dask``), SALib
(``sensitivity``) and openpyxl (``--format xlsx``). Not a timed test: the rule is checked on
``sys.modules`` of a fresh interpreter, with pyomo and highspy as the control that the check
sees what the command does load.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"

NOT_NEEDED = ("pandas", "pyarrow", "scipy", "matplotlib", "dask", "distributed", "SALib",
              "openpyxl")
"""Top-level packages ``gpnopt solve`` of the case must not import."""

NEEDED = ("pyomo", "highspy")
"""Packages it does import (the control: the check sees what is loaded)."""

SCRIPT = """
import sys
from gpnopt.cli import app
try:
    app(["solve", {case!r}])
except SystemExit as exc:
    assert not exc.code, exc.code
loaded = sorted({{name.split(".")[0] for name in sys.modules}})
print("LOADED", ",".join(loaded), file=sys.stderr)
print("PYOMO", ",".join(sorted(m for m in sys.modules if m.startswith("pyomo."))),
      file=sys.stderr)
"""

PYOMO_NOT_NEEDED = ("pyomo.environ", "pyomo.solvers", "pyomo.gdp", "pyomo.dae", "pyomo.mpec",
                    "pyomo.contrib.solver", "pyomo.contrib.gdpopt", "pyomo.contrib.mindtpy",
                    "pyomo.contrib.appsi")
"""Pyomo's plugins, loaded by ``import pyomo.environ``: the HiGHS path of ``gpnopt solve``
needs none (only ``pyomo.core`` and the standard-form compiler); another ``--solver`` loads
them when it is asked for (``solver/interfaces.py::_build``)."""

PYOMO_NEEDED = ("pyomo.core", "pyomo.repn.plugins.standard_form")
"""The Pyomo modules it does import (the control)."""


def _solve_in_a_fresh_interpreter() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(case=str(CASE))],
                          capture_output=True, text=True, check=True)


def test_solve_of_the_case_imports_only_what_it_needs():
    run = _solve_in_a_fresh_interpreter()
    line = next(x for x in run.stderr.splitlines() if x.startswith("LOADED "))
    loaded = set(line.split(" ", 1)[1].split(","))
    assert set(NEEDED) <= loaded, line
    assert not loaded & set(NOT_NEEDED), sorted(loaded & set(NOT_NEEDED))
    assert "Profit by plant" in run.stdout


def test_solve_of_the_case_loads_no_pyomo_plugins():
    run = _solve_in_a_fresh_interpreter()
    line = next(x for x in run.stderr.splitlines() if x.startswith("PYOMO "))
    loaded = set(line.split(" ", 1)[1].split(","))
    assert set(PYOMO_NEEDED) <= loaded, line
    plugins = sorted(m for m in loaded if m.startswith(PYOMO_NOT_NEEDED))
    assert not plugins, plugins[:20]
