"""Scenario comparison from several Results: KPIs side by side and a decision-level diff.

Everything here reads Result tables (and the instances for names and ownership); no Pyomo.

KPIs (long table ``kpis``: section, item, period, scenario, value; ``kpis_wide`` pivots
scenarios into columns). The period is the row's period for the KPIs of one period (plant
profit, volumes, shares, roles: each period of a multi-period instance), and for the KPIs of
the whole solution (objective, status, expectations, firm profit) the one period ``P1`` of a
one-period instance, ``all`` for a multi-period one (its net present values):

* ``objective``, ``status``, ``expectations held``;
* ``firm profit`` by firm, ``plant profit`` by plant;
* ``volume by plant``, ``volume by country``, ``volume by tier`` (machines made);
* ``sourcing share`` of each plant's component units by origin country;
* each plant's ``role type``, ``horizontal index``, ``VS share`` and ``role`` in words
  (``analysis/specialization.py``).

The diff (table ``diff``) compares each scenario with the first, period by period (a period
only one of them has is compared with nothing): plants, channels and offices opened or closed,
lines opened or closed, make-or-buy switches, component flows that appear or vanish, and
production volumes (plant, product, market) that shift by more than the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gpnopt.atomic import OutputFolder
from gpnopt.results.formats import check_formats, table_files
from gpnopt.schema import Instance

DEFAULT_THRESHOLD = 0.05
"""Relative change of a volume (against the first scenario) that the diff reports."""

ABS_THRESHOLD = 1e-6
"""Volumes at or below this are zero."""


def _kpi_rows(name: str, inst: Instance, result: Any) -> list[dict[str, Any]]:
    t = result.tables
    rows: list[dict[str, Any]] = []
    whole = _overall(result)

    def add(section: str, item: str, value: Any, period: str = whole) -> None:
        rows.append({"section": section, "item": item, "period": period, "scenario": name,
                     "value": value})

    add("objective", result.objective_mode, round(result.objective, 6))
    add("status", "status", result.status)
    held = sum(bool(e["holds"]) for e in result.expectations)
    add("expectations", "held", f"{held} of {len(result.expectations)}")
    for f, v in result.firm_profit.items():
        add("firm profit", f, v)
    for period in _periods(result):
        for r in _at(t["plant_profit"], period).itertuples():
            add("plant profit", r.plant, r.profit, period)
        prod = _at(t["production"], period)
        for key, section in (("plant", "volume by plant"), ("country", "volume by country"),
                             ("tier", "volume by tier")):
            for item, q in prod.groupby(key, sort=True)["quantity"].sum().items():
                add(section, str(item), round(float(q), 6), period)
        flows = _at(t["component_flows"], period)
        if not flows.empty:
            totals = flows.groupby("destination")["quantity"].sum()
            shares = flows.groupby(["destination", "source_country"])["quantity"].sum()
            for (dest, origin), q in shares.items():
                add("sourcing share", f"{dest} from {origin}", round(float(q / totals[dest]), 4),
                    period)
    roles = _roles(inst, result)
    if roles is not None:
        for period in _periods(result):
            at = _at(roles, period)
            for r in at.itertuples():
                add("role type", r.plant, r.role_type, period)
            for r in at.itertuples():
                add("horizontal index", r.plant, _rounded(r.horizontal_index), period)
            for r in at.itertuples():
                add("VS share", r.plant, _rounded(r.vs_share), period)
            for r in at.itertuples():
                add("role", r.plant, r.role, period)
    return rows


def _periods(result: Any) -> list[str]:
    """The periods of a Result, in order (``P1`` for a one-period one)."""
    from gpnopt.dynamics import ONE_PERIOD

    return list(getattr(result, "periods", (ONE_PERIOD,)))


def _overall(result: Any) -> str:
    """The period label of a Result's whole-horizon values (``P1`` or ``all``)."""
    from gpnopt.results.solution import ALL_PERIODS

    return _periods(result)[0] if getattr(result, "single", True) else ALL_PERIODS


