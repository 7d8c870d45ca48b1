"""Which engine for the case's two-stage program: gpnopt's extensive form, mpi-sppy's, or PH.

On the draws of one replication of ``gpnopt robust instances/tm_ffg.yaml`` (every cost and
price +-20%, seed 0, N scenarios, default 200), side by side in one process, HiGHS on one
thread:

* ``gpnopt EF``: :func:`gpnopt.model.stochastic.build_extensive_form` (a block per
  scenario, built by the one-period builder) solved by :func:`gpnopt.solver.run_highs`;
* ``mpi-sppy EF``: ``mpisppy.utils.sputils.create_EF`` over the same scenario models
  (gpnopt's :func:`gpnopt.model.build_model`, first stage attached with
  ``attach_root_node``), solved by the same :func:`gpnopt.solver.run_highs`;
* ``mpi-sppy PH`` (``--ph``): progressive hedging (``mpisppy.opt.ph.PH``, rho 1 per unit of
  the first stage's scale, ``--ph-iterations`` at most) with Pyomo's ``appsi_highs`` on
  each scenario, as mpi-sppy runs without mpi4py (its own stand-in for MPI).

Prints the build and solve seconds, the objective and whether the designs agree. mpi-sppy
is not a dependency of gpnopt: ``pip install mpi-sppy`` to run the last two.

Usage::

    python benchmarks/robust_engines.py                  # N 200, both extensive forms
    python benchmarks/robust_engines.py --samples 50 --ph
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from pathlib import Path

import pyomo.environ as pyo

from gpnopt.data import build_data
from gpnopt.model import build_model
from gpnopt.model.stochastic import (
    FIRST_STAGE_FAMILIES,
    build_extensive_form,
    first_stage_variables,
)
from gpnopt.robust import RobustSpec, draw_instance, make_robust_plan
from gpnopt.solver import run_highs

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = tuple(FIRST_STAGE_FAMILIES)


def gpnopt_ef(datas: list) -> tuple[float, float, float, dict]:
    t0 = time.perf_counter()
    m = build_extensive_form(datas, FAMILIES)
    t1 = time.perf_counter()
    out = run_highs(m, threads=1, mip_gap=1e-4)
    t2 = time.perf_counter()
    design = {k: round(pyo.value(v)) for k, v in m.__dict__["first_stage"].items()}
    return t1 - t0, t2 - t1, out.objective, design


def _creator(datas: list):
    from mpisppy.utils import sputils

    def scenario_creator(name: str) -> pyo.ConcreteModel:
        s = int(name.split("_")[1])
        m = build_model(datas[s])
        first = list(first_stage_variables(m, FAMILIES).values())
        sputils.attach_root_node(m, m.objective, first)
        m._mpisppy_probability = 1.0 / len(datas)  # noqa: SLF001 - mpi-sppy's attribute
        return m

    return scenario_creator


def mpisppy_ef(datas: list) -> tuple[float, float, float, dict]:
    with contextlib.redirect_stdout(io.StringIO()):
        from mpisppy.utils import sputils
    names = [f"scen_{s}" for s in range(len(datas))]
    t0 = time.perf_counter()
    ef = sputils.create_EF(names, _creator(datas))
    t1 = time.perf_counter()
    out = run_highs(ef, threads=1, mip_gap=1e-4)
    t2 = time.perf_counter()
    first = first_stage_variables(getattr(ef, names[0]), FAMILIES)
    return t1 - t0, t2 - t1, out.objective, {k: round(pyo.value(v)) for k, v in first.items()}


def mpisppy_ph(datas: list, iterations: int) -> tuple[float, int, float, float]:
    with contextlib.redirect_stdout(io.StringIO()):
        from mpisppy.opt.ph import PH
    names = [f"scen_{s}" for s in range(len(datas))]
    options = {"solver_name": "appsi_highs", "PHIterLimit": iterations, "defaultPHrho": 1.0,
               "convthresh": 1e-4, "verbose": False, "display_progress": False,
               "display_timing": False, "iter0_solver_options": {},
               "iterk_solver_options": {}}
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        ph = PH(options, names, _creator(datas))
        conv, obj, trivial_bound = ph.ph_main()
    return time.perf_counter() - t0, int(ph._PHIter), float(conv), float(obj)  # noqa: SLF001


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--ph", action="store_true", help="also run progressive hedging")
    ap.add_argument("--ph-iterations", type=int, default=20)
    args = ap.parse_args()
    spec = RobustSpec.build(ROOT / "instances" / "tm_ffg.yaml", samples=args.samples,
                            replications=1, evaluate=2)
    plan = make_robust_plan(spec)
    datas = [build_data(draw_instance(plan, d)) for d in plan.replication_draws(0)]
    print(f"tm_ffg, N = {len(datas)} scenarios (every cost and price +-20%), HiGHS 1 thread")
    run_highs(build_model(datas[0]), threads=1)  # HiGHS's first solve in a process starts up
    b, s, obj, design = gpnopt_ef(datas)
    print(f"  gpnopt EF    build {b:7.2f} s  solve {s:7.2f} s  objective {obj:12,.2f}")
    try:
        mb, ms, mobj, mdesign = mpisppy_ef(datas)
    except ImportError:
        print("  mpi-sppy is not installed (pip install mpi-sppy): its engines are skipped")
        return
    print(f"  mpi-sppy EF  build {mb:7.2f} s  solve {ms:7.2f} s  objective {mobj:12,.2f}  "
          f"same design: {mdesign == design}")
    print(f"  build ratio mpi-sppy / gpnopt: {mb / b:.2f}")
    if args.ph:
        secs, iters, conv, pobj = mpisppy_ph(datas, args.ph_iterations)
        print(f"  mpi-sppy PH  {secs:7.2f} s for {iters} iterations ({secs / max(1, iters):.2f} "
              f"s each), convergence {conv:.3g}, objective {pobj:12,.2f}; "
              f"gpnopt EF build+solve {b + s:.2f} s")


if __name__ == "__main__":
    main()
