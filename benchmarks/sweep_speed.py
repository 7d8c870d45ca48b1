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
* ``2 workers``: the persistent mode on 2 spawned worker processes (``--workers N``: N);
* ``dask`` (``--dask``): the persistent mode on a local Dask cluster of 2 worker processes.

Draws per second are end to end (``SweepRun.seconds``: worker start-up included) and steady
(from the first finished part to the last). It checks that every mode gives the same table
(draw for draw) and prints the targets of issue 9: persistent at least 3x rebuild, 2 workers
at least 1.7x one. It also splits the persistent path's time per draw into its parts (the
floor: HiGHS's own time), and prints issue 22's item 5: the share of a persistent draw's CPU
time spent inside HiGHS's run (target 80%; measured in alternating rounds against the draw
path as it was before item 5, the same draws, with the load average beside each round), and
2 workers against one end to end for 1,000 draws (target 1.8x, ``--draws 1000``).

Usage::

    python benchmarks/sweep_speed.py                       # 400 draws (100 for rebuild)
    python benchmarks/sweep_speed.py --draws 1000 --dask
    python benchmarks/sweep_speed.py --draws 1000 --rebuild-draws 50   # item 5's targets
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import os
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import gpnopt.io
import gpnopt.solver.persistent
from gpnopt.errors import GpnoptWarning
from gpnopt.sweep import SweepSpec, Worker, draw_record, make_plan, run_sweep
from gpnopt.sweep.worker import frozen_collector

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
            inst = w.build_instance(numbers_changed=w.numbers_only,
                                    numbers_replaced=w.numbers_replaced)
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


class _HighsClock:
    """Wall and CPU seconds spent in ``run_solver`` of the persistent path (HiGHS's run)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0
        self._run = gpnopt.solver.persistent.run_solver

    def __call__(self, h: object) -> None:
        w, c = time.perf_counter(), time.process_time()
        try:
            self._run(h)
        finally:
            self.wall += time.perf_counter() - w
            self.cpu += time.process_time() - c


@contextlib.contextmanager
def _before_item5(w: Worker):
    """The persistent draw as it was before issue 22's item 5: ``copy.deepcopy`` of the
    mapping, the provenance texts and every meaning check run on every draw, the garbage
    collector unfrozen."""
    plain, numbers_only, replaced = gpnopt.io.plain_copy, w.numbers_only, w.numbers_replaced
    gpnopt.io.plain_copy, w.numbers_only, w.numbers_replaced = copy.deepcopy, False, False
    try:
        yield
    finally:
        gpnopt.io.plain_copy, w.numbers_only, w.numbers_replaced = plain, numbers_only, replaced


def highs_share(instance: str, draws: int, rounds: int) -> dict[str, list[dict[str, float]]]:
    """Per round, before and after (alternating, the same draws): wall and CPU ms per draw
    of ``Worker.run`` (the whole persistent draw) and the part inside HiGHS's run."""
    plan = make_plan(SweepSpec.build(instance, samples=draws))
    w = Worker(plan)
    clock = _HighsClock()
    gpnopt.solver.persistent.run_solver = clock
    out: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GpnoptWarning)
            for _ in range(rounds):
                for label in ("before", "after"):
                    ctx = _before_item5(w) if label == "before" else frozen_collector()
                    clock.wall = clock.cpu = 0.0
                    with ctx:
                        t, c = time.perf_counter(), time.process_time()
                        for d in range(draws):
                            w.run(d)
                        t, c = time.perf_counter() - t, time.process_time() - c
                    out[label].append({"wall": t / draws * 1e3, "cpu": c / draws * 1e3,
                                       "highs": clock.wall / draws * 1e3,
                                       "highs_cpu": clock.cpu / draws * 1e3,
                                       "load": os.getloadavg()[0]})
    finally:
        gpnopt.solver.persistent.run_solver = clock._run  # noqa: SLF001 - the benchmark's own
    return out


