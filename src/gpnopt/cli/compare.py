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
    AllowImportsOpt,
    DebugOpt,
    FileArg,
    ForceOpt,
    FormatOpt,
    LogFileOpt,
    MipGapPerSolveOpt,
    NoParticipationOpt,
    ObjectiveOpt,
    QuietOpt,
    ScenarioFileOpt,
    SolverOpt,
    TimeLimitPerSolveOpt,
    VerboseOpt,
    cell,
    check_out_dir,
    err,
    fail,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging
from gpnopt.cli.progress import Steps
from gpnopt.errors import GpnoptError, GpnoptWarning

GRID_COLUMN_CHARS = 12
"""Width a scenario column of the KPI grid needs; more scenarios than fit switch to rows."""


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
            "-o",
            help="Output folder: kpis, kpis_wide and diff (see --format), comparison.md and "
            "each scenario's tables.",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0, help="Relative volume change the diff reports."),
    ] = 0.05,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            help="Always print the KPI grid (a column per scenario); by default, when the "
            "scenarios do not fit the terminal, scenarios are rows and only the KPIs that "
            "differ from the first are shown.",
        ),
    ] = False,
    time_limit: TimeLimitPerSolveOpt = None,
    mip_gap: MipGapPerSolveOpt = None,
    solver: SolverOpt = None,
    scenario_file: ScenarioFileOpt = None,
    table_format: FormatOpt = "csv",
    allow_imports_outside: AllowImportsOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Solve several scenarios and show KPIs side by side and the decisions that differ."""
    import gpnopt

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    check_out_dir(out_dir, force)
    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    try:
        with warnings.catch_warnings(), Steps("scenarios", enabled=not quiet) as steps:
            warnings.simplefilter("ignore", GpnoptWarning)
            comp = gpnopt.compare(
                path,
                names,
                threshold=threshold,
                objective=objective,
                time_limit=time_limit,
                mip_gap=mip_gap,
                scenario_files=scenario_file or (),
                progress=steps.update,
                allow_imports_outside=allow_imports_outside,
                participation=not no_participation,
                solver=solver,
            )
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    print_comparison(comp, wide=wide)
    if out_dir is not None:
        formats = table_format.split(",")
        write_or_exit(out_dir, lambda: comp.write(out_dir, formats=formats))
        out.print(f"\nTables written to {out_dir}/")


def grid_fits(n_scenarios: int, width: int | None = None) -> bool:
    """Whether a KPI grid with a column per scenario fits ``width`` (the terminal's)."""
    width = out.width if width is None else width
    return 34 + GRID_COLUMN_CHARS * n_scenarios <= width


def print_comparison(comp: Any, *, wide: bool | None = None) -> None:
    """Print the KPIs, the decision-level diff and the plants' roles of a comparison.

    Args:
        comp: a :class:`gpnopt.analysis.compare.Comparison`.
        wide: ``True`` always prints the grid (a column per scenario), ``False`` prints it
            only when it fits the terminal and otherwise scenarios as rows with the KPIs that
            differ; ``None`` (the default, for callers of old) always prints the grid.
    """
    grid = wide is None or wide or grid_fits(len(comp.scenarios))
    if grid:
        _print_grid(comp)
    else:
        _print_rows(comp)
    _print_diff(comp)
    if len(comp.results) > 1:
        _print_roles(comp) if grid else _print_role_changes(comp)
    for note in comp.notes:
        err.print("[yellow]not solved:[/] ", end="")
        err.print(note, markup=False)


def _print_grid(comp: Any) -> None:
    """KPIs side by side: a row per KPI, a column per scenario."""
    wide = comp.kpis_wide
    table = Table(title="KPIs by scenario", title_justify="left")
    several = wide["period"].nunique() > 1
    table.add_column("section")
    table.add_column("item")
    if several:
        table.add_column("period")
    for n in comp.scenarios:
        table.add_column(n, justify="right")
    last = None
    for row in wide.itertuples(index=False):
        values = list(row)
        section, item, period, cells = values[0], values[1], values[2], values[3:]
        table.add_row(
            section if section != last else "",
            str(item),
            *((str(period),) if several else ()),
            *[cell(v) for v in cells],
        )
        last = section
    out.print(table)


_HEADLINE = ("objective", "status", "expectations", "firm profit", "role type", "role")
"""KPI sections the scenario rows and the role table already show (left out of the rest)."""


def _print_rows(comp: Any) -> None:
    """Scenarios as rows (headline KPIs), then only the other KPIs that differ from the first."""
    kpis = comp.kpis
    ref = comp.scenarios[0]
    firms = list(dict.fromkeys(kpis.loc[kpis["section"] == "firm profit", "item"]))
    head = Table(title=f"Scenarios (the first, {ref}, is the reference)", title_justify="left")
    for c in ("scenario", "status", "objective", "vs " + ref, "expectations", *firms):
        head.add_column(c, justify="left" if c in ("scenario", "status", "expectations") else "right")
    value = {(r.scenario, r.section, str(r.item)): r.value for r in kpis.itertuples()}
    base = next((v for (sc, sec, _i), v in value.items() if sc == ref and sec == "objective"), None)
    for n in comp.scenarios:
        obj = next((v for (sc, sec, _i), v in value.items() if sc == n and sec == "objective"), None)
        delta = obj - base if isinstance(obj, float) and isinstance(base, float) else None
        head.add_row(
            n,
            str(value.get((n, "status", "status"), "-")),
            cell(obj),
            "" if n == ref else (f"{delta:+,.1f}" if delta is not None else "-"),
            str(value.get((n, "expectations", "held"), "-")),
            *[cell(value.get((n, "firm profit", f))) for f in firms],
        )
    out.print(head)
    several = kpis["period"].nunique() > 1
    t = Table(title=f"Other KPIs that differ from {ref}", title_justify="left")
    for c in ("section", "item", *(("period",) if several else ()), "scenario", ref, "value"):
        t.add_column(c, justify="right" if c in (ref, "value") else "left")
    rows = 0
    for row in comp.kpis_wide.itertuples(index=False):
        section, item, period, *cells = list(row)
        if section in _HEADLINE:
            continue
        before = cells[0]
        for n, v in zip(comp.scenarios[1:], cells[1:], strict=True):
            if cell(v) != cell(before):
                t.add_row(section, str(item), *((str(period),) if several else ()), n,
                          cell(before), cell(v))
                rows += 1
    if rows:
        out.print(t)
    else:
        out.print(f"No other KPI differs from {ref}.")


def _print_role_changes(comp: Any) -> None:
    """Only the plants whose role type differs from the first scenario's."""
    from gpnopt.analysis.specialization import compare_roles

    tables = {n: r.tables["specialization"] for n, r in comp.results.items()
              if "specialization" in r.tables}
    if not tables:
        return
    roles = compare_roles(tables)
    ref = next(iter(tables))
    first = {(r.plant, r.period): r.role_type
             for r in roles[roles["scenario"] == ref].itertuples()}
    changed = roles[roles["changed"] & (roles["scenario"] != ref)]
    if changed.empty:
        out.print(f"No plant's role type differs from {ref}.")
        return
    several = roles["period"].nunique() > 1
    t = Table(title=f"Plant role types that differ from {ref}", title_justify="left")
    for c in ("plant", *(("period",) if several else ()), "scenario", ref, "role type"):
        t.add_column(c)
    for r in changed.itertuples():
        period = (r.period,) if several else ()
        t.add_row(r.plant, *period, r.scenario, first.get((r.plant, r.period), "absent"),
                  r.role_type)
    out.print(t)


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
        several = comp.diff["period"].nunique() > 1
        t = Table(title=f"{n}: decisions that differ from {ref}", title_justify="left")
        for c in ("kind", "entity", *(("period",) if several else ()), "before", "after", "change"):
            t.add_column(c, justify="right" if c in ("before", "after") else "left")
        for r in rows.itertuples():
            t.add_row(r.kind, r.entity, *((str(r.period),) if several else ()), cell(r.before),
                      cell(r.after), r.change)
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
    several = roles["period"].nunique() > 1
    t.add_column("plant")
    if several:
        t.add_column("period")
    for n in tables:
        t.add_column(n)
    for (plant, period), g in roles.groupby(["plant", "period"], sort=False):
        cells = []
        for r in g.itertuples(index=False):
            mark = "[bold yellow]*[/]" if r.changed else ""
            idx = []
            if r.horizontal_index == r.horizontal_index:  # not NaN
                idx.append(f"H {r.horizontal_index:.2f}")
            if r.vs_share == r.vs_share:
                idx.append(f"VS {r.vs_share:.0%}")
            cells.append(f"{r.role_type}{mark}" + (f"\n{', '.join(idx)}" if idx else ""))
        t.add_row(plant, *((period,) if several else ()), *cells)
    out.print(t)
