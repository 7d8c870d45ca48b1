"""Rebuild versus persistent re-solve for scenarios of the case that change only numbers.

Draws ``--draws`` copies of ``instances/tm_ffg.yaml`` with seeded +-20% noise on every cost
and price (numbers only: the model's rows and columns stay the same), then solves them

* rebuilding everything per scenario (``gpnopt.solve``: data, Pyomo model, standard form,
  a new HiGHS object), and
* with :class:`gpnopt.solver.ScenarioSolver`, which rebuilds only the profit expressions
  and hands the new cost vector to the same HiGHS object (``changeColsCost``).

It checks that both give the same objectives and prints seconds per solve. Usage::

    python benchmarks/scenario_updates.py --draws 100
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from pathlib import Path

import gpnopt
from gpnopt.io import instance_from_dict, read_instance_file
from gpnopt.solver import ScenarioSolver, solve_instance

ROOT = Path(__file__).resolve().parents[1]


def noisy(node, rng: random.Random, noise: float, hot: bool = False):
    """Copy with every number under a cost or price key scaled by U[1-noise, 1+noise]."""
    if isinstance(node, dict):
        return {
            k: noisy(v, rng, noise, hot or (isinstance(k, str) and ("cost" in k or "price" in k)))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [noisy(v, rng, noise, hot) for v in node]
    if hot and isinstance(node, int | float) and not isinstance(node, bool):
        return node * rng.uniform(1 - noise, 1 + noise)
    return node


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--instance", default=str(ROOT / "instances" / "tm_ffg.yaml"))
    args = ap.parse_args()

    raw = read_instance_file(args.instance)  # with its imports (a taxed copy, a variant)
    rng = random.Random(args.seed)
    insts = [
        instance_from_dict(noisy(copy.deepcopy(raw), rng, 0.2), name=args.instance)
        for _ in range(args.draws)
    ]
    gpnopt.solve(insts[0])  # warm imports

    t0 = time.perf_counter()
    rebuilt = [solve_instance(i).objective for i in insts]
    t1 = time.perf_counter()
    solver = ScenarioSolver()
    persistent = [solver.solve(i).objective for i in insts]
    t2 = time.perf_counter()

    worst = max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(rebuilt, persistent, strict=True))
    n = len(insts)
    print(f"{args.instance}: {n} cost/price scenarios, seed {args.seed}")
    print(f"{'path':32s} {'ms per solve':>12s} {'solves/s':>9s}")
    print(f"{'rebuild per scenario':32s} {(t1 - t0) / n * 1e3:12.1f} {n / (t1 - t0):9.1f}")
    print(f"{'persistent re-solve':32s} {(t2 - t1) / n * 1e3:12.1f} {n / (t2 - t1):9.1f}")
    print(f"speed-up {(t1 - t0) / (t2 - t1):.2f}x; re-used {solver.persistent}, rebuilt "
          f"{solver.rebuilt}; largest relative objective difference {worst:.1e}")


if __name__ == "__main__":
    main()