def print_share(out: dict[str, list[dict[str, float]]]) -> float:
    """Print the HiGHS share per round; return the best share after (CPU time)."""
    print("persistent draw, side by side (alternating rounds, the same draws): "
          "ms per draw (wall, CPU), of it inside HiGHS's run, and HiGHS's share")
    for label, rows in out.items():
        for r in rows:
            print(f"  {label:6s} wall {r['wall']:5.1f} (HiGHS {r['highs']:5.1f}, "
                  f"{r['highs'] / r['wall']:4.0%})  CPU {r['cpu']:5.1f} (HiGHS "
                  f"{r['highs_cpu']:5.1f}, {r['highs_cpu'] / r['cpu']:4.0%})  "
                  f"load {r['load']:.2f}")
    best = max(r["highs_cpu"] / r["cpu"] for r in out["after"])
    ratio = min(r["cpu"] for r in out["before"]) / min(r["cpu"] for r in out["after"])
    print(f"item 5: a persistent draw inside HiGHS {best:.0%} of its CPU time (best round; "
          f"target 80%: {'met' if best >= 0.8 else 'NOT met'}); before / after CPU per draw "
          f"{ratio:.2f}x (best of each)")
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=400, help="draws of the fast modes")
    ap.add_argument("--rebuild-draws", type=int, default=100, help="draws of rebuild/fresh")
    ap.add_argument("--workers", type=int, default=2, help="worker processes of the parallel mode")
    ap.add_argument("--dask", action="store_true", help="also a local Dask cluster")
    ap.add_argument("--instance", default=str(ROOT / "instances" / "tm_ffg.yaml"), help="instance file")
    ap.add_argument("--share-rounds", type=int, default=3,
                    help="alternating rounds before/after of the HiGHS share (0: none)")
    ap.add_argument("--share-draws", type=int, default=100, help="draws per share round")
    args = ap.parse_args()

    load0 = os.getloadavg()[0]
    slow = SweepSpec.build(args.instance, samples=args.rebuild_draws)
    fast = SweepSpec.build(args.instance, samples=args.draws)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        make_plan(fast)  # warm imports
        runs = {}
        loads: dict[str, tuple[float, float]] = {}
        for label, spec, kw in [
            ("rebuild", slow, {"workers": 1, "mode": "rebuild"}),
            ("fresh", slow, {"workers": 1, "mode": "fresh"}),
            ("persistent", fast, {"workers": 1}),
            (f"{args.workers} workers", fast, {"workers": args.workers}),
        ]:
            before = os.getloadavg()[0]
            runs[label] = _run(spec, tmp, label, **kw)
            loads[label] = (before, os.getloadavg()[0])
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
    print(f"persistent / rebuild: {speed:.2f}x (issue 9's target 3x: {'met' if speed >= 3 else 'NOT met'}); "
          f"persistent / fresh: {rate['persistent'] / rate['fresh']:.2f}x")
    par, par_steady = rate[w] / rate["persistent"], steady[w] / rate["persistent"]
    print(f"{w} / one: {par:.2f}x end to end, {par_steady:.2f}x steady "
          f"(issue 9's target 1.7x, end to end or steady: {'met' if max(par, par_steady) >= 1.7 else 'NOT met'})")
    total = sum(parts.values())
    print(f"persistent path, ms per draw ({total:.1f} in all): "
          + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()))
    load_par = (loads["persistent"][0], loads[w][1])
    par_met = par >= 1.8 and args.draws >= 1000
    print(f"item 5: {w} / one end to end for {args.draws} draws: {par:.2f}x (target 1.8x for "
          f"1,000 draws: {'met' if par_met else 'NOT met'}; load average {load_par[0]:.2f} "
          f"before the one-worker run, {load_par[1]:.2f} after the {w} run on "
          f"{os.cpu_count()} CPUs)")
    if args.share_rounds:
        print_share(highs_share(args.instance, args.share_draws, args.share_rounds))


if __name__ == "__main__":
    main()
