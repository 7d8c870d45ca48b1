"""Multi-period build time: a five-period generated network against its single period.

The network is the ``m`` size of ``benchmarks/scale.py`` (:func:`gpnopt.generate.generate`,
seed 0, no market minimums); the multi-period instance is the same network with
``periods:`` of five periods added (2000, 2002, 2004, 2006, 2008, two years each), the same
numbers in every period. Each is timed in a fresh Python process (so neither inherits the
other's heap), best of ``--repeat`` runs:

* ``data``: :func:`gpnopt.data.build_data` (single) or
  :func:`gpnopt.horizon_data.build_horizon_data` (five periods; periods whose instance equals
  the previous one share its derived data, so with the same numbers in every period this is
  one derivation; ``--distinct`` gives each period a slightly different price, so that each
  is derived on its own, as in an instance whose numbers change over time);
* ``model``: :func:`gpnopt.model.build_model` (the five-period model: five blocks, the
  assets' state rows, the net present value);
* ``hand-over``: the standard-form compiler and the ``HighsLp``
  (:func:`gpnopt.solver.compile_model`), shown for information.

``--periods N`` builds N periods instead of five. Target (printed): the N-period build (data
+ model) takes at most N times the single-period build (issue 13: five periods, 5 times).

Usage::

    python benchmarks/periods_build.py
    python benchmarks/periods_build.py --size s --repeat 5
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import copy
import gc
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gpnopt
from gpnopt.data import build_data
from gpnopt.generate import generate
from gpnopt.horizon_data import build_horizon_data
from gpnopt.model import build_model
from gpnopt.solver import compile_model

ROOT = Path(__file__).resolve().parents[1]
TARGET_PER_PERIOD = 1.0
"""Each period of the multi-period build may take at most this many single-period builds."""


def _sizes() -> dict[str, dict[str, int]]:
    """The sizes of ``benchmarks/scale.py`` (one table of sizes for every benchmark)."""
    spec = importlib.util.spec_from_file_location("gpnopt_scale", ROOT / "benchmarks" / "scale.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SIZES


def instances(size: str, periods: int, *, distinct: bool = False) -> tuple[Any, Any]:
    """The single-period network of ``size`` and the same network over ``periods`` periods
    (with ``distinct``, the instance of each period, its first market's prices raised by
    0.1% a period)."""
    raw = generate(0, min_served_share=0.0, name=f"synthetic-{size}", **_sizes()[size])
    single = gpnopt.instance_from_dict(raw, name=f"synthetic-{size}")
    multi_raw = copy.deepcopy(raw)
    multi_raw["periods"] = [
        {"id": f"Y{2000 + 2 * n}", "start": 2000 + 2 * n, "length": 2} for n in range(periods)
    ]
    multi = gpnopt.instance_from_dict(multi_raw, name=f"synthetic-{size}-{periods}p")
    if not distinct:
        return single, multi
    by_period = {}
    for n, period in enumerate(multi_raw["periods"]):
        one = copy.deepcopy(multi_raw)
        market = next(iter(one["markets"].values()))
        for dem in market["demand"].values():
            dem["price"] = dem["price"] * (1 + 0.001 * n)
        by_period[period["id"]] = gpnopt.instance_from_dict(one, name=multi.name)
    return single, (multi, by_period)


def time_build(inst: Any, *, periods: bool) -> dict[str, float]:
    """Seconds of data, model and hand-over for ``inst`` (``(instance, by_period)`` for
    distinct periods)."""
    gc.collect()
    t0 = time.perf_counter()
    if isinstance(inst, tuple):
        data = build_horizon_data(inst[0], instances=inst[1])
    else:
        data = build_horizon_data(inst) if periods else build_data(inst)
    t1 = time.perf_counter()
    model = build_model(data)
    t2 = time.perf_counter()
    _info, lp, nnz = compile_model(model)
    t3 = time.perf_counter()
    out = {"data": t1 - t0, "model": t2 - t1, "handover": t3 - t2, "build": t2 - t0,
           "columns": float(lp.num_col_), "rows": float(lp.num_row_), "nnz": float(nnz)}
    del model, data, lp
    return out


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the smallest build time."""
    return min(runs, key=lambda r: r["build"])


def worker(args: argparse.Namespace) -> None:
    """One measurement in this process, printed as JSON."""
    single, multi = instances(args.size, args.periods, distinct=args.distinct)
    inst = single if args.worker == "single" else multi
    print(json.dumps(time_build(inst, periods=args.worker == "multi")))


def measure(args: argparse.Namespace, which: str) -> dict[str, float]:
    """One measurement of ``which`` (single or multi) in a fresh process."""
    cmd = [sys.executable, __file__, "--worker", which, "--size", args.size,
           "--periods", str(args.periods), *(["--distinct"] if args.distinct else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="m", help="a size of benchmarks/scale.py (default m)")
    parser.add_argument("--periods", type=int, default=5, help="periods (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best kept (default 3)")
    parser.add_argument("--distinct", action="store_true",
                        help="give every period its own numbers (each period derived on its own)")
    parser.add_argument("--worker", choices=("single", "multi"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    one: list[dict[str, float]] = []
    many: list[dict[str, float]] = []
    for _ in range(args.repeat):  # alternate, so both see the same machine load
        one.append(measure(args, "single"))
        many.append(measure(args, "multi"))
    a, b = best(one), best(many)
    kind = "distinct numbers by period" if args.distinct else "the same numbers every period"
    print(f"size {args.size}: one period against {args.periods} periods ({kind}; best of "
          f"{args.repeat}, each in a fresh process)")
    print(f"{'':>12} {'data s':>8} {'model s':>8} {'build s':>8} {'hand-over s':>12} "
          f"{'columns':>9} {'rows':>9} {'nonzeros':>10}")
    for label, r in (("1 period", a), (f"{args.periods} periods", b)):
        print(f"{label:>12} {r['data']:8.2f} {r['model']:8.2f} {r['build']:8.2f} "
              f"{r['handover']:12.2f} {r['columns']:9.0f} {r['rows']:9.0f} {r['nnz']:10.0f}")
    ratio = b["build"] / a["build"]
    per_period = ratio / args.periods
    target = TARGET_PER_PERIOD * args.periods
    met = "met" if ratio <= target else "NOT met"
    print(f"build ratio {ratio:.2f} ({per_period:.2f} per period); target <= {target:g}x: {met}")
    return 0 if ratio <= target else 1


if __name__ == "__main__":
    raise SystemExit(main())
