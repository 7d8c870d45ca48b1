"""Measure the hand-over from a Pyomo model to HiGHS: which path is fastest.

Builds a synthetic capacitated facility location instance through gpnopt (plants x markets,
dense lanes), then times, on the same Pyomo model:

* ``standard form + passModel``: Pyomo's LinearStandardFormCompiler (mixed form) and one
  highspy ``passModel`` call, as gpnopt's ``solver.highs`` does;
* ``contrib highs set_instance``: Pyomo's persistent ``pyomo.contrib.solver`` HiGHS interface;
* ``appsi_highs set_instance``: the legacy persistent APPSI interface.

No solve is run: only the hand-over. Usage::

    python benchmarks/handover.py --plants 100 --markets 2000
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def synthetic(n_plants: int, n_markets: int, seed: int = 0):
    """A feasible CFLP as a gpnopt instance (via the OR-Library mapping)."""
    from gpnopt.orlib import CapData, cap_to_instance

    rng = np.random.default_rng(seed)
    demand = rng.integers(5, 50, n_markets).astype(float)
    cap = np.full(n_plants, 2.5 * demand.sum() / n_plants)
    fixed = rng.uniform(5000, 15000, n_plants)
    costs = rng.uniform(1, 20, (n_plants, n_markets)) * demand[None, :]
    data = CapData(capacities=cap, fixed_costs=fixed, demands=demand, costs=costs)
    return cap_to_instance(data, name=f"synthetic-{n_plants}x{n_markets}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plants", type=int, default=100)
    parser.add_argument("--markets", type=int, default=2000)
    args = parser.parse_args()

    import highspy
    import pyomo.environ as pyo
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.solver import highs_lp

    inst = synthetic(args.plants, args.markets)
    t0 = time.perf_counter()
    data = build_data(inst)
    model = build_model(data)
    t1 = time.perf_counter()
    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    lp, nnz = highs_lp(info)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    t2 = time.perf_counter()
    print(f"model: {len(info.columns)} columns, {len(info.rows)} rows, {nnz} nonzeros")
    print(f"{'path':38s} {'seconds':>8s} {'us/nnz':>8s}")
    print(f"{'gpnopt build (data + Pyomo model)':38s} {t1 - t0:8.2f} {(t1 - t0) / nnz * 1e6:8.2f}")
    print(f"{'standard form + passModel':38s} {t2 - t1:8.2f} {(t2 - t1) / nnz * 1e6:8.2f}")
    for name in ("highs", "appsi_highs"):
        try:
            opt = pyo.SolverFactory(name)
            t3 = time.perf_counter()
            opt.set_instance(model)
            t4 = time.perf_counter()
        except Exception as exc:  # noqa: BLE001 - report any interface failure and go on
            print(f"{name + ' set_instance':38s} failed: {exc}")
            continue
        print(f"{name + ' set_instance':38s} {t4 - t3:8.2f} {(t4 - t3) / nnz * 1e6:8.2f}")


if __name__ == "__main__":
    main()
