"""Summaries of a sweep table: shares, distributions, decisions that vary, and grid flips.

:func:`summarize` gives ``summary.json``: the share of solved draws in which each
expectation, the whole pattern and each plant role hold, profit distributions, the decisions
that are not the same in every draw, and for grids each point's pattern share and the flips
counted by interval. :func:`grid_flips` lists where decisions change between neighbouring
values of a grid axis (``flips.csv``). Works on the table only (pandas).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gpnopt.sweep.spec import GridAxis, scalar_text

if TYPE_CHECKING:
    import pandas as pd

SOLVED = ("optimal", "feasible")
"""Statuses of draws with a solution."""

DECISION_PREFIXES = ("line.", "in_house.", "open.", "role.", "holds.")
"""Column prefixes of decisions and outcomes whose flips along a grid are reported."""


def _stats(values: pd.Series) -> dict[str, float]:
    v = values.dropna().astype(float)
    if v.empty:
        return {"mean": math.nan, "std": math.nan, "min": math.nan, "p5": math.nan,
                "p50": math.nan, "p95": math.nan, "max": math.nan}
    return {
        "mean": float(v.mean()),
        "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        "min": float(v.min()),
        "p5": float(v.quantile(0.05)),
        "p50": float(v.quantile(0.5)),
        "p95": float(v.quantile(0.95)),
        "max": float(v.max()),
    }


def summarize(
    table: pd.DataFrame,
    manifest: Mapping[str, Any],
    *,
    pattern: Sequence[str] | None = None,
    flips: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Shares and distributions over the solved draws of a sweep table.

    Returns a dict: ``draws``, ``solved``, ``periods`` (a multi-period sweep only), ``status`` (count by status), ``pattern``
    (share of solved draws in which every expectation holds), ``core_pattern`` (the ids of
    ``pattern`` and their joint share, when given), ``expectations`` (id, description,
    share), ``roles`` (plant -> role -> share; a multi-period sweep: ``plant@period``),
    ``profits`` (net present values for a multi-period sweep) (objective and each firm: mean,
    std, min, p5, p50, p95, max), ``decisions`` (line, in-house and open columns that are
    not the same in every solved draw, with the share in which they are 1), ``events`` (a
    multi-period sweep: :func:`event_shares`), and for grids
    ``points`` (each point's values, draws and pattern share) and ``flips`` (counted by
    parameter, interval, column and change).
    """
    import pandas as pd

    n = len(table)
    solved = table[table["status"].isin(SOLVED)] if n else table
    ns = len(solved)

    def share(col: str) -> float:
        if ns == 0 or col not in solved:
            return math.nan
        return float(solved[col].astype("boolean").fillna(False).astype(bool).mean())

    out: dict[str, Any] = {
        "instance": manifest["spec"]["instance"],
        "scenario": manifest["spec"].get("scenario") or "base",
        "draws": n,
        "solved": ns,
        "status": {str(k): int(v) for k, v in table["status"].value_counts().sort_index().items()} if n else {},
        "pattern": share("pattern"),
    }
    if manifest.get("periods"):
        out["periods"] = list(manifest["periods"])
    if pattern:
        if ns:
            joint = solved[[f"holds.{i}" for i in pattern]].astype("boolean").fillna(False).all(axis=1)
            out["core_pattern"] = {"ids": list(pattern), "share": float(joint.mean())}
        else:
            out["core_pattern"] = {"ids": list(pattern), "share": math.nan}
    out["expectations"] = [
        {"id": e["id"], "description": e["description"], "share": share(f"holds.{e['id']}")}
        for e in manifest.get("expectations", [])
    ]
    roles: dict[str, dict[str, float]] = {}
    periods = manifest.get("periods") or [None]
    for t in periods:
        for p in manifest.get("plants", []):
            key = p if t is None else f"{p}@{t}"
            col = f"role.{key}"
            if col in solved and ns:
                counts = solved[col].value_counts()
                roles[key] = {str(k): float(v) / ns for k, v in counts.items()}
    out["roles"] = roles
    profits = {"objective": _stats(solved["objective"]) if ns else _stats(pd.Series(dtype=float))}
    for f in manifest.get("firms", []):
        col = f"profit.{f}"
        profits[f] = _stats(solved[col]) if col in solved else _stats(pd.Series(dtype=float))
    out["profits"] = profits
    decisions = []
    for col in table.columns:
        if not col.startswith(("line.", "in_house.", "open.")) or not ns:
            continue
        s = float(solved[col].astype(float).mean())
        if 0.0 < s < 1.0:
            decisions.append({"column": col, "share": s})
    out["decisions"] = decisions
    if "events" in table.columns:
        out["events"] = event_shares(solved, manifest.get("periods", []))
    grid_cols = list(manifest.get("grid_columns", []))
    if grid_cols and n:
        pts = []
        for point, g in table.groupby("point", sort=True):
            gs = g[g["status"].isin(SOLVED)]
            pts.append({
                "point": int(point),
                **{c: _plain(g[c].iloc[0]) for c in grid_cols},
                "draws": len(g),
                "solved": len(gs),
                "pattern": float(gs["pattern"].astype("boolean").fillna(False).astype(bool).mean()) if len(gs) else math.nan,
            })
        out["points"] = pts
        if flips is None:
            flips = grid_flips(table, grid_cols)
        if flips.empty:
            out["flips"] = []
        else:
            keys = ["parameter", "from_value", "to_value", "column", "before", "after"]
            agg = flips.groupby(keys, sort=False, dropna=False).size().reset_index(name="count")
            # by axis, then along the axis (the order of its values), then most frequent first
            position = {
                (a.column, _plain(float(v) if a.numeric else scalar_text(v))): j
                for a in (GridAxis.parse(t) for t in manifest["spec"]["grid"])
                for j, v in enumerate(a.values)
            }
            agg["_axis"] = agg["parameter"].map({c: j for j, c in enumerate(grid_cols)})
            agg["_at"] = [position.get((p, _plain(v)), 0)
                          for p, v in zip(agg["parameter"], agg["from_value"], strict=True)]
            agg = agg.sort_values(["_axis", "_at", "count"], ascending=[True, True, False],
                                  kind="stable").drop(columns=["_axis", "_at"])
            out["flips"] = [{k: _plain(v) for k, v in r.items()} for r in agg.to_dict("records")]
    return out


