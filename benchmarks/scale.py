"""Scale and speed: gpnopt's cost outside HiGHS, from the case to a million nonzeros.

For each size (the case, synthetic networks of :mod:`gpnopt.generate`, OR-Library
capa/capb/capc) a fresh Python process loads the instance and times, in turn:

* ``build``: :func:`gpnopt.data.build_data` and :func:`gpnopt.model.build_model`;
* ``hand-over``: the standard-form compiler and the ``HighsLp`` (``solver.compile_model``), then
  ``Highs.passModel`` (shown split as ``compile`` + ``pass``);
* ``HiGHS``: ``Highs.run`` (with ``--mip-gap`` and ``--time-limit``: a row that stops at the
  limit says ``limit``);
* ``extract``: the solution written back into the model (``solver.store_solution``), the
  result tables (:func:`gpnopt.results.make_result`) and the analysis ``gpnopt.solve`` adds
  (expectations, specialization);

and the resident memory above the process's size once the instance is loaded (Linux
``/proc``): ``MB pre``, gpnopt's peak up to the solve, HiGHS's copy included, and ``MB peak``,
the whole run's. The floor is HiGHS alone on the same model: written to MPS by HiGHS, then
read and solved in a fresh process with the same options (``floor read``, ``floor HiGHS``;
``MB copy``, its size after reading, is HiGHS's own copy of the model). ``us/nnz out`` is
(build + hand-over + extract) per nonzero; ``KB/col`` is (``MB pre`` - ``MB copy``) per
column. ``--handover direct`` measures the proposed hand-over ``direct_compile`` (in
``benchmarks/direct_handover.py``) instead of ``solver.compile_model``.

Then the end-to-end figures: ``gpnopt solve instances/tm_ffg.yaml`` against
``python -c "import pyomo.environ, highspy"`` (best of ``--repeat`` runs each), and whether
``gpnopt --help`` and ``gpnopt validate`` import Pyomo.

Usage::

    python benchmarks/scale.py                          # default sizes and the capa/b/c tier
    python benchmarks/scale.py --sizes case,s,m --orlib none
    python benchmarks/scale.py --sizes xl --time-limit 120
    python benchmarks/scale.py --handover direct        # the proposed hand-over
    python benchmarks/scale.py --json out/scale.json    # also keep every figure as JSON

Targets (printed with the table): outside HiGHS at most 10 us per nonzero at the largest
size; peak memory at most 3 KB per column above HiGHS's own copy; the case end to end at
most 2 times the import line; ``--help`` and ``validate`` without Pyomo.

``--solve-targets`` adds the solve-time targets of issue 22, item 1, each solved by
``gpnopt.solve`` in a fresh process on ``--threads`` (default 2) threads:

* ``m`` as ``gpnopt generate --seed 1`` writes it (the CLI's other defaults, so ``min_served`` on
  5 % of the demand an anchor can serve) to a proven gap of at most 1 % within 120 s;
* ``s`` (the same way) to optimality (gpnopt's gap 1e-6) within 5 s;
* capa-8000, capb-5000, capc-5000 at their published optima at most as slow as HiGHS alone
  on the textbook strong formulation (``textbook`` of ``benchmarks/orlib_cap.py``), run
  right after in the same process with the same options (``--orlib-time-limit``).

    python benchmarks/scale.py --sizes none --orlib none --no-e2e --solve-targets
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "tm_ffg.yaml"

SIZES: dict[str, dict[str, int]] = {
    "xs": dict(
        countries=6, firms=3, plants=12, products=8, components=10, suppliers=20, markets=20
    ),
    "s": dict(
        countries=12, firms=6, plants=40, products=30, components=40, suppliers=80, markets=100
    ),
    "m": dict(
        countries=20, firms=12, plants=120, products=80, components=100, suppliers=250, markets=400
    ),
    "l": dict(
        countries=30,
        firms=20,
        plants=300,
        products=150,
        components=200,
        suppliers=600,
        markets=1000,
    ),
    "xl": dict(
        countries=40,
        firms=30,
        plants=600,
        products=250,
        components=300,
        suppliers=1200,
        markets=2000,
    ),
}
"""Synthetic sizes: counts passed to :func:`gpnopt.generate.generate` (seed ``--seed``)."""

DEFAULT_SIZES = "case,xs,s,m,l"
DEFAULT_ORLIB = "capa-8000,capb-5000,capc-5000"

TARGET_US_PER_NNZ = 10.0
TARGET_KB_PER_COL = 3.0
TARGET_CLI_RATIO = 2.0
ITEM3_US_PER_NNZ, ITEM3_KB_PER_COL, ITEM3_NNZ = 2.0, 2.0, 1_000_000  # issue 22, item 3
TARGET_M_GAP, TARGET_M_SECONDS = 0.01, 120.0  # issue 22, item 1
TARGET_S_SECONDS = 5.0
SOLVE_ORLIB = ("capa-8000", "capb-5000", "capc-5000")


# --- measuring inside a worker process ----------------------------------------------------
def _status_kb(field: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of /proc/self/status, in KB (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak() -> bool:
    """Reset the peak resident size (Linux: ``clear_refs`` 5); whether it worked."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _settle() -> int:
    """Collect garbage, return freed heap to the system, and give the resident size (KB)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    return _status_kb("VmRSS")


def _load(size: str, seed: int, orlib_dir: Path | None) -> Any:
    import gpnopt

    if size == "case":
        return gpnopt.load(CASE)
    if size in SIZES:
        from gpnopt.generate import generate

        raw = generate(seed, min_served_share=0.0, name=f"synthetic-{size}", **SIZES[size])
        return gpnopt.instance_from_dict(raw, name=f"synthetic-{size}")
    from gpnopt.orlib import load_cap

    return load_cap(size, orlib_dir)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Measure one size in this process (see the module docstring)."""
    # Everything a solve imports is imported first (the compiler imports scipy.sparse on
    # first use): the stages time work, not imports (the end-to-end figures time those).
    import highspy  # noqa: F401
    import scipy.sparse  # noqa: F401

    from gpnopt import solver
    from gpnopt.analysis import analyse, expectations, specialization  # noqa: F401
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.results import make_result

    if args.handover == "direct":  # the prototype, beside this file
        from direct_handover import direct_compile

    inst = _load(args.worker, args.seed, args.orlib_dir)
    base_kb = _settle()
    peak_ok = _reset_peak()
    tl, gap = args.time_limit, args.mip_gap
    t0 = time.perf_counter()
    data = build_data(inst)
    model = build_model(data)
    t1 = time.perf_counter()
    if args.handover == "direct":
        info, lp, nnz = direct_compile(model, inst.name)
    else:
        info, lp, nnz = solver.compile_model(model, inst.name)
    t2 = time.perf_counter()
    h = solver.new_highs(gap, tl, args.threads)
    h.passModel(lp)
    t3 = time.perf_counter()
    pre_kb = _status_kb("VmHWM")  # gpnopt's peak, HiGHS's copy included, before the solve
    h.run()
    t4 = time.perf_counter()
    run_kb = _status_kb("VmHWM")
    _reset_peak()
    before_kb = _status_kb("VmRSS")
    outcome = solver.store_solution(h, model, info, gap, tl, inst.name)
    outcome.seconds = {"build": t3 - t0, "solve": t4 - t3}
    outcome.n_nonzeros = nnz
    result = analyse(inst, make_result(model, data, outcome))
    t5 = time.perf_counter()
    extract_kb = _status_kb("VmHWM") - before_kb
    out = {
        "size": args.worker,
        "instance": inst.name,
        "cols": len(info.columns),
        "rows": len(info.rows),
        "nnz": nnz,
        "build_s": t1 - t0,
        "compile_s": t2 - t1,
        "pass_s": t3 - t2,
        "highs_s": t4 - t3,
        "extract_s": t5 - t4,
        "status": result.status,
        "highs_status": result.highs_status,
        "objective": result.objective,
        "gap": result.mip_gap,
        "base_mb": base_kb / 1024,
        "pre_mb": (pre_kb - base_kb) / 1024,
        "peak_mb": (max(pre_kb, run_kb) - base_kb) / 1024,
        "extract_mb": extract_kb / 1024,
        "peak_ok": peak_ok,
    }
    if args.mps:
        h.writeModel(str(args.mps))
    return out


