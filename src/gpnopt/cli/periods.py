"""The printed summary of a multi-period Result: periods, net present values, timeline.

:func:`print_periods` prints an overview table (each period's years, operating weight,
yearly profit and each firm's yearly share), the net present value by firm, the timeline
(``timeline.csv``), then each period's network with the one-period summary's tables, read
from a view of the Result holding that period's rows only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from rich.table import Table

from gpnopt.cli.common import money, out


def _overview(result: Any, instance: Any) -> None:
    starts = {p.id: p.start for p in getattr(instance, "periods", [])}
    t = result.tables
    by = t["firm_profit_by_period"]
    firms = list(dict.fromkeys(by["firm"]))
    table = Table(title="Periods (money per year; weight: the period's discounted years)",
                  title_justify="left")
    for c in ("period", "start", "weight", "profit", *firms, "events"):
        table.add_column(c, justify="left" if c == "period" else "right")
    entities = pd.concat([t["plant_profit"][["period", "profit"]],
                          t["channel_profit"][["period", "profit"]]])
    for period in result.periods:
        rows = by[by["period"] == period]
        share = {r.firm: r.profit for r in rows.itertuples()}
        weight = float(rows["weight"].iloc[0]) if len(rows) else float("nan")
        profit = float(entities[entities["period"] == period]["profit"].sum())
        events = int((t["timeline"]["period"] == period).sum())
        table.add_row(period, str(starts.get(period, "")), f"{weight:.3f}", money(profit),
                      *[money(share.get(f)) for f in firms], str(events))
    out.print(table)
    npv = Table(title="Net present value by firm (equity-weighted)", title_justify="left")
    npv.add_column("firm")
    npv.add_column("value", justify="right")
    for f, v in result.firm_profit.items():
        npv.add_row(f, money(v))
    out.print(npv)


def _timeline(result: Any) -> None:
    tl = result.tables["timeline"]
    if tl.empty:
        out.print("Timeline: no asset is built, closed or switched")
        return
    table = Table(title="Timeline", title_justify="left")
    for c in ("period", "event", "entity", "detail"):
        table.add_column(c)
    for r in tl.itertuples():
        table.add_row(str(r.period), r.event, r.entity, r.detail or "")
    out.print(table)


def print_periods(
    result: Any, instance: Any, print_period: Callable[[Any, Any], None]
) -> None:
    """The multi-period part of ``gpnopt solve``'s summary; ``print_period(view, instance)``
    prints one period's network (the one-period summary's tables)."""
    _overview(result, instance)
    _timeline(result)
    for period in result.periods:
        out.print(f"\n[bold]Period {period}[/] (profits per year)")
        print_period(result.in_period(period), instance)
