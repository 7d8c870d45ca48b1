"""Solve OR-Library capacitated facility location instances with gpnopt.

Each instance of ``optima.csv`` is mapped onto gpnopt (see :mod:`gpnopt.orlib`) and solved;
the table compares minus the gpnopt objective with the published optimum. Not part of the
test suite: capa/capb/capc (100 warehouses x 1000 customers) take minutes each.

Usage::

    python benchmarks/orlib_cap.py                       # capa, capb, capc (12 instances)
    python benchmarks/orlib_cap.py --instances cap41 capb-5000 --time-limit 60
    python benchmarks/orlib_cap.py --instances small     # cap41..cap134

``--textbook`` also solves each instance as HiGHS alone on the textbook strong formulation
(built with highspy straight from the file, no gpnopt), in the same process right after
gpnopt's solve and with the same options, and prints the ratio of gpnopt's wall time to it
(the target of issue 22: at most 1)::

    min  sum_i f_i y_i + sum_ij c_ij x_ij
    s.t. sum_i x_ij = 1 (every j);  sum_j d_j x_ij <= s_i y_i (every i);  x_ij <= y_i;
         0 <= x_ij, y_i binary

The benchmark folder is ``--dir``, else ``GPNOPT_ORLIB_DIR``, else
``shared/benchmarks/orlib-cap`` beside the repository. The small instances also live in the
repository (``tests/data/orlib-cap``) and are used from there when no folder is found; the
large files (about 1.2 MB each) come from Beasley's OR-Library (``capa``, ``capb``, ``capc``
and ``capopt`` at https://people.brunel.ac.uk/~mastjjb/jeb/orlib/capinfo.html): put them with
an ``optima.csv`` as in ``tests/data/orlib-cap`` into a folder and name it.
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import gpnopt
from gpnopt.errors import GpnoptError
from gpnopt.orlib import ENV_DIR, CapEntry, load_cap, read_cap, read_optima

LARGE_PREFIXES = ("capa", "capb", "capc")
IN_REPO = Path(__file__).resolve().parents[1] / "tests" / "data" / "orlib-cap"
WHERE = (
    "the large OR-Library files capa.txt, capb.txt, capc.txt are not in the repository: get "
    "them from https://people.brunel.ac.uk/~mastjjb/jeb/orlib/capinfo.html, list them in an "
    "optima.csv (as shared/benchmarks/orlib-cap/ or tests/data/orlib-cap/ do) and pass the "
    f"folder with --dir or {ENV_DIR}"
)


def default_dir() -> Path:
    """The benchmark folder: ``GPNOPT_ORLIB_DIR`` or ``shared/`` beside the repository."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "orlib-cap"


def select(optima: dict[str, CapEntry], names: list[str] | None) -> list[str]:
    """Instance names to run: given names, ``small``/``large``, or by default all large ones.

    A name that is a file prefix (``capa``) selects every instance of that file.
    """
    large = [n for n in optima if n.startswith(LARGE_PREFIXES)]
    small = [n for n in optima if n not in large]
    if not names:
        return large
    out: list[str] = []
    for name in names:
        if name == "small":
            out += small
        elif name == "large":
            out += large
        elif name in optima:
            out.append(name)
        else:
            matches = [n for n in optima if n.split("-")[0] == name]
            if not matches:
                msg = f"unknown instance {name!r} (known: {', '.join(optima)}, small, large)"
                raise SystemExit(msg)
            out += matches
    return list(dict.fromkeys(out))


def instances(
    folder: Path | None, names: list[str] | None
) -> tuple[Path, dict[str, CapEntry], list[str]]:
    """The benchmark folder (``folder``, else :func:`default_dir`, else the small instances in
    the repository), its optima and the selected names whose files are there; it prints which
    fallback it took and which instances it skipped."""
    folder = folder or default_dir()
    if not (folder / "optima.csv").is_file():
        print(f"no OR-Library folder at {folder}; using the small instances in {IN_REPO}")
        folder = IN_REPO
    optima = read_optima(folder)
    chosen = select(optima, names)
    missing = [n for n in chosen if not (folder / optima[n].file).is_file()]
    if missing:
        print(f"skipped {len(missing)} instance(s) ({', '.join(missing)}): {WHERE}")
    return folder, optima, [n for n in chosen if n not in missing]


