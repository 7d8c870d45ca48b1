"""``gpnopt compare``: several scenarios solved, their KPIs side by side, what differs.

Registered by :mod:`gpnopt.cli`; the solver and pandas load when the command runs.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gpnopt.cli.common import (
    DebugOpt,
    FileArg,
    ForceOpt,
    MipGapPerSolveOpt,
    NoParticipationOpt,
    ObjectiveOpt,
    ScenarioFileOpt,
    TimeLimitPerSolveOpt,
    cell,
    check_out_dir,
    err,
    fail,
    out,
    write_or_exit,
)
from gpnopt.errors import GpnoptError, GpnoptWarning


def compare(
    path: FileArg,
    scenarios: Annotated[
        str,
        typer.Option(
            "--scenarios",
            "-S",
            help="Scenarios to compare, comma-separated; the first is the reference "
            "(base = the instance as written; a+b applies a and b together; all = base and "
            "every scenario of the file).",
        ),
    ],
    objective: ObjectiveOpt = None,
    no_participation: NoParticipationOpt = False,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write kpis.csv, kpis_wide.csv, diff.csv, comparison.md and each "
            "scenario's tables here.",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0, help="Relative volume change the diff reports."),
    ] = 0.05,
    time_limit: TimeLimitPerSolveOpt = None,
    mip_gap: MipGapPerSolveOpt = None,
    scenario_file: ScenarioFileOpt = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Solve several scenarios and show KPIs side by side and the decisions that differ."""
    import gpnopt

    check_out_dir(out_dir, force)
    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GpnoptWarning)
            comp = gpnopt.compare(
                path,
                names,
                threshold=threshold,
                objective=objective,
                time_limit=time_limit,
                mip_gap=mip_gap,
                scenario_files=scenario_file or (),
                participation=not no_participation,
            )
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    print_comparison(comp)
    if out_dir is not None:
        write_or_exit(out_dir, lambda: comp.write(out_dir))
        out.print(f"\nTables written to {out_dir}/")


def print_comparison(comp: Any) -> None:
    """Print KPIs side by side and the decision-level diff."""
    wide = comp.kpis_wide
    table = Table(title="KPIs by scenario", title_justify="left")
    table.add_column("section")
    table.add_column("item")
    for n in comp.scenarios:
        table.add_column(n, justify="right")
    last = None
    for row in wide.itertuples(index=False):
        values = list(row)
        section, item, cells = values[0], values[1], values[2:]
        table.add_row(
            section if section != last else "",
            str(item),
            *[cell(v) for v in cells],
        )
        last = section
    out.print(table)
    _print_diff(comp)
    if len(comp.results) > 1:
        _print_roles(comp)
    for note in comp.notes:
        err.print("[yellow]not solved:[/] ", end="")
        err.print(note, markup=False)


def _print_diff(comp: Any) -> None:
    """For each scenario after the first, the decisions that differ from the first."""
    ref = comp.scenarios[0]
    for n in comp.scenarios[1:]:
        rows = comp.diff[comp.diff["scenario"] == n]
        if n not in comp.results:
            continue
        if rows.empty:
            out.print(f"{n}: no decision differs from {ref}")
            continue
        t = Table(title=f"{n}: decisions that differ from {ref}", title_justify="left")
        for c in ("kind", "entity", "before", "after", "change"):
            t.add_column(c, justify="right" if c in ("before", "after") else "left")
        for r in rows.itertuples():
            t.add_row(r.kind, r.entity, cell(r.before), cell(r.after), r.change)
        out.print(t)


def _print_roles(comp: Any) -> None:
    """Each plant's role type and indices per scenario, changes against the first marked."""
    from gpnopt.analysis.specialization import compare_roles

    tables = {n: r.tables["specialization"] for n, r in comp.results.items()
              if "specialization" in r.tables}
    if not tables:
        return
    roles = compare_roles(tables)
    t = Table(
        title="Plant roles by scenario (H horizontal index, VS vertical share; "
        "* the role type changed)",
        title_justify="left",
    )
    t.add_column("plant")
    for n in tables:
        t.add_column(n)
    for plant, g in roles.groupby("plant", sort=False):
        cells = []
        for r in g.itertuples(index=False):
            mark = "[bold yellow]*[/]" if r.changed else ""
            idx = []
            if r.horizontal_index == r.horizontal_index:  # not NaN
                idx.append(f"H {r.horizontal_index:.2f}")
            if r.vs_share == r.vs_share:
                idx.append(f"VS {r.vs_share:.0%}")
            cells.append(f"{r.role_type}{mark}" + (f"\n{', '.join(idx)}" if idx else ""))
        t.add_row(plant, *cells)
    out.print(t)
