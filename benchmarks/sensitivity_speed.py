"""A Morris screen of the case (about 2,000 solves) with ``gpnopt sensitivity``: time and result.

Every cost and price of ``instances/tm_ffg.yaml`` ranges over +-20% (the sweep's default);
SALib's Morris design (4 levels, seed 0) with ``N`` trajectories of ``groups + 1`` solves each,
``N`` chosen so that the study has about ``--solves`` solves (default 2,000). The rows are
solved on the sweep's machinery (persistent workers, local processes; ``--dask`` on a local
Dask cluster of as many workers) into a fresh temporary folder. It prints the solves, the
wall-clock seconds and solves per second, whether the target of issue 18 is met (at most 600
seconds on 2 cores), the kinds of the numbers, the five largest effects on the objective and
the outputs that rest mostly on assumed numbers. ``--same`` instead runs one small study
(``--solves`` about 60) on one worker, on 2 local processes and on a local Dask cluster of 2
workers, and checks that the three give the same indices.

Usage::

    python benchmarks/sensitivity_speed.py                     # by path, 2 workers
    python benchmarks/sensitivity_speed.py --group provenance --workers 1 --solves 300
    python benchmarks/sensitivity_speed.py --same --solves 60 --group provenance
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gpnopt.sensitivity import SensitivitySpec, kind_counts, make_design, run_sensitivity

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 600.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instance", default=str(ROOT / "instances" / "tm_ffg.yaml"))
    ap.add_argument("--group", default="path", choices=["provenance", "family", "path"])
    ap.add_argument("--solves", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="a local Dask cluster instead")
    ap.add_argument("--same", action="store_true",
                    help="one worker, 2 processes and Dask give the same indices")
    args = ap.parse_args()
    if args.same:
        same(args)
        return

    probe = make_design(SensitivitySpec.build(args.instance, samples=2, group=args.group))
    n = max(2, round(args.solves / (len(probe.groups) + 1)))
    spec = SensitivitySpec.build(args.instance, samples=n, group=args.group)
    print(f"{args.instance}: Morris, every cost and price +-20%, {len(probe.factors)} numbers "
          f"({', '.join(f'{k} {v}' for k, v in kind_counts(probe.factors).items() if v)}), "
          f"{len(probe.groups)} groups by {args.group}, N = {n}: {n * (len(probe.groups) + 1)} "
          "solves")
    cluster = client = None
    if args.dask:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
        client = Client(cluster)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run = run_sensitivity(spec, Path(tmp) / "study", workers=args.workers, scheduler=client)
        wall = time.perf_counter() - started
    if client is not None:
        client.close()
        cluster.close()
    solves = len(run.sweep.table)
    where = f"Dask cluster of {args.workers}" if args.dask else f"{run.sweep.workers} workers"
    print(f"solves {solves} ({run.summary['solved']} solved) on {where}: "
          f"{wall:.1f} s wall-clock (solving {run.sweep.seconds:.1f} s), "
          f"{solves / wall:.1f} solves/s")
    print(f"target: a Morris screen of about 2,000 solves in at most {TARGET_SECONDS:.0f} s: "
          + ("met" if wall <= TARGET_SECONDS and solves >= 0.9 * 2000 else
             "NOT met" if solves >= 0.9 * 2000 else f"not measured ({solves} solves)"))
    obj = next(o for o in run.summary["outputs"] if o["output"] == "objective")
    print(f"objective: {100 * obj['weak_share']:.0f}% of the effect from assumed numbers; "
          "largest effects (mu*, kUSD over the whole range):")
    for r in obj["ranking"][:5]:
        print(f"  {r['effect']:10.1f}  {r['group']}")
    flagged = run.summary["rests_on_assumed"]
    print(f"{len(flagged)} of {len(run.summary['outputs'])} outputs rest mostly on assumed "
          f"numbers: {', '.join(flagged) or 'none'}")


def same(args: argparse.Namespace) -> None:
    """The same small study on one worker, 2 local processes and a 2-worker Dask cluster."""
    from distributed import Client, LocalCluster

    probe = make_design(SensitivitySpec.build(args.instance, samples=2, group=args.group))
    n = max(2, round(args.solves / (len(probe.groups) + 1)))
    spec = SensitivitySpec.build(args.instance, samples=n, group=args.group)
    tables = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, kw in (("1 worker", {"workers": 1}), ("2 processes", {"workers": 2})):
            started = time.perf_counter()
            tables[label] = run_sensitivity(spec, Path(tmp) / label.replace(" ", "_"), **kw).indices
            print(f"{label:12s} {time.perf_counter() - started:7.1f} s")
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, \
                Client(cluster) as client:
            started = time.perf_counter()
            tables["dask"] = run_sensitivity(spec, Path(tmp) / "dask", scheduler=client).indices
            print(f"{'dask':12s} {time.perf_counter() - started:7.1f} s")
    base = tables["1 worker"]
    for label, t in tables.items():
        ok = t.equals(base)
        print(f"{label}: {len(t)} index rows, {'identical to' if ok else 'DIFFERENT from'} "
              "one worker's")


if __name__ == "__main__":
    main()
