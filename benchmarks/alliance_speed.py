"""The alliance analysis of the case: coalitions plus a 20-point frontier within 10 s.

Runs ``gpnopt.alliance`` on ``instances/tm_ffg.yaml`` (TM, FFG, Toyota Tsusho: 7 coalitions,
the TM-FFG frontier with ``--points`` points and its marks) ``--repeat`` times and prints the
wall time of each part. For comparison it also times the coalitions the simple way, a fresh
build per coalition (``gpnopt.solve`` with the closed columns fixed in a new model), to show
what the kept HiGHS object (``gpnopt.solver.CoalitionSolver``) saves. Usage::

    python benchmarks/alliance_speed.py --points 20 --repeat 3
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import gpnopt
from gpnopt.alliance.games import coalitions
from gpnopt.data import build_data
from gpnopt.model import build_model
from gpnopt.model.coalition import add_coalition
from gpnopt.schema import Objective
from gpnopt.solver import run_highs

ROOT = Path(__file__).resolve().parents[1]
TARGET = 10.0
"""Seconds the case's coalitions and a 20-point frontier may take on 2 cores."""


def rebuilt_values(instance: gpnopt.Instance) -> tuple[float, dict[frozenset[str], float]]:
    """v(S) of every coalition by a fresh data, model and HiGHS build each; seconds and values."""
    t0 = time.perf_counter()
    values = {}
    for s in coalitions(list(instance.firms)):
        firms = {f: fd.model_copy(update={"reservation_profit": None}) for f, fd in instance.firms.items()}
        inst = instance.model_copy(
            update={"objective": Objective(mode="alliance", firms=sorted(s)), "firms": firms}
        )
        data = build_data(inst)
        model = build_model(data, "alliance")
        add_coalition(model, data, s)
        values[s] = run_highs(model).objective
    return time.perf_counter() - t0, values


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--instance", default=str(ROOT / "instances" / "tm_ffg.yaml"))
    args = ap.parse_args()
    inst = gpnopt.load(args.instance)
    gpnopt.alliance(inst, points=2)  # warm-up: imports, first model build
    best = None
    for k in range(args.repeat):
        t0 = time.perf_counter()
        a = gpnopt.alliance(inst, frontier=("TM", "FFG"), points=args.points)
        total = time.perf_counter() - t0
        s = a.seconds
        print(
            f"run {k + 1}: total {total:.2f} s (build {s['build']:.2f}, "
            f"{len(a.coalitions)} coalitions {s['coalitions']:.2f}, "
            f"frontier of {len(a.frontier)} points and {len(a.marks)} marks {s['frontier']:.2f}), "
            f"{a.solves} HiGHS solves"
        )
        best = total if best is None else min(best, total)
    seconds, values = rebuilt_values(inst)
    kept = {frozenset(c.split("+")): v for c, v in zip(a.coalitions["coalition"], a.coalitions["value"], strict=True)}
    same = all(abs(values[s] - kept[s]) <= 1e-6 * max(1.0, abs(kept[s])) for s in values)
    print(
        f"coalitions rebuilt per coalition: {seconds:.2f} s (kept model: {a.seconds['coalitions']:.2f} s); "
        f"same values: {same}"
    )
    assert best is not None
    verdict = "met" if best <= TARGET else "NOT met"
    print(f"target: coalitions + {args.points}-point frontier <= {TARGET:g} s: best {best:.2f} s: {verdict}")


if __name__ == "__main__":
    main()
