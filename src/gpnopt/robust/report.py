"""The result of a robust design: bounds, designs, out-of-sample frequencies, files.

:func:`make_run` turns the tasks' rows into a :class:`RobustRun`: the best candidate (the
highest value on the evaluation draws; a candidate infeasible on some draw ranks after every
one that is not), the bounds (:mod:`gpnopt.robust.bounds`), and the tables:

* ``replications``: replication, status, error, objective, bound, expected_profit, cvar,
  mip_gap, seconds, candidate (the label of its design), robust_value (the robust design's
  value on the replication's own draws);
* ``candidates``: design, value, se, solved, failed, chosen (every distinct design and the
  mean-value design, on the evaluation draws);
* ``designs``: key, family, robust, mean_value, differs, replications (the share of the
  solved replications whose design takes the decision, its mean value for modules);
* ``evaluation``: draw, design, status, error, profit, and the sweep's record columns
  (holds.*, role.*, profit.*), one row per evaluation draw and design;
* ``expectations``: id, description, robust, mean_value, wait_and_see: the share of the
  evaluation draws in which each expectation holds;
* ``roles``: plant, role, robust, mean_value, wait_and_see: the share of the evaluation
  draws in which each plant has each role.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import gpnopt.robust.bounds as bounds
from gpnopt.atomic import OutputFolder
from gpnopt.results.formats import table_files
from gpnopt.robust.draws import RobustPlan
from gpnopt.robust.tasks import MEAN_VALUE, WAIT_AND_SEE
from gpnopt.sweep.summary import jsonable

SOLVED = ("optimal", "feasible")
"""Statuses of a solved evaluation."""

SUMMARY = "robust.json"
"""The summary's file."""


@dataclass
class RobustRun:
    """What :func:`gpnopt.robust.run_robust` found.

    Attributes:
        spec: the spec (:class:`gpnopt.robust.RobustSpec`).
        robust: the label of the chosen candidate design.
        design: the robust design, key -> value.
        mean_value_design: the mean-value scenario's design.
        bounds: ``optimistic``, ``pessimistic``, ``gap``, ``vss``, ``evpi``,
            ``wait_and_see``, ``mean_value`` (each a dict with ``value`` and ``ci95``).
        tables: the tables by name (module docstring).
        summary: everything above as plain data (``robust.json``).
        seconds: wall-clock seconds of the replications, the evaluation and the total.
    """

    spec: Any
    robust: str
    design: dict[str, float]
    mean_value_design: dict[str, float]
    bounds: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def differing(self) -> pd.DataFrame:
        """The decisions in which the robust and the mean-value designs differ."""
        d = self.tables["designs"]
        return d[d["differs"]].reset_index(drop=True)

    def write(self, out_dir: str | Path, *, formats: tuple[str, ...] = ("csv", "parquet"),
              extra: dict[str, bytes | str] | None = None) -> list[str]:
        """Write the tables (in ``formats``), ``robust.json`` and ``extra`` (name -> content,
        e.g. the picture) into ``out_dir`` atomically, the manifest last; return the names.
        """
        tables = {k: v for k, v in self.tables.items()}
        files = table_files(tables, formats, summary=self.tables["candidates"])
        files[SUMMARY] = json.dumps(jsonable(self.summary), indent=2) + "\n"
        files.update(extra or {})
        with OutputFolder(out_dir, files=files) as folder:
            for name, data in files.items():
                folder.write(name, data)
        return list(files)


def _profits(ev: pd.DataFrame, label: str) -> pd.Series:
    """Profit per draw of design ``label`` (NaN where it was not solved)."""
    d = ev[ev["design"] == label].set_index("draw")
    return d["profit"].where(d["status"].isin(SOLVED))


def _candidates(ev: pd.DataFrame, labels: list[str],
                risk: tuple[float, float] | None) -> pd.DataFrame:
    rows = []
    for lab in labels:
        p = _profits(ev, lab)
        ok = p.dropna()
        est = bounds.estimate(ok.to_numpy(), risk) if len(ok) > 1 else {"value": math.nan,
                                                                          "se": math.nan}
        rows.append({"design": lab, "value": est["value"], "se": est["se"],
                     "solved": int(len(ok)), "failed": int(len(p) - len(ok))})
    df = pd.DataFrame(rows, columns=["design", "value", "se", "solved", "failed"])
    cands = df[df["design"].str.startswith("candidate_")]
    best = cands.sort_values(["failed", "value"], ascending=[True, False], kind="stable")
    chosen = best["design"].iloc[0]
    df["chosen"] = df["design"] == chosen
    return df


def _design_table(designs: dict[str, dict[str, float]], robust: str,
                  replications: list[dict[str, Any]]) -> pd.DataFrame:
    keys = list(dict.fromkeys(k for d in designs.values() for k in d))
    solved = [r["design"] for r in replications if r.get("design") is not None]
    rows = []
    for k in keys:
        r, mv = designs[robust].get(k, 0.0), designs[MEAN_VALUE].get(k, 0.0)
        rows.append({"key": k, "family": k.split(":", 1)[0], "robust": r, "mean_value": mv,
                     "differs": bool(r != mv),
                     "replications": float(np.mean([d.get(k, 0.0) for d in solved]))})
    return pd.DataFrame(rows, columns=["key", "family", "robust", "mean_value", "differs",
                                       "replications"])


