"""Evaluate an instance's declarative expectations on a Result's tables.

Each expectation states a fact about the solution (see :class:`gpnopt.schema.Expectation`)
and whether it should hold. Evaluation reads only the Result tables, so calibration
targets are data, not code. No Pyomo here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from gpnopt.schema import Expectation, Instance


def _filter(df: pd.DataFrame, **conds: Any) -> pd.DataFrame:
    for col, v in conds.items():
        if v is not None:
            df = df[df[col] == v]
    return df


def _source_mask(inst: Instance, flows: pd.DataFrame, e: Expectation) -> pd.Series:
    mask = pd.Series(True, index=flows.index)
    if e.source is not None:
        mask &= flows["source"] == e.source
    if e.source_country is not None:
        mask &= flows["source_country"] == e.source_country
    if e.source_firm is not None:
        owned = {p for p, pl in inst.plants.items() if pl.owners.get(e.source_firm, 0) > 0}
        mask &= flows["source"].isin(owned)
    return mask


def evaluate(inst: Instance, tables: dict[str, pd.DataFrame], e: Expectation) -> tuple[bool, str]:
    """Whether the statement of ``e`` is true in the solution, and a short detail."""
    eps = e.min_quantity
    if e.kind in ("makes", "sells"):
        df = _filter(
            tables["production"], plant=e.plant, product=e.product, tier=e.tier, market=e.market
        )
        if e.firm is not None:
            df = df[df["firm"] == e.firm]
        total = float(df["quantity"].sum())
        if e.kind == "sells" and e.only_channel and e.channel is not None:
            through = float(df[df["channel"] == e.channel]["quantity"].sum())
            ok = total > eps and through >= total - eps
            return ok, f"{through:g} of {total:g} units through {e.channel}"
        if e.channel is not None:
            df = df[df["channel"] == e.channel]
            total = float(df["quantity"].sum())
        return total > eps, f"{total:g} units"
    if e.kind == "in_house":
        df = _filter(tables["make_or_buy"], plant=e.plant, component=e.component)
        q = float(df["quantity"].sum())
        ok = bool((df["in_house"] == 1).any()) and q > eps
        return ok, f"in-house {q:g} units"
    if e.kind == "flow":
        flows = _filter(tables["component_flows"], component=e.component, destination=e.destination)
        q = float(flows[_source_mask(inst, flows, e)]["quantity"].sum())
        return q > eps, f"{q:g} units"
    if e.kind == "share":
        flows = _filter(tables["component_flows"], destination=e.destination)
        if e.components:
            flows = flows[flows["component"].isin(e.components)]
        total = float(flows["quantity"].sum())
        part = float(flows[_source_mask(inst, flows, e)]["quantity"].sum())
        if total <= eps:
            return False, "no supply at all"
        share = part / total
        lo = 0.0 if e.min is None else e.min
        hi = 1.0 if e.max is None else e.max
        return lo - 1e-9 <= share <= hi + 1e-9, f"share {share:.3f} (range {lo:g}-{hi:g})"
    if e.kind == "binding":
        df = _filter(tables["technicians"], firm=e.firm)
        if df.empty:
            return False, "firm has no technician limit in this model"
        used, pool = float(df["used"].iloc[0]), float(df["pool"].iloc[0])
        return used >= pool - 1e-6, f"{used:g} of {pool:g} technicians used"
    # open
    if e.plant is not None:
        df = _filter(tables["plant_profit"], plant=e.plant)
    else:
        df = _filter(tables["channel_profit"], channel=e.channel)
    ok = bool((df["open"] == 1).any())
    return ok, "open" if ok else "closed"


def evaluate_expectations(inst: Instance, result: Any) -> list[dict[str, Any]]:
    """Evaluate every expectation of ``inst`` on ``result`` (a :class:`gpnopt.results.Result`).

    Returns:
        One dict per expectation: id, description, kind, expected, holds, detail. ``holds``
        is true when the statement's truth equals the expected truth.
    """
    out = []
    for e in inst.expectations:
        actual, detail = evaluate(inst, result.tables, e)
        out.append(
            {
                "id": e.id,
                "description": e.description,
                "kind": e.kind,
                "expected": e.holds,
                "holds": actual == e.holds,
                "detail": detail,
            }
        )
    return out
