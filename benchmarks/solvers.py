"""HiGHS against SCIP (and any other installed solver) on the scale sizes.

For each size (the case, and the synthetic networks of ``benchmarks/scale.py``'s ``SIZES``,
made by :func:`gpnopt.generate.generate` with ``--seed``) and each solver, a fresh Python
process loads the instance and runs ``gpnopt.solve(instance, solver=..., time_limit=...,
mip_gap=...)``; the solvers of one size run one after the other, so that the load of a
shared machine falls on both alike. Printed per row: the status, the objective, the bound
and the remaining gap, and the seconds of the build (data, model and, for HiGHS, the
hand-over), of the solver and of the whole call (the one-off imports of a process, Pyomo,
scipy.sparse and the SCIP interface, are done before the clock starts). HiGHS gets the standard form in one
``passModel`` call; SCIP gets its model from Pyomo's ``scip_direct`` interface, whose copy is
counted in its ``solve`` seconds (``docs/performance.md``, Solver choice).

Usage::

    python benchmarks/solvers.py                                   # case, xs, s; 60 s each
    python benchmarks/solvers.py --sizes m --time-limit 120        # the issue's m network
    python benchmarks/solvers.py --solvers highs,scip,gurobi       # where Gurobi is installed
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASE = ROOT / "instances" / "tm_ffg.yaml"
sys.path.insert(0, str(HERE))
from scale import SIZES  # noqa: E402 (the sizes are scale.py's, kept in one place)


def worker(size: str, solver: str, seed: int, time_limit: float, mip_gap: float) -> dict:
    """One solve in this process (the ``--worker`` mode): its figures as a dict."""
    import gpnopt
    import gpnopt.analysis
    import gpnopt.solver.highs  # noqa: F401 (one-off imports of a process: Pyomo, highspy)

    if solver == "scip":
        import pyomo.contrib.solver.solvers.scip.scip_direct  # noqa: F401
    t0 = time.perf_counter()
    if size == "case":
        inst = gpnopt.load(CASE)
    else:
        from gpnopt.generate import generate

        raw = generate(seed, min_served_share=0.0, name=f"synthetic-{size}", **SIZES[size])
        inst = gpnopt.instance_from_dict(raw, name=f"synthetic-{size}")
    t1 = time.perf_counter()
    try:
        r = gpnopt.solve(inst, solver=solver, time_limit=time_limit, mip_gap=mip_gap)
    except gpnopt.SolveError as exc:
        return {"status": exc.status, "error": str(exc).splitlines()[0], "load": t1 - t0}
    return {
        "status": r.status,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.mip_gap,
        "build": r.seconds.get("build", 0.0),
        "solve": r.seconds.get("solve", 0.0),
        "total": time.perf_counter() - t1,
    }


def measure(size: str, solver: str, args: argparse.Namespace) -> dict[str, Any]:
    """:func:`worker` in a fresh process (a solver that fails to start gives its error)."""
    cmd = [sys.executable, __file__, "--worker", size, solver, str(args.seed),
           str(args.time_limit), str(args.mip_gap)]
    run = subprocess.run(cmd, capture_output=True, text=True,
                         timeout=args.time_limit * 4 + 600)
    if run.returncode != 0:
        return {"status": "error", "error": (run.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def _f(x: Any, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def main() -> None:
    """Run the sizes and solvers; print the table (markdown)."""
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        size, solver, seed, limit, gap = sys.argv[2:7]
        print(json.dumps(worker(size, solver, int(seed), float(limit), float(gap))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="case,xs,s", help="case and names of scale.py")
    parser.add_argument("--solvers", default="highs,scip")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--mip-gap", type=float, default=1e-6)
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    print(f"seed {args.seed}, time limit {args.time_limit:g} s, gap {args.mip_gap:g}")
    print("| size | solver | status | objective | bound | gap | build s | solve s | total s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        for solver in solvers:
            r = measure(size, solver, args)
            if "error" in r:
                print(f"| {size} | {solver} | {r['status']}: {r['error']} |||||||")
                continue
            print(
                f"| {size} | {solver} | {r['status']} | {_f(r['objective'], ',.1f')} | "
                f"{_f(r['bound'], ',.1f')} | {_f(r['gap'], '.2%')} | {r['build']:.2f} | "
                f"{r['solve']:.2f} | {r['total']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