def solve_worker(args: argparse.Namespace) -> dict[str, Any]:
    """One solve target of issue 22 (module docstring) in this process: gpnopt.solve's wall
    time, status and gap; for an OR-Library instance also the textbook floor."""
    import gpnopt
    from gpnopt.solver.highs import START_HEURISTIC

    name = args.solve_worker
    threads = 2 if args.threads is None else args.threads
    if args.start_heuristic != "auto":  # on: every MIP; off: none
        START_HEURISTIC["min_integers"] = 0 if args.start_heuristic == "on" else 10**12
    said: list[str] = []  # what the heuristic logged, for the printed line

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    heuristic_log = logging.getLogger("gpnopt.solver.heuristic")
    heuristic_log.setLevel(logging.INFO)
    heuristic_log.addHandler(Keep())
    if name in SIZES:
        from gpnopt.generate import generate

        raw = generate(args.seed, **SIZES[name])  # as `gpnopt generate` writes it
        inst = gpnopt.instance_from_dict(raw, name=f"synthetic-{name}")
        gap = TARGET_M_GAP if name == "m" else None
        limit = TARGET_M_SECONDS if name == "m" else max(args.orlib_time_limit, TARGET_S_SECONDS)
    else:
        from gpnopt.orlib import load_cap

        inst, gap, limit = load_cap(name, args.orlib_dir), None, args.orlib_time_limit
    from gpnopt.errors import SolveError

    t0 = time.perf_counter()
    try:
        result = gpnopt.solve(inst, time_limit=limit, mip_gap=gap, threads=threads)
    except SolveError as exc:  # no solution within the limit: the target is missed
        out = {"name": name, "wall_s": time.perf_counter() - t0, "status": exc.status}
        out.update(gap=math.inf, objective=math.nan, bound=math.nan)
    else:
        out = {
            "name": name,
            "wall_s": time.perf_counter() - t0,
            "status": result.status,
            "gap": result.mip_gap,
            "objective": result.objective,
            "bound": result.bound,
        }
    out["load"] = os.getloadavg()[0]  # one-minute load average at the end
    out["start_heuristic"] = args.start_heuristic
    out["start"] = said
    if name not in SIZES:
        from orlib_cap import textbook  # beside this file

        from gpnopt.orlib import read_optima

        entry = read_optima(args.orlib_dir)[name]
        out["optimum"] = entry.optimal_cost
        out["textbook"] = textbook(entry, args.orlib_dir, limit, threads, None)
    return out


