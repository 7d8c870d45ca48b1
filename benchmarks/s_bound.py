"""The bound of a generated network (issue 22 item 1): LP relaxation, root bound, proof.

Builds a size of ``benchmarks/scale.py`` (``s`` by default, seed 1, as ``gpnopt generate``
writes it, which is what ``--solve-targets`` solves), hands it to HiGHS alone with gpnopt's
options and prints, per HiGHS random seed:

* ``LP``: the LP relaxation's profit bound (every binary in [0, 1], no presolve reasoning);
* ``root LP``: the bound of HiGHS's first root LP (after its MIP presolve) and ``root cuts``:
  its bound when the first root cut loop ends (read from HiGHS's log);
* ``optimum``, ``s`` (HiGHS's wall time), ``nodes`` and ``LP iters``; on one thread HiGHS
  is deterministic, so nodes and iterations are a measure of its work that the machine's
  load does not move;
* the rows of the model and the one-minute load average beside each run.

``--lp-only`` prints the LP relaxation alone (for the larger sizes); ``--proof`` adds, after
each MIP, the proof alone: the same MIP with its optimum handed in (``Highs.setSolution``),
with HiGHS's heuristic effort 0.05 (its default) and 0.

``--src DIR`` puts DIR (a checkout's ``src``) first on ``sys.path``: run this script once with
the branch and once with main's checkout, side by side or alternating, to compare two
formulations on the same network (the figures of ``docs/performance.md``, "Solve time at
scale")::

    python benchmarks/s_bound.py --threads 1 --hseeds 0,1,2
    python benchmarks/s_bound.py --threads 1 --hseeds 0,1,2 --src ../main/src

``--option NAME=VALUE`` (repeatable) sets a HiGHS option for every solve, to measure an
option against the default on the same network::

    python benchmarks/s_bound.py --threads 1 --hseeds 0,1,2 --option mip_heuristic_run_rins=false
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_ROW = re.compile(r"^\s*[A-Za-z]?\s+(\d+)\s+\d+\s+\d+\s+[\d.]+%\s+(-?[\d.e+]+)\s")


def root_bounds(log: str) -> tuple[float | None, float | None]:
    """(first root LP bound, bound when the first root cut loop ends) from a HiGHS log, as
    profits (HiGHS minimises the negated profit)."""
    rows: list[float] = []
    for line in log.splitlines():
        if "restarting" in line:
            break
        found = _ROW.match(line)
        if found is None:
            continue
        if int(found.group(1)) > 0:  # a node processed: the root is done
            break
        rows.append(-float(found.group(2)))
    if len(rows) < 2:
        return None, None
    return rows[1], rows[-1]  # rows[0] is HiGHS's trivial bound before the LP


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One LP relaxation and one MIP per HiGHS seed (module docstring)."""
    import highspy  # noqa: F401 - imported before the timings

    import gpnopt
    from gpnopt import solver
    from gpnopt.data import build_data
    from gpnopt.generate import generate
    from gpnopt.model import build_model

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import SIZES  # beside this file

    raw = generate(args.seed, **SIZES[args.size])
    inst = gpnopt.instance_from_dict(raw, name=f"synthetic-{args.size}")
    model = build_model(build_data(inst))
    _info, lp, nnz = solver.compile_model(model, inst.name)

    def highs(seed: int) -> Any:
        h = solver.new_highs(args.mip_gap, args.time_limit, args.threads)
        h.setOptionValue("random_seed", seed)
        for name, value in args.option:
            h.setOptionValue(name, value)
        h.passModel(lp)
        return h

    relax = highs(0)
    relax.setOptionValue("solve_relaxation", True)
    relax.run()
    lp_bound = -relax.getInfo().objective_function_value
    out: list[dict[str, Any]] = []
    if not args.hseeds:  # --lp-only
        print(f"{gpnopt.__file__}: {lp.num_row_:,} rows, {lp.num_col_:,} columns, {nnz:,} "
              f"nonzeros; LP relaxation {lp_bound:,.0f} (load {os.getloadavg()[0]:.1f})")
    for seed in args.hseeds:
        h = highs(seed)
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "highs.log"
            h.setOptionValue("output_flag", True)
            h.setOptionValue("log_to_console", False)
            h.setOptionValue("log_file", str(log))
            t0 = time.perf_counter()
            h.run()
            seconds = time.perf_counter() - t0
            h.setOptionValue("output_flag", False)
            root_lp, root_cuts = root_bounds(log.read_text())
        info = h.getInfo()
        proof = _proof(args, highs, seed, h.getSolution()) if args.proof else {}
        out.append({
            "src": gpnopt.__file__,
            "rows": lp.num_row_,
            "cols": lp.num_col_,
            "nnz": nnz,
            "lp": lp_bound,
            "root_lp": root_lp,
            "root_cuts": root_cuts,
            "hseed": seed,
            "status": h.modelStatusToString(h.getModelStatus()),
            "objective": -info.objective_function_value,
            "bound": -info.mip_dual_bound,
            "seconds": seconds,
            "nodes": int(info.mip_node_count),
            "iterations": int(info.simplex_iteration_count),
            "load": os.getloadavg()[0],
            **proof,
        })
    return out


