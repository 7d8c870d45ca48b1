"""Build time of each economic family: the ``l`` network with the family on against off.

The network is the ``l`` size of ``benchmarks/scale.py`` (:func:`gpnopt.generate.generate`
with its counts, ``--seed``, default 0, no market minimums). Each module of
``benchmarks/families/`` turns one family on in it (``enable(raw) -> dict``, the contract in
``benchmarks/families/__init__.py``). Each variant is validated (not timed) and then timed
in a fresh Python process (so none inherits another's heap), best of ``--repeat`` runs:
:func:`gpnopt.data.build_data` and :func:`gpnopt.model.build_model` (the build, as in
``benchmarks/scale.py``). The runs alternate between the variants, so that all see the same
machine load.

Printed: a table (family, data s, model s, build s, ratio to off, the target +20% and
whether it is met), the size of each model (variables and constraints, Pyomo's count), and a
final line. The ``off`` row is the "not used" check: the build of the plain ``l`` instance
must be what it was before the families (compare its figure with main's before issue 14,
``--baseline SECONDS`` prints the ratio; its model size must be equal to main's too).

Usage::

    python benchmarks/families_build.py
    python benchmarks/families_build.py --repeat 5 --families sourcing,taxes
    python benchmarks/families_build.py --baseline 2.9     # main's l build before issue 14
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = ROOT / "benchmarks" / "families"
TARGET = 1.2
"""A family's build may take at most this many times the build without it (issue 14)."""
OFF = "off"


def _module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sizes() -> dict[str, dict[str, int]]:
    """The sizes of ``benchmarks/scale.py`` (one table of sizes for every benchmark)."""
    return _module(ROOT / "benchmarks" / "scale.py", "gpnopt_scale").SIZES


def family_names() -> list[str]:
    """The family switches: the modules of ``benchmarks/families/``, by name."""
    return sorted(p.stem for p in FAMILIES.glob("*.py") if p.stem != "__init__")


def family(name: str) -> ModuleType:
    """The switch module ``benchmarks/families/<name>.py``."""
    return _module(FAMILIES / f"{name}.py", f"gpnopt_family_{name}")


def raw_instance(size: str, seed: int, which: str) -> dict[str, Any]:
    """The generated mapping of ``size`` with family ``which`` on (``off``: none)."""
    from gpnopt.generate import generate

    raw = generate(seed, min_served_share=0.0, name=f"synthetic-{size}", **sizes()[size])
    return raw if which == OFF else family(which).enable(raw)


def time_build(size: str, seed: int, which: str) -> dict[str, float]:
    """Seconds of build_data and build_model of one variant (validated first, untimed)."""
    import gpnopt
    from gpnopt.data import build_data
    from gpnopt.model import build_model

    inst = gpnopt.instance_from_dict(raw_instance(size, seed, which), name=f"{size}-{which}")
    gc.collect()
    t0 = time.perf_counter()
    data = build_data(inst)
    t1 = time.perf_counter()
    model = build_model(data)
    t2 = time.perf_counter()
    return {"data": t1 - t0, "model": t2 - t1, "build": t2 - t0,
            "variables": float(model.nvariables()), "constraints": float(model.nconstraints())}


def measure(args: argparse.Namespace, which: str) -> dict[str, float]:
    """One measurement of ``which`` in a fresh process."""
    cmd = [sys.executable, __file__, "--worker", which, "--size", args.size,
           "--seed", str(args.seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": tail}  # type: ignore[dict-item]
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="l", help="a size of benchmarks/scale.py (default l)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best kept (default 3)")
    parser.add_argument("--families", default=None,
                        help="comma-separated switch names (default every module of "
                        "benchmarks/families/)")
    parser.add_argument("--baseline", type=float, default=None,
                        help="main's build seconds of the plain instance before issue 14 "
                        "(the not-used check prints the ratio)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(time_build(args.size, args.seed, args.worker)))
        return 0
    names = args.families.split(",") if args.families else family_names()
    unknown = [n for n in names if n not in family_names()]
    if unknown:
        parser.error(f"no switch {', '.join(unknown)} in {FAMILIES} (known: "
                     f"{', '.join(family_names()) or 'none'})")
    variants = [OFF, *names]
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    for _ in range(args.repeat):  # alternate, so every variant sees the same machine load
        for v in variants:
            runs[v].append(measure(args, v))
    best = {}
    for v, rs in runs.items():
        ok = [r for r in rs if "error" not in r]
        best[v] = min(ok, key=lambda r: r["build"]) if ok else rs[0]
    off = best[OFF]
    if "error" in off:
        print(f"the plain {args.size} instance failed to build: {off['error']}")
        return 2
    print(f"size {args.size} (seed {args.seed}): build = build_data + build_model, best of "
          f"{args.repeat}, each in a fresh process")
    print(f"{'family':<18} {'data s':>7} {'model s':>8} {'build s':>8} {'ratio':>6} "
          f"{'target':>7} {'':>7} {'variables':>10} {'constraints':>12}")
    failed = []
    for v in variants:
        r = best[v]
        if "error" in r:
            failed.append(v)
            print(f"{v:<18} failed: {r['error']}")
            continue
        ratio = r["build"] / off["build"]
        met = "-" if v == OFF else ("met" if ratio <= TARGET else "NOT met")
        if v != OFF and ratio > TARGET:
            failed.append(v)
        print(f"{v:<18} {r['data']:7.2f} {r['model']:8.2f} {r['build']:8.2f} {ratio:6.2f} "
              f"{'+20%':>7} {met:>7} {r['variables']:10.0f} {r['constraints']:12.0f}")
    line = (f"not used: the plain {args.size} instance builds in {off['build']:.2f} s "
            f"({off['variables']:.0f} variables, {off['constraints']:.0f} constraints)")
    if args.baseline:
        line += f", {off['build'] / args.baseline:.2f} times main's {args.baseline:g} s"
    else:
        line += "; compare with main's build before issue 14 (--baseline SECONDS)"
    print(line)
    shown = len(variants) - 1
    if failed:
        print(f"target (each family's build within +20% of off): NOT met by "
              f"{', '.join(failed)} ({shown - len(failed)} of {shown} met)")
        return 1
    print(f"target (each family's build within +20% of off): met by all {shown} families")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