def event_shares(solved: pd.DataFrame, periods: Sequence[str]) -> list[dict[str, Any]]:
    """Each timeline event of a multi-period sweep with the share of ``solved`` draws in
    which it happens (``event.built.CN_FT@2005``), by period, then most frequent first."""
    ns = len(solved)
    if not ns:
        return []
    counts: dict[str, int] = {}
    for text in solved["events"].fillna(""):
        for e in dict.fromkeys(x for x in str(text).split(";") if x):
            counts[e] = counts.get(e, 0) + 1
    order = {t: j for j, t in enumerate(periods)}
    ranked = sorted(counts, key=lambda e: (order.get(e.rsplit("@", 1)[-1], len(order)),
                                           -counts[e], e))
    return [{"event": e, "share": counts[e] / ns} for e in ranked]


def _plain(v: Any) -> Any:
    """A JSON-friendly scalar."""
    if v is None or repr(v) == "<NA>":
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def jsonable(x: Any) -> Any:
    """``x`` with every scalar made JSON-friendly (NaN and NA become None)."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    return _plain(x)


def grid_flips(table: pd.DataFrame, grid_columns: Sequence[str]) -> pd.DataFrame:
    """Where decisions change between neighbouring values of a grid axis.

    For each axis, the draws that differ only in that axis's value (same sample, same values
    of the other axes) are walked in the axis's order; every column of a decision or
    outcome (``status``, ``pattern``, and those starting with :data:`DECISION_PREFIXES`) whose
    value differs between two neighbouring values is a flip.

    Returns:
        One row per flip: parameter (the axis's column), from_value, to_value (the values
        between which it flips), column, before, after, sample, at (the other axes' values,
        ``;``-joined).
    """
    import pandas as pd

    cols = ["parameter", "from_value", "to_value", "column", "before", "after", "sample", "at"]
    if not grid_columns or table.empty:
        return pd.DataFrame(columns=cols)
    watch = ["status", "pattern"] + [c for c in table.columns if c.startswith(DECISION_PREFIXES)]
    rows = []
    ordered = table.sort_values("draw", kind="stable")
    for axis in grid_columns:
        others = [c for c in grid_columns if c != axis]
        keys = ["sample", *others]
        for key, g in ordered.groupby(keys, sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            g = g.sort_values("point", kind="stable")  # the axis's order (mixed radix)
            at = ";".join(f"{c}={_plain(v)}" for c, v in zip(others, key[1:], strict=True))
            recs = g[[axis, *watch]].to_dict("records")
            for a, b in itertools.pairwise(recs):
                for c in watch:
                    va, vb = _text(a[c]), _text(b[c])
                    if va != vb:
                        rows.append({
                            "parameter": axis, "from_value": _plain(a[axis]),
                            "to_value": _plain(b[axis]), "column": c, "before": va,
                            "after": vb, "sample": int(key[0]), "at": at,
                        })
    df = pd.DataFrame(rows, columns=cols)
    for c in ("from_value", "to_value"):
        df[c] = df[c].astype(object)
    return df


def _text(v: Any) -> str:
    """A decision's value as text (``""`` when missing), so 1 and True stay apart."""
    v = _plain(v)
    return "" if v is None else str(v)