def _proof(args: argparse.Namespace, highs: Any, seed: int, solution: Any) -> dict[str, Any]:
    """The proof alone: the MIP again with ``solution`` handed in (``Highs.setSolution``),
    with HiGHS's default heuristic effort 0.05 and with 0; seconds, nodes, LP iterations."""
    out: dict[str, Any] = {}
    for effort in (0.05, 0.0):
        h = highs(seed)
        h.setOptionValue("mip_heuristic_effort", effort)
        h.setSolution(solution)
        t0 = time.perf_counter()
        h.run()
        info = h.getInfo()
        out[f"proof_{effort:g}"] = [time.perf_counter() - t0, int(info.mip_node_count),
                                    int(info.simplex_iteration_count)]
    return out


def print_rows(rows: list[dict[str, Any]]) -> None:
    """The table of :func:`measure`."""
    print(f"{rows[0]['src']}: {rows[0]['rows']:,} rows, {rows[0]['cols']:,} columns, "
          f"{rows[0]['nnz']:,} nonzeros; LP relaxation {rows[0]['lp']:,.0f}")
    print("seed  root LP    root cuts  optimum    status   s       nodes  LP iters  load")
    for r in rows:
        root_lp = "-" if r["root_lp"] is None else f"{r['root_lp']:,.0f}"
        cuts = "-" if r["root_cuts"] is None else f"{r['root_cuts']:,.0f}"
        print(f"{r['hseed']:<5} {root_lp:<10} {cuts:<10} {r['objective']:<10,.0f} "
              f"{r['status'][:8]:<8} {r['seconds']:<7.1f} {r['nodes']:<6} "
              f"{r['iterations']:<9} {r['load']:.1f}")
        for key in ("proof_0.05", "proof_0"):
            if key in r:
                sec, nodes, iters = r[key]
                print(f"      the proof alone, heuristic effort {key[6:]}: {sec:.1f} s, "
                      f"{nodes} nodes, {iters} LP iterations")


def _option(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` as a HiGHS option: true/false, an int, a float, else the text."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        msg = f"{text!r}: write NAME=VALUE"
        raise argparse.ArgumentTypeError(msg)
    low = value.strip().lower()
    if low in ("true", "false"):
        return name.strip(), low == "true"
    for kind in (int, float):
        try:
            return name.strip(), kind(value)
        except ValueError:
            pass
    return name.strip(), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="s")
    parser.add_argument("--seed", type=int, default=1, help="the network's seed")
    parser.add_argument("--hseeds", default="0", help="HiGHS random seeds, comma-separated")
    parser.add_argument("--lp-only", action="store_true", help="the LP relaxation, no MIP")
    parser.add_argument("--proof", action="store_true",
                        help="after each MIP, the proof alone: the optimum handed in")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mip-gap", type=float, default=1e-6)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--src", type=Path, help="a checkout's src/ to import gpnopt from")
    parser.add_argument("--json", type=Path, help="also append the rows as JSON lines here")
    parser.add_argument("--option", action="append", default=[], type=_option, metavar="NAME=VALUE",
                        help="a HiGHS option for every solve (repeatable): "
                             "--option mip_heuristic_run_rins=false")
    args = parser.parse_args(argv)
    args.hseeds = [] if args.lp_only else [int(s) for s in args.hseeds.split(",")]
    if args.src is not None:
        sys.path.insert(0, str(args.src.resolve()))
    rows = measure(args)
    if rows:
        print_rows(rows)
    if args.json is not None:
        with args.json.open("a") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