def _frequencies(ev: pd.DataFrame, plan: RobustPlan, robust: str,
                 labels: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How often each expectation holds and each plant has each role, per design."""
    shown = {robust: "robust", MEAN_VALUE: "mean_value", WAIT_AND_SEE: "wait_and_see"}
    ok = ev[ev["status"].isin(SOLVED)]
    exp_rows = []
    for eid, desc in plan.sweep.expectations:
        row: dict[str, Any] = {"id": eid, "description": desc}
        for lab, col in shown.items():
            sub = ok[ok["design"] == lab]
            c = f"holds.{eid}"
            row[col] = float(sub[c].astype(float).mean()) if lab in labels and len(sub) and \
                c in sub else math.nan
        exp_rows.append(row)
    role_rows = []
    for p in plan.sweep.plants:
        c = f"role.{p}"
        shares = {}
        for lab, col in shown.items():
            sub = ok[ok["design"] == lab]
            if lab in labels and len(sub) and c in sub:
                shares[col] = sub[c].value_counts(normalize=True).to_dict()
        for role in sorted({r for s in shares.values() for r in s}):
            role_rows.append({"plant": p, "role": role,
                              **{col: float(shares.get(col, {}).get(role, 0.0))
                                 if col in shares else math.nan for col in shown.values()}})
    cols = ["robust", "mean_value", "wait_and_see"]
    return (pd.DataFrame(exp_rows, columns=["id", "description", *cols]),
            pd.DataFrame(role_rows, columns=["plant", "role", *cols]))


def _bounds(ev: pd.DataFrame, replications: list[dict[str, Any]], robust: str,
            risk: tuple[float, float] | None, wait_and_see: bool) -> dict[str, Any]:
    ups = [r["bound"] for r in replications if r.get("design") is not None]
    out: dict[str, Any] = {"optimistic": bounds.optimistic(ups)}
    rob, mv = _profits(ev, robust), _profits(ev, MEAN_VALUE)
    both = pd.concat([rob, mv], axis=1).dropna()
    out["pessimistic"] = bounds.estimate(rob.dropna().to_numpy(), risk)
    out["pessimistic"]["design"] = robust
    out["gap"] = bounds.gap(out["optimistic"], out["pessimistic"])
    out["gap_mrp"] = bounds.mrp_gap(
        [r["bound"] - r.get("robust_value", math.nan) for r in replications
         if r.get("design") is not None], out["pessimistic"]["value"])
    out["mean_value"] = bounds.estimate(mv.dropna().to_numpy(), risk)
    out["mean_value"]["failed"] = int(mv.isna().sum())
    out["vss"] = bounds.paired(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy(), risk)
    out["vss"]["draws"] = int(len(both))  # the draws both designs solve
    if wait_and_see:
        ws = _profits(ev, WAIT_AND_SEE)
        pair = pd.concat([ws, rob], axis=1).dropna()
        out["wait_and_see"] = bounds.estimate(ws.dropna().to_numpy(), risk)
        out["evpi"] = bounds.paired(pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy(), risk)
    out["pessimistic"]["failed"] = int(rob.isna().sum())
    return out


def _risk(spec: Any) -> tuple[float, float] | None:
    return None if spec.risk is None else (spec.risk.alpha, spec.risk.weight)


def _evaluation_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    ev = pd.DataFrame(rows)
    for c in ev.columns:
        if c.startswith("holds."):
            ev[c] = ev[c].astype("boolean")
    return ev.sort_values(["draw", "design"], kind="stable").reset_index(drop=True)


def best_candidate(rows: list[dict[str, Any]], designs: dict[str, dict[str, float]],
                   spec: Any) -> str:
    """The label of the best candidate on the evaluation rows (module docstring)."""
    labels = [*designs, *([WAIT_AND_SEE] if spec.wait_and_see else [])]
    cands = _candidates(_evaluation_table(rows), labels, _risk(spec))
    return str(cands.loc[cands["chosen"], "design"].iloc[0])


def make_run(plan: RobustPlan, replications: list[dict[str, Any]], mean_row: dict[str, Any],
             designs: dict[str, dict[str, float]], rows: list[dict[str, Any]],
             seconds: dict[str, float], info: dict[str, Any], robust: str) -> RobustRun:
    """The :class:`RobustRun` of the tasks' results (module docstring); ``robust`` is
    :func:`best_candidate`'s label."""
    spec = plan.spec
    risk = _risk(spec)
    ev = _evaluation_table(rows)
    labels = [*designs, *([WAIT_AND_SEE] if spec.wait_and_see else [])]
    cands = _candidates(ev, labels, risk)
    rep_cols = ["replication", "status", "error", "objective", "bound", "expected_profit",
                "cvar", "mip_gap", "seconds", "candidate", "robust_value"]
    reps = pd.DataFrame([{k: r.get(k) for k in rep_cols} for r in replications],
                        columns=rep_cols)
    design_table = _design_table(designs, robust, replications)
    exps, roles = _frequencies(ev, plan, robust, labels)
    bd = _bounds(ev, replications, robust, risk, spec.wait_and_see)
    tables = {"replications": reps, "candidates": cands, "designs": design_table,
              "evaluation": ev, "expectations": exps, "roles": roles}
    differ = design_table[design_table["differs"]]
    summary = {
        "instance": spec.instance,
        "scenario": spec.scenario or "base",
        "spec": spec.as_dict(),
        "robust_design": robust,
        "bounds": bd,
        "differs_from_mean_value": [
            {"key": r.key, "robust": r.robust, "mean_value": r.mean_value}
            for r in differ.itertuples()],
        "mean_value": {k: mean_row.get(k) for k in ("status", "objective", "bound")},
        "expectations": exps.to_dict("records"),
        "seconds": seconds,
        "run": info,
    }
    return RobustRun(spec=spec, robust=robust, design=designs[robust],
                     mean_value_design=designs[MEAN_VALUE], bounds=bd, tables=tables,
                     summary=summary, seconds=seconds)