def _at(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """The rows of ``df`` in ``period`` (a table without a period column: all of them)."""
    if "period" not in df.columns:
        return df
    return df[df["period"].astype(str) == period]


def _rounded(x: Any) -> Any:
    return round(float(x), 4) if isinstance(x, int | float) and x == x else None


def _roles(inst: Instance, result: Any) -> pd.DataFrame | None:
    """The specialization roles, if that analysis is installed (``plant``, ``role``)."""
    try:
        from gpnopt.analysis.specialization import plant_roles
    except ImportError:  # pragma: no cover - the analysis ships with gpnopt
        return None
    df = plant_roles(inst, result)
    if "role" not in df.columns or "plant" not in df.columns:
        return None
    return df


def _open_sets(result: Any, period: str) -> dict[str, set[str]]:
    t = result.tables
    pp, ch = _at(t["plant_profit"], period), _at(t["channel_profit"], period)
    return {
        "plant": set(pp[pp["open"] == 1]["plant"]),
        "channel": set(ch[ch["open"] == 1]["channel"]),
    }


def diff_results(
    base_name: str,
    base: Any,
    name: str,
    other: Any,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[dict[str, Any]]:
    """Decision-level differences of ``other`` against ``base`` (rows of the diff table),
    period by period (the periods of ``base``, then those only ``other`` has)."""
    rows: list[dict[str, Any]] = []
    for period in dict.fromkeys([*_periods(base), *_periods(other)]):
        rows += _diff_period(base_name, base, name, other, threshold, period)
    return rows


def _diff_period(
    base_name: str, base: Any, name: str, other: Any, threshold: float, period: str
) -> list[dict[str, Any]]:
    """:func:`diff_results` in one period."""
    rows: list[dict[str, Any]] = []

    def add(kind: str, entity: str, before: Any, after: Any, change: str) -> None:
        rows.append(
            {
                "scenario": name,
                "against": base_name,
                "kind": kind,
                "entity": entity,
                "period": period,
                "before": before,
                "after": after,
                "change": change,
            }
        )

    def at(result: Any, table: str) -> pd.DataFrame:
        return _at(result.tables[table], period)

    a, b = _open_sets(base, period), _open_sets(other, period)
    for kind in ("plant", "channel"):
        for e in sorted(b[kind] - a[kind]):
            add(kind, e, 0, 1, "opened")
        for e in sorted(a[kind] - b[kind]):
            add(kind, e, 1, 0, "closed")

    def opened(t: pd.DataFrame, cols: list[str], flag: str) -> set[tuple]:
        return set(map(tuple, t[t[flag] == 1][cols].itertuples(index=False)))

    la = opened(at(base, "lines"), ["plant", "product"], "open")
    lb = opened(at(other, "lines"), ["plant", "product"], "open")
    for p, i in sorted(lb - la):
        add("line", f"{p}/{i}", 0, 1, "line opened")
    for p, i in sorted(la - lb):
        add("line", f"{p}/{i}", 1, 0, "line closed")

    ma = opened(at(base, "make_or_buy"), ["plant", "component"], "in_house")
    mb = opened(at(other, "make_or_buy"), ["plant", "component"], "in_house")
    for p, k in sorted(mb - ma):
        add("make_or_buy", f"{p}/{k}", "buy", "make", "in-sourced")
    for p, k in sorted(ma - mb):
        add("make_or_buy", f"{p}/{k}", "make", "buy", "out-sourced")

    def flow_q(t: pd.DataFrame) -> dict[tuple, float]:
        g = t.groupby(["component", "source", "destination"])["quantity"].sum()
        return {k: float(v) for k, v in g.items() if v > ABS_THRESHOLD}

    fa, fb = flow_q(at(base, "component_flows")), flow_q(at(other, "component_flows"))
    for key in sorted(set(fb) - set(fa)):
        add("flow", f"{key[0]}: {key[1]} -> {key[2]}", 0.0, fb[key], "appears")
    for key in sorted(set(fa) - set(fb)):
        add("flow", f"{key[0]}: {key[1]} -> {key[2]}", fa[key], 0.0, "vanishes")
    for key in sorted(set(fa) & set(fb)):
        _shift(add, "flow", f"{key[0]}: {key[1]} -> {key[2]}", fa[key], fb[key], threshold)

    def vol(t: pd.DataFrame) -> dict[tuple, float]:
        g = t.groupby(["plant", "product", "market"])["quantity"].sum()
        return {k: float(v) for k, v in g.items() if v > ABS_THRESHOLD}

    va, vb = vol(at(base, "production")), vol(at(other, "production"))
    for key in sorted(set(va) | set(vb)):
        _shift(add, "volume", f"{key[0]}: {key[1]} for {key[2]}", va.get(key, 0.0),
               vb.get(key, 0.0), threshold)
    return rows


def _shift(add: Any, kind: str, entity: str, before: float, after: float, threshold: float) -> None:
    delta = after - before
    if abs(delta) <= ABS_THRESHOLD or abs(delta) <= threshold * abs(before):
        return
    if before <= ABS_THRESHOLD:
        change = f"new: {after:g}"
    elif after <= ABS_THRESHOLD:
        change = f"stops: -{before:g}"
    else:
        change = f"{delta:+g} ({delta / before:+.0%})"
    add(kind, entity, round(before, 6), round(after, 6), change)


@dataclass
class Comparison:
    """Several scenarios' results side by side.

    Attributes:
        results: the Result of each scenario, in order (the first is the reference).
        instances: the instance of each scenario.
        kpis: long table (section, item, scenario, value).
        diff: decision-level differences against the first scenario.
    """

    results: dict[str, Any]
    instances: dict[str, Instance]
    kpis: pd.DataFrame
    diff: pd.DataFrame
    threshold: float = DEFAULT_THRESHOLD
    notes: list[str] = field(default_factory=list)

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in order (solved ones, then failed ones)."""
        names = list(self.results)
        return names + [n for n in dict.fromkeys(self.kpis["scenario"]) if n not in names]

    @property
    def kpis_wide(self) -> pd.DataFrame:
        """KPIs with one column per scenario (rows section, item, period in first-seen
        order)."""
        df = self.kpis.copy()
        keys = ["section", "item", "period"]
        order = df[keys].drop_duplicates().reset_index(drop=True)
        wide = df.pivot_table(index=keys, columns="scenario", values="value", aggfunc="first")
        wide = wide.reindex(pd.MultiIndex.from_frame(order))
        wide = wide.reindex(columns=self.scenarios)
        return wide.reset_index()

    def to_markdown(self) -> str:
        """KPIs and diff as Markdown."""
        parts = ["# Scenario comparison", "", "## KPIs", ""]
        parts.append(self.kpis_wide.fillna("").to_markdown(index=False))
        parts += ["", f"## Decisions that differ from `{self.scenarios[0]}`", ""]
        if self.diff.empty:
            parts.append("No decision differs.")
        else:
            parts.append(self.diff.to_markdown(index=False))
        return "\n".join(parts) + "\n"

    def write(
        self,
        out_dir: str | Path,
        *,
        timings: bool = True,
        formats: Sequence[str] = ("csv",),
    ) -> list[Path]:
        """Write kpis, kpis_wide, diff (in each of ``formats``: ``csv``, ``parquet``,
        ``xlsx``), comparison.md and each scenario's tables (:meth:`Result.write
        <gpnopt.results.Result.write>`, in a subfolder named after it), every file atomically
        and the folder's manifest last (:class:`gpnopt.atomic.OutputFolder`).

        Raises:
            ValueError: an unknown format.
            FolderError: a scenario's folder would lie outside ``out_dir``.
            OSError: the folder cannot be created or written.
        """
        fmts = check_formats(formats)
        tables = {"kpis": self.kpis, "kpis_wide": self.kpis_wide, "diff": self.diff}
        status = pd.DataFrame(
            [{"scenario": n, "status": r.status, "objective": r.objective}
             for n, r in self.results.items()],
            columns=["scenario", "status", "objective"],
        )
        files = table_files(tables, fmts, summary=status)
        files["comparison.md"] = self.to_markdown()
        folders = {_folder(name): None for name in self.results}
        with OutputFolder(out_dir, files=files, folders=folders) as folder:
            written = [folder.write(name, data) for name, data in files.items()]
            for name, result in self.results.items():
                sub = folder.folder(_folder(name))
                written += result.write(sub, timings=timings, formats=fmts)
        return written


def _folder(name: str) -> str:
    return name.replace(",", "+").replace("/", "_") or "base"


DIFF_COLUMNS = ["scenario", "against", "kind", "entity", "period", "before", "after", "change"]
KPI_COLUMNS = ["section", "item", "period", "scenario", "value"]


def compare_results(
    results: dict[str, Any],
    instances: dict[str, Instance],
    threshold: float = DEFAULT_THRESHOLD,
    failed: dict[str, str] | None = None,
) -> Comparison:
    """Compare solved scenarios; the first is the reference of the diff.

    Args:
        results: Result per scenario name, in order.
        instances: the instance of each scenario (same keys).
        threshold: relative volume change the diff reports.
        failed: scenarios that could not be solved, with the reason (shown as their status).
    """
    names = list(results)
    kpi_rows: list[dict[str, Any]] = []
    for n in names:
        kpi_rows += _kpi_rows(n, instances[n], results[n])
    for n, reason in (failed or {}).items():
        whole = _overall(results[names[0]]) if names else ""
        kpi_rows.append({"section": "status", "item": "status", "period": whole, "scenario": n,
                         "value": reason})
    diff_rows: list[dict[str, Any]] = []
    for n in names[1:]:
        diff_rows += diff_results(names[0], results[names[0]], n, results[n], threshold)
    kpis = pd.DataFrame(kpi_rows, columns=KPI_COLUMNS)
    diff = pd.DataFrame(diff_rows, columns=DIFF_COLUMNS)
    notes = [f"{n}: {reason}" for n, reason in (failed or {}).items()]
    return Comparison(dict(results), dict(instances), kpis, diff, threshold, notes)