def _fmt(value: Any, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return str(value)


def run(
    name: str,
    entry: CapEntry,
    folder: Path,
    time_limit: float,
    threads: int | None,
    mip_gap: float | None,
) -> dict[str, Any]:
    """Load, solve and time one instance; a row of the table."""
    row: dict[str, Any] = {"instance": name, "optimum": entry.optimal_cost}
    t0 = time.perf_counter()
    try:
        inst = load_cap(name, folder)
        row["load_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        result = gpnopt.solve(inst, time_limit=time_limit, mip_gap=mip_gap, threads=threads)
        wall = time.perf_counter() - t1
    except GpnoptError as exc:
        row["status"] = f"error: {exc}".splitlines()[0]
        return row
    cost = -result.objective
    row.update(
        cost=cost,
        rel_diff=(cost - entry.optimal_cost) / abs(entry.optimal_cost),
        status=result.status,
        gap=result.mip_gap,
        build_s=result.seconds.get("build"),
        solve_s=result.seconds.get("solve"),
        wall_s=wall,
    )
    return row


def textbook_lp(entry: CapEntry, folder: Path) -> Any:
    """The textbook strong CFLP of one instance (module docstring) as a ``highspy.HighsLp``."""
    import highspy
    import numpy as np
    from scipy.sparse import csc_matrix

    data = read_cap(folder / entry.file, capacity=entry.capacity)
    m, n = data.m, data.n
    d, s, f, c = data.demands, data.capacities, data.fixed_costs, data.costs
    nx = m * n  # x[i, j] at column i * n + j, then y[i] at nx + i
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nx + m, n + m + nx
    lp.col_cost_ = np.concatenate([c.ravel(), f]).astype(float)
    lp.col_lower_ = np.zeros(nx + m)
    lp.col_upper_ = np.ones(nx + m)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.concatenate([np.ones(n), np.full(m + nx, -inf)])
    lp.row_upper_ = np.concatenate([np.ones(n), np.zeros(m + nx)])
    # rows: assignment j (0..n-1), capacity i (n..n+m-1), link (i, j) (n+m+i*n+j)
    i_of = np.repeat(np.arange(m), n)
    j_of = np.tile(np.arange(n), m)
    rows = np.concatenate([j_of, n + i_of, n + m + np.arange(nx)])
    cols = np.concatenate([np.arange(nx)] * 3)
    vals = np.concatenate([np.ones(nx), d[j_of], np.ones(nx)])
    y_rows = np.concatenate([n + np.arange(m), n + m + np.arange(nx)])
    y_cols = np.concatenate([nx + np.arange(m), nx + i_of])
    y_vals = np.concatenate([-s, -np.ones(nx)])
    a = csc_matrix(
        (np.concatenate([vals, y_vals]), (np.concatenate([rows, y_rows]),
                                          np.concatenate([cols, y_cols]))),
        shape=(lp.num_row_, lp.num_col_),
    )
    a.sort_indices()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * nx + [highspy.HighsVarType.kInteger] * m
    return lp


def solve_lp(
    lp: Any,
    time_limit: float,
    threads: int | None,
    mip_gap: float | None,
    seed: int = 0,
) -> dict[str, Any]:
    """HiGHS alone on ``lp`` (silent, ``random_seed`` ``seed``): its objective, status, gap
    and the seconds of ``passModel`` and ``run``."""
    import highspy

    t0 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 1e-6 if mip_gap is None else mip_gap)
    h.setOptionValue("time_limit", float(time_limit))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    h.passModel(lp)
    h.run()
    info = h.getInfo()
    return {
        "cost": info.objective_function_value,
        "status": h.modelStatusToString(h.getModelStatus()),
        "optimal": h.getModelStatus() == highspy.HighsModelStatus.kOptimal,
        "gap": info.mip_gap,
        "wall_s": time.perf_counter() - t0,
    }


def textbook(
    entry: CapEntry, folder: Path, time_limit: float, threads: int | None, mip_gap: float | None
) -> dict[str, Any]:
    """HiGHS alone on the textbook strong CFLP of one instance (module docstring): its cost
    and wall time (building the ``HighsLp`` with numpy included)."""
    t0 = time.perf_counter()
    lp = textbook_lp(entry, folder)
    out = solve_lp(lp, time_limit, threads, mip_gap)
    out["wall_s"] = time.perf_counter() - t0
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit code 1 when an optimum is missed by more than 1e-6."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instances",
        nargs="*",
        metavar="NAME",
        help="instance names of optima.csv, file prefixes (capa), 'small' or 'large' "
        "(default: all of capa, capb, capc)",
    )
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per solve (600)")
    parser.add_argument(
        "--mip-gap", type=float, default=None, help="relative MIP gap (gpnopt default 1e-6)"
    )
    parser.add_argument("--threads", type=int, default=None, help="solver threads")
    parser.add_argument("--dir", type=Path, default=None, help="benchmark folder")
    parser.add_argument(
        "--textbook",
        action="store_true",
        help="also solve the textbook strong formulation with HiGHS alone (side by side)",
    )
    args = parser.parse_args(argv)

    folder, optima, names = instances(args.dir, args.instances)
    if not names:
        print("nothing to run")
        return 0

    header = (
        f"{'instance':<12} {'published':>15} {'gpnopt':>15} {'rel.diff':>10} {'status':<12} "
        f"{'gap':>9} {'load s':>7} {'build s':>8} {'solve s':>8} {'wall s':>8}"
        + (f" {'textbook s':>10} {'ratio':>6}" if args.textbook else "")
    )
    print(header)
    print("-" * len(header))
    missed = 0
    ratios: list[float] = []
    undecided: list[str] = []  # both stopped at the limit: no ratio of times to compare
    for name in names:
        row = run(name, optima[name], folder, args.time_limit, args.threads, args.mip_gap)
        rel = row.get("rel_diff")
        if rel is None or abs(rel) > 1e-6:
            missed += 1
        extra = ""
        if args.textbook:
            tb = textbook(optima[name], folder, args.time_limit, args.threads, args.mip_gap)
            tb_ok = abs(tb["cost"] - optima[name].optimal_cost) <= 1e-6 * optima[name].optimal_cost
            ratio = (row.get("wall_s") or math.nan) / tb["wall_s"]
            if row.get("status") == "optimal" or tb["optimal"]:
                ratios.append(ratio)
            else:
                undecided.append(name)
            extra = f" {tb['wall_s']:>10.2f} {ratio:>6.2f}"
            extra += "" if tb_ok else " (textbook missed)"
            if not tb["optimal"]:
                extra += f" (textbook stopped: gap {tb['gap']:.2e})"
        print(
            f"{name:<12} {_fmt(row['optimum'], '15.3f')} {_fmt(row.get('cost'), '15.3f')} "
            f"{_fmt(rel, '10.2e')} {row.get('status', '-'):<12} {_fmt(row.get('gap'), '9.2e')} "
            f"{_fmt(row.get('load_s'), '7.2f')} {_fmt(row.get('build_s'), '8.2f')} "
            f"{_fmt(row.get('solve_s'), '8.2f')} {_fmt(row.get('wall_s'), '8.2f')}{extra}",
            flush=True,
        )
    print(f"\n{len(names) - missed}/{len(names)} published optima reproduced (rel. diff <= 1e-6)")
    if ratios:
        worst = max(ratios)
        verdict = "met" if worst <= 1.0 else f"missed by {worst - 1.0:.2f}"
        print(
            f"gpnopt wall time / HiGHS alone on the textbook formulation, worst instance: "
            f"{worst:.2f} (target <= 1): {verdict}"
        )
    if undecided:
        print(
            f"not decided (both stopped at the time limit without a proof; give more time): "
            f"{', '.join(undecided)}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
