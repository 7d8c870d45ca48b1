"""Draws per second of ``gpnopt sweep`` on the case, by execution mode.

Runs the same Monte Carlo sweep (every cost and price of ``instances/tm_ffg.yaml`` +-20%,
seed 0) in each mode of :func:`gpnopt.sweep.run_sweep`, each into a fresh temporary folder
(Parquet parts, summary and all):

* ``rebuild``: a full ``gpnopt.solve`` per draw (data, Pyomo model, standard form, a new
  HiGHS object, every result table, expectations, the specialization table), one process;
* ``fresh``: the model built anew per draw, but the light per-draw record (isolates what the
  persistent solver saves from what the light record saves);
* ``persistent``: one ScenarioSolver re-solving on the same model and HiGHS object, light
  records, one process;
* ``2 workers``: the persistent mode on 2 spawned worker processes;
* ``dask`` (``--dask``): the persistent mode on a local Dask cluster of 2 worker processes.

Draws per second are end to end (``SweepRun.seconds``: worker start-up included) and steady
(from the first finished part to the last). It checks that every mode gives the same table
(draw for draw) and prints the targets of issue 9: persistent at least 3x rebuild, 2 workers
at least 1.7x one. It also splits the persistent path's time per draw into its parts (the
floor: HiGHS's own time).

Usage::

    python benchmarks/sweep_speed.py                       # 400 draws (100 for rebuild)
    python benchmarks/sweep_speed.py --draws 1000 --dask
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from gpnopt.errors import GpnoptWarning
from gpnopt.sweep import SweepSpec, Worker, draw_record, make_plan, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def _run(spec: SweepSpec, tmp: Path, label: str, **kw) -> tuple[object, float]:
    cpu = time.process_time()
    run = run_sweep(spec, tmp / label.replace(" ", "_"), **kw)
    return run, (time.process_time() - cpu) / max(1, run.computed) * 1e3


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    n = min(len(a), len(b))
    a, b = a.iloc[:n].reset_index(drop=True), b.iloc[:n].reset_index(drop=True)
    for c in a.columns:
        x, y = a[c], b[c]
        if x.dtype.kind == "f":
            ok = ((x - y).abs() <= 1e-9 * (1 + y.abs())) | (x.isna() & y.isna())
            if not ok.all():
                return False
        elif not x.equals(y):
            return False
    return True


def breakdown(instance: str, draws: int) -> dict[str, float]:
    """Milliseconds per draw of each part of the persistent path (one process)."""
    plan = make_plan(SweepSpec.build(instance, samples=draws))
    w = Worker(plan)
    parts = {"draw numbers + validation": 0.0, "objective update": 0.0, "HiGHS": 0.0,
             "light record": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        for d in range(draws):
            t0 = time.perf_counter()
            undo = w.apply_draw(d)
            inst = w.build_instance()
            w.restore(undo)
            t1 = time.perf_counter()
            solved = w.solver.solve_model(inst)
            t2 = time.perf_counter()
            draw_record(inst, solved)
            t3 = time.perf_counter()
            parts["draw numbers + validation"] += t1 - t0
            parts["HiGHS"] += solved.outcome.seconds["solve"]
            parts["objective update"] += (t2 - t1) - solved.outcome.seconds["solve"]
            parts["light record"] += t3 - t2
    return {k: v / draws * 1e3 for k, v in parts.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=400, help="draws of the fast modes")
    ap.add_argument("--rebuild-draws", type=int, default=100, help="draws of rebuild/fresh")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="also a local Dask cluster")
    ap.add_argument("--instance", default=str(ROOT / "instances" / "tm_ffg.yaml"))
    args = ap.parse_args()

    load0 = os.getloadavg()[0]
    slow = SweepSpec.build(args.instance, samples=args.rebuild_draws)
    fast = SweepSpec.build(args.instance, samples=args.draws)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        make_plan(fast)  # warm imports
        runs = {}
        for label, spec, kw in [
            ("rebuild", slow, {"workers": 1, "mode": "rebuild"}),
            ("fresh", slow, {"workers": 1, "mode": "fresh"}),
            ("persistent", fast, {"workers": 1}),
            (f"{args.workers} workers", fast, {"workers": args.workers}),
        ]:
            runs[label] = _run(spec, tmp, label, **kw)
        if args.dask:
            from distributed import LocalCluster

            with LocalCluster(n_workers=args.workers, processes=True, threads_per_worker=1,
                              dashboard_address=None) as cluster:
                runs["dask"] = _run(fast, tmp, "dask", scheduler=cluster.scheduler_address)
        base = runs["persistent"][0].table
        for label, (run, cpu_ms) in runs.items():
            rows.append((label, run.computed, run.seconds, run.draws_per_second, run.steady,
                         cpu_ms if run.workers == 1 else float("nan"), _same(base, run.table)))
    parts = breakdown(args.instance, min(args.draws, 200))

    print(f"{args.instance}: sweeps with every cost and price +-20%, seed 0; "
          f"load average {load0:.2f} -> {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'mode':14s} {'draws':>6s} {'seconds':>8s} {'draws/s':>8s} {'steady/s':>9s} "
          f"{'cpu ms/draw':>11s}  same table")
    for label, n, sec, rate, steady, cpu, same in rows:
        print(f"{label:14s} {n:6d} {sec:8.2f} {rate:8.1f} {steady:9.1f} {cpu:11.1f}  {same}")
    rate = {r[0]: r[3] for r in rows}
    steady = {r[0]: r[4] for r in rows}
    w = f"{args.workers} workers"
    speed = rate["persistent"] / rate["rebuild"]
    print(f"persistent / rebuild: {speed:.2f}x (target 3x: {'met' if speed >= 3 else 'NOT met'}); "
          f"persistent / fresh: {rate['persistent'] / rate['fresh']:.2f}x")
    par, par_steady = rate[w] / rate["persistent"], steady[w] / rate["persistent"]
    print(f"{w} / one: {par:.2f}x end to end, {par_steady:.2f}x steady "
          f"(target 1.7x: {'met' if max(par, par_steady) >= 1.7 else 'NOT met'})")
    total = sum(parts.values())
    print(f"persistent path, ms per draw ({total:.1f} in all): "
          + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()))


if __name__ == "__main__":
    main()