def solve_targets(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The solve targets of issue 22, item 1, each in a fresh process."""
    rows = []
    common = ["--seed", str(args.seed), "--orlib-time-limit", repr(args.orlib_time_limit)]
    common += ["--orlib-dir", str(args.orlib_dir), "--start-heuristic", args.start_heuristic]
    if args.threads is not None:
        common += ["--threads", str(args.threads)]
    for name in args.solve_names.split(","):
        print(f"... solve target {name}", file=sys.stderr, flush=True)
        row = _run_json([sys.executable, __file__, "--solve-worker", name, *common], 3600)
        row.setdefault("name", name)
        rows.append(row)
    return rows


def print_solve_targets(rows: list[dict[str, Any]]) -> None:
    """Each solve target of issue 22, item 1, with its figure and whether it is met."""
    print("\nsolve-time targets (issue 22, item 1)")
    for r in rows:
        name = r["name"]
        if "error" in r:
            print(f"  {name}: error: {r['error']}")
            continue
        gap, wall = r["gap"], r["wall_s"]
        name = f"{name} [start heuristic {r.get('start_heuristic', 'auto')}, load {r.get('load', 0):.1f}]"
        if r["name"] == "m":
            ok = gap <= TARGET_M_GAP + 1e-12 and wall <= TARGET_M_SECONDS + 5
            print(
                f"  {name}: gap {gap:.2%} after {wall:.1f} s ({r['status']}; target <= "
                f"{TARGET_M_GAP:.0%} within {TARGET_M_SECONDS:g} s): {'met' if ok else 'NOT met'}"
            )
            for line in r.get("start", []):
                print(f"      {line}")
        elif r["name"] == "s":
            ok = r["status"] == "optimal" and wall <= TARGET_S_SECONDS
            print(
                f"  {name}: {r['status']} (gap {gap:.2g}) in {wall:.1f} s (target optimal within "
                f"{TARGET_S_SECONDS:g} s): {'met' if ok else 'NOT met'}"
            )
        else:
            tb, opt = r["textbook"], r["optimum"]
            exact = abs(-r["objective"] - opt) <= 1e-6 * abs(opt)
            ratio = wall / tb["wall_s"]
            ok = exact and ratio <= 1.0
            print(
                f"  {name}: gpnopt {wall:.1f} s ({'optimum' if exact else 'optimum missed'}), "
                f"HiGHS alone on the textbook formulation {tb['wall_s']:.1f} s ({tb['status']}): "
                f"{ratio:.2f}x (target <= 1x at the optimum): {'met' if ok else 'NOT met'}"
            )


def floor(args: argparse.Namespace) -> dict[str, Any]:
    """HiGHS alone: read the MPS file and solve it with the worker's options."""
    import highspy

    base_kb = _settle()
    peak_ok = _reset_peak()
    t0 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", args.mip_gap)
    if args.time_limit is not None:
        h.setOptionValue("time_limit", float(args.time_limit))
    if args.threads is not None:
        h.setOptionValue("threads", int(args.threads))
    h.readModel(str(args.floor))
    t1 = time.perf_counter()
    copy_kb = _status_kb("VmRSS")  # HiGHS's own copy of the model
    h.run()
    t2 = time.perf_counter()
    return {
        "read_s": t1 - t0,
        "highs_s": t2 - t1,
        "objective": h.getInfo().objective_function_value,
        "status": h.modelStatusToString(h.getModelStatus()),
        "base_mb": base_kb / 1024,
        "copy_mb": (copy_kb - base_kb) / 1024,
        "peak_mb": (_status_kb("VmHWM") - base_kb) / 1024,
        "peak_ok": peak_ok,
    }


# --- the driver -----------------------------------------------------------------------------
def _run_json(cmd: list[str], timeout: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        path = Path(fh.name)
    try:
        proc = subprocess.run(
            [*cmd, "--out-json", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"error": " | ".join(tail) or f"exit {proc.returncode}"}
        return json.loads(path.read_text())
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    finally:
        path.unlink(missing_ok=True)


def measure(size: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Worker and floor for one size, each in a fresh process."""
    mps = tmp / f"{size}.mps"
    common = [
        "--seed",
        str(args.seed),
        "--mip-gap",
        repr(args.mip_gap if size in SIZES or size == "case" else args.orlib_gap),
        "--time-limit",
        repr(args.time_limit),
    ]
    if args.threads is not None:
        common += ["--threads", str(args.threads)]
    common += ["--handover", args.handover]
    if args.orlib_dir is not None:
        common += ["--orlib-dir", str(args.orlib_dir)]
    budget = 4 * (args.time_limit or 600) + 600
    row = _run_json(
        [sys.executable, __file__, "--worker", size, "--mps", str(mps), *common], budget
    )
    if "error" in row:
        row["size"] = size
        return row
    row["floor"] = _run_json([sys.executable, __file__, "--floor", str(mps), *common], budget)
    mps.unlink(missing_ok=True)
    return row


def _best_of(cmd: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best


def _imports_pyomo(cli_args: list[str]) -> bool:
    """Whether ``gpnopt <cli_args>`` imports Pyomo (checked in a fresh process)."""
    code = (
        "import sys\n"
        "from gpnopt.cli import app\n"
        f"sys.argv = ['gpnopt', *{cli_args!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('PYOMO' if any(n == 'pyomo' or n.startswith('pyomo.') for n in sys.modules) "
        "else 'NOPYOMO', file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    return "NOPYOMO" not in proc.stderr


def end_to_end(repeat: int) -> dict[str, Any]:
    """The CLI figures: the case solved end to end against the import line."""
    gp = shutil.which("gpnopt", path=str(Path(sys.executable).parent)) or "gpnopt"
    solve_s = _best_of([gp, "solve", str(CASE)], repeat)
    import_s = _best_of([sys.executable, "-c", "import pyomo.environ, highspy"], repeat)
    help_s = _best_of([gp, "--help"], repeat)
    validate_s = _best_of([gp, "validate", str(CASE)], repeat)
    return {
        "solve_s": solve_s,
        "import_s": import_s,
        "ratio": solve_s / import_s,
        "help_s": help_s,
        "validate_s": validate_s,
        "help_imports_pyomo": _imports_pyomo(["--help"]),
        "validate_imports_pyomo": _imports_pyomo(["validate", str(CASE)]),
    }


def _f(x: Any, spec: str) -> str:
    if x is None:
        return "-"
    try:
        return format(x, spec)
    except (TypeError, ValueError):
        return str(x)


def print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """The table of the module docstring."""
    head = (
        f"{'size':<8} {'cols':>7} {'rows':>7} {'nnz':>9} {'build':>6} {'hand-over':>9} "
        f"{'(compile':>8} {'pass)':>6} {'HiGHS':>6} {'extract':>7} {'us/nnz out':>10} "
        f"{'MB pre':>7} {'MB copy':>7} {'KB/col':>6} {'MB peak':>7} {'MB floor':>8} "
        f"{'floor read':>10} {'floor HiGHS':>11} {'status':<7}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        if "error" in r:
            print(f"{r['size']:<10} error: {r['error']}")
            continue
        fl = r.get("floor", {})
        hand = r["compile_s"] + r["pass_s"]
        outside = r["build_s"] + hand + r["extract_s"]
        r["hand_s"] = hand
        r["us_per_nnz"] = outside / r["nnz"] * 1e6
        copy = fl.get("copy_mb")
        r["kb_per_col"] = (r["pre_mb"] - copy) * 1024 / r["cols"] if copy is not None else None
        limit = "limit" if "limit" in r["highs_status"].lower() else r["status"]
        print(
            f"{r['size']:<8} {r['cols']:>7} {r['rows']:>7} {r['nnz']:>9} {r['build_s']:>6.2f} "
            f"{hand:>9.2f} {r['compile_s']:>8.2f} {r['pass_s']:>6.2f} {r['highs_s']:>6.1f} "
            f"{r['extract_s']:>7.2f} {r['us_per_nnz']:>10.2f} {r['pre_mb']:>7.0f} "
            f"{_f(copy, '7.0f')} {_f(r['kb_per_col'], '6.2f')} {r['peak_mb']:>7.0f} "
            f"{_f(fl.get('peak_mb'), '8.0f')} {_f(fl.get('read_s'), '10.2f')} "
            f"{_f(fl.get('highs_s'), '11.1f')} {limit:<7}"
        )
    print(
        f"\nseconds; HiGHS with mip_rel_gap {args.mip_gap:g} (OR-Library {args.orlib_gap:g}) and "
        f"a time limit of {args.time_limit:g} s (status 'limit' = stopped there). Memory is "
        "resident memory above the process once the instance is loaded: MB pre = gpnopt's peak "
        "up to the solve (data, model, compiler, HighsLp and HiGHS's copy); MB copy = HiGHS's "
        "own copy (the floor process after reading the MPS); KB/col = (MB pre - MB copy) per "
        "column; MB peak and MB floor = whole-run peaks with HiGHS's solve (time-limited solves "
        "stop at different points, so these two differ by HiGHS's progress). floor = HiGHS alone "
        "reading the same model from MPS in a fresh process."
    )


def print_targets(rows: list[dict[str, Any]], e2e: dict[str, Any] | None) -> None:
    """Each target, met or missed and by how much."""
    ok = [r for r in rows if "error" not in r]
    print("\ntargets")
    if ok:
        big = max(ok, key=lambda r: r["nnz"])
        us = big["us_per_nnz"]
        verdict = "met" if us <= TARGET_US_PER_NNZ else f"missed by {us - TARGET_US_PER_NNZ:.2f}"
        print(
            f"  outside HiGHS at the largest size ({big['size']}, {big['nnz']} nnz): {us:.2f} "
            f"us/nnz (target <= {TARGET_US_PER_NNZ:g}): {verdict}"
        )
        worst = [r for r in ok if r.get("kb_per_col") is not None and r["cols"] >= 10_000]
        if worst:
            w = max(worst, key=lambda r: r["kb_per_col"])
            kb = w["kb_per_col"]
            verdict = (
                "met" if kb <= TARGET_KB_PER_COL else f"missed by {kb - TARGET_KB_PER_COL:.2f}"
            )
            print(
                f"  memory above HiGHS's copy, worst size of 10,000 columns or more "
                f"({w['size']}): {kb:.2f} KB/col (target <= {TARGET_KB_PER_COL:g}): {verdict}"
            )
        _print_item3(big, max(worst, key=lambda r: r["kb_per_col"]) if worst else None)
    if e2e:
        ratio = e2e["ratio"]
        verdict = (
            "met" if ratio <= TARGET_CLI_RATIO else f"missed by {ratio - TARGET_CLI_RATIO:.2f}"
        )
        print(
            f"  gpnopt solve instances/tm_ffg.yaml: {e2e['solve_s']:.2f} s vs import line "
            f"{e2e['import_s']:.2f} s = {ratio:.2f}x (target <= {TARGET_CLI_RATIO:g}x): {verdict}"
        )
        for cmd in ("help", "validate"):
            imp = e2e[f"{cmd}_imports_pyomo"]
            print(
                f"  gpnopt {'--help' if cmd == 'help' else 'validate'}: {e2e[cmd + '_s']:.2f} s, "
                f"{'imports Pyomo: missed' if imp else 'no Pyomo import: met'}"
            )


def _print_item3(big: dict[str, Any], worst: dict[str, Any] | None) -> None:
    """Issue 22's item 3: 2 us per nonzero at a million nonzeros or more, 2 KB per column."""
    if big["nnz"] < ITEM3_NNZ:
        print(f"  issue 22 item 3 (2 us/nnz, 2 KB/col at {ITEM3_NNZ:,} nnz or more): "
              "not measured (add the size l)")
        return
    for label, figure, target, unit in (
        (f"outside HiGHS at {big['size']}", big["us_per_nnz"], ITEM3_US_PER_NNZ, "us/nnz"),
        (f"above HiGHS's copy at {worst['size']}" if worst else "", worst and worst["kb_per_col"],
         ITEM3_KB_PER_COL, "KB/col"),
    ):
        if figure is None:
            continue
        verdict = "met" if figure <= target else "NOT met"
        print(f"  issue 22 item 3, {label}: {figure:.2f} {unit} (target <= {target:g}): "
              f"{verdict}")
    print("    (Pyomo's objects and compiler alone: benchmarks/pyomo_floor.py)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"comma-separated: case, {', '.join(SIZES)} (default {DEFAULT_SIZES}); 'none' for none",
    )
    parser.add_argument(
        "--orlib",
        default=DEFAULT_ORLIB,
        help=f"OR-Library instances of optima.csv (default {DEFAULT_ORLIB}); 'none' for none",
    )
    parser.add_argument("--orlib-dir", type=Path, default=None, help="OR-Library folder")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--mip-gap", type=float, default=0.01, help="relative MIP gap (0.01)")
    parser.add_argument(
        "--orlib-gap", type=float, default=1e-6, help="relative MIP gap of the OR-Library tier"
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="HiGHS seconds (60)")
    parser.add_argument("--threads", type=int, default=None, help="HiGHS threads")
    parser.add_argument(
        "--handover",
        choices=("solver", "direct"),
        default="solver",
        help="solver: gpnopt's hand-over (solver.compile_model); direct: the proposed one "
        "(direct_compile in direct_handover.py, no scipy)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="end-to-end runs, best kept (5)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end figures")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure here")
    parser.add_argument(
        "--solve-targets",
        action="store_true",
        help="also run the solve-time targets of issue 22, item 1 (s, m, capa/b/c; long)",
    )
    parser.add_argument(
        "--orlib-time-limit",
        type=float,
        default=600.0,
        help="seconds per OR-Library solve and for s in --solve-targets (600)",
    )
    parser.add_argument(
        "--start-heuristic",
        choices=("auto", "on", "off"),
        default="auto",
        help="the start heuristic of solver/heuristic.py in --solve-targets: auto (gpnopt's "
        "rule, START_HEURISTIC), on (every MIP) or off (none)",
    )
    parser.add_argument(
        "--solve-names",
        default=",".join(("s", "m", *SOLVE_ORLIB)),
        help="which solve targets --solve-targets runs (s,m and the OR-Library ones)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--solve-worker", help=argparse.SUPPRESS)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mps", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.orlib_dir is None:
        from orlib_cap import default_dir  # beside this file

        args.orlib_dir = default_dir()
    if args.solve_worker:
        args.out_json.write_text(json.dumps(solve_worker(args)))
        return 0
    if args.worker or args.floor:
        out = worker(args) if args.worker else floor(args)
        args.out_json.write_text(json.dumps(out))
        return 0

    names = [] if args.sizes == "none" else [s.strip() for s in args.sizes.split(",") if s.strip()]
    names += [] if args.orlib == "none" else [s.strip() for s in args.orlib.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gpnopt-scale-") as tmp:
        for name in names:
            print(f"... {name}", file=sys.stderr, flush=True)
            rows.append(measure(name, args, Path(tmp)))
    print_table(rows, args)
    e2e = None if args.no_e2e else end_to_end(args.repeat)
    print_targets(rows, e2e)
    solved = solve_targets(args) if args.solve_targets else []
    if solved:
        print_solve_targets(solved)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        out = {"rows": rows, "end_to_end": e2e, "solve_targets": solved}
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
