"""gpnopt's OR-Library model against the textbook one over HiGHS's random seeds.

``orlib_cap.py --textbook`` compares one solve of each, with HiGHS's seed 0. On capc one
branch-and-bound run of the same model moves by a quarter or more from one seed to the next
(``docs/performance.md``), so a single pair does not say whether gpnopt's formulation or
HiGHS's search path made the difference. This script solves, for each seed, HiGHS alone on

* ``gpnopt``: gpnopt's own standard form of the instance (``gpnopt.orlib.load_cap``, the data,
  the model and :func:`gpnopt.solver.highs.compile_model`: the matrix ``gpnopt solve`` hands
  to HiGHS, with HiGHS's options as gpnopt sets them but the seed and the threads; the start
  heuristic does not run on these 200 integer columns), and
* ``textbook``: the textbook strong formulation (``orlib_cap.textbook_lp``),

the two side by side, one process each (``--threads`` each, default 1, so that the pair fits
two cores), and prints each pair's seconds, the medians and their ratio (issue 22's target:
gpnopt at most as slow as the textbook, a ratio of medians at most 1). Only solves that
reach a proven optimum count towards the medians; one that stops at the limit is printed as
such.

Usage::

    python benchmarks/orlib_seeds.py --instances capc-5000 --seeds 0 1 2 --time-limit 1200
    python benchmarks/orlib_seeds.py --instances cap41 cap131 --seeds 0 1 2 3   # seconds
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from orlib_cap import instances, solve_lp, textbook_lp  # beside this file

from gpnopt.orlib import read_optima

KINDS = ("gpnopt", "textbook")


def gpnopt_lp(name: str, folder: Path) -> Any:
    """gpnopt's standard form of OR-Library instance ``name`` as a ``highspy.HighsLp``."""
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.orlib import load_cap
    from gpnopt.solver.highs import compile_model

    _info, lp, _nnz = compile_model(build_model(build_data(load_cap(name, folder))))
    return lp


def job(kind: str, name: str, folder: Path, seed: int, options: dict[str, Any]) -> dict[str, Any]:
    """One solve in a worker process: the model of ``kind`` with HiGHS's seed ``seed``."""
    entry = read_optima(folder)[name]
    lp = gpnopt_lp(name, folder) if kind == "gpnopt" else textbook_lp(entry, folder)
    out = solve_lp(lp, options["time_limit"], options["threads"], options["mip_gap"], seed)
    # gpnopt maximises minus the cost; the textbook minimises the cost
    out["cost"] = abs(out["cost"])
    out["reached"] = abs(out["cost"] - entry.optimal_cost) <= 1e-6 * entry.optimal_cost
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the seed study; exit code 1 when a proven optimum misses the published one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="*", metavar="NAME", default=["capc-5000"],
                        help="instance names, file prefixes or 'small'/'large' (capc-5000)")
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2],
                        help="HiGHS random seeds (0 1 2)")
    parser.add_argument("--time-limit", type=float, default=1200.0,
                        help="seconds per solve (1200)")
    parser.add_argument("--threads", type=int, default=1, help="HiGHS threads per solve (1)")
    parser.add_argument("--mip-gap", type=float, default=None, help="relative gap (1e-6)")
    parser.add_argument("--dir", type=Path, default=None, help="benchmark folder")
    args = parser.parse_args(argv)

    folder, _optima, names = instances(args.dir, args.instances)
    if not names:
        print("nothing to run")
        return 0
    options = {"time_limit": args.time_limit, "threads": args.threads, "mip_gap": args.mip_gap}
    print(f"HiGHS alone, {args.threads} thread(s) per solve, the two models of a seed side by "
          f"side, time limit {args.time_limit:g} s")
    print(f"{'instance':<12} {'seed':>4} {'gpnopt s':>9} {'textbook s':>10}  notes")
    wrong = 0
    verdicts: list[float] = []
    # spawned workers: a forked child of a process whose HiGHS scheduler runs may hang
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        for name in names:
            times: dict[str, list[float]] = {k: [] for k in KINDS}
            for seed in args.seeds:
                futures = {k: pool.submit(job, k, name, folder, seed, options) for k in KINDS}
                res = {k: f.result() for k, f in futures.items()}
                notes = []
                for k in KINDS:
                    if res[k]["optimal"]:
                        times[k].append(res[k]["wall_s"])
                        if not res[k]["reached"]:
                            wrong += 1
                            notes.append(f"{k} proved {res[k]['cost']:.3f}, not the optimum")
                    else:
                        found = ", its incumbent the published optimum" if res[k]["reached"] else ""
                        notes.append(
                            f"{k} stopped ({res[k]['status']}, gap {res[k]['gap']:.2e}{found})"
                        )
                print(f"{name:<12} {seed:>4} {res['gpnopt']['wall_s']:>9.2f} "
                      f"{res['textbook']['wall_s']:>10.2f}  {'; '.join(notes)}", flush=True)
            if all(len(times[k]) == len(args.seeds) for k in KINDS):
                med = {k: statistics.median(times[k]) for k in KINDS}
                ratio = med["gpnopt"] / med["textbook"]
                verdicts.append(ratio)
                pairs = [a / b for a, b in zip(times["gpnopt"], times["textbook"], strict=True)]
                print(f"{name:<12} {'med.':>4} {med['gpnopt']:>9.2f} {med['textbook']:>10.2f}  "
                      f"ratio of medians {ratio:.2f} (gpnopt / textbook per seed "
                      f"{min(pairs):.2f} to {max(pairs):.2f})")
            else:
                print(f"{name:<12} not decided: a solve stopped at the limit (give more time)")
    if verdicts:
        worst = max(verdicts)
        verdict = "met" if worst <= 1.0 else f"missed by {worst - 1.0:.2f}"
        print(f"\nworst ratio of medians (gpnopt / textbook, target <= 1): {worst:.2f}: {verdict}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
