"""Robustness of a calibration (the TM/FFG case by default): is the case's pattern knife-edge?

Each draw multiplies every number whose YAML key contains ``cost`` or ``price`` (fixed, unit,
investment and transport costs; market, supplier and transfer prices) by an independent
uniform factor in [1 - noise, 1 + noise], solves the instance and evaluates its expectations.
The script prints, for each expectation, the share of draws in which it holds, and the share
of draws in which the whole core pattern holds.

The core pattern of the TM/FFG case (issue 3): Japan makes the high tier (for Japan and the
West); FT-China makes the medium tier for China; FFG-China casts in-house and supplies
FT-China; TM Thailand assembles for South-East Asia from FT-China's parts (:data:`CORE`, by
scenario). For another instance (``--instance``), or a scenario without an entry there, the core
pattern is every expectation, or the ids ``--core`` names.

Usage::

    .venv/bin/python benchmarks/robustness.py                 # 30 draws, seed 0, base, +-20%
    .venv/bin/python benchmarks/robustness.py --draws 200 --seed 7 --noise 0.4
    .venv/bin/python benchmarks/robustness.py --scenario entry_2005
    .venv/bin/python benchmarks/robustness.py --instance instances/ems_sme.yaml --core a,b

Exit code 0 when the core pattern holds in at least ``--threshold`` of the draws, else 1.
"""

# ruff: noqa: T201 (a command-line script prints its table)
from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from pathlib import Path
from typing import Any

import gpnopt
from gpnopt.io import instance_from_dict, read_yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INSTANCE = ROOT / "instances" / "tm_ffg.yaml"

CORE = {
    None: [
        "jp_high_for_jp",
        "jp_high_for_west",
        "ft_medium_for_cn",
        "ffg_cn_casts",
        "ffg_cn_castings_to_ft",
        "th_medium_for_asean",
        "th_kits_from_ft",
    ],
    "entry_2005": [
        "jp_high_for_jp",
        "jp_high_for_west",
        "ft_medium_for_cn",
        "castings_bought_ffg",
        "castings_bought_ft",
    ],
}
"""Expectation ids of the core pattern, by scenario."""


def is_noisy_key(key: Any) -> bool:
    """Whether a YAML key names a cost or a price (the instance rule: every cost-like number
    has ``cost`` in its key and every price ``price``)."""
    return isinstance(key, str) and ("cost" in key or "price" in key)


def perturb(node: Any, rng: random.Random, noise: float, noisy: bool = False) -> Any:
    """Copy of ``node`` with every number under a cost/price key scaled by U[1-noise, 1+noise].

    A number is perturbed when its own key, or the key of a mapping it sits in (e.g.
    ``unit_cost`` of a line), names a cost or a price. Booleans are left alone.
    """
    if isinstance(node, dict):
        return {k: perturb(v, rng, noise, noisy or is_noisy_key(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [perturb(v, rng, noise, noisy) for v in node]
    if noisy and isinstance(node, int | float) and not isinstance(node, bool):
        return node * rng.uniform(1 - noise, 1 + noise)
    return node


def count_noisy(node: Any, noisy: bool = False) -> int:
    """Numbers ``perturb`` touches."""
    if isinstance(node, dict):
        return sum(count_noisy(v, noisy or is_noisy_key(k)) for k, v in node.items())
    if isinstance(node, list):
        return sum(count_noisy(v, noisy) for v in node)
    return int(noisy and isinstance(node, int | float) and not isinstance(node, bool))


def core_pattern(args: argparse.Namespace, raw: dict) -> list[str] | str:
    """The core pattern's expectation ids, or a usage error's text for unknown ids."""
    inst = instance_from_dict(copy.deepcopy(raw), name=args.instance, scenario=args.scenario)
    known = [e.id for e in inst.expectations]
    if args.core is not None:
        core = [c.strip() for c in args.core.split(",") if c.strip()]
    elif Path(args.instance).resolve() == DEFAULT_INSTANCE.resolve() and args.scenario in CORE:
        core = CORE[args.scenario]
    else:  # another instance, or a scenario without a core pattern of its own
        core = known
    unknown = [c for c in core if c not in known]
    if unknown:
        return f"--core: no expectation {', '.join(unknown)} in {args.instance}"
    return core


def main(argv: list[str] | None = None) -> int:
    """Run the draws and print the shares."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=30, help="number of noisy draws (default 30)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--noise", type=float, default=0.2, help="relative noise (default 0.2)")
    ap.add_argument("--scenario", default=None, help="scenario of the instance (default base)")
    ap.add_argument("--instance", default=str(DEFAULT_INSTANCE), help="instance file")
    ap.add_argument(
        "--threshold", type=float, default=0.9, help="required share for the core pattern"
    )
    ap.add_argument(
        "--core",
        default=None,
        help="comma-separated expectation ids of the core pattern (default: the TM/FFG case's "
        "for its file, every expectation for another instance)",
    )
    args = ap.parse_args(argv)
    if args.draws < 1 or not 0 <= args.noise < 1:
        ap.error("--draws must be positive and --noise in [0, 1)")

    raw = read_yaml(args.instance)
    core = core_pattern(args, raw)
    if isinstance(core, str):
        ap.error(core)
    rng = random.Random(args.seed)
    holds: dict[str, int] = {}
    descriptions: dict[str, str] = {}
    core_all = 0
    every = 0
    started = time.perf_counter()
    for _ in range(args.draws):
        noisy = perturb(copy.deepcopy(raw), rng, args.noise)
        inst = instance_from_dict(noisy, name=args.instance, scenario=args.scenario)
        result = gpnopt.solve(inst)
        ok = {e["id"]: bool(e["holds"]) for e in result.expectations}
        for e in result.expectations:
            descriptions[e["id"]] = e["description"]
            holds[e["id"]] = holds.get(e["id"], 0) + int(e["holds"])
        core_all += int(all(ok.get(i, False) for i in core))
        every += int(all(ok.values()))
    seconds = time.perf_counter() - started

    n = args.draws
    print(
        f"{args.instance} scenario={args.scenario or 'base'}: {n} draws, seed {args.seed}, "
        f"+-{args.noise:.0%} on {count_noisy(raw)} cost/price numbers, {seconds:.1f} s"
    )
    print(f"{'share':>6}  {'core':4}  expectation")
    for eid, count in holds.items():
        mark = "core" if eid in core else ""
        print(f"{count / n:6.0%}  {mark:4}  {eid}: {descriptions[eid]}")
    share = core_all / n
    print(f"{share:6.0%}  core pattern (all of: {', '.join(core)})")
    print(f"{every / n:6.0%}  every expectation")
    return 0 if share >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
