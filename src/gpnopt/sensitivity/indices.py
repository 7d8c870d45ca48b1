"""Sensitivity indices of a solved design: which group of numbers moves which conclusion.

The outputs of each draw (:func:`outputs`), read from the sweep's table: every
expectation (1 holds, 0 not), the objective, each firm's profit and each plant's
specialization indices (``h.P`` the horizontal index, ``vs_share.P`` the vertical
specialization share; a closed plant counts 0; a multi-period instance: the net present
values and the last period's indices, ``h.P@PERIOD``). :func:`indices` runs SALib's analysis
(``SALib.analyze.morris`` or ``SALib.analyze.sobol``) for each output and ranks the groups by
their effect: Morris' ``mu_star`` (the mean absolute elementary effect, in the output's unit
per the whole range) or Sobol's total index ``ST``. :func:`conclusions` gives, per output, the
share of the effect that comes from assumed or unstated numbers, and flags the outputs that
rest mostly on them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from gpnopt.sensitivity.design import StudyDesign
from gpnopt.sweep import SOLVED

if TYPE_CHECKING:
    import pandas as pd

WEAK_SHARE = 0.5
"""An output whose effect comes more than this share from assumed or unstated numbers is
flagged: its conclusion rests mostly on assumed numbers."""

TINY = 1e-9
"""Effects at or below this (relative to the output's scale) count as none."""


def outputs(table: pd.DataFrame, design: StudyDesign) -> dict[str, Any]:
    """Output name -> NumPy array over the draws (in draw order; NaN where unsolved)."""
    import numpy as np

    plan = design.plan
    solved = table["status"].isin(SOLVED).to_numpy()

    def col(name: str, fill: float | None = None) -> Any:
        v = table[name].astype("Float64").astype(float).to_numpy(copy=True)
        if fill is not None:
            v[np.isnan(v) & solved] = fill
        v[~solved] = np.nan
        return v

    out: dict[str, Any] = {}
    for eid, _ in plan.expectations:
        out[f"holds.{eid}"] = col(f"holds.{eid}", 0.0)
    out["objective"] = col("objective")
    for f in plan.firms:
        out[f"profit.{f}"] = col(f"profit.{f}")
    last = f"@{plan.periods[-1]}" if plan.periods else ""  # over periods: the last period's
    for key in ("h", "vs_share"):
        for p in plan.plants:
            out[f"{key}.{p}{last}"] = col(f"{key}.{p}{last}", 0.0)
    return out


def _analyse(design: StudyDesign, y: Any) -> dict[str, list[float]]:
    """SALib's indices of one output, by group (in :attr:`StudyDesign.groups` order)."""
    import numpy as np

    about = design.plan.design.about  # type: ignore[union-attr]
    x = np.asarray(design.plan.design.factors, dtype=float)  # type: ignore[union-attr]
    seed = about["seed"]
    if design.method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(design.problem, x, y, num_levels=about["levels"], seed=seed)
        keys = ("mu_star", "mu_star_conf", "mu")
    else:
        from SALib.analyze import sobol

        si = sobol.analyze(design.problem, y, calc_second_order=False, seed=seed)
        keys = ("ST", "ST_conf", "S1", "S1_conf")
    names = [str(n) for n in si["names"]] if "names" in si else design.groups
    order = {n: j for j, n in enumerate(names)}
    return {k: [float(si[k][order[g]]) for g in design.groups] for k in keys}


def indices(table: pd.DataFrame, design: StudyDesign) -> pd.DataFrame:
    """One row per (output, group): ``effect`` (mu_star or ST), SALib's other indices,
    ``rank`` (1 the largest effect; equal effects share a rank), ``numbers`` and
    ``weak_share`` (the share of the group's numbers that are assumed or unstated).

    An output that does not vary over the solved draws has effect 0 for every group; an
    output with unsolved draws has NaN indices (their elementary effects are missing).
    """
    import numpy as np
    import pandas as pd

    groups = design.groups
    count = {g: sum(f.group == g for f in design.factors) for g in groups}
    rows = []
    for name, y in outputs(table, design).items():
        if np.isnan(y).any():
            res = {"effect": [math.nan] * len(groups)}
        elif np.ptp(y) <= TINY * max(1.0, float(np.abs(y).max())):
            zero = [0.0] * len(groups)  # nothing moves it: every index is 0
            keys = ("mu_star", "mu_star_conf", "mu") if design.method == "morris" else (
                "ST", "ST_conf", "S1", "S1_conf")
            res = {"effect": zero, **dict.fromkeys(keys, zero)}
        else:
            res = _analyse(design, y)
            res["effect"] = res["mu_star"] if "mu_star" in res else res["ST"]
        for j, g in enumerate(groups):
            row = {"output": name, "group": g, "numbers": count[g],
                   "weak_share": design.weak_share(g)}
            row.update({k: v[j] for k, v in res.items()})
            rows.append(row)
    df = pd.DataFrame(rows)
    df["effect"] = df["effect"].clip(lower=0.0)
    df["rank"] = df.groupby("output")["effect"].rank(method="min", ascending=False)
    df["rank"] = df["rank"].astype("Int64")
    lead = ["output", "group", "rank", "effect", "numbers", "weak_share"]
    return df[lead + [c for c in df.columns if c not in lead]]


def conclusions(ind: pd.DataFrame) -> list[dict[str, Any]]:
    """Per output: its groups by rank, the total effect, ``weak_share`` (the share of the
    effect from assumed or unstated numbers: each group's effect times the share of its
    numbers that are weak, exact when a group is one kind), and ``rests_on_assumed``
    (weak_share above :data:`WEAK_SHARE`; never for an output nothing moves)."""
    out = []
    for name, g in ind.groupby("output", sort=False):
        g = g.sort_values(["rank", "group"], kind="stable")
        total = float(g["effect"].sum()) if g["effect"].notna().all() else math.nan
        weak = float((g["effect"] * g["weak_share"]).sum()) / total if total > 0 else math.nan
        out.append({
            "output": name,
            "total_effect": total,
            "ranking": [{"group": r["group"], "rank": int(r["rank"]) if r["rank"] is not None
                         and not _na(r["rank"]) else None, "effect": float(r["effect"])}
                        for r in g.to_dict("records")],
            "weak_share": weak,
            "rests_on_assumed": bool(total > 0 and weak > WEAK_SHARE),
        })
    return out


def _na(x: Any) -> bool:
    return repr(x) in ("<NA>", "nan")
