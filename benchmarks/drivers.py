"""Drivers table of the TM/FFG case: how often does each expectation hold under noise?

For each noise level (+-20%, +-40%, +-60% by default) the script runs ``gpnopt sweep`` on the
instance with every cost, price, capacity and market quantity multiplied by its own factor
U[1 - a, 1 + a] (perturbations ``*cost*``, ``*price*``, ``*capacity*`` and
``markets.*.demand.*.quantity``; seeded, so the table is reproducible), and prints, for each
expectation, the share of solved draws in which it holds, and the share in which all hold.

Targets (issue 15): every expectation in at least 90% of the draws at +-20%; all of them
together in at least 90% at +-20% and at least 60% at +-40%. An expectation that still holds in
every draw at +-60% is carried by a rule rather than by numbers: it must be a rule the case states
(listed in :data:`STATED_RULES` with the quotation; ``docs/cases/tm_ffg.md`` keeps them) or it is a
defect of the calibration, and the script says which.

Usage::

    .venv/bin/python benchmarks/drivers.py                       # 200 draws per level, 2 workers
    .venv/bin/python benchmarks/drivers.py --samples 100 --levels 0.2,0.4
    .venv/bin/python benchmarks/drivers.py --scenario entry_2005
    .venv/bin/python benchmarks/drivers.py --instance instances/tm_ffg_timeline.yaml --samples 40

Exit code 0 when every target is met, else 1. Sweep folders go under ``out/drivers/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INSTANCE = ROOT / "instances" / "tm_ffg.yaml"

NUMBERS = ("*cost*", "*price*", "*capacity*", "markets.*.demand.*.quantity")
"""Path patterns of the numbers perturbed: every cost, price, capacity and demand quantity."""

STATED_RULES = {
    "cn_high_via_tmtrd": (
        "case 1.11: 'TM-Trading sells only TM products produced in Japan to the Chinese "
        "market' and 'The Chinese laws required a separate sales company needs to be set up "
        "to sell imported products in China'"
    ),
    "ffg_in_japan_only_via_ftj": (
        "case 1.11: 'FFG's would not be successful without TM's after sales network support' "
        "(Taiwanese firms had no after-sales network in Japan)"
    ),
    "jp_base_plant_open": (
        "case 1.6: 'it was decided that the TM's domestic plants in Japan would play the role "
        "as base plants with the functions to develop and accumulate the technologies and "
        "skills for foreign (and Chinese) markets' (family 19: TM's foreign lines need TM Japan "
        "open)"
    ),
}
"""Expectations a rule of the case may carry (holding in every draw at any noise is then fine)."""


def perturbations(instance: str, scenario: str | None, level: float) -> list[str]:
    """The ``--perturb`` texts of one noise level (patterns that match no number left out)."""
    from gpnopt.sweep.plan import growth_leaves, make_plan, matching, numeric_leaves
    from gpnopt.sweep.spec import SweepSpec

    raw = make_plan(SweepSpec.build(instance, samples=1, scenario=scenario)).raw
    leaves = numeric_leaves(raw)
    dotted = [".".join(str(k) for k in leaf) for leaf in leaves]
    growth = growth_leaves(raw, leaves)
    return [f"{p}:uniform:{level:g}" for p in NUMBERS if matching(p, leaves, dotted, growth)]


def run_level(args: argparse.Namespace, level: float):
    """One sweep at one noise level; returns its summary."""
    from gpnopt.sweep import SweepSpec, run_sweep

    spec = SweepSpec.build(args.instance, samples=args.samples, perturb=perturbations(args.instance, args.scenario, level),
                           scenario=args.scenario, seed=args.seed)
    tag = (args.scenario or "base").replace(",", "+")
    out = ROOT / "out" / "drivers" / f"{Path(args.instance).stem}-{tag}-{level:g}-{args.seed}"
    run = run_sweep(spec, out, workers=args.workers, overwrite=True)
    return run.summary


def main(argv: list[str] | None = None) -> int:
    """Run one sweep per level, print the table and the targets."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instance", default=str(DEFAULT_INSTANCE), help="instance file")
    ap.add_argument("--scenario", default=None, help="scenario (default: the file as written)")
    ap.add_argument("--samples", type=int, default=200, help="draws per level (default 200)")
    ap.add_argument("--levels", default="0.2,0.4,0.6", help="noise levels (default 0.2,0.4,0.6)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = ap.parse_args(argv)
    levels = [float(x) for x in args.levels.split(",")]
    if args.samples < 1 or not all(0 < a < 1 for a in levels):
        ap.error("--samples must be positive and every level in (0, 1)")

    started = time.perf_counter()
    summaries = {a: run_level(args, a) for a in levels}
    seconds = time.perf_counter() - started
    first = summaries[levels[0]]
    ids = [e["id"] for e in first["expectations"]]
    desc = {e["id"]: e["description"] for e in first["expectations"]}
    share = {a: {e["id"]: e["share"] for e in s["expectations"]} for a, s in summaries.items()}

    print(f"{args.instance} scenario={args.scenario or 'base'}: {args.samples} draws per level, "
          f"seed {args.seed}, noise on {', '.join(NUMBERS)}; {seconds:.0f} s")
    head = "  ".join(f"+-{a:.0%}".rjust(6) for a in levels)
    print(f"{head}  expectation")
    for i in ids:
        cells = "  ".join(f"{share[a][i]:6.0%}" for a in levels)
        print(f"{cells}  {i}: {desc[i]}")
    print("  ".join(f"{summaries[a]['pattern']:6.0%}" for a in levels) + "  all together")
    unsolved = {a: s["draws"] - s["solved"] for a, s in summaries.items()}
    if any(unsolved.values()):
        print("draws not solved (infeasible or invalid): "
              + ", ".join(f"+-{a:.0%}: {n}" for a, n in unsolved.items()))

    ok = True
    if 0.2 in share:
        weak = [i for i in ids if share[0.2][i] < 0.9]
        met = not weak
        ok &= met
        print(f"target every expectation >= 90% at +-20%: {'met' if met else 'NOT met'}"
              + (f" ({', '.join(weak)})" if weak else ""))
        met = summaries[0.2]["pattern"] >= 0.9
        ok &= met
        print(f"target all together >= 90% at +-20%: {summaries[0.2]['pattern']:.0%} "
              f"{'met' if met else 'NOT met'}")
    if 0.4 in share:
        met = summaries[0.4]["pattern"] >= 0.6
        ok &= met
        print(f"target all together >= 60% at +-40%: {summaries[0.4]['pattern']:.0%} "
              f"{'met' if met else 'NOT met'}")
    if 0.6 in share:
        always = [i for i in ids if share[0.6][i] >= 1.0]
        rules = [i for i in always if i in STATED_RULES]
        defects = [i for i in always if i not in STATED_RULES]
        for i in rules:
            print(f"holds in every draw at +-60%, a rule the case states: {i} ({STATED_RULES[i]})")
        ok &= not defects
        print("target no expectation held by an unstated rule at +-60%: "
              + ("met" if not defects else f"NOT met ({', '.join(defects)})"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
